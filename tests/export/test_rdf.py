from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import rdflib

from kg.export import FORMATS, write_export
from kg.extract import extract_papers
from kg.merge import build_graph
from kg.model import Paper, SourceRef
from kg.namespaces import KG
from kg.readers import read_papers

ROOT = Path(__file__).resolve().parents[2]
RDF_FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}


@pytest.fixture
def graph(page: Path):
    hostile = Paper(id="paper-hostile", title='Quotes " and \\ back <script>alert(1)</script>',
                    abstract='A line\nbreak, a "quote", > and spaces. We use LoRA on GPUs.',
                    sources=(SourceRef('odd dir/page "1".txt', 3),))
    return build_graph(extract_papers([*read_papers([page]), hostile]))


FILE_FORMATS = sorted(n for n in FORMATS if n != "store")  # the store is a database folder


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_export_every_format_is_byte_identical_twice(graph, tmp_path: Path, fmt: str) -> None:
    def contents(path: Path) -> dict[str, bytes]:
        if path.is_dir():
            return {p.name: p.read_bytes() for p in sorted(path.iterdir())}
        return {path.name: path.read_bytes()}

    a = contents(write_export(graph, fmt, tmp_path / "a"))
    b = contents(write_export(graph, fmt, tmp_path / "b"))
    assert a and all(a.values()) and a == b


@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_rdf_round_trip_through_rdflib(graph, tmp_path: Path, fmt: str) -> None:
    path = write_export(graph, fmt, tmp_path)
    rdf_graph = rdflib.Graph().parse(path, format=RDF_FORMATS[fmt])
    papers = set(rdf_graph.subjects(rdflib.RDF.type, KG.Paper))
    assert len(papers) == 3
    titles = {str(t) for t in rdf_graph.objects(None, rdflib.namespace.DCTERMS.title)}
    assert 'Quotes " and \\ back <script>alert(1)</script>' in titles
    reference = rdflib.Graph().parse(write_export(graph, "ntriples", tmp_path / "nt"), format="nt")
    assert len(rdf_graph) == len(reference)


def test_rdf_statements_carry_evidence_and_numbers(graph, tmp_path: Path) -> None:
    rdf_graph = rdflib.Graph().parse(write_export(graph, "turtle", tmp_path), format="turtle")
    rows = list(rdf_graph.query("""
        PREFIX kg: <https://w3id.org/mlsys-kg/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?factor ?evidence ?metric WHERE {
          ?s rdf:predicate kg:outperforms ; kg:factor ?factor ; kg:evidence ?evidence ;
             kg:metric ?metric .
        }"""))
    assert any(str(r.factor) == "2.4" and "vLLM" in str(r.evidence) for r in rows)


def test_rdf_passes_shacl_shapes(graph, tmp_path: Path) -> None:
    pyshacl = pytest.importorskip("pyshacl")
    data = rdflib.Graph().parse(write_export(graph, "turtle", tmp_path), format="turtle")
    shapes = rdflib.Graph().parse(ROOT / "schemas" / "shapes.ttl", format="turtle")
    ontology = rdflib.Graph().parse(ROOT / "schemas" / "kg.ttl", format="turtle")
    conforms, _, report = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology,
                                           inference="rdfs")
    assert conforms, report


STATEMENT_PAPERS = """
    PREFIX kg: <https://w3id.org/mlsys-kg/ontology#>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    SELECT ?st ?paper WHERE { ?st rdf:subject|prov:wasDerivedFrom ?paper . ?paper a kg:Paper }
"""


def test_rdf_statements_hold_data_only_and_name_their_paper(graph, tmp_path: Path) -> None:
    """A statement has no triple a query can do without: no rdf:type (rdf:subject's domain
    says it), and prov:wasDerivedFrom only where its subject is not its paper (comparisons).
    Every statement still names exactly one paper, the one its edge's evidence is from."""
    rdf_graph = rdflib.Graph().parse(write_export(graph, "ntriples", tmp_path), format="nt")
    statements = set(rdf_graph.subjects(rdflib.RDF.subject, None))
    assert statements
    assert not set(rdf_graph.subjects(rdflib.RDF.type, rdflib.RDF.Statement))
    prov = rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    derived = set(rdf_graph.subjects(prov, None))
    comparisons = set(rdf_graph.subjects(rdflib.RDF.predicate, KG.outperforms))
    assert comparisons and derived == comparisons
    papers: dict[str, set[str]] = {}
    for row in rdf_graph.query(STATEMENT_PAPERS):
        papers.setdefault(str(row.st), set()).add(str(row.paper))
    assert set(papers) == {str(s) for s in statements}
    assert all(len(found) == 1 for found in papers.values())
    expected = {(u if d["relation"] != "outperforms" else ev.paper)
                for u, _, d in graph.edges(data=True) for ev in d["evidence"]}
    assert {p.rsplit("/", 1)[1] for found in papers.values() for p in found} == expected


