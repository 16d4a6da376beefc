"""Checks a SPARQL query must pass before an engine sees it.

Oxigraph parses a query recursively: a query of a few thousand nested groups overflows the
stack of the thread that parses it, which kills the process (``kg query``) or the server's
responding thread. And ``SERVICE <url>`` makes the engine send the query to any address the
query names: from a read-only endpoint, a request forgery. So a query is read once, as text,
before it runs: its length, its nesting depth (braces, parentheses, brackets outside strings,
IRIs and comments) and the hosts its ``SERVICE`` clauses name. Reading is linear in the
query's length and keeps no recursion of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from kg.errors import QueryError

__all__ = ["QueryLimits", "check_query", "explain_syntax_error"]

# An IRI reference as SPARQL writes it: where "<" starts one rather than comparing.
_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_SERVICE = re.compile(r"SERVICE\b", re.I)
_SILENT = re.compile(r"\s*(?:SILENT\s*)?", re.I)
_OPEN, _CLOSE = "{([", "})]"


@dataclass(frozen=True)
class QueryLimits:
    """What a query may be: at most ``max_length`` characters and ``max_depth`` nested groups
    (the named queries use fewer than 10; Oxigraph's parser fails near 5,000), and a
    ``SERVICE`` only to a host in ``service_hosts``."""

    max_length: int = 100_000
    max_depth: int = 256
    service_hosts: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def allowing(cls, hosts: Iterable[str]) -> QueryLimits:
        return cls(service_hosts=frozenset(h.lower() for h in hosts))


def check_query(query: str, limits: QueryLimits | None = None) -> None:
    """Raise ``QueryError`` when ``query`` is too long, nested too deep, or names a
    ``SERVICE`` host that is not allowed; return None otherwise.

    Examples
    --------
    >>> check_query("SELECT * WHERE { ?s ?p ?o }")
    >>> check_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: SERVICE <http://example.org/sparql> refused: this endpoint reads \
only its own store (allow a host with --allow-service HOST)
    """
    limits = limits or QueryLimits()
    if len(query) > limits.max_length:
        raise QueryError(f"query too long: {len(query):,} characters (at most "
                         f"{limits.max_length:,})")
    depth = 0
    at, size = 0, len(query)
    while at < size:
        char = query[at]
        if char in "'\"":
            at = _skip_string(query, at)
            continue
        if char == "#":
            end = query.find("\n", at)
            at = size if end < 0 else end + 1
            continue
        if char == "<":
            m = _IRIREF.match(query, at)
            if m:
                at = m.end()
                continue
        if char in _OPEN:
            depth += 1
            if depth > limits.max_depth:
                raise QueryError(f"query nested too deep: more than {limits.max_depth} "
                                 f"levels of {{ }}, ( ) or [ ] (at character {at})")
        elif char in _CLOSE:
            depth = max(0, depth - 1)
        elif char in "sS" and (at == 0 or not (query[at - 1].isalnum() or
                                               query[at - 1] in "_:?$")):
            m = _SERVICE.match(query, at)
            if m:
                _check_service(query, m.end(), limits)
                at = m.end()
                continue
        at += 1


def _skip_string(query: str, at: int) -> int:
    """The index after the string literal starting at ``at`` (short or long quotes)."""
    quote = query[at]
    if query.startswith(quote * 3, at):
        end = query.find(quote * 3, at + 3)
        while end > 0 and _escaped(query, end):
            end = query.find(quote * 3, end + 1)
        return len(query) if end < 0 else end + 3
    at += 1
    while at < len(query):
        char = query[at]
        if char == "\\":
            at += 2
            continue
        if char == quote or char == "\n":
            return at + 1
        at += 1
    return at


def _escaped(query: str, at: int) -> bool:
    slashes = 0
    while at - slashes - 1 >= 0 and query[at - slashes - 1] == "\\":
        slashes += 1
    return slashes % 2 == 1


def _check_service(query: str, at: int, limits: QueryLimits) -> None:
    at = _SILENT.match(query, at).end()
    m = _IRIREF.match(query, at)
    target = m.group(0) if m else query[at:at + 40].split()[0] if query[at:].split() else ""
    host = (urlsplit(m.group(0)[1:-1]).hostname or "").lower() if m else ""
    if host and host in limits.service_hosts:
        return
    raise QueryError(f"SERVICE {target} refused: this endpoint reads only its own store "
                     f"(allow a host with --allow-service HOST)")


_DECLARED = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:", re.I)
_USED = re.compile(r"(?<![\w:?$#/.-])([A-Za-z][\w-]*)?:(?=[\w%])")
_LITERALS = re.compile(r"<[^<>\s]*>|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")


def explain_syntax_error(query: str, message: str, known: Iterable[str]) -> str:
    """A shorter message for the parser errors people meet most: a prefix that is neither
    declared nor one of ``known`` (the parser lists the Unicode ranges a name may hold)."""
    if "Prefix not found" not in message:
        return message
    text = _LITERALS.sub(" ", query)
    declared = {m.group(1) or "" for m in _DECLARED.finditer(text)} | set(known)
    unknown = sorted({m.group(1) or "" for m in _USED.finditer(text)} - declared)
    if not unknown:
        return message
    names = ", ".join(f"'{p}:'" for p in unknown)
    return (f"unknown prefix {names}; known: {', '.join(f'{p}:' for p in sorted(known))} "
            f"(or declare it with PREFIX)")
