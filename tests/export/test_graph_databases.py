"""Exports for graph databases, proven by loading them into real ones."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest

from kg.export import write_export
from kg.export.neo4j import generate_neo4j
from kg.extract import extract_papers
from kg.merge import build_graph
from kg.readers import read_papers


@pytest.fixture
def G(page: Path):
    return build_graph(extract_papers(read_papers([page])))


def _ladybug_load(script: Path, db_path: Path):
    ladybug = pytest.importorskip("ladybug")
    conn = ladybug.Connection(ladybug.Database(str(db_path)))
    for line in script.read_text().splitlines():
        if line.strip() and not line.startswith("//"):
            conn.execute(line)
    return conn


def _scalar(conn, query: str):
    result = conn.execute(query)
    return result.get_next()[0]


def test_cypher_loads_into_ladybug_with_matching_counts(G, tmp_path: Path) -> None:
    script = write_export(G, "cypher-ladybug", tmp_path)
    conn = _ladybug_load(script, tmp_path / "db")
    assert _scalar(conn, "MATCH (n) RETURN count(n)") == G.number_of_nodes()
    assert _scalar(conn, "MATCH ()-[e]->() RETURN count(e)") == G.number_of_edges()
    assert _scalar(conn, "MATCH (p:Paper) RETURN count(p)") == 2


def test_cypher_second_run_changes_nothing(G, tmp_path: Path) -> None:
    script = write_export(G, "cypher-ladybug", tmp_path)
    conn = _ladybug_load(script, tmp_path / "db")
    for line in script.read_text().splitlines():
        if line.strip() and not line.startswith("//"):
            conn.execute(line)
    assert _scalar(conn, "MATCH (n) RETURN count(n)") == G.number_of_nodes()
    assert _scalar(conn, "MATCH ()-[e]->() RETURN count(e)") == G.number_of_edges()


def test_cypher_two_hop_query_matches_the_graph(G, tmp_path: Path) -> None:
    conn = _ladybug_load(write_export(G, "cypher-ladybug", tmp_path), tmp_path / "db")
    result = conn.execute(
        "MATCH (t:Technique {id: 'technique/speculative-decoding'})<-[:USES]-(p:Paper)"
        "-[:TARGETS]->(h:Hardware) RETURN h.id ORDER BY h.id")
    rows = []
    while result.has_next():
        rows.append(result.get_next()[0])
    expected = sorted(v for p, _, d in G.in_edges("technique/speculative-decoding", data=True)
                      if d["relation"] == "uses"
                      for _, v, e in G.out_edges(p, data=True) if e["relation"] == "targets")
    assert rows == expected and "hardware/nvidia-h100" in rows


def test_cypher_outperforms_keeps_metric_and_numbers(G, tmp_path: Path) -> None:
    conn = _ladybug_load(write_export(G, "cypher-ladybug", tmp_path), tmp_path / "db")
    result = conn.execute("MATCH (a)-[e:OUTPERFORMS]->(b:Technique {id: 'technique/vllm'}) "
                          "RETURN e.metric, e.factor, e.evidence")
    metric, factor, evidence = result.get_next()
    assert (metric, factor) == ("metric/throughput", 2.4) and "vLLM" in evidence


def test_cypher_neo4j_dialect_has_constraints_then_merges(G) -> None:
    from kg.export.cypher import generate_cypher

    lines = list(generate_cypher(G, dialect="neo4j"))
    constraints = [line for line in lines if line.startswith("CREATE CONSTRAINT")]
    assert len(constraints) == len({d["kind"] for _, d in G.nodes(data=True)})
    assert all("REQUIRE n.id IS UNIQUE" in c for c in constraints)
    body = [line for line in lines[len(constraints) + 1:]]
    assert body and all(line.startswith("UNWIND [") and line.endswith(";") for line in body)


def test_neo4j_bundle_follows_the_admin_import_headers(G, tmp_path: Path) -> None:
    files = generate_neo4j(G)
    header = next(csv.reader([files["nodes_Paper.csv"].splitlines()[0]]))
    assert header[0] == "id:ID" and header[-1] == ":LABEL"
    assert {"year:int", "upvotes:int", "sources:string[]"} <= set(header)
    technique = next(csv.reader([files["nodes_Technique.csv"].splitlines()[0]]))
    assert "aliases:string[]" in technique
    for rtype in ("USES", "TARGETS", "OUTPERFORMS", "PROPOSES", "MEASURES", "EVALUATED_ON"):
        rows = list(csv.reader(files[f"relationships_{rtype}.csv"].splitlines()))
        assert rows[0][:3] == [":START_ID", ":END_ID", ":TYPE"]
        assert all(r[2] == rtype for r in rows[1:]) and len(rows) > 1
    out = write_export(G, "neo4j", tmp_path)
    assert "neo4j-admin database import full" in (out / "README.md").read_text()


def test_neo4j_bundle_ids_are_consistent(G) -> None:
    files = generate_neo4j(G)
    ids = {row[0] for name, text in files.items() if name.startswith("nodes_")
           for row in list(csv.reader(text.splitlines()))[1:]}
    assert len(ids) == G.number_of_nodes()
    for name, text in files.items():
        if name.startswith("relationships_"):
            for row in list(csv.reader(text.splitlines()))[1:]:
                assert row[0] in ids and row[1] in ids


def test_graphml_round_trip_keeps_counts_and_attributes(G, tmp_path: Path) -> None:
    H = nx.read_graphml(write_export(G, "graphml", tmp_path), force_multigraph=True)
    assert H.number_of_nodes() == G.number_of_nodes()
    assert H.number_of_edges() == G.number_of_edges()
    lora = H.nodes["technique/kv-cache"]  # aliases come back as a JSON list
    assert lora["kind"] == "Technique" and "KV caching" in json.loads(lora["aliases"])
    relations = {d["relation"] for _, _, d in H.edges(data=True)}
    assert {"uses", "targets", "outperforms", "broader"} <= relations


def test_gexf_round_trip_keeps_counts(G, tmp_path: Path) -> None:
    H = nx.read_gexf(write_export(G, "gexf", tmp_path))
    assert H.number_of_nodes() == G.number_of_nodes()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_tables_round_trip_through_pandas(G, tmp_path: Path, fmt: str) -> None:
    import pandas as pd

    out = write_export(G, fmt, tmp_path)
    read = pd.read_csv if fmt == "csv" else pd.read_parquet
    nodes, edges = read(out / f"nodes.{fmt}"), read(out / f"edges.{fmt}")
    assert len(nodes) == G.number_of_nodes() and len(edges) == G.number_of_edges()
    assert set(nodes["kind"]) >= {"Paper", "Technique", "Hardware", "Metric"}
    claim = edges[(edges["relation"] == "outperforms") & (edges["target"] == "technique/vllm")]
    assert claim.iloc[0]["factor"] == 2.4 and claim.iloc[0]["metric"] == "metric/throughput"


def test_ntriples_and_trig_load_into_oxigraph(G, tmp_path: Path) -> None:
    ox = pytest.importorskip("pyoxigraph")
    nt = write_export(G, "ntriples", tmp_path)
    store = ox.Store()
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    assert len(store) == len(nt.read_text().splitlines())
    trig = write_export(G, "trig", tmp_path)
    dataset = ox.Store()
    dataset.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    assert len(dataset) == len(store)
    graphs = {str(g) for g in dataset.named_graphs()}
    assert any("/source/page.txt" in g for g in graphs)
    assert any(g.endswith("graph/vocabulary>") for g in graphs)


@pytest.mark.slow
def test_neo4j_bundle_of_the_sample_corpus(corpus_files: list[Path]) -> None:
    G = build_graph(extract_papers(read_papers(corpus_files)))
    files = generate_neo4j(G)
    papers = list(csv.reader(files["nodes_Paper.csv"].splitlines()))
    assert papers[0][0] == "id:ID" and len(papers) - 1 == 319
    for rtype in ("USES", "TARGETS", "OUTPERFORMS"):
        assert len(files[f"relationships_{rtype}.csv"].splitlines()) > 10


def test_ntriples_shards_concatenate_to_the_whole(G, tmp_path: Path) -> None:
    from kg.export.rdf import write_ntriples_sharded

    whole = write_export(G, "ntriples", tmp_path).read_text(encoding="utf-8")
    shards = tmp_path / "shards"
    write_ntriples_sharded(G, shards, lines_per_shard=50)
    files = sorted(shards.glob("graph-*.nt"))
    assert len(files) == -(-len(whole.splitlines()) // 50)
    assert "".join(f.read_text(encoding="utf-8") for f in files) == whole
    write_ntriples_sharded(G, shards, lines_per_shard=10_000)  # fewer shards: stale ones go
    assert [f.name for f in shards.glob("graph-*.nt")] == ["graph-00000.nt"]


def test_cypher_streamed_in_small_batches_loads_every_row(tmp_path: Path, page: Path,
                                                          monkeypatch) -> None:
    """Batches fill and flush as papers stream; the partial ones go at the end. With a
    batch of 3 rows every label and relationship type spans several statements, and the
    database still holds every node and relationship once."""
    import kg.export.cypher

    data = Path(__file__).resolve().parents[1] / "data"
    files = [page, data / "papers.csv", data / "refs.bib", data / "arxiv.xml"]
    G = build_graph(extract_papers(read_papers(files)))
    monkeypatch.setattr(kg.export.cypher, "BATCH", 3)
    script = write_export(G, "cypher-ladybug", tmp_path)
    lines = script.read_text().splitlines()
    unwinds = [line for line in lines if line.startswith("UNWIND")]
    assert len(unwinds) > 10
    first_rel = next(i for i, line in enumerate(lines) if " MATCH (a:" in line)
    assert all(" MATCH (a:" in line for line in lines[first_rel:])  # nodes come first
    conn = _ladybug_load(script, tmp_path / "db")
    assert _scalar(conn, "MATCH (n) RETURN count(n)") == G.number_of_nodes()
    assert _scalar(conn, "MATCH ()-[e]->() RETURN count(e)") == G.number_of_edges()


def test_cypher_ladybug_reads_back_emoji_and_accents(tmp_path: Path) -> None:
    """Issue 21, defect 9: emoji written as \\ud83e\\udd16 pairs left invalid UTF-8 in
    LadybugDB and reading the title back raised."""
    page = tmp_path / "page.txt"
    from tests.conftest import PAGE

    page.write_text(PAGE.replace("Quantized Inference on Microcontrollers",
                                 "Quantized Inférence 🤖 on Microcontrollers"), encoding="utf-8")
    G = build_graph(extract_papers(read_papers([page])))
    conn = _ladybug_load(write_export(G, "cypher-ladybug", tmp_path / "out"), tmp_path / "db")
    result = conn.execute("MATCH (p:Paper) WHERE p.title STARTS WITH 'Quantized' "
                          "RETURN p.title")
    assert result.get_next()[0] == "Quantized Inférence 🤖 on Microcontrollers"