def test_rdf_shacl_refuses_a_comparison_statement_without_its_paper(graph, tmp_path: Path
                                                                    ) -> None:
    pyshacl = pytest.importorskip("pyshacl")
    data = rdflib.Graph().parse(write_export(graph, "turtle", tmp_path), format="turtle")
    shapes = rdflib.Graph().parse(ROOT / "schemas" / "shapes.ttl", format="turtle")
    ontology = rdflib.Graph().parse(ROOT / "schemas" / "kg.ttl", format="turtle")
    prov = rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    comparison = next(iter(data.subjects(rdflib.RDF.predicate, KG.outperforms)))
    data.remove((comparison, prov, None))
    conforms, _, report = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology,
                                           inference="rdfs")
    assert not conforms and str(comparison) in report
    # A statement without its evidence fails too: the shape applies without rdf:type.
    data = rdflib.Graph().parse(tmp_path / "graph.ttl", format="turtle")
    use = next(iter(data.subjects(rdflib.RDF.predicate, KG.uses)))
    data.remove((use, KG.evidence, None))
    conforms, _, report = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology,
                                           inference="rdfs")
    assert not conforms and str(use) in report


def test_rdf_turtle_parses_with_raptor(graph, tmp_path: Path) -> None:
    rapper = shutil.which("rapper")
    if rapper is None:
        pytest.skip("raptor's rapper is not installed (.ci/run installs raptor2-utils)")
    path = write_export(graph, "turtle", tmp_path)
    result = subprocess.run([rapper, "-i", "turtle", "-c", str(path)], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    count = rdflib.Graph().parse(path, format="turtle")
    assert f"returned {len(count)} triples" in result.stderr


def test_namespace_terms_match_the_ontology() -> None:
    ontology = rdflib.Graph().parse(ROOT / "schemas" / "kg.ttl", format="turtle")
    defined = {str(s) for s in ontology.subjects(rdflib.RDF.type, None)
               if str(s).startswith(str(KG._NS))}
    assert {str(KG._NS) + name for name in KG.__annotations__} == defined


def test_streamed_triples_equal_those_of_the_whole_graph(page: Path) -> None:
    """The triples of a build (each block as ``GraphBuilder`` merges it, then what the
    papers share: no graph in memory) are exactly the sequence ``generate_triples``
    produces from the graph ``build_graph`` returns."""
    from kg.export.triples import block_triples, generate_triples, shared_triples
    from kg.merge import GraphBuilder

    hostile = Paper(id="paper-hostile", title="T", abstract=(
        "Our method outperforms vLLM by 2x in throughput on H100 GPUs. "
        "Zorbian token folding (ZTF) beats vLLM by 3x in latency."),
        sources=(SourceRef("other.txt", 1, "2024-01-02"),))
    findings = list(extract_papers([*read_papers([page]), hostile]))
    builder = GraphBuilder()
    claimed: set[tuple[str, str]] = set()
    streamed = [t for record in findings for t in block_triples(builder.add(record), claimed)]
    builder.finish()
    streamed += shared_triples(builder.shared())
    whole = list(generate_triples(build_graph(findings)))
    assert streamed == whole
    assert any("outperforms" in p for _, p, _ in whole)
    assert builder.graph is None  # nothing kept but what papers share
    assert len(builder.related) == len(findings)


def test_rdf_jsonld_holds_exactly_the_ntriples(graph, tmp_path: Path) -> None:
    """The streamed JSON-LD is the same graph as the N-Triples, read by two JSON-LD
    processors (rdflib's and Oxigraph's), hostile literals included."""
    import json

    import pyoxigraph as ox

    jsonld = write_export(graph, "jsonld", tmp_path / "j")
    nt = write_export(graph, "ntriples", tmp_path / "n")
    by_rdflib = set(rdflib.Graph().parse(jsonld, format="json-ld"))
    assert by_rdflib == set(rdflib.Graph().parse(nt, format="nt")) and len(by_rdflib) > 1000
    by_oxigraph = {str(t) for t in ox.parse(path=str(jsonld), format=ox.RdfFormat.JSON_LD)}
    assert by_oxigraph == {str(t) for t in ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES)}
    # One object per subject within a chunk of the stream (this graph is one chunk): a
    # paper's metadata and edges are together, for readers of plain JSON.
    ids = [node["@id"] for node in json.loads(jsonld.read_text(encoding="utf-8"))["@graph"]]
    assert len(ids) == len(set(ids))


def test_rdf_jsonld_values_from_ntriples_terms() -> None:
    """Every kind of N-Triples object term becomes its JSON-LD value, escapes decoded where
    JSON does not share them."""
    import json

    from kg.export.jsonld import nt_term_to_json

    cases = {
        "<https://w3id.org/mlsys-kg/id/technique/lora>": {"@id": "tech:lora"},
        "<http://example.org/x>": {"@id": "http://example.org/x"},
        r'"a \\ \"q\" \n \u00E9"': 'a \\ "q" \n \u00e9',
        r'"caf\U000000E9 it\'s"': "caf\u00e9 it's",
        '"12"^^<http://www.w3.org/2001/XMLSchema#integer>': {"@value": "12",
                                                             "@type": "xsd:integer"},
        '"bonjour"@fr': {"@value": "bonjour", "@language": "fr"},
        "_:b0": {"@id": "_:b0"},
    }
    for term, expected in cases.items():
        assert json.loads(nt_term_to_json(term)) == expected, term
