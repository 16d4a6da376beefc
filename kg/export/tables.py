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

Missing values are ``None``; lists are Python lists.

The exports are written paper by paper (``RowStream``, ``BlockWriter``), so a build never
holds the whole graph for them. Their rows come in one deterministic order: each paper (a
build's papers by id) with the edges it claims, then the entities by id, the edges that
start at an entity, sorted, and ``broader``, sorted. ``node_rows`` and ``edge_rows`` give
the rows of a built graph sorted by id / (source, target, relation), for notebooks.
"""

from __future__ import annotations

import contextlib
import csv
import io
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, Any

import networkx as nx

from kg.canonical import PaperBlock, Shared
from kg.errors import ExportError
from kg.export import single_target
from kg.infra.clock import Clock, no_clock
from kg.infra.fileio import atomic_open, discard
from kg.model import ENTITY_TYPES

__all__ = ["EDGE_COLUMNS", "NODE_COLUMNS", "NODE_TABLE", "BlockWriter", "CsvRows", "RowStream",
           "copy_parts", "edge_row", "edge_rows", "field_kind", "kind_of",
           "node_row", "node_rows", "to_number"]

NODE_COLUMNS = {
    "Paper": ["id", "kind", "label", "title", "abstract", "published", "year", "author_count",
              "upvotes", "organization", "arxiv_id", "sources"],
    "Entity": ["id", "kind", "label", "aliases", "concept", "paper_count"],
}
# One table of every node: the paper columns, then those only entities have.
NODE_TABLE = [*NODE_COLUMNS["Paper"], *(c for c in NODE_COLUMNS["Entity"]
                                        if c not in NODE_COLUMNS["Paper"])]
# The properties of a relationship in the graph-database exports: the edge columns but its ends.
REL_PROPS = ["evidence", "evidence_count", "rule", "confidence", "papers", "metric", "factor",
             "percent", "value", "baseline_value"]
EDGE_COLUMNS = ["source", "target", "relation", *REL_PROPS]
INT_FIELDS = {"year", "author_count", "upvotes", "paper_count", "evidence_count"}
FLOAT_FIELDS = {"factor", "percent", "confidence"}
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
        "confidence": data.get("confidence"),
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


# --- Rows paper by paper -------------------------------------------------------------------

_KINDS = {label.lower(): label for label in ENTITY_TYPES}


def kind_of(node: str) -> str:
    """The label of a node from its id alone: entities are ``<type>/<slug>`` (``entity_id``,
    and vocabularies are checked to follow it), papers ``paper-…`` or ``arxiv-…``. A
    streamed export needs an edge's end labels before the entities are all known."""
    prefix, slash, _ = node.partition("/")
    if not slash:
        return "Paper"
    try:
        return _KINDS[prefix]
    except KeyError:
        raise ExportError(f"node id {node!r} names no known entity type") from None


class RowStream:
    """Paper blocks in (``kg.canonical.PaperBlock``), node and edge rows out, without the whole
    graph: each paper's row and the edges it claims as its block arrives, then at ``finish``
    the entity rows (by id), the claimed edges that start at an entity (an ``outperforms``
    between two systems; held until then, sorted) and the ``broader`` hierarchy (sorted).

    Why this order: a build merges papers one at a time, and an entity's row (its aliases,
    its paper count) is final only once every paper is merged. Every property-graph export
    reads its rows from here, so they list the same rows in the same order, streamed or
    from a graph in memory (``kg.export.write_format``).
    """

    def __init__(self, node: Callable[[dict[str, Any]], None],
                 edge: Callable[[dict[str, Any]], None]) -> None:
        self.node = node
        self.edge = edge
        self.late: list[dict[str, Any]] = []

    def add(self, block: PaperBlock) -> None:
        """One paper's row and the rows of the edges it claims."""
        self.node(node_row(block.id, block.data))
        for u, v, _, attrs in block.edges:
            row = edge_row(u, v, attrs)
            if u == block.id:
                self.edge(row)
            else:
                self.late.append(row)

    def finish(self, entities: Mapping[str, dict], broader: Iterable[tuple[str, str]]) -> None:
        """The entity rows, the held edges and the hierarchy."""
        for node in sorted(entities):
            self.node(node_row(node, entities[node]))
        for row in sorted(self.late, key=lambda r: (r["source"], r["target"], r["relation"],
                                                    r["papers"])):
            self.edge(row)
        self.late = []
        for u, v in sorted(broader):
            self.edge(edge_row(u, v, {"relation": "broader", "evidence": []}))


class BlockWriter:
    """Base of the exports written paper by paper: ``add`` blocks, then ``finish`` with what
    the papers share, or ``abort`` to leave the previous output as it was.

    Subclasses write rows in ``node`` and ``edge`` and put together at ``close`` what has to
    wait for the end (a schema, the nodes before the edges). Files opened with ``output``
    are written atomically and renamed into place by ``finish``; ``scratch`` files are
    anonymous temporaries beside the target, gone when closed or when the process dies.
    """

    def __init__(self, target: str | Path) -> None:
        self.target = Path(target)
        self.stack = contextlib.ExitStack()
        self.rows = RowStream(self.node, self.edge)

    def node(self, row: dict[str, Any]) -> None:
        raise NotImplementedError

    def edge(self, row: dict[str, Any]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Write what waits for the end (nothing by default)."""

    def add(self, block: PaperBlock) -> None:
        self.rows.add(block)

    @classmethod
    def open(cls, targets: Mapping[str, Path], clock: Clock = no_clock) -> BlockWriter:
        """The sink of ``kg.export``'s registry: this writer into the one target."""
        return cls(single_target(targets))

    def finish(self, shared: Shared) -> None:
        try:
            self.rows.finish(shared.entities, shared.broader)
            self.close()
        except BaseException as err:
            self.abort(err)
            raise
        self.stack.close()  # every output renamed into place

    def abort(self, error: BaseException | None = None) -> None:
        """Discard every file begun (their temporaries are removed)."""
        discard(self.stack, error)

    def output(self, path: str | Path, mode: str = "w") -> IO:
        """A file written atomically, in place once ``finish`` succeeds."""
        return self.stack.enter_context(atomic_open(path, mode))

    def scratch(self) -> IO[str]:
        """An anonymous temporary text file beside the target (not in /tmp: as large as the
        output, it belongs on the output's disk)."""
        folder = self.target.parent
        folder.mkdir(parents=True, exist_ok=True)
        return self.stack.enter_context(
            tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n", dir=folder))


class CsvRows:
    """RFC 4180 rows ending in "\n", with a field that holds a "\r" quoted too.

    Why: Python's ``csv`` quotes a field only for the delimiter, the quote and the line
    terminator's own characters, so with "\n" rows a bare "\r" went out unquoted and ended
    the row for every reader (pandas read ``x\ry`` as two rows; found by tests/test_fuzz.py).
    """

    def __init__(self, handle: IO[str]) -> None:
        self.plain = csv.writer(handle, lineterminator="\n")
        self.handle = handle
        self.buffer = io.StringIO()
        self.crlf = csv.writer(self.buffer, lineterminator="\r\n")  # quotes "\r" as well

    def writerow(self, row: list[Any]) -> None:
        if not any("\r" in cell for cell in row if type(cell) is str):
            self.plain.writerow(row)
            return
        self.crlf.writerow(row)
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        self.handle.write(text[:-2] + "\n")


def copy_parts(parts: Iterable[IO], into: IO) -> None:
    """Append scratch files' contents, each from its start, to ``into``."""
    for part in parts:
        part.flush()
        part.seek(0)
        shutil.copyfileobj(part, into, 1 << 20)
