"""Merging per-paper findings into one graph: ``GraphBuilder`` paper by paper (what a build
uses: each paper's ``kg.canonical.PaperBlock`` as it is merged, then the ``Shared`` parts),
``build_graph(findings) -> nx.MultiDiGraph`` for a graph in memory.

Node ids are paper ids (``paper-…``/``arxiv-…``) and entity ids (``hardware/nvidia-h100``).
Entities from different papers are merged when they share a concept, or a non-acronym name
(case, plural and hyphen folded): acronyms alone are too ambiguous across papers ("PP" is
pipeline parallelism in one paper and patch parallelism in another). Concepts used in the graph
bring their broader concepts along, so the hierarchy (H100 -> Hopper GPU -> GPU) is queryable.

Node attributes: ``kind`` (Paper or an entity type), ``label``, and per kind: papers keep
``title``, ``abstract``, ``published``, ``author_count``, ``upvotes``, ``organization``,
``sources``; entities keep ``aliases``, ``concept``, ``papers`` (count). Edge keys are relation
types (``outperforms`` edges are keyed per claiming paper); edge attributes are ``relation``,
``evidence`` (list of ``EdgeEvidence``: paper, sentence, start, end, rule, readable by key as
``ev["sentence"]``), and for ``outperforms``
``metric`` and ``values``. ``broader`` edges link concepts.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

import networkx as nx

from kg.canonical import Edge, PaperBlock, Shared
from kg.model import Entity, PaperFindings
from kg.normalize import norm_key
from kg.tally import count_tallies, month_of
from kg.vocab import Vocabulary, is_acronym, load_vocabulary

__all__ = ["EdgeEvidence", "GraphBuilder", "build_graph", "graph_summary"]


class EdgeEvidence(NamedTuple):
    """One piece of an edge's evidence. A tuple, not a dict: a graph of 10^5 papers holds
    ~10^6 of them (a 5-key dict costs ~3x the memory). Readable by key like the dicts it
    replaced (``ev["sentence"]``), so every exporter reads it the same way."""

    paper: str
    sentence: str
    start: int
    end: int
    rule: str

    def __getitem__(self, key):
        return getattr(self, key) if isinstance(key, str) else tuple.__getitem__(self, key)


class _EntityIndex:
    """Maps (type, folded name) to the canonical entity id across papers."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str], str] = {}

    def resolve(self, entity: Entity) -> str:
        if entity.concept:
            canonical = entity.concept
        else:
            canonical = next((self.by_key[(entity.type, k)] for k in self._keys(entity)
                              if (entity.type, k) in self.by_key), entity.id)
        for key in self._keys(entity):
            self.by_key.setdefault((entity.type, key), canonical)
        return canonical

    @staticmethod
    def _keys(entity: Entity) -> tuple[str, ...]:
        return _name_keys((entity.label, *entity.aliases))


@lru_cache(maxsize=1 << 16)
def _name_keys(names: tuple[str, ...]) -> tuple[str, ...]:
    """The folded merge keys of an entity's names (acronyms excluded: they are ambiguous
    across papers). Cached: the same vocabulary concepts, with all their aliases, recur in
    most papers, and this ran ~80 times per paper."""
    return tuple(key for n in names if not is_acronym(n) and (key := norm_key(n)))


