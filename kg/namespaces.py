"""The kg namespaces: a closed ``DefinedNamespace`` for the ontology and the id base.

``KG.uses`` is checked against the terms of ``schemas/kg.ttl`` (a test keeps the two in step), so
a typo raises instead of minting a new IRI. IRIs are built here and nowhere else.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

__all__ = ["ID", "KG", "PREFIXES", "RELATION_PREDICATES", "entity_iri", "paper_iri",
           "source_iri"]

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

RELATION_PREDICATES = {
    "proposes": KG.proposes,
    "uses": KG.uses,
    "targets": KG.targets,
    "measures": KG.measures,
    "evaluated_on": KG.evaluatedOn,
    "outperforms": KG.outperforms,
}


def paper_iri(paper_id: str) -> URIRef:
    """``kgid:paper/<id>``."""
    return URIRef(f"{ID_NS}paper/{paper_id}")


def entity_iri(entity_id: str) -> URIRef:
    """``kgid:<type>/<slug>``; entity ids are already IRI-safe slugs."""
    return URIRef(ID_NS + entity_id)


def source_iri(source_id: str) -> URIRef:
    """``kgid:source/<slug>`` for a listing file."""
    return URIRef(f"{ID_NS}source/{source_id}")
