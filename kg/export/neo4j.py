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

import csv
import io
from pathlib import Path
from typing import Any

import networkx as nx

from kg.export.tables import edge_rows, field_kind, node_rows
from kg.fileio import write_text

__all__ = ["generate_neo4j", "write_neo4j"]

LABELS = ("Paper", "Technique", "Model", "Hardware", "Metric", "Dataset")
REL_PROPS = ["evidence", "evidence_count", "rule", "papers", "metric", "factor", "percent",
             "value", "baseline_value"]
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


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def rel_type(relation: str) -> str:
    """``evaluated_on`` -> ``EVALUATED_ON``."""
    return relation.upper()


def generate_neo4j(G: nx.MultiDiGraph) -> dict[str, str]:
    """File name -> CSV text of the bundle (no README)."""
    files: dict[str, str] = {}
    nodes = node_rows(G)
    for label in LABELS:
        rows = [r for r in nodes if r["kind"] == label]
        if not rows:
            continue
        columns = [c for c in rows[0] if c not in ("id", "kind")]
        header = ["id:ID", *(c + _type_suffix(c) for c in columns), ":LABEL"]
        files[f"nodes_{label}.csv"] = _csv(
            header, [[r["id"], *(_cell(r[c]) for c in columns), label] for r in rows])
    by_type: dict[str, list[dict[str, Any]]] = {}
    for row in edge_rows(G):
        by_type.setdefault(rel_type(row["relation"]), []).append(row)
    for rtype, rows in sorted(by_type.items()):
        header = [":START_ID", ":END_ID", ":TYPE", *(c + _type_suffix(c) for c in REL_PROPS)]
        files[f"relationships_{rtype}.csv"] = _csv(
            header, [[r["source"], r["target"], rtype, *(_cell(r[c]) for c in REL_PROPS)]
                     for r in rows])
    return files


def import_command(files: list[str], database: str = "neo4j") -> str:
    """The ``neo4j-admin database import full`` command for a bundle's files."""
    parts = ["neo4j-admin database import full", f'--array-delimiter="{ARRAY_DELIMITER}"']
    parts += [f"--nodes={f}" for f in files if f.startswith("nodes_")]
    parts += [f"--relationships={f}" for f in files if f.startswith("relationships_")]
    parts.append("--overwrite-destination")
    parts.append(database)
    return " \\\n  ".join(parts)


def write_neo4j(G: nx.MultiDiGraph, directory: str | Path) -> None:
    """Write the bundle into ``directory`` (each file atomically)."""
    out = Path(directory)
    files = generate_neo4j(G)
    for name, text in files.items():
        write_text(out / name, text)
    readme = (
        "# Neo4j import bundle written by kg\n\n"
        "Stop the database, then from this folder run (Neo4j 5):\n\n```sh\n"
        + import_command(sorted(files)) + "\n```\n\n"
        "Node ids are kg ids (`paper-…`, `technique/lora`), unique across labels. Arrays use `|`.\n"
        "Relationship properties: evidence (first sentence), evidence_count, rule, papers,\n"
        "and on OUTPERFORMS metric (a Metric node id), factor, percent, value, baseline_value.\n")
    write_text(out / "README.md", readme)
