"""The public API of ``kg`` (docs/api.md): its examples run, its graph suits networkx's
writers, and its writers give the bytes of a build."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

import kg
from kg.export import FORMATS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A build of the test listings in every format."""
    out = tmp_path_factory.mktemp("api") / "exports"
    inputs = [DATA / "papers.csv", DATA / "refs.bib", DATA / "arxiv.xml", DATA / "papers.jsonl"]
    kg.build(inputs, out, formats=sorted(FORMATS), use_cache=False)
    return out


def _files(path: Path) -> dict[str, bytes]:
    if path.is_file():
        return {path.name: path.read_bytes()}
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


def test_api_graph_is_taken_by_every_networkx_writer(built: Path, tmp_path: Path) -> None:
    G = kg.load_graph(built)
    assert G.number_of_nodes() > 10 and G.number_of_edges() > 10
    for data in [*(d for _, d in G.nodes(data=True)), *(d for *_, d in G.edges(data=True))]:
        assert all(type(v) in (str, int, float, bool) for v in data.values()), data
    nx.write_graphml(G, tmp_path / "g.graphml")
    nx.write_gexf(G, tmp_path / "g.gexf")
    nx.write_gml(G, tmp_path / "g.gml")
    json.dumps(nx.node_link_data(G, edges="links"))
    H = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    assert H.number_of_edges() == G.number_of_edges()


@pytest.mark.parametrize("fmt", sorted(set(FORMATS) - {"store"}))
def test_api_write_gives_the_bytes_of_the_build(built: Path, tmp_path: Path, fmt: str) -> None:
    """``kg.write`` of the flat graph ``load_graph`` gives (turned back by ``from_flat``)
    writes what the build wrote (csv and parquet share tables/: compared file by file)."""
    name = FORMATS[fmt].default_name
    written = _files(kg.write(kg.load_graph(built), fmt, tmp_path / name))
    assert written and all(written.values())
    reference = _files(built / name)
    assert {file: reference.get(file) for file in written} == written


def test_api_write_store_answers_queries(built: Path, tmp_path: Path) -> None:
    from kg.sparql import open_store, run_query

    G = kg.load_graph(built)
    kg.write_store(G, tmp_path / "store")
    text = run_query(open_store(tmp_path / "store"),
                     "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }", fmt="csv")
    assert int(text.split()[-1]) == sum(1 for _, k in G.nodes(data="kind") if k == "Paper")


def test_api_frames_hold_every_edge_and_claim(built: Path) -> None:
    records = [json.loads(line) for line in (built / "findings.jsonl").open()]
    relations = [r for rec in records for r in rec["relations"]]
    edges = kg.edges(built)
    assert len(edges) == len(relations)
    assert set(edges["relation"]) == {r["type"] for r in relations}
    assert edges["evidence"].notna().all()
    claims = kg.claims(built)
    assert len(claims) == sum(r["type"] == "outperforms" for r in relations) > 0
    assert claims["winner"].notna().all() and claims["loser"].notna().all()


def test_api_unknown_format_suggests_one(built: Path, tmp_path: Path) -> None:
    from kg.errors import ExportError

    with pytest.raises(ExportError, match="did you mean 'turtle'"):
        kg.write(kg.load_graph(built), "turtel", tmp_path / "x")


def test_api_import_kg_is_cheap() -> None:
    """``import kg`` loads none of the heavy parts (networkx, rdflib, pandas) until used."""
    code = "import sys, kg; print(sorted(m for m in ('networkx', 'rdflib', 'pandas') " \
           "if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def _blocks(page: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")
def test_api_docs_examples_run(tmp_path: Path, capsys) -> None:
    """Every python block of docs/api.md, in order, in one namespace, in a fresh folder."""
    blocks = _blocks(ROOT / "docs" / "api.md")
    assert len(blocks) >= 6
    namespace: dict = {"CORPUS": CORPUS}
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        for block in blocks:
            exec(compile(block, "docs/api.md", "exec"), namespace)
    finally:
        os.chdir(cwd)
        FORMATS.pop("edgecount", None)
        sys.modules.pop("edgecount", None)
    out = capsys.readouterr().out
    assert "paper-" in (tmp_path / "small" / "edges.tsv").read_text()
    assert (tmp_path / "graph.graphml").stat().st_size > 0
    assert (tmp_path / "neo4j-import" / "README.md").is_file()
    assert "uses" in out
