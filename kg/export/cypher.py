"""A Cypher script that loads the graph into a running database, idempotently.

``CypherWriter`` writes it paper by paper as a build streams (``generate_cypher(G,
dialect=...)`` yields the same lines for a built graph): statements, one per line, each
ending in ``;``, after a comment line with the counts:

1. the schema: uniqueness constraints on ``id`` (``neo4j``: Neo4j 5 and Memgraph-style
   ``CREATE CONSTRAINT ... IF NOT EXISTS``) or typed node and relationship tables
   (``ladybug``: LadybugDB / Kùzu ``CREATE NODE TABLE IF NOT EXISTS``);
2. nodes in batches: ``UNWIND [{...}, ...] AS r MERGE (n:Label {id: r.id}) SET n.p = r.p``;
3. relationships in batches: ``UNWIND ... MATCH (a:L1 {id: r.s}), (b:L2 {id: r.t})
   MERGE (a)-[e:TYPE]->(b) SET e.p = r.p``.

Because every write is a MERGE on ``id`` followed by SETs, running the script twice changes
nothing. Rows in one batch have the same keys (missing values are left out rather than
written as ``null``), so strictly typed engines infer one type per column. Strings are
escaped (quotes, backslashes, newlines, non-ASCII as ``\\uXXXX`` up to U+FFFF; emoji and
other characters beyond it are written as UTF-8).
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import networkx as nx

from kg.export import write_format
from kg.export.neo4j import LABELS, rel_type
from kg.export.tables import REL_PROPS, BlockWriter, copy_parts, field_kind, kind_of

__all__ = ["DIALECTS", "CypherWriter", "LadybugCypherWriter", "generate_cypher",
           "write_cypher", "write_cypher_ladybug"]

DIALECTS = ("neo4j", "ladybug")
BATCH = 200


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return _quoted(str(value))


# Non-ASCII characters of the Basic Multilingual Plane (and lone surrogates), escaped.
_BMP_NON_ASCII = re.compile("[\u0080-\uffff]")


def _quoted(text: str) -> str:
    """A Cypher string literal: quotes, backslashes and control characters escaped, the
    Basic Multilingual Plane's non-ASCII characters as ``\\uXXXX``, and characters beyond
    it (emoji) left as UTF-8: written as a surrogate pair of ``\\u`` escapes, LadybugDB
    stores two invalid code points and cannot read the string back."""
    return _BMP_NON_ASCII.sub(lambda m: f"\\u{ord(m.group()):04x}",
                              json.dumps(text, ensure_ascii=False))


def _map(row: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {_literal(v)}" for k, v in row.items()) + "}"


def _present(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v is not None and v != []}


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


class CypherWriter(BlockWriter):
    """The load script, written paper by paper (``kg.export.tables.RowStream``).

    The schema comes first in the script but depends on every label and relationship end
    seen, and nodes must precede the relationships that MATCH them, so statements go to one
    scratch file per label and per (relationship type, start label, end label) as their
    batches fill, and ``close`` writes the header, the schema and the parts in order: nodes
    by label (``LABELS``), relationships by (type, start, end). Within a part, batches
    appear as they fill; the rest, at the end, in the order their key sets were first seen.
    """

    def __init__(self, path: str | Path, *, dialect: str = "neo4j") -> None:
        if dialect not in DIALECTS:
            raise ValueError(f"unknown Cypher dialect '{dialect}' "
                             f"(known: {', '.join(DIALECTS)})")
        super().__init__(path)
        self.dialect = dialect
        self.parts: dict[tuple[str, ...], IO[str]] = {}
        self.pending: dict[tuple[tuple[str, ...], tuple[str, ...]], list[dict[str, Any]]] = {}
        self.columns: dict[str, list[str]] = {}  # label -> its row's columns
        self.pairs: dict[str, set[tuple[str, str]]] = {}
        self.counts = [0, 0]  # nodes, relationships

    def node(self, row: dict[str, Any]) -> None:
        label = row["kind"]
        self.columns.setdefault(label, [c for c in row if c != "kind"])
        self.counts[0] += 1
        self._queue((label,), _present({k: v for k, v in row.items() if k != "kind"}))

    def edge(self, row: dict[str, Any]) -> None:
        rtype = rel_type(row["relation"])
        a, b = kind_of(row["source"]), kind_of(row["target"])
        self.pairs.setdefault(rtype, set()).add((a, b))
        self.counts[1] += 1
        self._queue((rtype, a, b), _present(
            {"s": row["source"], "t": row["target"], **{k: row[k] for k in REL_PROPS}}))

    def _queue(self, part: tuple[str, ...], row: dict[str, Any]) -> None:
        key = (part, tuple(row))
        batch = self.pending.setdefault(key, [])
        batch.append(row)
        if len(batch) == BATCH:
            self._flush(part, batch)
            self.pending[key] = []

    def _flush(self, part: tuple[str, ...], batch: list[dict[str, Any]]) -> None:
        handle = self.parts.get(part)
        if handle is None:
            handle = self.parts[part] = self.scratch()
        handle.write(_statement(part, batch))
        handle.write("\n")

    def close(self) -> None:
        for (part, _), batch in self.pending.items():
            if batch:
                self._flush(part, batch)
        self.pending = {}
        labels = [label for label in LABELS if label in self.columns]
        nodes, relationships = self.counts
        out = self.output(self.target)
        out.write(f"// kg graph: {nodes} nodes, {relationships} relationships "
                  f"({self.dialect} dialect)\n")
        for line in _schema(self.dialect, labels, self.pairs, self.columns):
            out.write(line)
            out.write("\n")
        nodes_first = sorted(self.parts, key=lambda p: (len(p) > 1, _label_rank(p), p))
        copy_parts((self.parts[p] for p in nodes_first), out)


def _label_rank(part: tuple[str, ...]) -> int:
    return LABELS.index(part[0]) if len(part) == 1 else 0


def _statement(part: tuple[str, ...], batch: list[dict[str, Any]]) -> str:
    """One UNWIND statement: a batch of nodes of one label or of relationships of one type
    between two labels, every row with the same keys."""
    rows = ", ".join(_map(r) for r in batch)
    if len(part) == 1:
        sets = ", ".join(f"n.{k} = r.{k}" for k in batch[0] if k != "id")
        tail = f" SET {sets}" if sets else ""
        return f"UNWIND [{rows}] AS r MERGE (n:{part[0]} {{id: r.id}}){tail};"
    rtype, a, b = part
    sets = ", ".join(f"e.{k} = r.{k}" for k in batch[0] if k not in ("s", "t"))
    tail = f" SET {sets}" if sets else ""
    return (f"UNWIND [{rows}] AS r MATCH (a:{a} {{id: r.s}}), (b:{b} {{id: r.t}}) "
            f"MERGE (a)-[e:{rtype}]->(b){tail};")


def generate_cypher(G: nx.MultiDiGraph, *, dialect: str = "neo4j") -> Iterator[str]:
    """The statements of the load script of a built graph, deterministic for a given graph
    (the lines ``write_cypher`` writes)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "graph.cypher"
        write_cypher(G, path, dialect=dialect)
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                yield line.rstrip("\n")


class LadybugCypherWriter(CypherWriter):
    """The script in the LadybugDB / Kùzu dialect."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(path, dialect="ladybug")


_DIALECTS = {"neo4j": "cypher", "ladybug": "cypher-ladybug"}  # dialect -> format name


def write_cypher(G: nx.MultiDiGraph, path: str | Path, *, dialect: str = "neo4j") -> None:
    """Write the script atomically."""
    if dialect not in _DIALECTS:
        raise ValueError(f"unknown Cypher dialect '{dialect}' (known: {', '.join(DIALECTS)})")
    write_format(G, _DIALECTS[dialect], path)


def write_cypher_ladybug(G: nx.MultiDiGraph, path: str | Path) -> None:
    """The script in the LadybugDB / Kùzu dialect."""
    write_cypher(G, path, dialect="ladybug")
