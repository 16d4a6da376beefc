"""GraphML and GEXF for Gephi, yEd and Cytoscape, through networkx's writers.

Neither format holds lists, dicts or missing values, so attributes are encoded: lists (aliases,
sources, papers) become JSON arrays in a string (``'["LoRA", "Low-Rank Adaptation"]'``), and a
missing value is left out of that node or edge. Control characters that XML 1.0 cannot
represent are dropped from strings. Every node has ``kind`` and ``label``; edges
have ``relation`` and the flat properties of ``kg.export.tables``. Read a list back with
``json.loads``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx

from kg.export.tables import edge_rows, node_rows
from kg.fileio import atomic_open

__all__ = ["to_flat_graph", "write_gexf", "write_graphml"]


# Characters XML 1.0 cannot hold at all (not even escaped); they are dropped from strings.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _flat(row: dict) -> dict:
    out = {}
    for key, value in row.items():
        if value is None:
            continue
        if isinstance(value, list):
            value = json.dumps(value, ensure_ascii=False)
        if isinstance(value, str):
            value = _XML_INVALID.sub("", value)
        out[key] = value
    return out


def to_flat_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``G`` whose attributes are all strings or numbers, in sorted order."""
    H = nx.MultiDiGraph()
    for row in node_rows(G):
        H.add_node(row["id"], **_flat({k: v for k, v in row.items() if k != "id"}))
    for i, row in enumerate(edge_rows(G)):
        H.add_edge(row["source"], row["target"], key=f"e{i}",
                   **_flat({k: v for k, v in row.items() if k not in ("source", "target")}))
    return H


def write_graphml(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write GraphML atomically."""
    with atomic_open(path, "wb") as handle:
        nx.write_graphml(to_flat_graph(G), handle, encoding="utf-8")


def write_gexf(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write GEXF 1.2 atomically."""
    with atomic_open(path, "wb") as handle:
        nx.write_gexf(to_flat_graph(G), handle, encoding="utf-8")
