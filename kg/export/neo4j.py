"""``neo4j-admin database import`` bundle: typed node and relationship CSVs plus a README.

Layout of the directory written by ``write_neo4j(G, directory)``:

- ``nodes_<Label>.csv`` for Paper, Technique, Model, Hardware, Metric, Dataset, with header
  fields ``id:ID``, typed properties (``year:int``, ``upvotes:int``, ``aliases:string[]``, ...)
  and ``:LABEL``;
- ``relationships_<TYPE>.csv`` for USES, TARGETS, OUTPERFORMS, PROPOSES, MEASURES,
  EVALUATED_ON and BROADER, with ``:START_ID``, ``:END_ID``, ``:TYPE`` and the evidence,
  metric and numbers;
- ``README.md`` with the exact import command.

Arrays use ``|`` as delimiter (pass ``--array-delimiter="|"``; a ``|`` inside an element is
written as ``/``). Empty fields are absent values. Fields are quoted as RFC 4180 CSV, which
neo4j-admin reads with its default ``--quote='"'``.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import networkx as nx

from kg.canonical import Shared, graph_blocks, graph_shared
from kg.export import write_format
from kg.export.tables import NODE_COLUMNS, REL_PROPS, BlockWriter, CsvRows, RowStream, field_kind
from kg.infra.fileio import write_text
from kg.model import ENTITY_TYPES

__all__ = ["Neo4jBundle", "Neo4jBundleWriter", "generate_neo4j", "write_neo4j"]

LABELS = ("Paper", *ENTITY_TYPES)
ARRAY_DELIMITER = "|"


_SUFFIX = {"int": ":int", "float": ":double", "list": ":string[]", "str": ""}


def _type_suffix(name: str) -> str:
    return _SUFFIX[field_kind(name)]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(str(v).replace(ARRAY_DELIMITER, "/") for v in value)
    return str(value)


def rel_type(relation: str) -> str:
    """``evaluated_on`` -> ``EVALUATED_ON``."""
    return relation.upper()


HEADERS = {label: ["id:ID", *(c + _type_suffix(c) for c in NODE_COLUMNS[
    "Paper" if label == "Paper" else "Entity"] if c not in ("id", "kind")), ":LABEL"]
    for label in LABELS}
REL_HEADER = [":START_ID", ":END_ID", ":TYPE", *(c + _type_suffix(c) for c in REL_PROPS)]


class Neo4jBundle:
    """The bundle's CSV rows, one file per label and per relationship type, each opened
    (with its header) when its first row comes; ``open_file(name)`` returns the text handle
    a file is written to. Fed by ``kg.export.tables.RowStream``, in its order, whether a
    build streams its papers (``Neo4jBundleWriter``) or a graph is written whole
    (``generate_neo4j``), so both give the same bytes.
    """

    def __init__(self, open_file: Callable[[str], IO[str]]) -> None:
        self.open_file = open_file
        self.writers: dict[str, Any] = {}

    def _writer(self, name: str, header: list[str]):
        writer = self.writers.get(name)
        if writer is None:
            writer = self.writers[name] = CsvRows(self.open_file(name))
            writer.writerow(header)
        return writer

    def node(self, row: dict[str, Any]) -> None:
        label = row["kind"]
        columns = HEADERS[label][1:-1]
        self._writer(f"nodes_{label}.csv", HEADERS[label]).writerow(
            [row["id"], *(_cell(row[c.split(":")[0]]) for c in columns), label])

    def relationship(self, row: dict[str, Any]) -> None:
        rtype = rel_type(row["relation"])
        self._writer(f"relationships_{rtype}.csv", REL_HEADER).writerow(
            [row["source"], row["target"], rtype, *(_cell(row[c]) for c in REL_PROPS)])


def generate_neo4j(G: nx.MultiDiGraph) -> dict[str, str]:
    """File name -> CSV text of the bundle (no README)."""
    buffers: dict[str, io.StringIO] = {}
    bundle = Neo4jBundle(lambda name: buffers.setdefault(name, io.StringIO()))
    rows = RowStream(bundle.node, bundle.relationship)
    for block in graph_blocks(G):
        rows.add(block)
    shared = graph_shared(G)
    rows.finish(shared.entities, shared.broader)
    return {name: buffers[name].getvalue() for name in sorted(buffers)}


def import_command(files: list[str], database: str = "neo4j") -> str:
    """The ``neo4j-admin database import full`` command for a bundle's files."""
    parts = ["neo4j-admin database import full", f'--array-delimiter="{ARRAY_DELIMITER}"']
    parts += [f"--nodes={f}" for f in files if f.startswith("nodes_")]
    parts += [f"--relationships={f}" for f in files if f.startswith("relationships_")]
    parts.append("--overwrite-destination")
    parts.append(database)
    return " \\\n  ".join(parts)


def _readme(files: list[str]) -> str:
    return (
        "# Neo4j import bundle written by kg\n\n"
        "Stop the database, then from this folder run (Neo4j 5):\n\n```sh\n"
        + import_command(sorted(files)) + "\n```\n\n"
        "Node ids are kg ids (`paper-…`, `technique/lora`), unique across labels. Arrays use `|`.\n"
        "Relationship properties: evidence (first sentence), evidence_count, rule, confidence,\n"
        "papers, and on OUTPERFORMS metric (a Metric node id), factor, percent, value,\n"
        "baseline_value.\n")


class Neo4jBundleWriter(BlockWriter):
    """A ``Neo4jBundle`` into a folder, each file written atomically, and its README with
    the import command for the files written."""

    def __init__(self, directory: str | Path) -> None:
        self.out = Path(directory)
        super().__init__(self.out / "README.md")
        self.bundle = Neo4jBundle(lambda name: self.output(self.out / name))

    def node(self, row: dict[str, Any]) -> None:
        self.bundle.node(row)

    def edge(self, row: dict[str, Any]) -> None:
        self.bundle.relationship(row)

    def finish(self, shared: Shared) -> None:
        super().finish(shared)
        write_text(self.out / "README.md", _readme(sorted(self.bundle.writers)))


def write_neo4j(G: nx.MultiDiGraph, directory: str | Path) -> None:
    """Write the bundle into ``directory`` (each file atomically)."""
    write_format(G, "neo4j", directory)
