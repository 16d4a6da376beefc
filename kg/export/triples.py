"""The kg ontology's mapping of the canonical form to RDF triples (see docs/ontology.md).

- a paper is a ``kg:Paper`` with ``dcterms:title``, ``dcterms:abstract``, ``dcterms:issued``
  (``xsd:date``), ``kg:authorCount``, ``kg:upvotes``, ``kg:organization`` and ``kg:listedIn``
  its source pages (``kg:SourcePage``, ``prov:Entity``);
- an entity is a ``kg:Technique``/``Model``/``Hardware``/``Metric``/``Dataset`` (a named
  product also a ``kg:HardwareProduct``) and a ``skos:Concept`` with ``skos:prefLabel``,
  ``skos:altLabel``, ``skos:broader`` and ``skos:inScheme``;
- each relation is a direct triple (``paper kg:uses technique``) and a statement (standard
  RDF reification, ``rdf:subject``/``rdf:predicate``/``rdf:object``, which every store and
  parser reads; RDF 1.2 triple terms are not used) with ``kg:evidence``, ``kg:charStart``,
  ``kg:charEnd``, ``kg:rule`` and ``kg:confidence``; an ``outperforms`` statement also has
  ``prov:wasDerivedFrom`` the paper, ``kg:metric``, ``kg:factor``, ``kg:percent``,
  ``kg:value`` and ``kg:baselineValue``;
- the tallies (``kg.tally``) are ``kg:ConceptTally``, ``kg:MonthlyTally``, ``kg:PairTally``,
  and ``kg:ClaimTally`` counts the papers claiming each "system outperforms system".

Terms are N-Triples strings (``kg.namespaces``), produced in a deterministic order: each
paper's block (``block_triples``) as it is merged, its description then its edges and their
statements, and after the last paper what papers share (``shared_triples``). Each triple is
produced once. Every RDF format (``kg.export.rdf``) and TriG are written from this sequence.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import PurePath

import networkx as nx

from kg.canonical import PaperBlock, Shared, graph_blocks, graph_shared
from kg.model import ENTITY_TYPES, RELATION_TYPES
from kg.namespaces import (
    KG,
    W3C,
    entity_term,
    kg_term,
    paper_term,
    scheme_term,
    source_term,
    statement_term,
    tally_term,
    w3c_term,
)
from kg.tally import Tally

__all__ = ["PREDICATES", "Triple", "block_triples", "generate_triples", "nt_literal",
           "shared_triples"]

# A triple is three N-Triples terms: "<iri>" or a literal '"text"' / '"v"^^<datatype>'.
Triple = tuple[str, str, str]
_K = {name: kg_term(name) for name in KG.__annotations__}
A = w3c_term("rdf", "type")
LABEL = w3c_term("rdfs", "label")
SUBJECT, PREDICATE, OBJECT = (w3c_term("rdf", t) for t in ("subject", "predicate", "object"))
PREF, ALT, BROADER, IN_SCHEME, CONCEPT, SCHEME, EDITORIAL_NOTE = (
    w3c_term("skos", t) for t in ("prefLabel", "altLabel", "broader", "inScheme", "Concept",
                                  "ConceptScheme", "editorialNote"))
TITLE, ABSTRACT, ISSUED, MODIFIED, CREATOR, SUBJECT_DC, SOURCE, DATE = (
    w3c_term("dcterms", t) for t in ("title", "abstract", "issued", "modified", "creator",
                                     "subject", "source", "date"))
DERIVED, PROV_ENTITY = w3c_term("prov", "wasDerivedFrom"), w3c_term("prov", "Entity")
# Relation name -> its property: "evaluated_on" -> kg:evaluatedOn.
PREDICATES = {relation: _K[re.sub(r"_(\w)", lambda m: m.group(1).upper(), relation)]
              for relation in RELATION_TYPES}
_CLASS = {kind: _K[kind] for kind in ("Paper", *ENTITY_TYPES)}
_DECIMAL = re.compile(r"^\d+(?:\.\d+)?$")
_NT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
               "\b": "\\b", "\f": "\\f"}
# Also escaped: NEL and the Unicode line/paragraph separators, which some tools (Python's
# splitlines among them) treat as line breaks; N-Triples must stay one triple per line.
_NT_SPECIAL = re.compile(r'[\\"\x00-\x1f\x7f\x85\u2028\u2029]')


def nt_literal(text: str, datatype: str | None = None) -> str:
    """A literal in N-Triples syntax, escaped per the W3C grammar (always one line)."""
    body = _NT_SPECIAL.sub(lambda m: _NT_ESCAPES.get(m.group(0), f"\\u{ord(m.group(0)):04X}"),
                           str(text))
    return f'"{body}"^^<{datatype}>' if datatype else f'"{body}"'


def _typed(value: object, xsd: str) -> str:
    return nt_literal(str(value), W3C["xsd"] + xsd)


def _paper_triples(node: str, data: dict) -> Iterator[Triple]:
    s = paper_term(node)
    yield s, A, _CLASS["Paper"]
    yield s, LABEL, nt_literal(data["title"])
    yield s, TITLE, nt_literal(data["title"])
    if data.get("abstract"):
        yield s, ABSTRACT, nt_literal(data["abstract"])
    if data.get("published"):
        yield s, ISSUED, _typed(data["published"], "date")
    if data.get("updated"):
        yield s, MODIFIED, _typed(data["updated"], "date")
    if data.get("author_count") is not None:
        yield s, _K["authorCount"], _integer(data["author_count"])
    if data.get("upvotes") is not None:
        yield s, _K["upvotes"], _integer(data["upvotes"])
    for key, term in (("organization", "organization"), ("arxiv_id", "arxivId"),
                      ("doi", "doi")):
        if data.get(key):
            yield s, _K[term], nt_literal(data[key])
    for author in data.get("authors") or []:
        yield s, CREATOR, nt_literal(author)
    for category in data.get("categories") or []:
        yield s, SUBJECT_DC, nt_literal(category)
    for page in dict.fromkeys(source_term(src["path"]) for src in data.get("sources", [])):
        yield s, _K["listedIn"], page


def _page_triples(path: str, date: str) -> Iterator[Triple]:
    page = source_term(path)
    yield page, A, _K["SourcePage"]
    yield page, A, PROV_ENTITY
    yield page, LABEL, nt_literal(PurePath(path).name)
    yield page, SOURCE, nt_literal(path)
    if date:
        yield page, DATE, nt_literal(date)


def _entity_triples(node: str, data: dict) -> Iterator[Triple]:
    s = entity_term(node)
    yield s, A, _CLASS[data["kind"]]
    if data.get("product"):
        yield s, A, _K["HardwareProduct"]
    yield s, A, CONCEPT
    yield s, PREF, nt_literal(data["label"])
    yield s, LABEL, nt_literal(data["label"])
    yield s, IN_SCHEME, scheme_term(node.split("/", 1)[0])
    for alias in sorted(set(data.get("aliases", []))):
        if alias != data["label"]:
            yield s, ALT, nt_literal(alias)
    for note in data.get("notes", ()):  # what a curation file changed (kg.curation)
        yield s, EDITORIAL_NOTE, nt_literal(note)


def _upper_bound(text: str) -> str | None:
    """ "4.86" -> "4.86"; a range "1.4-11.2" -> "11.2" (the "up to" figure); else None."""
    parts = [p.strip() for p in re.split(r"[-–~]", text) if p.strip()]
    return parts[-1] if parts and all(_DECIMAL.match(p) for p in parts) else None


_EVIDENCE, _CHAR_START, _CHAR_END, _RULE, _METRIC, _CONFIDENCE = (
    _K[t] for t in ("evidence", "charStart", "charEnd", "rule", "metric", "confidence"))
_INTEGER = f"^^<{W3C['xsd']}integer>"


def _integer(value: int) -> str:
    """An ``xsd:integer`` literal; digits need no escaping (the hot path: two per statement)."""
    return f'"{int(value)}"{_INTEGER}'


def _edge_triples(s: str, o: str, data: dict, claimed: set[tuple[str, str]],
                  literals: dict[str, str]) -> Iterator[Triple]:
    """The direct triple of a paper's edge (``s`` to ``o``, N-Triples terms) and one
    statement per piece of evidence. ``literals`` caches the paper's literals (sentences,
    rules, confidences): one sentence often supports several edges.

    A statement carries no ``rdf:type rdf:Statement`` (``rdf:subject``'s domain entails it),
    and ``prov:wasDerivedFrom`` only for ``outperforms``, whose subject is a system rather
    than the paper: for every other relation the paper is already its ``rdf:subject``. Each
    triple left is something a query asks for (docs/decisions, evidence as data)."""
    relation = data["relation"]
    predicate = PREDICATES[relation]
    outperforms = relation == "outperforms"
    # Several papers may claim the same "A outperforms B" (one edge each): one direct triple.
    if not outperforms:
        yield s, predicate, o
    elif (s, o) not in claimed:
        claimed.add((s, o))
        yield s, predicate, o
    confidence = data.get("confidence")
    for ev in data["evidence"]:
        st = statement_term(s, predicate, o, ev.paper)
        sentence = literals.get(ev.sentence)
        if sentence is None:
            sentence = literals[ev.sentence] = nt_literal(ev.sentence)
        yield st, SUBJECT, s
        yield st, PREDICATE, predicate
        yield st, OBJECT, o
        yield st, _EVIDENCE, sentence
        yield st, _CHAR_START, _integer(ev.start)
        yield st, _CHAR_END, _integer(ev.end)
        rule = literals.get(ev.rule)
        if rule is None:
            rule = literals[ev.rule] = nt_literal(ev.rule)
        yield st, _RULE, rule
        if confidence is not None:
            yield st, _CONFIDENCE, _decimal(confidence)
        if outperforms:
            yield st, DERIVED, paper_term(ev.paper)
            if data.get("metric"):
                yield st, _METRIC, entity_term(data["metric"])
            values = data.get("values") or {}
            for key, term in (("factor", "factor"), ("percent", "percent")):
                number = _upper_bound(values.get(key, ""))
                if number is not None:
                    yield st, _K[term], _typed(number, "decimal")
            for key, term in (("value", "value"), ("baseline_value", "baselineValue")):
                if key in values:
                    yield st, _K[term], nt_literal(values[key])


_DECIMAL_TYPE = f"^^<{W3C['xsd']}decimal>"


@functools.lru_cache(maxsize=4096, typed=True)
def _decimal(value: float) -> str:
    """An ``xsd:decimal`` literal of a confidence (a few dozen distinct values a build).
    Typed: a hand-added edge's ``1`` and a calibrated ``1.0`` stay as written."""
    return f'"{value}"{_DECIMAL_TYPE}'


def _local_name(predicate: str) -> str:
    """ "<https://w3id.org/mlsys-kg/ontology#evaluatedOn>" -> "evaluatedOn"."""
    return predicate[1:-1].rsplit("#", 1)[1]


def _tally_triples(tally: Tally) -> Iterator[Triple]:
    """A ``kg:ConceptTally``, ``kg:MonthlyTally`` or ``kg:PairTally`` (see kg.tally)."""
    relation = PREDICATES[tally.relation]
    path = f"{_local_name(relation)}/{tally.concept}"
    if tally.month:
        kind, path = "MonthlyTally", f"{path}/{tally.month}"
    elif tally.with_concept:
        kind = "PairTally"
        path = (f"{path}/{_local_name(PREDICATES[tally.with_relation])}/"
                f"{tally.with_concept}")
    else:
        kind = "ConceptTally"
    s = tally_term(path)
    yield s, A, _K[kind]
    yield s, _K["relation"], relation
    yield s, _K["concept"], entity_term(tally.concept)
    if tally.month:
        yield s, _K["month"], _typed(tally.month, "gYearMonth")
    if tally.with_concept:
        yield s, _K["withRelation"], PREDICATES[tally.with_relation]
        yield s, _K["withConcept"], entity_term(tally.with_concept)
    yield s, _K["paperCount"], _typed(tally.papers, "integer")


def block_triples(block: PaperBlock, claimed: set[tuple[str, str]]) -> Iterator[Triple]:
    """A paper's triples: its description, then each of its edges with their statements.
    ``claimed`` collects the ``outperforms`` pairs already stated (one direct triple each)."""
    yield from _paper_triples(block.id, block.data)
    subject = paper_term(block.id)
    literals: dict[str, str] = {}
    for u, v, _, data in block.edges:
        yield from _edge_triples(subject if u == block.id else entity_term(u),
                                 entity_term(v), data, claimed, literals)


def shared_triples(shared: Shared) -> Iterator[Triple]:
    """What papers share, after the last paper: sorted entities, source pages, concept
    schemes, ``skos:broader`` links, then the tallies (paper counts, see kg.tally)."""
    entities, pages = shared.entities, shared.pages
    schemes: set[tuple[str, str]] = set()
    for node in sorted(entities):
        data = entities[node]
        yield from _entity_triples(node, data)
        schemes.add((node.split("/", 1)[0], data["kind"]))
    for path in sorted(pages):
        yield from _page_triples(path, pages[path])
    for prefix, kind in sorted(schemes):
        scheme = scheme_term(prefix)
        yield scheme, A, SCHEME
        yield scheme, PREF, nt_literal(kind)
    for u, v in sorted(shared.broader):
        yield entity_term(u), BROADER, entity_term(v)
    for tally in shared.tallies():
        yield from _tally_triples(tally)
    for (winner, loser), papers in sorted(shared.claims.items()):
        yield from _claim_triples(winner, loser, papers)


def _claim_triples(winner: str, loser: str, papers: int) -> Iterator[Triple]:
    """A ``kg:ClaimTally``: how many papers claim that ``winner`` outperforms ``loser``."""
    s = tally_term(f"outperforms/{winner}/{loser}")
    yield s, A, _K["ClaimTally"]
    yield s, _K["relation"], PREDICATES["outperforms"]
    yield s, _K["winner"], entity_term(winner)
    yield s, _K["loser"], entity_term(loser)
    yield s, _K["paperCount"], _typed(papers, "integer")


def generate_triples(G: nx.MultiDiGraph) -> Iterator[Triple]:
    """Every triple of a graph in memory once, in the order a build writes them."""
    claimed: set[tuple[str, str]] = set()
    for block in graph_blocks(G):
        yield from block_triples(block, claimed)
    yield from shared_triples(graph_shared(G))
