"""RDF exports of the graph: Turtle, N-Triples and JSON-LD under the kg ontology.

Mapping (see docs/ontology.md):

- a paper is a ``kg:Paper`` with ``dcterms:title``, ``dcterms:abstract``, ``dcterms:issued``
  (``xsd:date``), ``kg:authorCount``, ``kg:upvotes``, ``kg:organization`` and ``kg:listedIn``
  its source pages (``kg:SourcePage``, ``prov:Entity``);
- an entity is a ``kg:Technique``/``Model``/``Hardware``/``Metric``/``Dataset`` and a
  ``skos:Concept`` with ``skos:prefLabel``, ``skos:altLabel``, ``skos:broader`` and
  ``skos:inScheme``;
- each relation is a direct triple (``paper kg:uses technique``) and an ``rdf:Statement``
  (standard RDF reification, which every store and parser reads; RDF-star is not used) with
  ``kg:evidence``, ``kg:charStart``, ``kg:charEnd``, ``kg:rule``, ``prov:wasDerivedFrom`` the
  paper, and for ``outperforms`` ``kg:metric``, ``kg:factor``, ``kg:percent``, ``kg:value`` and
  ``kg:baselineValue``.

Output is deterministic: triples are generated from sorted nodes and edges, N-Triples are
sorted, and JSON-LD is written with sorted keys and nodes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDFS, SKOS, XSD

from kg.fileio import atomic_open, write_lines
from kg.namespaces import (
    ID_NS,
    KG,
    PREFIXES,
    RELATION_PREDICATES,
    entity_iri,
    paper_iri,
    source_iri,
)

__all__ = ["generate_ntriples", "generate_trig", "generate_triples", "node_iri", "nt_term",
           "write_trig", "to_rdflib", "write_jsonld",
           "write_ntriples", "write_turtle"]

Triple = tuple[URIRef, URIRef, URIRef | Literal]
_CLASS = {"Paper": KG.Paper, "Technique": KG.Technique, "Model": KG.Model,
          "Hardware": KG.Hardware, "Metric": KG.Metric, "Dataset": KG.Dataset}
_DECIMAL = re.compile(r"^\d+(?:\.\d+)?$")


def node_iri(G: nx.MultiDiGraph, node: str) -> URIRef:
    """The IRI of a graph node."""
    return paper_iri(node) if G.nodes[node].get("kind") == "Paper" else entity_iri(node)


def _source_id(path: str) -> str:
    name = Path(path).name
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "source"
    return f"{slug}-{hashlib.sha1(path.encode('utf-8')).hexdigest()[:6]}"


def _text(value: str) -> Literal:
    return Literal(value)


def _paper_triples(node: str, data: dict) -> Iterator[Triple]:
    s = paper_iri(node)
    yield s, RDF.type, KG.Paper
    yield s, RDFS.label, _text(data["title"])
    yield s, DCTERMS.title, _text(data["title"])
    if data.get("abstract"):
        yield s, DCTERMS.abstract, _text(data["abstract"])
    if data.get("published"):
        yield s, DCTERMS.issued, Literal(data["published"], datatype=XSD.date)
    if data.get("author_count") is not None:
        yield s, KG.authorCount, Literal(int(data["author_count"]), datatype=XSD.integer)
    if data.get("upvotes") is not None:
        yield s, KG.upvotes, Literal(int(data["upvotes"]), datatype=XSD.integer)
    if data.get("organization"):
        yield s, KG.organization, _text(data["organization"])
    if data.get("arxiv_id"):
        yield s, KG.arxivId, _text(data["arxiv_id"])
    if data.get("doi"):
        yield s, KG.doi, _text(data["doi"])
    if data.get("updated"):
        yield s, DCTERMS.modified, Literal(data["updated"], datatype=XSD.date)
    for author in data.get("authors") or []:
        yield s, DCTERMS.creator, _text(author)
    for category in data.get("categories") or []:
        yield s, DCTERMS.subject, _text(category)
    for source in data.get("sources", []):
        page = source_iri(_source_id(source["path"]))
        yield s, KG.listedIn, page
        yield page, RDF.type, KG.SourcePage
        yield page, RDF.type, PROV.Entity
        yield page, RDFS.label, _text(Path(source["path"]).name)
        yield page, DCTERMS.source, _text(source["path"])
        if source.get("page"):
            yield page, DCTERMS.date, _text(source["page"])


def _entity_triples(node: str, data: dict) -> Iterator[Triple]:
    s = entity_iri(node)
    yield s, RDF.type, _CLASS[data["kind"]]
    yield s, RDF.type, SKOS.Concept
    yield s, SKOS.prefLabel, _text(data["label"])
    yield s, RDFS.label, _text(data["label"])
    yield s, SKOS.inScheme, URIRef(f"{ID_NS}{node.split('/', 1)[0]}/")
    for alias in sorted(set(data.get("aliases", []))):
        if alias != data["label"]:
            yield s, SKOS.altLabel, _text(alias)


def _statement_iri(subject: URIRef, predicate: URIRef, obj: URIRef, paper: str) -> URIRef:
    digest = hashlib.sha1(f"{subject} {predicate} {obj} {paper}".encode()).hexdigest()[:16]
    return URIRef(f"{ID_NS}statement/{digest}")


def _edge_triples(G: nx.MultiDiGraph, u: str, v: str, data: dict) -> Iterator[Triple]:
    relation = data["relation"]
    s, o = node_iri(G, u), node_iri(G, v)
    if relation == "broader":
        yield s, SKOS.broader, o
        return
    predicate = RELATION_PREDICATES[relation]
    yield s, predicate, o
    for ev in data["evidence"]:
        st = _statement_iri(s, predicate, o, ev["paper"])
        yield st, RDF.type, RDF.Statement
        yield st, RDF.subject, s
        yield st, RDF.predicate, predicate
        yield st, RDF.object, o
        yield st, KG.evidence, _text(ev["sentence"])
        yield st, KG.charStart, Literal(int(ev["start"]), datatype=XSD.integer)
        yield st, KG.charEnd, Literal(int(ev["end"]), datatype=XSD.integer)
        yield st, KG.rule, _text(ev["rule"])
        yield st, PROV.wasDerivedFrom, paper_iri(ev["paper"])
        if relation == "outperforms":
            if data.get("metric"):
                yield st, KG.metric, entity_iri(data["metric"])
            values = data.get("values") or {}
            for key, term in (("factor", KG.factor), ("percent", KG.percent)):
                number = _upper_bound(values.get(key, ""))
                if number is not None:
                    yield st, term, Literal(number, datatype=XSD.decimal)
            for key, term in (("value", KG.value), ("baseline_value", KG.baselineValue)):
                if key in values:
                    yield st, term, _text(values[key])


def _upper_bound(text: str) -> str | None:
    """ "4.86" -> "4.86"; a range "1.4-11.2" -> "11.2" (the "up to" figure); else None."""
    parts = [p.strip() for p in re.split(r"[-–~]", text) if p.strip()]
    return parts[-1] if parts and all(_DECIMAL.match(p) for p in parts) else None


def generate_triples(G: nx.MultiDiGraph) -> Iterator[Triple]:
    """Every triple of the graph, in a deterministic order (sorted nodes, then edges)."""
    schemes = set()
    for node in sorted(G.nodes):
        data = G.nodes[node]
        if data["kind"] == "Paper":
            yield from _paper_triples(node, data)
        else:
            yield from _entity_triples(node, data)
            schemes.add((node.split("/", 1)[0], data["kind"]))
    for prefix, kind in sorted(schemes):
        scheme = URIRef(f"{ID_NS}{prefix}/")
        yield scheme, RDF.type, SKOS.ConceptScheme
        yield scheme, SKOS.prefLabel, _text(kind)
    for u, v, key in sorted(G.edges(keys=True)):
        yield from _edge_triples(G, u, v, G.edges[u, v, key])


def to_rdflib(G: nx.MultiDiGraph) -> Graph:
    """The graph as an ``rdflib.Graph`` with the kg prefixes bound."""
    rdf_graph = Graph()
    for prefix, ns in PREFIXES.items():
        rdf_graph.bind(prefix, ns, override=True, replace=True)
    for triple in generate_triples(G):
        rdf_graph.add(triple)
    return rdf_graph


_NT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
               "\b": "\\b", "\f": "\\f"}
# Also escaped: NEL and the Unicode line/paragraph separators, which some tools (Python's
# splitlines among them) treat as line breaks; N-Triples must stay one triple per line.
_NT_SPECIAL = re.compile(r'[\\"\x00-\x1f\x7f\x85\u2028\u2029]')


def _nt_escape(text: str) -> str:
    return _NT_SPECIAL.sub(lambda m: _NT_ESCAPES.get(m.group(0), f"\\u{ord(m.group(0)):04X}"),
                           text)


def nt_term(term: URIRef | Literal) -> str:
    """One term in N-Triples syntax, escaped per the W3C grammar (one line, always)."""
    if isinstance(term, Literal):
        body = f'"{_nt_escape(str(term))}"'
        if term.language:
            return f"{body}@{term.language}"
        if term.datatype and term.datatype != XSD.string:
            return f"{body}^^<{term.datatype}>"
        return body
    return f"<{term}>"


def generate_ntriples(G: nx.MultiDiGraph) -> Iterator[str]:
    """N-Triples lines, sorted and without duplicates (no rdflib graph is built)."""
    lines = {f"{nt_term(s)} {nt_term(p)} {nt_term(o)} ." for s, p, o in generate_triples(G)}
    yield from sorted(lines)


def write_ntriples(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write sorted N-Triples atomically."""
    write_lines(path, generate_ntriples(G))


