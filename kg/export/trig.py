"""TriG: the graph as an RDF dataset, one named graph per source page, written paper by paper.

A paper's triples (its description, its edges and the reified statements extracted from it)
go in the named graph of the page it was first listed on (``kgid:source/...``); entities,
their hierarchy, the tallies and entity-to-entity ``outperforms`` triples go in
``kgid:graph/vocabulary``; a page's own description in the page's graph.

Why paper by paper: the papers of a page are not next to each other in a build (papers come
in id order), and grouping them would hold the whole graph. TriG lets one graph name label
several blocks, whose triples are merged (RDF 1.1 TriG, section 2.2), so each paper is one
block under its page's name, and consecutive triples of one graph share a block. The
triples come in the order of the N-Triples (``kg.export.triples``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path

import networkx as nx

from kg.canonical import PaperBlock, Shared
from kg.export import single_target, write_format
from kg.export.triples import Triple, block_triples, shared_triples
from kg.infra.clock import Clock, no_clock
from kg.infra.fileio import atomic_open, discard
from kg.namespaces import ID_NS, graph_term, paper_term, source_term

__all__ = ["VOCABULARY", "TrigWriter", "write_trig"]

VOCABULARY = graph_term("vocabulary")
_STATEMENT = f"<{ID_NS}statement/"
_SOURCE = f"<{ID_NS}source/"


class TrigWriter:
    """``add`` each paper's block, then ``finish`` with what papers share, or ``abort`` to
    leave the previous file whole."""

    @classmethod
    def open(cls, targets: Mapping[str, Path], clock: Clock = no_clock) -> TrigWriter:
        return cls(single_target(targets))

    def __init__(self, path: str | Path) -> None:
        self.stack = contextlib.ExitStack()
        self.out = self.stack.enter_context(atomic_open(path))
        self.claimed: set[tuple[str, str]] = set()
        self.graph: str | None = None  # the block open

    def _write(self, graph: str, triple: Triple) -> None:
        if graph != self.graph:
            if self.graph is not None:
                self.out.write("}\n")
            self.out.write(f"{graph} {{\n")
            self.graph = graph
        s, p, o = triple
        self.out.write(f"  {s} {p} {o} .\n")

    def add(self, block: PaperBlock) -> None:
        """The paper's triples, in its page's graph; a direct triple between two entities
        (an ``outperforms`` the paper states) in the vocabulary's."""
        sources = block.data.get("sources")
        page = source_term(sources[0]["path"]) if sources else VOCABULARY
        paper = paper_term(block.id)
        for triple in block_triples(block, self.claimed):
            s = triple[0]
            self._write(page if s == paper or s.startswith(_STATEMENT) else VOCABULARY, triple)

    def finish(self, shared: Shared) -> None:
        try:
            for triple in shared_triples(shared):
                s = triple[0]
                self._write(s if s.startswith(_SOURCE) else VOCABULARY, triple)
            if self.graph is not None:
                self.out.write("}\n")
        except BaseException as err:
            self.abort(err)
            raise
        self.stack.close()  # renamed into place

    def abort(self, error: BaseException | None = None) -> None:
        """Discard the file begun (its temporary is removed)."""
        discard(self.stack, error)


def write_trig(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write TriG of a graph in memory atomically."""
    write_format(G, "trig", path)
