"""The RDF formats in one pass: N-Triples, Turtle, JSON-LD, N-Triples shards and the store.

``RdfSink`` turns each paper's block into its triples (``kg.export.triples``) as it
arrives, and every ``CHUNK_TRIPLES`` triples writes the chunk to each file asked for and
hands it, as N-Triples, to the store's loader (``kg.export.store``, on its own thread).
Producing the triples is most of the cost of any RDF format, so they are produced once for
all of them. Turtle groups consecutive triples of a subject (``kg.export.turtle``), JSON-LD
holds one node object per subject of each chunk (``kg.export.jsonld``).

``write_turtle(G, path)`` and its siblings write a graph in memory through the same sink.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING

import networkx as nx

from kg.canonical import PaperBlock, Shared, graph_blocks, graph_shared
from kg.errors import ExportError
from kg.export import feed, write_format
from kg.export.jsonld import JsonLdFormatter
from kg.export.triples import Triple, block_triples, generate_triples, shared_triples
from kg.export.turtle import TurtleFormatter
from kg.infra.clock import Clock, no_clock
from kg.infra.fileio import atomic_open, discard
from kg.namespaces import PREFIXES

if TYPE_CHECKING:
    from kg.export.store import StoreWriter

__all__ = ["CHUNK_TRIPLES", "LOAD_TRIPLES", "SHARD_LINES", "RdfSink", "generate_ntriples",
           "to_rdflib", "write_jsonld", "write_ntriples", "write_ntriples_sharded",
           "write_turtle"]

CHUNK_TRIPLES = 100_000
# The store bulk-loads a chunk in pieces of this many lines: fewer bytes wait in the loader's
# queue (a 100,000-paper build's peak RSS 437 MB -> 372 MB), and loaded alone Oxigraph spends
# less CPU on many small loads than on fewer large ones (docs/scaling.md, issue 26).
LOAD_TRIPLES = 25_000
SHARD_LINES = 1_000_000
# The formats this sink writes, by registered name.
_ROLES = ("ntriples", "turtle", "jsonld", "ntriples-shards", "store")


class RdfSink:
    """N-Triples, Turtle, JSON-LD, shards and/or the store of the blocks it is given, in one
    pass, each file written atomically and the store swapped in whole on ``finish``.

    Triples wait in memory only until a chunk is full (``CHUNK_TRIPLES``): the chunk
    boundaries are the same whatever the blocks' sizes, so the output is the same for a
    build, an export and a graph in memory. ``clock`` times producing the triples, each
    format's writing and the wait for the store's loader, chunk by chunk.
    """

    @classmethod
    def open(cls, targets: Mapping[str, Path], clock: Clock = no_clock) -> RdfSink:
        unknown = set(targets) - set(_ROLES)
        if unknown:
            raise ExportError(f"not an RDF format of this sink: {', '.join(sorted(unknown))}")
        return cls(ntriples=targets.get("ntriples"), turtle=targets.get("turtle"),
                   jsonld=targets.get("jsonld"), shards=targets.get("ntriples-shards"),
                   store=targets.get("store"), clock=clock)

    def __init__(self, *, ntriples: str | Path | None = None, turtle: str | Path | None = None,
                 jsonld: str | Path | None = None, shards: str | Path | None = None,
                 store: str | Path | None = None, lines_per_shard: int = SHARD_LINES,
                 clock: Clock = no_clock) -> None:
        self.clock = clock
        self.claimed: set[tuple[str, str]] = set()
        self.batch: list[Triple] = []
        self.stack = contextlib.ExitStack()
        self.loader: StoreWriter | None = None
        try:
            # Binary handles: each chunk is encoded once, for the file and the store alike.
            self.nt = self._open(ntriples)
            self.ttl = self._open(turtle)
            self.jld = self._open(jsonld)
            self.shards = (self.stack.enter_context(_Shards(shards, lines_per_shard))
                           if shards is not None else None)
            self.turtle = TurtleFormatter()
            self.nodes = JsonLdFormatter()
            if self.ttl is not None:
                self.ttl.write(("\n".join(self.turtle.header()) + "\n").encode("utf-8"))
            if self.jld is not None:
                self.jld.write(("\n".join(self.nodes.header()) + "\n").encode("utf-8"))
            if store is not None:
                from kg.export.store import StoreWriter

                self.loader = StoreWriter(store)
        except BaseException as err:
            discard(self.stack, err)
            raise

    def _open(self, path: str | Path | None) -> IO[bytes] | None:
        return self.stack.enter_context(atomic_open(path, "wb")) if path is not None else None

    def add(self, block: PaperBlock) -> None:
        self._take(block_triples(block, self.claimed))

    def finish(self, shared: Shared) -> None:
        try:
            with self.clock("tallies"):
                shared.tallies()
            self._take(shared_triples(shared))
            if self.batch:
                self._write(self.batch)
                self.batch = []
            self._close_formats()
        except BaseException as err:
            self.abort(err)
            raise
        self.stack.close()  # every file renamed into place
        if self.loader is not None:
            with self.clock("finish store (load tail, compact)"):
                self.loader.finish()

    def abort(self, error: BaseException | None = None) -> None:
        if self.loader is not None:
            self.loader.abort()
            self.loader = None
        discard(self.stack, error)

    def _take(self, triples: Iterator[Triple]) -> None:
        """Add ``triples`` to the batch, writing every chunk it fills."""
        batch, clock = self.batch, self.clock
        while True:
            with clock("triples"):
                batch.extend(itertools.islice(triples, CHUNK_TRIPLES - len(batch)))
            if len(batch) < CHUNK_TRIPLES:
                return
            self._write(batch)
            batch.clear()

    def _write(self, batch: list[Triple]) -> None:
        """One chunk into every format."""
        clock = self.clock
        if self.nt is not None or self.loader is not None or self.shards is not None:
            with clock("format + write ntriples"):
                # Each line encoded on its own: joining first builds one str as wide as the
                # chunk's widest character, and encoding that is slower.
                lines = [f"{s} {p} {o} .\n".encode() for s, p, o in batch]
                # The store loads smaller pieces than a chunk (``LOAD_TRIPLES`` lines each).
                step = LOAD_TRIPLES if self.loader is not None else len(lines) or 1
                pieces = [b"".join(lines[i:i + step]) for i in range(0, len(lines), step)]
                if self.nt is not None:
                    for piece in pieces:
                        self.nt.write(piece)
                if self.shards is not None:
                    self.shards.write(lines)
            if self.loader is not None:
                with clock("store (waiting for the loader)"):
                    for piece in pieces:
                        self.loader.feed(piece)
        if self.ttl is not None:
            with clock("write turtle"):
                out: list[str] = []
                self.turtle.add_all(batch, out)
                out.append("")
                self.ttl.write("\n".join(out).encode("utf-8"))
        if self.jld is not None:
            with clock("write json-ld"):
                out = []
                self.nodes.add_all(batch, out)
                if out:
                    out.append("")
                    self.jld.write("\n".join(out).encode("utf-8"))

    def _close_formats(self) -> None:
        if self.ttl is not None:
            out: list[str] = []
            self.turtle.close(out)
            if out:
                self.ttl.write(("\n".join(out) + "\n").encode("utf-8"))
        if self.jld is not None:
            out = []
            self.nodes.close(out)
            self.jld.write(("\n".join(out) + "\n").encode("utf-8"))


class _Shards:
    """N-Triples lines spread over numbered files of at most ``size`` lines, each written
    atomically; ``close`` removes the stale shards of an earlier, larger build."""

    def __init__(self, directory: str | Path, size: int) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.size = size
        self.index = 0
        self.lines = 0
        self.stack = contextlib.ExitStack()
        self.handle: IO[bytes] | None = None

    def write(self, lines: list[bytes]) -> None:
        start = 0
        while start < len(lines):
            if self.handle is None or self.lines == self.size:
                self._next()
            take = lines[start:start + self.size - self.lines]
            assert self.handle is not None
            self.handle.write(b"".join(take))
            self.lines += len(take)
            start += len(take)

    def _next(self) -> None:
        if self.handle is not None:
            self.stack.close()
            self.index += 1
        self.stack = contextlib.ExitStack()
        self.handle = self.stack.enter_context(
            atomic_open(self.directory / f"graph-{self.index:05d}.nt", "wb"))
        self.lines = 0

    def close(self) -> None:
        if self.handle is None:  # no triples: one empty shard, like an empty graph.nt
            self._next()
        self.stack.close()
        for stale in sorted(self.directory.glob("graph-*.nt")):
            if int(stale.stem.split("-")[1]) > self.index:
                stale.unlink()

    def __enter__(self) -> _Shards:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None:
            self.close()
        else:  # the error passes through atomic_open, which discards the partial shard
            self.stack.__exit__(kind, error, traceback)


def write_ntriples(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write N-Triples atomically."""
    write_format(G, "ntriples", path)


