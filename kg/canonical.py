"""The canonical form every export reads: one block per paper, then the parts papers share.

A build never holds the whole graph: ``kg.merge.GraphBuilder`` merges the papers one at a
time and hands back each paper's ``PaperBlock`` as soon as it is merged, and once the last
paper is in, the ``Shared`` parts (entities with their corpus-wide attributes, the
hierarchy, the source pages, the tallies). Every format is a sink of this form
(``kg.export.Sink``): ``add`` each block, then ``finish`` with the shared parts.

A graph already in memory (``kg.merge.build_graph``, ``kg.load_graph``) is turned into the
same form by ``graph_blocks`` and ``graph_shared``, so ``write_<fmt>(G, path)`` gives the
same bytes as a build.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx

from kg.tally import Tally, tallies

__all__ = ["Edge", "PaperBlock", "Shared", "graph_blocks", "graph_shared"]

# (source, target, key, attributes): an edge as networkx's ``edges(keys=True, data=True)``.
Edge = tuple[str, str, str, dict]


@dataclass
class PaperBlock:
    """One paper's share of the graph: its node attributes and every edge it claims, sorted
    by (source, target, key). Every edge but ``broader`` belongs to exactly one paper (the one
    whose text states it; ``outperforms`` edges are keyed per claiming paper), so a block is
    complete once its paper is merged and can be exported straight away."""

    id: str
    data: dict
    edges: list[Edge]


@dataclass
class Shared:
    """What the papers share, final once the last paper is merged.

    ``entities`` maps entity ids to their attributes (label, aliases, concept, paper count),
    ``broader`` lists the (narrower, broader) concept pairs, ``pages`` maps each source
    file's path to its page date. The tallies (paper counts per concept, month and pair,
    ``kg.tally``) are counted on first use and kept, so formats that need them share one
    count and formats that do not never pay for it.
    """

    entities: Mapping[str, dict]
    broader: Sequence[tuple[str, str]]
    pages: Mapping[str, str]
    count_tallies: Callable[[], list[Tally]]
    # (winner, loser) -> papers claiming it, for comparisons between two named systems: the
    # support of the concept-level edge "winner outperforms loser".
    claims: Mapping[tuple[str, str], int] = field(default_factory=dict)
    _tallies: list[Tally] | None = field(default=None, init=False, repr=False)

    def tallies(self) -> list[Tally]:
        if self._tallies is None:
            self._tallies = self.count_tallies()
        return self._tallies


def graph_blocks(G: nx.MultiDiGraph) -> Iterator[PaperBlock]:
    """The graph's papers in insertion order, each with the edges it claims."""
    by_paper: dict[str, list[Edge]] = {}  # entity-to-entity outperforms, by claiming paper
    for u, v, key, data in G.edges(keys=True, data=True):
        if "paper" in data and data["paper"] != u:
            by_paper.setdefault(data["paper"], []).append((u, v, key, data))
    for node, data in G.nodes(data=True):
        if data["kind"] == "Paper":
            edges = [*G.out_edges(node, keys=True, data=True), *by_paper.get(node, ())]
            yield PaperBlock(node, data, sorted(edges, key=lambda e: e[:3]))


def graph_shared(G: nx.MultiDiGraph) -> Shared:
    """The ``Shared`` parts of a graph in memory, as a build has them after its last paper."""
    entities = {n: d for n, d in G.nodes(data=True) if d["kind"] != "Paper"}
    broader = [(u, v) for u, v, r in G.edges(data="relation") if r == "broader"]
    pages: dict[str, str] = {}
    for _, data in G.nodes(data=True):
        for source in data.get("sources") or ():
            pages.setdefault(source["path"], source.get("page", ""))
    claims: dict[tuple[str, str], int] = {}
    for u, v, relation in G.edges(data="relation"):
        if relation == "outperforms" and G.nodes[u]["kind"] != "Paper":
            claims[(u, v)] = claims.get((u, v), 0) + 1
    return Shared(entities, broader, pages, lambda: list(tallies(G)), claims)
