"""The rows every property-graph export reads, and the exports written from them paper by
paper (``kg.export.tables``)."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from kg.errors import ExportError
from kg.export import write_export
from kg.export.tables import RowStream, edge_rows, kind_of, node_rows
from kg.extract import extract_papers
from kg.merge import build_graph
from kg.readers import read_papers

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def G(page: Path):
    files = [page, DATA / "papers.csv", DATA / "refs.bib", DATA / "arxiv.xml"]
    return build_graph(extract_papers(read_papers(files)))


def _rows(G: nx.MultiDiGraph) -> tuple[list[dict], list[dict]]:
    from kg.canonical import graph_blocks, graph_shared

    nodes: list[dict] = []
    edges: list[dict] = []
    stream = RowStream(nodes.append, edges.append)
    for block in graph_blocks(G):
        stream.add(block)
    shared = graph_shared(G)
    stream.finish(shared.entities, shared.broader)
    return nodes, edges


def test_tables_stream_gives_every_row_once(G) -> None:
    nodes, edges = _rows(G)
    key = lambda r: json.dumps(r, sort_keys=True)  # noqa: E731
    assert sorted(map(key, nodes)) == sorted(map(key, node_rows(G)))
    assert sorted(map(key, edges)) == sorted(map(key, edge_rows(G)))


def test_tables_stream_lists_papers_then_entities_then_their_edges(G) -> None:
    nodes, edges = _rows(G)
    kinds = [r["kind"] == "Paper" for r in nodes]
    assert kinds == sorted(kinds, reverse=True)  # every paper before every entity
    entities = [r["id"] for r in nodes if r["kind"] != "Paper"]
    assert entities == sorted(entities)
    papers = {r["id"] for r in nodes if r["kind"] == "Paper"}
    from_papers = [r["source"] in papers for r in edges]
    assert from_papers == sorted(from_papers, reverse=True)
    assert any(r["relation"] == "broader" for r in edges)
    assert edges[-1]["relation"] == "broader"


def test_tables_kind_of_reads_the_label_off_every_id(G) -> None:
    for node, kind in G.nodes(data="kind"):
        assert kind_of(node) == kind
    with pytest.raises(ExportError, match="gizmo/x"):
        kind_of("gizmo/x")


def test_tables_csv_reads_back_as_the_dataframes(G, tmp_path: Path) -> None:
    import pandas as pd

    from kg.export.tabular import to_dataframes

    out = write_export(G, "csv", tmp_path)
    expected = to_dataframes(G)
    for name, frame in zip(("nodes", "edges"), expected, strict=True):
        read = pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
        keys = list(frame.columns[:3])
        assert list(read.columns) == list(frame.columns)
        want = frame.astype(object).map(
            lambda v: json.dumps(list(v), ensure_ascii=False) if isinstance(v, list)
            else "" if v is None or v is pd.NA or v != v else str(v))
        got = read.sort_values(keys).reset_index(drop=True)
        want = want.sort_values(keys).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_tables_parquet_in_row_groups_keeps_types_and_rows(G, tmp_path: Path,
                                                          monkeypatch) -> None:
    import pandas as pd
    import pyarrow.parquet as pq

    import kg.export.tabular

    monkeypatch.setattr(kg.export.tabular, "ROW_GROUP", 7)
    out = write_export(G, "parquet", tmp_path)
    assert pq.ParquetFile(out / "edges.parquet").num_row_groups == -(-G.number_of_edges() // 7)
    nodes, edges = pd.read_parquet(out / "nodes.parquet"), pd.read_parquet(out / "edges.parquet")
    assert len(nodes) == G.number_of_nodes() and len(edges) == G.number_of_edges()
    assert str(nodes["year"].dtype) == "Int64" and str(edges["evidence_count"].dtype) == "Int64"
    assert str(nodes["arxiv_id"].dtype) != "float64"  # a string column, even when empty
    lora = nodes[nodes["id"] == "technique/kv-cache"].iloc[0]
    assert "KV caching" in list(lora["aliases"])


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_tables_xml_formats_are_the_same_bytes_on_any_day(G, tmp_path: Path, fmt: str,
                                                          monkeypatch) -> None:
    """networkx's GEXF writer stamps the day (``time.strftime``) into the header; kg's
    writes none, so the same graph gives the same bytes tomorrow."""
    import time

    first = write_export(G, fmt, tmp_path / "a").read_bytes()
    monkeypatch.setattr(time, "strftime", lambda *args: "2031-01-01")
    assert write_export(G, fmt, tmp_path / "b").read_bytes() == first
    assert b"lastmodifieddate" not in first


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_tables_xml_formats_read_back_with_every_attribute(G, tmp_path: Path, fmt: str) -> None:
    read = {"graphml": lambda p: nx.read_graphml(p, force_multigraph=True),
            "gexf": nx.read_gexf}[fmt]
    H = read(write_export(G, fmt, tmp_path))
    for row in node_rows(G):
        data = H.nodes[row["id"]]
        for column, value in row.items():
            if column == "id" or value is None:
                continue
            want = json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value
            assert data[column] == want, (row["id"], column)
    got = sorted((u, v, d["relation"], d.get("factor")) for u, v, d in H.edges(data=True))
    want = sorted((r["source"], r["target"], r["relation"], r["factor"]) for r in edge_rows(G))
    assert got == want


def test_tables_csv_rows_quote_a_bare_carriage_return() -> None:
    """Python's csv quotes only the line terminator's characters; a "\\r" must be quoted too
    or every reader ends the row there."""
    import csv
    import io

    from kg.export.tables import CsvRows

    out = io.StringIO()
    rows = CsvRows(out)
    for row in (["id", "title"], ["a", "\r"], ["b", "x\ry"], ["c", 2.5], ["d", None]):
        rows.writerow(row)
    assert out.getvalue() == 'id,title\na,"\r"\nb,"x\ry"\nc,2.5\nd,\n'
    assert list(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [
        ["id", "title"], ["a", "\r"], ["b", "x\ry"], ["c", "2.5"], ["d", ""]]
