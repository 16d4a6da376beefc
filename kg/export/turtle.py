"""Turtle lines from the stream of triples: the kg prefixes, consecutive triples of a subject
grouped with ``;``. The formatter holds only the current subject and a bounded cache, so a
build writes Turtle chunk by chunk (``kg.export.rdf.RdfSink``).
"""

from __future__ import annotations

import re

from kg.export.triples import A, Triple
from kg.namespaces import PREFIXES, split_iri

__all__ = ["TurtleFormatter"]

_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
_COMPACT_CACHE: dict[str, str] = {}


def _compact_iri(term: str) -> str:
    """ "<https://w3id.org/mlsys-kg/ontology#uses>" -> "kg:uses" where Turtle allows it
    (a local name of letters, digits, "_" and "-")."""
    prefix, local = split_iri(term[1:-1])
    if prefix is not None and _LOCAL.fullmatch(local):
        return f"{prefix}:{local}"
    return term


def _compact(term: str) -> str:
    """A term in Turtle: IRIs and literal datatypes with the kg prefixes where allowed."""
    if term.startswith("<"):
        return _compact_iri(term)
    if term.endswith(">") and '"^^<' in term:
        body, datatype = term.rsplit("^^", 1)
        short = _COMPACT_CACHE.get(datatype)
        if short is None:
            short = _COMPACT_CACHE[datatype] = _compact_iri(datatype)
        return f"{body}^^{short}"
    return term


class TurtleFormatter:
    """Turtle lines for a stream of triples: consecutive triples of a subject are grouped
    (``s p o ; p o .``). Holds the current subject and a bounded cache of compacted IRIs,
    so writing streams."""

    CACHE = 1 << 16

    def __init__(self) -> None:
        self.current: str | None = None
        self.predicates: dict[str, str] = {A: "a"}
        # Entity, class and paper IRIs and typed literals recur (a paper's IRI in each of its
        # statements); the cache is dropped when full rather than grown with the corpus.
        self.iris: dict[str, str] = {}

    @staticmethod
    def header() -> list[str]:
        return [f"@prefix {prefix}: <{ns}> ." for prefix, ns in PREFIXES.items()]

    def add_all(self, triples: list[Triple], out: list[str]) -> None:
        """Append the lines of ``triples`` to ``out``; a subject's group may continue from
        the previous call. One loop with local names: this runs once per triple (~130 a
        paper) in the process every paper passes through."""
        current, predicates, iris, cache_size = self.current, self.predicates, self.iris, \
            self.CACHE
        append = out.append
        for s, p, o in triples:
            if s != current:
                if current is not None:
                    append("    .")
                append("")
                append(_compact_iri(s))
                current = s
            predicate = predicates.get(p)
            if predicate is None:
                predicate = predicates[p] = _compact(p)
            if o[-1] != ">":
                obj = o  # a plain literal: unchanged
            else:
                # IRIs and typed literals (charStart/charEnd integers, dates) recur.
                cached = iris.get(o)
                if cached is None:
                    if len(iris) >= cache_size:
                        iris.clear()
                    cached = iris[o] = _compact(o)
                obj = cached
            append(f"    {predicate} {obj} ;")
        self.current = current

    def close(self, out: list[str]) -> None:
        if self.current is not None:
            out.append("    .")
