"""The public Python API, re-exported from ``kg`` (``import kg``; docs/api.md).

Read listings, extract, build, and work with a built graph: as a networkx graph whose
attributes every networkx writer accepts (``load_graph``), as pandas DataFrames of its edges
and its comparisons (``edges``, ``claims``), and written in any registered format
(``write``, ``write_<fmt>``) through the sinks a build uses, so the bytes are the same.

A graph from ``load_graph`` is *flat*: every attribute is a str, int, float or bool, lists
and mappings (a paper's sources, an entity's aliases, an edge's evidence) are JSON text and
empty attributes are left out, so ``nx.write_graphml(G, ...)`` and the other networkx
writers take it as it is. ``write`` and ``write_<fmt>`` accept it and turn it back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.export import FORMATS, write_format
from kg.findings import findings_of, read_findings_jsonl
from kg.merge import EdgeEvidence, build_graph
from kg.model import Paper, PaperFindings
from kg.pipeline import build, read_merged
from kg.pipeline import load_graph as merged_graph

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FORMATS", "build", "build_graph", "claims", "edges", "extract_papers", "from_flat",
           "load_graph", "read_papers", "to_flat", "write"]

# The graph attribute that marks a flat graph (``to_flat``).
FLAT = "kg_flat"
_EVIDENCE = "evidence"


def read_papers(paths: str | Path | Iterable[str | Path], *, source: str | None = None,
                columns: dict[str, str] | None = None) -> list[Paper]:
    """The papers of listing files (any source kg reads), repeated listings merged into one
    paper. ``source`` forces a reader (``daily_papers``, ``arxiv``, ``jsonl``, ``csv``,
    ``bibtex``, ``hf_api``); ``columns`` maps a table's column names to kg's fields."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    return read_merged(paths, source=source, columns=columns)[1]


def extract_papers(papers: Paper | Iterable[Paper], *, workers: int = 1
                   ) -> list[PaperFindings]:
    """The findings of each paper (entities and relations with their evidence), in order;
    ``workers`` processes extract in parallel."""
    from kg.extract import extract_papers as extract

    if isinstance(papers, Paper):
        papers = [papers]
    return list(extract(papers, workers=workers))


def load_graph(directory: str | Path = "exports") -> nx.MultiDiGraph:
    """The graph of a previous build (``kg build -o DIRECTORY``), merged again from its
    findings.jsonl with the names its curation set, flat (``to_flat``): ready for networkx's
    algorithms and writers."""
    return to_flat(merged_graph(directory))


def _flat_value(key: str, value: Any) -> Any:
    if key == _EVIDENCE:
        return json.dumps([ev._asdict() for ev in value], ensure_ascii=False)
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _flat(data: dict) -> dict:
    return {key: _flat_value(key, value) for key, value in data.items()
            if value is not None and value != [] and value != {}}


def to_flat(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``G`` whose attributes every networkx writer accepts: lists and mappings as
    JSON text, None and empty values left out (``from_flat`` turns it back)."""
    H = nx.MultiDiGraph(**{FLAT: True})
    H.add_nodes_from((node, _flat(data)) for node, data in G.nodes(data=True))
    H.add_edges_from((u, v, key, _flat(data)) for u, v, key, data in
                     G.edges(keys=True, data=True))
    return H


# What a merged graph holds on each node and edge, with the value of an empty one.
_PAPER: dict[str, Any] = {
          "kind": None, "label": None, "title": None, "abstract": None, "published": None,
          "author_count": None, "upvotes": None, "organization": None, "arxiv_id": None,
          "authors": [], "categories": [], "doi": None, "updated": None, "sources": []}
_ENTITY: dict[str, Any] = {"kind": None, "label": None, "aliases": [], "concept": None, "papers": 0}
_JSON = {"authors", "categories", "sources", "aliases", "values"}


def _unflat(data: dict, template: dict) -> dict:
    out = {}
    for key in (*template, *(k for k in data if k not in template)):
        value = data.get(key, template.get(key))
        if key in _JSON and isinstance(value, str):
            value = json.loads(value)
        elif key == _EVIDENCE:
            value = ([EdgeEvidence(**ev) for ev in json.loads(value)]
                     if isinstance(value, str) else value or [])
        out[key] = value
    return out


def from_flat(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The merged graph a flat graph (``to_flat``) was made from; any other graph as it is."""
    if not G.graph.get(FLAT):
        return G
    H = nx.MultiDiGraph()
    for node, data in G.nodes(data=True):
        H.add_node(node, **_unflat(data, _PAPER if data.get("kind") == "Paper" else _ENTITY))
    for u, v, key, data in G.edges(keys=True, data=True):
        edge: dict[str, Any] = {"relation": None, _EVIDENCE: []}
        if data.get("relation") == "outperforms":
            edge |= {"paper": None, "metric": None, "values": {}}
        H.add_edge(u, v, key=key, **_unflat(data, edge))
    return H


def write(G: nx.MultiDiGraph, fmt: str, path: str | Path) -> Path:
    """Write format ``fmt`` (a name of ``kg.FORMATS``) of ``G`` (flat or merged) to ``path``,
    the same bytes a build writes."""
    return write_format(from_flat(G), fmt, path)


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


def edges(directory: str | Path = "exports") -> pd.DataFrame:
    """One row per extracted edge of a build: paper, relation, target (id, label and type),
    the evidence sentence with its character offsets and the rule that found it."""
    rows = []
    for record in read_findings_jsonl(findings_of(directory)):
        names = {e.id: e for e in record.entities}
        for rel in record.relations:
            source, target = names.get(rel.source), names.get(rel.target)
            rows.append({
                "paper": record.paper.id, "title": record.paper.title,
                "relation": rel.type,
                "source": source.label if source else record.paper.title,
                "source_type": source.type if source else "Paper",
                "target": target.label if target else rel.target,
                "target_type": target.type if target else None,
                "target_id": target.concept or target.id if target else rel.target,
                "evidence": rel.evidence.sentence, "start": rel.evidence.start,
                "end": rel.evidence.end, "rule": rel.evidence.rule})
    return _frame(rows, ["paper", "title", "relation", "source", "source_type", "target",
                         "target_type", "target_id", "evidence", "start", "end", "rule"])


def claims(directory: str | Path = "exports") -> pd.DataFrame:
    """One row per comparison a paper states (``outperforms``): winner, loser, metric, the
    factor or percent and the values when given, the paper and the evidence sentence."""
    rows = []
    for record in read_findings_jsonl(findings_of(directory)):
        names = {e.id: e.label for e in record.entities}
        for rel in record.relations:
            if rel.type != "outperforms":
                continue
            values = dict(rel.values)
            rows.append({
                "winner": names.get(rel.source, record.paper.title),
                "loser": names.get(rel.target, rel.target),
                "metric": names.get(rel.metric) if rel.metric else None,
                "factor": values.get("factor"), "percent": values.get("percent"),
                "value": values.get("value"), "baseline_value": values.get("baseline_value"),
                "paper": record.paper.id, "title": record.paper.title,
                "evidence": rel.evidence.sentence})
    return _frame(rows, ["winner", "loser", "metric", "factor", "percent", "value",
                         "baseline_value", "paper", "title", "evidence"])
