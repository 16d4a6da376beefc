"""Node and edge tables for notebooks: CSV and Parquet.

``CsvWriter`` writes ``nodes.csv`` and ``edges.csv``; lists are JSON arrays in a string.
``ParquetWriter`` writes ``nodes.parquet`` and ``edges.parquet`` with real list columns
(needs pyarrow), in row groups of ``ROW_GROUP`` rows. Both are written paper by paper as a
build streams (``kg.export.tables.BlockWriter``), in the rows' order of
``kg.export.tables.RowStream``; ``write_csv(G, directory)`` and ``write_parquet(G,
directory)`` write a built graph through them. Every table has every column
(``NODE_TABLE``, ``EDGE_COLUMNS``) whatever the graph holds, with the types of
``field_kind``; pandas reads integer columns back as ``Int64`` from either format.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

import networkx as nx

from kg.errors import ExportError
from kg.export import write_format
from kg.export.tables import (
    EDGE_COLUMNS,
    INT_FIELDS,
    NODE_TABLE,
    BlockWriter,
    CsvRows,
    edge_rows,
    field_kind,
    node_rows,
)

__all__ = ["CsvWriter", "ParquetWriter", "to_dataframes", "write_csv", "write_parquet"]

ROW_GROUP = 10_000


def to_dataframes(G: nx.MultiDiGraph):
    """``(nodes, edges)`` of a built graph as pandas DataFrames, sorted by id / (source,
    target, relation), every column of the tables, integers as ``Int64``."""
    import pandas as pd

    nodes = pd.DataFrame(node_rows(G), columns=NODE_TABLE)
    edges = pd.DataFrame(edge_rows(G), columns=EDGE_COLUMNS)
    for frame in (nodes, edges):
        for column in INT_FIELDS & set(frame.columns):
            frame[column] = frame[column].astype("Int64")
    return nodes, edges


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


class CsvWriter(BlockWriter):
    """``nodes.csv`` and ``edges.csv`` in the folder ``directory``, a row as it comes."""

    def __init__(self, directory: str | Path) -> None:
        super().__init__(Path(directory) / "nodes.csv")
        self.writers = {}
        for name, columns in (("nodes.csv", NODE_TABLE), ("edges.csv", EDGE_COLUMNS)):
            writer = CsvRows(self.output(Path(directory) / name))
            writer.writerow(columns)
            self.writers[name] = writer

    def node(self, row: dict[str, Any]) -> None:
        self.writers["nodes.csv"].writerow([_csv_cell(row.get(c)) for c in NODE_TABLE])

    def edge(self, row: dict[str, Any]) -> None:
        self.writers["edges.csv"].writerow([_csv_cell(row[c]) for c in EDGE_COLUMNS])


def _arrow_schema(columns: list[str]):
    """The table's Arrow schema, with the pandas metadata that makes ``pd.read_parquet``
    give ``Int64`` columns (nullable integers) rather than floats."""
    import pandas as pd
    import pyarrow as pa

    types = {"int": pa.int64(), "float": pa.float64(), "list": pa.list_(pa.string()),
             "str": pa.string()}
    schema = pa.schema([(c, types[field_kind(c)]) for c in columns])
    empty = pd.DataFrame({c: pd.Series([], dtype="Int64" if field_kind(c) == "int"
                                       else "float64" if field_kind(c) == "float"
                                       else object) for c in columns})
    return pa.Table.from_pandas(empty, schema=schema, preserve_index=False).schema


class ParquetWriter(BlockWriter):
    """``nodes.parquet`` and ``edges.parquet`` in the folder ``directory``, rows gathered
    into row groups of ``ROW_GROUP``."""

    def __init__(self, directory: str | Path) -> None:
        try:
            import pyarrow.parquet as pq
        except ImportError as err:
            raise ExportError("Parquet export needs pyarrow: pip install pyarrow") from err
        super().__init__(Path(directory) / "nodes.parquet")
        self.tables: dict[str, tuple[list[str], Any, list[dict[str, Any]]]] = {}
        for name, columns in (("nodes.parquet", NODE_TABLE), ("edges.parquet", EDGE_COLUMNS)):
            schema = _arrow_schema(columns)
            handle: IO[bytes] = self.output(Path(directory) / name, "wb")
            writer = self.stack.enter_context(pq.ParquetWriter(handle, schema))
            self.tables[name] = (columns, writer, [])

    def _add(self, name: str, row: dict[str, Any]) -> None:
        rows = self.tables[name][2]
        rows.append(row)
        if len(rows) == ROW_GROUP:
            self._flush(name)

    def _flush(self, name: str) -> None:
        import pyarrow as pa

        columns, writer, rows = self.tables[name]
        if rows:
            writer.write_table(pa.Table.from_pylist(
                [{c: row.get(c) for c in columns} for row in rows], schema=writer.schema))
            rows.clear()

    def node(self, row: dict[str, Any]) -> None:
        self._add("nodes.parquet", row)

    def edge(self, row: dict[str, Any]) -> None:
        self._add("edges.parquet", row)

    def close(self) -> None:
        for name in self.tables:
            self._flush(name)


def write_csv(G: nx.MultiDiGraph, directory: str | Path) -> None:
    """Write ``nodes.csv`` and ``edges.csv`` atomically."""
    write_format(G, "csv", directory)


def write_parquet(G: nx.MultiDiGraph, directory: str | Path) -> None:
    """Write ``nodes.parquet`` and ``edges.parquet`` atomically (pyarrow)."""
    write_format(G, "parquet", directory)