def write_turtle(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write Turtle atomically, with rdflib's deterministic ``longturtle`` serializer."""
    data = to_rdflib(G).serialize(format="longturtle", encoding="utf-8")
    with atomic_open(path, "wb") as handle:
        handle.write(data)


def generate_trig(G: nx.MultiDiGraph) -> Iterator[str]:
    """TriG lines: one named graph per source page (``kgid:source/...``), holding the papers
    first listed on it, their metadata, their relations and the reified statements extracted
    from them; entities, their hierarchy and entity-to-entity ``outperforms`` triples go in
    ``kgid:graph/vocabulary``. Inside a graph, triples are sorted N-Triples lines."""
    vocabulary = f"{ID_NS}graph/vocabulary"
    pages = {str(paper_iri(node)): str(source_iri(_source_id(data["sources"][0]["path"])))
             for node, data in G.nodes(data=True)
             if data["kind"] == "Paper" and data.get("sources")}
    triples = list(generate_triples(G))
    derived = {str(s): str(o) for s, p, o in triples
               if p == PROV.wasDerivedFrom and str(s).startswith(f"{ID_NS}statement/")}
    graphs: dict[str, set[str]] = {}
    for s, p, o in triples:
        subject = str(s)
        owner = derived.get(subject, subject)  # a statement belongs to its paper's page
        graph = pages.get(owner) or (subject if subject.startswith(f"{ID_NS}source/")
                                     else vocabulary)
        graphs.setdefault(graph, set()).add(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .")
    for graph in sorted(graphs):
        yield f"<{graph}> {{"
        for line in sorted(graphs[graph]):
            yield f"  {line}"
        yield "}"


def write_trig(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write TriG atomically (see ``generate_trig``)."""
    write_lines(path, generate_trig(G))


def write_jsonld(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write JSON-LD atomically: compacted with the kg prefixes, nodes and keys sorted."""
    raw = to_rdflib(G).serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True)
    doc = json.loads(raw)
    if isinstance(doc, dict) and isinstance(doc.get("@graph"), list):
        for node in doc["@graph"]:
            for key, value in node.items():
                if isinstance(value, list):
                    node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True))
        doc["@graph"].sort(key=lambda n: n.get("@id", ""))
    with atomic_open(path) as handle:
        json.dump(doc, handle, sort_keys=True, indent=1, ensure_ascii=False)
        handle.write("\n")
