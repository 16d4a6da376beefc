"""JSON-LD from the stream of N-Triples terms, written in the same pass as N-Triples and Turtle.

Why not rdflib: its JSON-LD serializer needs the whole graph as rdflib objects and took 72 s
for a 10,000-paper build (Turtle and N-Triples together: ~5 s), and its memory grows with the
graph, so JSON-LD was the one RDF format a large build could not stream. The document here is
compacted against the kg prefixes (``kg.namespaces.PREFIXES``) as ``@context`` and holds one
node object per line in ``@graph``: a subject's triples within a chunk of the stream, its
``rdf:type`` as ``@type``, IRIs as ``{"@id": ...}``, typed literals as ``{"@value": ...,
"@type": ...}``. A subject whose triples fall in two chunks (a paper at a chunk's end, an
entity that a paper's comparison names before the entities are written) gets a node object
in each, with the same ``@id``: JSON-LD merges them on reading; a reader of plain JSON
should merge by ``@id`` too.
"""

from __future__ import annotations

import gc
import json
import re

from kg.namespaces import PREFIXES, split_iri

__all__ = ["JsonLdFormatter", "nt_term_to_json"]

_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
# N-Triples string escapes that JSON does not share: \U with 8 hex digits and \'.
_NT_ONLY_ESCAPE = re.compile(r"\\U|\\'")
_NT_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_NT_CHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'",
             "\\": "\\"}


def _compact_iri(iri: str) -> str:
    """ "https://w3id.org/mlsys-kg/ontology#uses" -> "kg:uses" when its namespace is a kg
    prefix; JSON-LD expands any suffix but one that begins with "//"."""
    prefix, local = split_iri(iri)
    if prefix is None or local.startswith("//"):
        return iri
    return f"{prefix}:{local}"


def _unescape_nt(body: str) -> str:
    def one(m: re.Match) -> str:
        if m.group(1) or m.group(2):
            return chr(int(m.group(1) or m.group(2), 16))
        return _NT_CHARS[m.group(3)]
    return _NT_ESCAPE.sub(one, body)


def _json_string(nt_body: str) -> str:
    """The JSON text of an N-Triples string body ('"..."', quotes included).

    kg's writer escapes only what JSON escapes the same way (``\\"``, ``\\\\``, ``\\n``,
    ``\\uXXXX``, ...), so its bodies are JSON strings as they are; others are decoded first.
    """
    if _NT_ONLY_ESCAPE.search(nt_body) is None:
        return nt_body
    return json.dumps(_unescape_nt(nt_body[1:-1]), ensure_ascii=False)


def nt_term_to_json(term: str) -> str:
    """The JSON-LD value (JSON text) of an N-Triples object term.

    >>> nt_term_to_json('<https://w3id.org/mlsys-kg/id/technique/lora>')
    '{"@id": "tech:lora"}'
    >>> nt_term_to_json('"12"^^<http://www.w3.org/2001/XMLSchema#integer>')
    '{"@value": "12", "@type": "xsd:integer"}'
    """
    if term[0] == "<":
        return f'{{"@id": "{_compact_iri(term[1:-1])}"}}'
    if term.startswith("_:"):
        return f'{{"@id": "{term}"}}'
    if term[-1] == '"':
        return _json_string(term)
    cut = term.rindex('"')
    body, rest = term[:cut + 1], term[cut + 1:]
    if rest.startswith("^^<"):
        return f'{{"@value": {_json_string(body)}, "@type": "{_compact_iri(rest[3:-1])}"}}'
    return f'{{"@value": {_json_string(body)}, "@language": "{rest[1:]}"}}'  # "@en"


class JsonLdFormatter:
    """JSON-LD lines for a stream of triples (N-Triples terms): one node object per subject
    of each batch given to ``add_all`` (a build's 100,000-triple chunks), in the order the
    subjects first appear, so a paper's metadata and its edges, which its statements
    interleave, make one object. Holds only the last node's line (it gets a comma once
    another follows), so the document streams."""

    CACHE = 1 << 16

    def __init__(self) -> None:
        self.last: str | None = None  # the previous node's line, written when the next comes
        self.keys: dict[str, str] = {_RDF_TYPE: "@type"}
        self.values: dict[str, str] = {}  # IRIs and typed literals recur; bounded

    @staticmethod
    def header() -> list[str]:
        context = json.dumps(dict(sorted(PREFIXES.items())), indent=1, ensure_ascii=False)
        return ["{", f' "@context": {context.replace(chr(10), chr(10) + " ")},', ' "@graph": [']

    def add_all(self, triples: list[tuple[str, str, str]], out: list[str]) -> None:
        """Append the node objects of ``triples`` to ``out`` (the last one is held back)."""
        # A batch's nodes (~60,000 small dicts and lists, acyclic) live until it is written:
        # with the collector's default threshold they would be traversed again and again
        # (kg build raises the threshold; other callers may not). Nothing here can form a cycle.
        paused = gc.isenabled()
        gc.disable()
        try:
            self._add_all(triples, out)
        finally:
            if paused:
                gc.enable()

    def _add_all(self, triples: list[tuple[str, str, str]], out: list[str]) -> None:
        keys, values, size = self.keys, self.values, self.CACHE
        nodes: dict[str, dict[str, list[str]]] = {}
        for s, p, o in triples:
            node = nodes.get(s)
            if node is None:
                node = nodes[s] = {}
            key = keys.get(p)
            if key is None:
                key = keys[p] = f'"{_compact_iri(p[1:-1])}"'
            if key == "@type":
                value = f'"{_compact_iri(o[1:-1])}"'
            elif o[-1] == '"':
                value = _json_string(o)  # a plain literal: not cached, rarely repeated
            else:
                cached = values.get(o)
                if cached is None:
                    if len(values) >= size:
                        values.clear()
                    cached = values[o] = nt_term_to_json(o)
                value = cached
            found = node.get(key)
            if found is None:
                node[key] = [value]
            else:
                found.append(value)
        for subject, node in nodes.items():
            self._finish(subject, node, out)

    def _finish(self, subject: str, node: dict[str, list[str]], out: list[str]) -> None:
        sid = _compact_iri(subject[1:-1]) if subject[0] == "<" else subject  # or "_:b0"
        parts = [f'"@id": "{sid}"']
        for key, found in node.items():
            name = '"@type"' if key == "@type" else key
            parts.append(f"{name}: {found[0]}" if len(found) == 1
                         else f"{name}: [{', '.join(found)}]")
        if self.last is not None:
            out.append(self.last + ",")
        self.last = "  {" + ", ".join(parts) + "}"

    def close(self, out: list[str]) -> None:
        """The last node and the document's end."""
        if self.last is not None:
            out.append(self.last)
            self.last = None
        out.extend([" ]", "}"])
