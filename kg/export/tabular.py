"""Node and edge tables through pandas, for notebooks: CSV and Parquet.

``write_csv(G, directory)`` writes ``nodes.csv`` and ``edges.csv``; lists are JSON arrays in
a string. ``write_parquet(G, directory)`` writes ``nodes.parquet`` and ``edges.parquet`` with
real list columns (needs pyarrow). Columns are those of ``kg.export.tables``.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kg.errors import ExportError
from kg.export.tables import LIST_FIELDS, edge_rows, node_rows
from kg.fileio import atomic_open

__all__ = ["to_dataframes", "write_csv", "write_parquet"]


def to_dataframes(G: nx.MultiDiGraph):
    """``(nodes, edges)`` as pandas DataFrames."""
    import pandas as pd

    nodes = pd.DataFrame(node_rows(G))
    edges = pd.DataFrame(edge_rows(G))
    for frame in (nodes, edges):
        for column in ("year", "author_count", "upvotes", "paper_count", "evidence_count"):
            if column in frame:
                frame[column] = frame[column].astype("Int64")
    return nodes, edges


def write_csv(G: nx.MultiDiGraph, directory: str | Path) -> None:
    """Write ``nodes.csv`` and ``edges.csv`` atomically."""
    nodes, edges = to_dataframes(G)
    for frame, name in ((nodes, "nodes.csv"), (edges, "edges.csv")):
        frame = frame.copy()
        for column in frame.columns:
            if column in LIST_FIELDS:
                frame[column] = frame[column].map(
                    lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v)
        with atomic_open(Path(directory) / name) as handle:
            frame.to_csv(handle, index=False, lineterminator="\n")


def write_parquet(G: nx.MultiDiGraph, directory: str | Path) -> None:
    """Write ``nodes.parquet`` and ``edges.parquet`` atomically (pyarrow)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError as err:
        raise ExportError("Parquet export needs pyarrow: pip install pyarrow") from err
    nodes, edges = to_dataframes(G)
    for frame, name in ((nodes, "nodes.parquet"), (edges, "edges.parquet")):
        with atomic_open(Path(directory) / name, "wb") as handle:
            frame.to_parquet(handle, index=False)
