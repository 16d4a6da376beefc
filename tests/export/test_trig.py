"""TriG written paper by paper (``kg.export.trig``): the dataset it holds, read by Oxigraph
and rdflib."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.export import write_export
from kg.extract import extract_papers
from kg.merge import build_graph
from kg.namespaces import ID_NS
from kg.readers import read_papers

DATA = Path(__file__).resolve().parents[1] / "data"
PROV = "http://www.w3.org/ns/prov#wasDerivedFrom"
LISTED = "https://w3id.org/mlsys-kg/ontology#listedIn"
VOCAB = f"{ID_NS}graph/vocabulary"


@pytest.fixture
def quads(page: Path, tmp_path: Path):
    ox = pytest.importorskip("pyoxigraph")
    files = [page, DATA / "papers.csv", DATA / "refs.bib", DATA / "arxiv.xml"]
    G = build_graph(extract_papers(read_papers(files)))
    trig = write_export(G, "trig", tmp_path)
    nt = write_export(G, "ntriples", tmp_path)
    store = ox.Store()
    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    triples = ox.Store()
    triples.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    return [(q.subject.value, q.predicate.value, str(q.object), q.graph_name.value)
            for q in store], triples, trig


def test_trig_holds_the_ntriples_once_each(quads) -> None:
    rows, triples, _ = quads
    assert len(rows) == len(triples)
    assert {(s, p, o) for s, p, o, _ in rows} == {
        (t.subject.value, t.predicate.value, str(t.object)) for t in triples}


def test_trig_puts_each_paper_and_its_statements_in_its_first_page(quads) -> None:
    rows, _, trig = quads
    graph_of = {}
    for s, _, _, g in rows:
        graph_of.setdefault(s, set()).add(g)
    first_page = {}
    for line in trig.read_text(encoding="utf-8").splitlines():  # listings in paper order
        if LISTED in line:
            s, _, o = line.strip().split(" ", 2)
            first_page.setdefault(s[1:-1], o.rstrip(" .")[1:-1])
    assert first_page
    for paper, page in first_page.items():
        assert graph_of[paper] == {page}
    derived = [(s, o.strip("<>")) for s, p, o, _ in rows if p == PROV]
    assert derived
    for statement, paper in derived:
        assert graph_of[statement] == {first_page[paper]}
    entities = {s for s, _, _, _ in rows if "/technique/" in s or "/hardware/" in s}
    assert entities and all(graph_of[e] == {VOCAB} for e in entities)
    pages = {g for g in first_page.values()}
    assert all(graph_of[p] == {p} for p in pages)  # a page describes itself in its graph


@pytest.mark.filterwarnings("ignore:Dataset.default_context:DeprecationWarning")  # rdflib's own
def test_trig_reads_with_rdflib(quads) -> None:
    import rdflib

    rows, _, trig = quads
    dataset = rdflib.Dataset()
    dataset.parse(trig, format="trig")
    assert len(dataset) == len(rows)
