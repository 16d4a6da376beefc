"""The kg namespaces: a closed ``DefinedNamespace`` for the ontology and the id base.

``KG.uses`` is checked against the terms of ``schemas/kg.ttl`` (a test keeps the two in step), so
a typo raises instead of minting a new IRI. IRIs are built here and nowhere else: the
``*_term`` functions give them as N-Triples terms, the form every writer works in.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePath

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

__all__ = ["ID", "ID_NS", "KG", "ONTOLOGY_NS", "PREFIXES", "W3C", "entity_term", "graph_term",
           "iri", "kg_term", "paper_term", "scheme_term", "source_term", "split_iri",
           "statement_term", "tally_term", "w3c_term"]

ONTOLOGY_NS = "https://w3id.org/mlsys-kg/ontology#"
ID_NS = "https://w3id.org/mlsys-kg/id/"


class KG(DefinedNamespace):
    """Terms of the kg ontology (``schemas/kg.ttl``)."""

    _NS = Namespace(ONTOLOGY_NS)
    _fail = True

    Paper: URIRef
    Entity: URIRef
    Technique: URIRef
    Model: URIRef
    Hardware: URIRef
    HardwareProduct: URIRef
    Metric: URIRef
    Dataset: URIRef
    SourcePage: URIRef
    System: URIRef
    proposes: URIRef
    uses: URIRef
    targets: URIRef
    measures: URIRef
    evaluatedOn: URIRef
    outperforms: URIRef
    listedIn: URIRef
    evidence: URIRef
    charStart: URIRef
    charEnd: URIRef
    rule: URIRef
    confidence: URIRef
    metric: URIRef
    onDataset: URIRef
    factor: URIRef
    percent: URIRef
    value: URIRef
    baselineValue: URIRef
    authorCount: URIRef
    upvotes: URIRef
    organization: URIRef
    arxivId: URIRef
    doi: URIRef
    sourceLine: URIRef
    Tally: URIRef
    ConceptTally: URIRef
    ClaimTally: URIRef
    winner: URIRef
    loser: URIRef
    MonthlyTally: URIRef
    PairTally: URIRef
    relation: URIRef
    concept: URIRef
    month: URIRef
    withRelation: URIRef
    withConcept: URIRef
    paperCount: URIRef


ID = Namespace(ID_NS)

PREFIXES = {
    "kg": ONTOLOGY_NS,
    "kgid": ID_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    # One prefix per node type, because SPARQL and Turtle local names cannot contain "/".
    "paper": ID_NS + "paper/",
    "tech": ID_NS + "technique/",
    "model": ID_NS + "model/",
    "hw": ID_NS + "hardware/",
    "metric": ID_NS + "metric/",
    "dataset": ID_NS + "dataset/",
}

W3C = {prefix: PREFIXES[prefix] for prefix in ("rdf", "rdfs", "xsd", "skos", "dcterms", "prov")}
_PREFIX_OF = {ns: prefix for prefix, ns in PREFIXES.items()}


def split_iri(iri: str) -> tuple[str | None, str]:
    """ "https://w3id.org/mlsys-kg/ontology#uses" -> ("kg", "uses"); (None, iri) when the
    IRI is in no kg prefix.

    Every namespace ends in "/" or "#" and a local name holds neither, so the only candidate
    namespace is the IRI up to its last "/" or "#": one dict lookup, not a scan of prefixes.
    Turtle and JSON-LD then apply their own rules on what a local name may hold.
    """
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    prefix = _PREFIX_OF.get(iri[:cut])
    return (prefix, iri[cut:]) if prefix is not None else (None, iri)


# N-Triples terms ("<iri>"), the form every writer works in (no rdflib objects on the hot
# path of a build).

def iri(value: str) -> str:
    """An IRI as an N-Triples term."""
    return f"<{value}>"


def kg_term(name: str) -> str:
    """``kg:<name>`` as an N-Triples term; a name the ontology lacks raises (``KG``)."""
    return iri(str(getattr(KG, name)))


def w3c_term(prefix: str, name: str) -> str:
    """A term of a standard vocabulary (``w3c_term("skos", "broader")``)."""
    return iri(W3C[prefix] + name)


def paper_term(paper_id: str) -> str:
    """``kgid:paper/<id>``."""
    return iri(f"{ID_NS}paper/{paper_id}")


def entity_term(entity_id: str) -> str:
    """``kgid:<type>/<slug>``; entity ids are already IRI-safe slugs."""
    return iri(ID_NS + entity_id)


def scheme_term(prefix: str) -> str:
    """``kgid:<type>/``: the concept scheme of one entity type."""
    return iri(f"{ID_NS}{prefix}/")


def source_term(path: str) -> str:
    """``kgid:source/<slug>-<hash>`` for a listing file: its name made IRI-safe, and six hex
    digits of its path's SHA-1 so two files of one name in different folders differ."""
    name = PurePath(path).name
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "source"
    return iri(f"{ID_NS}source/{slug}-{hashlib.sha1(path.encode('utf-8')).hexdigest()[:6]}")


def statement_term(subject: str, predicate: str, obj: str, paper: str) -> str:
    """``kgid:statement/<hash>``: one reified statement per (edge, paper), the same in every
    build."""
    digest = hashlib.sha1(f"{subject} {predicate} {obj} {paper}".encode()).hexdigest()[:16]
    return iri(f"{ID_NS}statement/{digest}")


def tally_term(path: str) -> str:
    """``kgid:tally/<path>``."""
    return iri(f"{ID_NS}tally/{path}")


def graph_term(name: str) -> str:
    """``kgid:graph/<name>``: a named graph of the TriG dataset."""
    return iri(f"{ID_NS}graph/{name}")