def write_turtle(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write Turtle atomically: the kg prefixes, then the triples with consecutive ones of a
    subject grouped."""
    write_format(G, "turtle", path)


def write_jsonld(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write JSON-LD atomically, compacted with the kg prefixes: one node object per line."""
    write_format(G, "jsonld", path)


def write_ntriples_sharded(G: nx.MultiDiGraph, directory: str | Path, *,
                           lines_per_shard: int = SHARD_LINES) -> None:
    """N-Triples split into ``graph-00000.nt``, ``graph-00001.nt``, ... of at most
    ``lines_per_shard`` triples, for bulk loaders that load files in parallel. Their
    concatenation is ``graph.nt``; stale shards of an earlier, larger build are removed."""
    feed(RdfSink(shards=directory, lines_per_shard=lines_per_shard), graph_blocks(G),
         graph_shared(G))


def generate_ntriples(G: nx.MultiDiGraph) -> Iterator[str]:
    """N-Triples lines, one per triple, in the order a build writes them."""
    for s, p, o in generate_triples(G):
        yield f"{s} {p} {o} ."


def to_rdflib(G: nx.MultiDiGraph):
    """The graph as an ``rdflib.Graph`` with the kg prefixes bound (for graphs that fit in
    memory; it is parsed from the N-Triples)."""
    import rdflib

    rdf_graph = rdflib.Graph()
    for prefix, ns in PREFIXES.items():
        rdf_graph.bind(prefix, ns, override=True, replace=True)
    rdf_graph.parse(data="\n".join(generate_ntriples(G)) + "\n", format="nt")
    return rdf_graph
