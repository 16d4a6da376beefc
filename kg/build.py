"""``build_graph(findings) -> nx.MultiDiGraph``: the one canonical graph every export reads.

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
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

import networkx as nx

from kg.model import Entity, PaperFindings
from kg.normalize import norm_key
from kg.vocab import Vocabulary, is_acronym, load_vocabulary

__all__ = ["build_graph", "graph_summary"]


class EdgeEvidence(NamedTuple):
    """One piece of an edge's evidence. A tuple, not a dict: a graph of 10^5 papers holds
    ~10^6 of them (a 5-key dict costs ~3x the memory). Readable by key like the dicts it
    replaced (``ev["sentence"]``), so every exporter reads it the same way."""

    paper: str
    sentence: str
    start: int
    end: int
    rule: str

    def __getitem__(self, key):  # type: ignore[override]
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
    """
    vocab = vocab or load_vocabulary()
    G = nx.MultiDiGraph()
    index = _EntityIndex()
    for record in findings:
        paper = record.paper
        G.add_node(paper.id, kind="Paper", label=paper.title, title=paper.title,
                   abstract=paper.abstract, published=paper.published,
                   author_count=paper.author_count, upvotes=paper.upvotes,
                   organization=paper.organization, arxiv_id=paper.arxiv_id,
                   authors=list(paper.authors), categories=list(paper.categories),
                   doi=paper.doi, updated=paper.updated,
                   sources=[s.to_dict() for s in paper.sources])
        ids: dict[str, str] = {paper.id: paper.id}
        # One string per sentence: a sentence often supports several edges, and at 10^5
        # papers the evidence sentences are most of the graph's memory.
        sentences: dict[str, str] = {}
        for entity in record.entities:
            canonical = index.resolve(entity)
            ids[entity.id] = canonical
            if canonical not in G:
                concept = vocab.concepts.get(canonical)
                label = concept.label if concept else entity.label
                G.add_node(canonical, kind=entity.type, label=label, aliases=[],
                           concept=canonical if concept else None, papers=0)
            node = G.nodes[canonical]
            known = {norm_key(node["label"]), *(norm_key(a) for a in node["aliases"])}
            for alias in (entity.label, *entity.aliases):
                if norm_key(alias) not in known:
                    node["aliases"].append(alias)
                    known.add(norm_key(alias))
            node["papers"] += 1
            if not entity.concept:
                for parent in entity.broader:  # a new name's head concept ("... accuracy")
                    if parent in vocab.concepts and parent != canonical:
                        _ensure_concept(G, vocab, parent)
                        if not G.has_edge(canonical, parent, "broader"):
                            G.add_edge(canonical, parent, key="broader", relation="broader",
                                       evidence=[])
        for relation in record.relations:
            source, target = ids.get(relation.source), ids.get(relation.target)
            if source is None or target is None:
                continue
            key = relation.type if relation.type != "outperforms" else f"outperforms|{paper.id}"
            ev = relation.evidence
            evidence = EdgeEvidence(paper.id, sentences.setdefault(ev.sentence, ev.sentence),
                                    ev.start, ev.end, sys.intern(ev.rule))
            if G.has_edge(source, target, key):
                G.edges[source, target, key]["evidence"].append(evidence)
                continue
            attrs = {"relation": relation.type, "evidence": [evidence]}
            if relation.type == "outperforms":
                attrs["paper"] = paper.id
                attrs["metric"] = ids.get(relation.metric) if relation.metric else None
                attrs["values"] = dict(relation.values)
            G.add_edge(source, target, key=key, **attrs)
    _add_hierarchy(G, vocab)
    return G


def _ensure_concept(G: nx.MultiDiGraph, vocab: Vocabulary, concept_id: str) -> None:
    if concept_id not in G:
        concept = vocab.concepts[concept_id]
        G.add_node(concept_id, kind=concept.type, label=concept.label, aliases=[],
                   concept=concept_id, papers=0)


def _add_hierarchy(G: nx.MultiDiGraph, vocab: Vocabulary) -> None:
    todo = [n for n, d in G.nodes(data=True) if d.get("concept")]
    while todo:
        node = todo.pop()
        for parent in vocab.concepts[node].broader:
            if parent not in G:
                _ensure_concept(G, vocab, parent)
                todo.append(parent)
            if not G.has_edge(node, parent, "broader"):
                G.add_edge(node, parent, key="broader", relation="broader", evidence=[])


def graph_summary(G: nx.MultiDiGraph) -> dict[str, dict[str, int]]:
    """Counts of nodes per kind and edges per relation, sorted by name."""
    nodes: dict[str, int] = {}
    for _, kind in G.nodes(data="kind"):
        nodes[kind] = nodes.get(kind, 0) + 1
    edges: dict[str, int] = {}
    for _, _, relation in G.edges(data="relation"):
        edges[relation] = edges.get(relation, 0) + 1
    return {"nodes": dict(sorted(nodes.items())), "edges": dict(sorted(edges.items()))}
