"""The graph as flat property tables: one row per node and one per edge.

Every property-graph export (Neo4j CSV, Cypher, CSV/Parquet, GraphML) reads these rows, so
they agree on names and types:

- nodes: ``id``, ``kind`` (the label), ``label``; papers add ``title``, ``abstract``,
  ``published`` (ISO date), ``year``, ``author_count``, ``upvotes``, ``organization``,
  ``arxiv_id``, ``sources`` (list of ``path:line``); entities add ``aliases`` (list),
  ``concept`` and ``paper_count`` (how many papers mention it).
- edges: ``source``, ``target``, ``relation`` (``uses``, ..., ``broader``), ``evidence`` (the
  first evidence sentence), ``evidence_count``, ``rule``, ``papers`` (list of paper ids whose
  text supports it), and for ``outperforms`` ``metric``, ``factor``, ``percent``, ``value``,
  ``baseline_value``.

Missing values are ``None``; lists are Python lists. Rows are sorted by id / (source, target,
relation), so every export is deterministic.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

__all__ = ["EDGE_COLUMNS", "NODE_COLUMNS", "edge_row", "edge_rows", "field_kind", "node_row",
           "node_rows", "to_number"]

NODE_COLUMNS = {
    "Paper": ["id", "kind", "label", "title", "abstract", "published", "year", "author_count",
              "upvotes", "organization", "arxiv_id", "sources"],
    "Entity": ["id", "kind", "label", "aliases", "concept", "paper_count"],
}
EDGE_COLUMNS = ["source", "target", "relation", "evidence", "evidence_count", "rule", "papers",
                "metric", "factor", "percent", "value", "baseline_value"]
INT_FIELDS = {"year", "author_count", "upvotes", "paper_count", "evidence_count"}
FLOAT_FIELDS = {"factor", "percent"}
LIST_FIELDS = {"sources", "aliases", "papers"}


def field_kind(name: str) -> str:
    """The value kind of a column: ``int``, ``float``, ``list`` (of strings) or ``str``."""
    if name in INT_FIELDS:
        return "int"
    if name in FLOAT_FIELDS:
        return "float"
    if name in LIST_FIELDS:
        return "list"
    return "str"


def to_number(text: str | None) -> float | None:
    """ "4.86" -> 4.86; a range "1.4-11.2" -> 11.2 (its upper bound); anything else -> None."""
    if not text:
        return None
    parts = [p.strip() for p in text.replace("–", "-").replace("~", "-").split("-") if p.strip()]
    try:
        return float(parts[-1]) if parts else None
    except ValueError:
        return None


def node_row(node: str, data: dict) -> dict[str, Any]:
    """The row of one node (its graph attributes ``data``)."""
    if data["kind"] == "Paper":
        published = data.get("published")
        return {
            "id": node, "kind": "Paper", "label": data["title"], "title": data["title"],
            "abstract": data.get("abstract") or None, "published": published,
            "year": int(published[:4]) if published else None,
            "author_count": data.get("author_count"), "upvotes": data.get("upvotes"),
            "organization": data.get("organization"), "arxiv_id": data.get("arxiv_id"),
            "sources": [f"{s['path']}:{s['line']}" for s in data.get("sources", [])],
        }
    return {
        "id": node, "kind": data["kind"], "label": data["label"],
        "aliases": sorted(set(data.get("aliases", []))), "concept": data.get("concept"),
        "paper_count": int(data.get("papers", 0)),
    }


def edge_row(u: str, v: str, data: dict) -> dict[str, Any]:
    """The row of one edge from ``u`` to ``v`` (its graph attributes ``data``)."""
    evidence = data.get("evidence") or []
    values = data.get("values") or {}
    return {
        "source": u, "target": v, "relation": data["relation"],
        "evidence": evidence[0]["sentence"] if evidence else None,
        "evidence_count": len(evidence),
        "rule": evidence[0]["rule"] if evidence else None,
        "papers": sorted({e["paper"] for e in evidence}),
        "metric": data.get("metric"),
        "factor": to_number(values.get("factor")),
        "percent": to_number(values.get("percent")),
        "value": values.get("value"), "baseline_value": values.get("baseline_value"),
    }


def node_rows(G: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """One dict per node, sorted by id."""
    return [node_row(node, G.nodes[node]) for node in sorted(G.nodes)]


def edge_rows(G: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """One dict per edge, sorted by (source, target, relation, first paper)."""
    return [edge_row(u, v, G.edges[u, v, key]) for u, v, key in sorted(G.edges(keys=True))]