class GraphBuilder:
    """Merges per-paper findings one paper at a time (entity resolution, aliases, paper
    counts) and hands back each paper's ``PaperBlock`` as it goes.

    Why a streaming builder: at 10^5 papers the whole ``nx.MultiDiGraph`` holds ~10^6 edges
    and most of a build's memory. Every format (``kg.export.Sink``) writes each block at once
    and needs only what papers share, which this keeps: entity nodes,
    ``broader`` edges, source pages, and each paper's related concepts for the tallies (a few
    bytes per edge). ``graph``, when given, receives every block too (``build_graph``: a
    graph for notebooks and ``write_<fmt>(G, ...)``; a build itself never needs one).
    """

    def __init__(self, vocab: Vocabulary | None = None, *,
                 graph: nx.MultiDiGraph | None = None) -> None:
        self.vocab = vocab or load_vocabulary()
        self.graph = graph
        self.index = _EntityIndex()
        self.entities: dict[str, dict] = {}  # id -> node attributes, first seen first
        self.broader: dict[tuple[str, str], None] = {}  # ordered set of (narrower, broader)
        self.pages: dict[str, str] = {}  # source path -> page date, first listing wins
        self.papers = 0
        self.dated = 0  # papers with a publication date
        self.edge_counts: dict[str, int] = {}
        self.claims: dict[tuple[str, str], int] = {}  # (winner, loser) -> claiming papers
        # Per paper: (month, codes of its (relation, concept) pairs), read by kg.tally.
        self.related: list[tuple[str, array]] = []
        self._codes: dict[tuple[str, str], int] = {}
        self._known: dict[str, set[str]] = {}  # entity id -> folded label and aliases
        # Entities already merged, as found, -> canonical id (see _merge_entity).
        self._merged: dict[Entity, str] = {}
        self._finished = False

    def add(self, record: PaperFindings) -> PaperBlock:
        """Merge one paper's findings; returns its block (also added to ``graph``)."""
        paper = record.paper
        data = {"kind": "Paper", "label": paper.title, "title": paper.title,
                "abstract": paper.abstract, "published": paper.published,
                "author_count": paper.author_count, "upvotes": paper.upvotes,
                "organization": paper.organization, "arxiv_id": paper.arxiv_id,
                "authors": list(paper.authors), "categories": list(paper.categories),
                "doi": paper.doi, "updated": paper.updated,
                "sources": [s.to_dict() for s in paper.sources]}
        for source in paper.sources:
            self.pages.setdefault(source.path, source.page)
        self.papers += 1
        if paper.published:
            self.dated += 1
        ids: dict[str, str] = {paper.id: paper.id}
        for entity in record.entities:
            ids[entity.id] = self._merge_entity(entity)
        edges = self._edges(paper.id, record, ids)
        month = sys.intern(month_of(paper.published))
        self.related.append((month, array("I", sorted({
            self._code(d["relation"], v) for u, v, _, d in edges if u == paper.id}))))
        if self.graph is not None:
            self.graph.add_node(paper.id, **data)
            for u, v, key, attrs in edges:
                self.graph.add_edge(u, v, key=key, **attrs)
        return PaperBlock(paper.id, data, edges)

    def _code(self, relation: str, concept: str) -> int:
        return self._codes.setdefault((relation, concept), len(self._codes))

    def _merge_entity(self, entity: Entity) -> str:
        """The canonical id of ``entity``, its new names added to that node.

        Why the memo: most entities of a paper are vocabulary concepts found with the same
        names in many papers (~12 entities a paper). Merging the same entity again changes
        nothing but the node's paper count: every name key it resolves by was set the first
        time and keys are never reassigned, its aliases are known, its broader links are
        recorded. So a repeat only counts the paper.
        """
        canonical = self._merged.get(entity)
        if canonical is not None:
            self.entities[canonical]["papers"] += 1
            return canonical
        canonical = self._merged[entity] = self._resolve_new(entity)
        return canonical

    def _resolve_new(self, entity: Entity) -> str:
        canonical = self.index.resolve(entity)
        node = self.entities.get(canonical)
        if node is None:
            concept = self.vocab.concepts.get(canonical)
            node = self._new_node(canonical, entity.type,
                                  concept.label if concept else entity.label,
                                  canonical if concept else None)
        known = self._known[canonical]
        for alias in (entity.label, *entity.aliases):
            key = norm_key(alias)
            if key not in known:
                node["aliases"].append(alias)
                known.add(key)
        node["papers"] += 1
        if not entity.concept:
            for parent in entity.broader:  # a new name's head concept ("... accuracy")
                if parent in self.vocab.concepts and parent != canonical:
                    self._ensure_concept(parent)
                    self.broader[(canonical, parent)] = None
        return canonical

    def _new_node(self, node_id: str, kind: str, label: str, concept: str | None) -> dict:
        node = self.entities[node_id] = {"kind": kind, "label": label, "aliases": [],
                                         "concept": concept, "papers": 0}
        if concept is not None and self.vocab.concepts[concept].product:
            node["product"] = True
        self._known[node_id] = {norm_key(label)}
        return node

    def _ensure_concept(self, concept_id: str) -> None:
        if concept_id not in self.entities:
            concept = self.vocab.concepts[concept_id]
            self._new_node(concept_id, concept.type, concept.label, concept_id)

    def _edges(self, paper_id: str, record: PaperFindings, ids: dict[str, str]) -> list[Edge]:
        # One string per sentence: a sentence often supports several edges, and at 10^5
        # papers the evidence sentences are most of the graph's memory.
        sentences: dict[str, str] = {}
        edges: dict[tuple[str, str, str], dict] = {}
        for relation in record.relations:
            source, target = ids.get(relation.source), ids.get(relation.target)
            if source is None or target is None:
                continue
            key = (relation.type if relation.type != "outperforms"
                   else f"outperforms|{paper_id}")
            ev = relation.evidence
            evidence = EdgeEvidence(paper_id, sentences.setdefault(ev.sentence, ev.sentence),
                                    ev.start, ev.end, sys.intern(ev.rule))
            attrs = edges.get((source, target, key))
            if attrs is not None:
                attrs["evidence"].append(evidence)
                continue
            attrs = {"relation": relation.type, "evidence": [evidence]}
            if relation.confidence is not None:
                attrs["confidence"] = relation.confidence
            if relation.type == "outperforms":
                attrs["paper"] = paper_id
                if source != paper_id:
                    self.claims[(source, target)] = self.claims.get((source, target), 0) + 1
                attrs["metric"] = ids.get(relation.metric) if relation.metric else None
                attrs["values"] = dict(relation.values)
            edges[(source, target, key)] = attrs
            self.edge_counts[relation.type] = self.edge_counts.get(relation.type, 0) + 1
        return [(u, v, k, edges[(u, v, k)]) for u, v, k in sorted(edges)]

    def finish(self) -> None:
        """Add the hierarchy: every concept brings its broader concepts along (H100 -> Hopper
        GPU -> GPU). Call once, after the last ``add``."""
        if self._finished:
            return
        self._finished = True
        todo = [n for n, d in self.entities.items() if d["concept"]]
        while todo:
            node = todo.pop()
            for parent in self.vocab.concepts[node].broader:
                if parent not in self.entities:
                    self._ensure_concept(parent)
                    todo.append(parent)
                self.broader[(node, parent)] = None
        if self.broader:
            self.edge_counts["broader"] = len(self.broader)
        self._known.clear()
        self._merged.clear()
        if self.graph is not None:
            for node, attrs in self.entities.items():
                self.graph.add_node(node, **attrs)
            for u, v in self.broader:
                self.graph.add_edge(u, v, key="broader", relation="broader", evidence=[])

    def related_concepts(self) -> Iterator[tuple[str, dict[str, set[str]]]]:
        """Per paper, in order: (month, relation -> the concepts it relates the paper to)."""
        decode = list(self._codes)
        for month, codes in self.related:
            out: dict[str, set[str]] = {}
            for code in codes:
                relation, concept = decode[code]
                out.setdefault(relation, set()).add(concept)
            yield month, out

    def shared(self) -> Shared:
        """What the papers share (call after ``finish``): the parts every sink's ``finish``
        receives."""
        return Shared(self.entities, list(self.broader), self.pages,
                      lambda: count_tallies(self.related_concepts(), self.broader), self.claims)

    def summary(self) -> dict[str, dict[str, int]]:
        """``graph_summary`` of what was built (call after ``finish``)."""
        nodes: dict[str, int] = {"Paper": self.papers} if self.papers else {}
        for data in self.entities.values():
            nodes[data["kind"]] = nodes.get(data["kind"], 0) + 1
        return {"nodes": dict(sorted(nodes.items())),
                "edges": dict(sorted(self.edge_counts.items()))}


