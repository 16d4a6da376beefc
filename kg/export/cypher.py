"""A Cypher script that loads the graph into a running database, idempotently.

``generate_cypher(G, dialect=...)`` yields statements, one per line, each ending in ``;``:

1. the schema: uniqueness constraints on ``id`` (``neo4j``: Neo4j 5 and Memgraph-style
   ``CREATE CONSTRAINT ... IF NOT EXISTS``) or typed node and relationship tables
   (``ladybug``: LadybugDB / Kùzu ``CREATE NODE TABLE IF NOT EXISTS``);
2. nodes in batches: ``UNWIND [{...}, ...] AS r MERGE (n:Label {id: r.id}) SET n.p = r.p``;
3. relationships in batches: ``UNWIND ... MATCH (a:L1 {id: r.s}), (b:L2 {id: r.t})
   MERGE (a)-[e:TYPE]->(b) SET e.p = r.p``.

Because every write is a MERGE on ``id`` followed by SETs, running the script twice changes
nothing. Rows in one batch have the same keys (missing values are left out rather than
written as ``null``), so strictly typed engines infer one type per column. Strings are
escaped (quotes, backslashes, newlines, non-ASCII as ``\\uXXXX``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from kg.export.neo4j import LABELS, rel_type
from kg.export.tables import edge_rows, field_kind, node_rows
from kg.fileio import write_lines

__all__ = ["DIALECTS", "generate_cypher", "write_cypher"]

DIALECTS = ("neo4j", "ladybug")
BATCH = 200
REL_PROPS = ["evidence", "evidence_count", "rule", "papers", "metric", "factor", "percent",
             "value", "baseline_value"]


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=True)


def _map(row: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {_literal(v)}" for k, v in row.items()) + "}"


def _present(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v is not None and v != []}


def _batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Batches of rows that share the same keys, in first-seen order of key sets."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    for group in groups.values():
        for i in range(0, len(group), BATCH):
            yield group[i:i + BATCH]


_DDL = {"int": "INT64", "float": "DOUBLE", "list": "STRING[]", "str": "STRING"}


def _ddl_type(name: str) -> str:
    return _DDL[field_kind(name)]


def _schema(dialect: str, labels: list[str], pairs: dict[str, set[tuple[str, str]]],
            columns: dict[str, list[str]]) -> Iterator[str]:
    if dialect == "neo4j":
        for label in labels:
            yield (f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS "
                   f"FOR (n:{label}) REQUIRE n.id IS UNIQUE;")
        return
    for label in labels:
        cols = ", ".join(f"{c} {_ddl_type(c)}" for c in columns[label] if c != "id")
        yield f"CREATE NODE TABLE IF NOT EXISTS {label}(id STRING, {cols}, PRIMARY KEY(id));"
    props = ", ".join(f"{c} {_ddl_type(c)}" for c in REL_PROPS)
    for rtype, ends in sorted(pairs.items()):
        froms = ", ".join(f"FROM {a} TO {b}" for a, b in sorted(ends))
        yield f"CREATE REL TABLE IF NOT EXISTS {rtype}({froms}, {props});"


def generate_cypher(G: nx.MultiDiGraph, *, dialect: str = "neo4j") -> Iterator[str]:
    """The statements of the load script, deterministic for a given graph."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown Cypher dialect '{dialect}' (known: {', '.join(DIALECTS)})")
    nodes = node_rows(G)
    kind = {r["id"]: r["kind"] for r in nodes}
    labels = [label for label in LABELS if any(r["kind"] == label for r in nodes)]
    columns = {label: [c for c in next(r for r in nodes if r["kind"] == label) if c != "kind"]
               for label in labels}
    edges = edge_rows(G)
    pairs: dict[str, set[tuple[str, str]]] = {}
    for e in edges:
        pairs.setdefault(rel_type(e["relation"]), set()).add((kind[e["source"]],
                                                              kind[e["target"]]))
    yield f"// kg graph: {len(nodes)} nodes, {len(edges)} relationships ({dialect} dialect)"
    yield from _schema(dialect, labels, pairs, columns)
    for label in labels:
        rows = [_present({k: v for k, v in r.items() if k != "kind"}) for r in nodes
                if r["kind"] == label]
        for batch in _batches(rows):
            sets = ", ".join(f"n.{k} = r.{k}" for k in batch[0] if k != "id")
            tail = f" SET {sets}" if sets else ""
            yield (f"UNWIND [{', '.join(_map(r) for r in batch)}] AS r "
                   f"MERGE (n:{label} {{id: r.id}}){tail};")
    grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for e in edges:
        row = _present({"s": e["source"], "t": e["target"], **{k: e[k] for k in REL_PROPS}})
        key = (rel_type(e["relation"]), kind[e["source"]], kind[e["target"]])
        grouped.setdefault(key, []).append(row)
    for (rtype, a, b), rows in sorted(grouped.items()):
        for batch in _batches(rows):
            sets = ", ".join(f"e.{k} = r.{k}" for k in batch[0] if k not in ("s", "t"))
            tail = f" SET {sets}" if sets else ""
            yield (f"UNWIND [{', '.join(_map(r) for r in batch)}] AS r "
                   f"MATCH (a:{a} {{id: r.s}}), (b:{b} {{id: r.t}}) "
                   f"MERGE (a)-[e:{rtype}]->(b){tail};")


def write_cypher(G: nx.MultiDiGraph, path: str | Path, *, dialect: str = "neo4j") -> None:
    """Write the script atomically."""
    write_lines(path, generate_cypher(G, dialect=dialect))


def write_cypher_ladybug(G: nx.MultiDiGraph, path: str | Path) -> None:
    """The script in the LadybugDB / Kùzu dialect."""
    write_cypher(G, path, dialect="ladybug")
