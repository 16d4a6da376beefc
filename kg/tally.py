"""Paper counts per concept, per month and per concept pair: the graph's aggregates.

Why: questions over the whole corpus ("which techniques are used most", "what do edge-device
papers measure", "papers per month on GPUs") are joins over every extracted edge, and a
SPARQL engine pays for them by scanning hundreds of thousands of edges per query at arXiv
scale. The build already sees every edge, so it counts once and the RDF exports carry the
counts as ``kg:Tally`` resources (docs/ontology.md) that such questions read directly. They
are derived data: a pure function of the graph, recomputed by every build, never extracted.

Every count is of *distinct papers*, and a paper counts for a concept when it is related to
the concept **or to a narrower one** (``skos:broader``, transitively): a paper that targets an
H100 counts for "Hopper GPU" and "GPU".
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from functools import cache

import networkx as nx

__all__ = ["COUNTED", "MONTHLY", "PAIRS", "Tally", "ancestor_function", "count_tallies", "month_of",
           "tallies"]

# Relations whose concepts are counted (proposes names one-off systems; outperforms links
# systems, not a paper to a concept).
COUNTED = ("uses", "targets", "measures", "evaluated_on")
# Relations also counted per month of publication (trends).
MONTHLY = ("uses", "targets", "measures", "evaluated_on")
# Relation pairs whose concept pairs are counted: which techniques run on which hardware,
# measured how. Order matters: the first relation's concept is ``concept``.
PAIRS = (("uses", "targets"), ("targets", "measures"), ("uses", "measures"))


@dataclass(frozen=True, order=True)
class Tally:
    """``papers`` distinct papers have ``relation`` to ``concept`` (or a narrower concept),
    optionally in ``month`` (YYYY-MM) or together with ``with_relation`` to ``with_concept``."""

    relation: str
    concept: str
    month: str = ""
    with_relation: str = ""
    with_concept: str = ""
    papers: int = 0


# A Tally's fields as a tuple, in declaration order: the order ``order=True`` defines.
_FIELDS = operator.attrgetter(*(f.name for f in fields(Tally)))


def ancestor_function(parents: Mapping[str, Iterable[str]]):
    """A cached map concept -> the concept and everything broader than it."""

    @cache
    def up(node: str) -> frozenset[str]:
        seen = {node}
        stack = [node]
        while stack:
            for parent in parents.get(stack.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return frozenset(seen)

    return up


def count_tallies(related: Iterable[tuple[str, Mapping[str, Iterable[str]]]],
                  broader: Iterable[tuple[str, str]]) -> list[Tally]:
    """Every tally, sorted (deterministic output for the exports).

    ``related`` gives per paper (month ``YYYY-MM`` or "", relation -> the concepts the paper
    has that relation to); ``broader`` the (narrower, broader) concept pairs. Both the whole
    graph (``tallies``) and the streaming builder (``kg.merge.GraphBuilder``) count here.
    """
    parents: dict[str, list[str]] = {}
    for narrower, wider in broader:
        parents.setdefault(narrower, []).append(wider)
    up = ancestor_function(parents)
    single: Counter[tuple[str, str]] = Counter()
    monthly: Counter[tuple[str, str, str]] = Counter()
    pairs: Counter[tuple[str, str, str, str]] = Counter()
    for month, direct in related:
        concepts: dict[str, set[str]] = {}
        for relation, targets in direct.items():
            if relation in COUNTED:
                rolled = concepts.setdefault(relation, set())
                for target in targets:
                    rolled.update(up(target))
        for relation, nodes in concepts.items():
            single.update((relation, node) for node in nodes)
            if month and relation in MONTHLY:
                monthly.update((relation, node, month) for node in nodes)
        for first, second in PAIRS:
            left, right = concepts.get(first), concepts.get(second)
            if left and right:
                pairs.update((first, a, second, b) for a in left for b in right if a != b)
    found = [Tally(r, c, papers=n) for (r, c), n in single.items()]
    found += [Tally(r, c, month=m, papers=n) for (r, c, m), n in monthly.items()]
    found += [Tally(r1, c1, with_relation=r2, with_concept=c2, papers=n)
              for (r1, c1, r2, c2), n in pairs.items()]
    # Sorted by field tuples, in the dataclass's own order: comparing Tally objects would call
    # a Python-level __lt__ per comparison.
    return sorted(found, key=_FIELDS)


def month_of(published: str | None) -> str:
    """ "2024-03-02" -> "2024-03", the month a paper is counted in ("" when undated)."""
    return str(published or "")[:7]


def _related(G: nx.MultiDiGraph) -> Iterator[tuple[str, dict[str, set[str]]]]:
    for paper, data in G.nodes(data=True):
        if data.get("kind") != "Paper":
            continue
        direct: dict[str, set[str]] = {}
        for _, target, relation in G.out_edges(paper, data="relation"):
            direct.setdefault(relation, set()).add(target)
        yield month_of(data.get("published")), direct


def tallies(G: nx.MultiDiGraph) -> Iterator[Tally]:
    """Every tally of the graph, sorted (deterministic output for the exports)."""
    broader = [(u, v) for u, v, r in G.edges(data="relation") if r == "broader"]
    yield from count_tallies(_related(G), broader)