def build_graph(findings: Iterable[PaperFindings], *,
                vocab: Vocabulary | None = None) -> nx.MultiDiGraph:
    """Build the knowledge graph from per-paper findings.

    Parameters
    ----------
    findings : iterable of PaperFindings
        One record per distinct paper (merge repeated listings before extraction).
    vocab : Vocabulary, optional
        Supplies labels and ``broader`` links of concepts; defaults to the packaged one.

    Returns
    -------
    networkx.MultiDiGraph
        Paper nodes in the order given (``kg.export.rdf`` writes them in that order).
    """
    builder = GraphBuilder(vocab, graph=nx.MultiDiGraph())
    for record in findings:
        builder.add(record)
    builder.finish()
    assert builder.graph is not None
    return builder.graph


def graph_summary(G: nx.MultiDiGraph) -> dict[str, dict[str, int]]:
    """Counts of nodes per kind and edges per relation, sorted by name."""
    nodes: dict[str, int] = {}
    for _, kind in G.nodes(data="kind"):
        nodes[kind] = nodes.get(kind, 0) + 1
    edges: dict[str, int] = {}
    for _, _, relation in G.edges(data="relation"):
        edges[relation] = edges.get(relation, 0) + 1
    return {"nodes": dict(sorted(nodes.items())), "edges": dict(sorted(edges.items()))}
