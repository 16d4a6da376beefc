from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.export.html import generate_html
from kg.extract import extract_papers
from kg.merge import build_graph
from kg.model import Paper
from kg.readers import read_papers


def test_html_loads_nothing_from_the_network(page: Path) -> None:
    html = generate_html(build_graph(extract_papers(read_papers([page]))))
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"?https?:", html)
    assert "vis.Network" in html
    # The page forbids every request a browser could make off the file.
    assert "default-src 'none'" in html


def test_html_escapes_hostile_text() -> None:
    paper = Paper(id="p", title="<img src=x onerror=alert(1)>",
                  abstract="Ends the script </script><script>alert(2)</script> here. LoRA.")
    html = generate_html(build_graph(extract_papers([paper])))
    assert "<img src=x" not in html
    assert "</script><script>alert(2)" not in html


def test_html_has_legend_and_physics_stop(page: Path) -> None:
    html = generate_html(build_graph(extract_papers(read_papers([page]))))
    for kind in ("Paper", "Technique", "Model", "Hardware", "Metric", "Dataset"):
        assert f'data-type="{kind}"' in html
    assert "physics: false" in html


def test_html_focus_keeps_the_neighbourhood(page: Path) -> None:
    from kg.errors import ExportError
    from kg.export.html import focus_subgraph

    G = build_graph(extract_papers(read_papers([page])))
    sub = focus_subgraph(G, "Speculative Decoding", hops=1)
    assert "technique/speculative-decoding" in sub
    assert {d["kind"] for _, d in sub.nodes(data=True)} == {"Technique", "Paper"}
    assert focus_subgraph(G, "speculative decoding", hops=2).number_of_nodes() > \
        sub.number_of_nodes()
    with pytest.raises(ExportError, match="no node"):
        focus_subgraph(G, "no such thing")


@pytest.mark.slow
def test_html_large_graph_holds_the_most_recent_papers(corpus_files: list[Path]) -> None:
    """Past ``max_papers`` the page holds the most recent papers, every entity their edges
    reach with its broader concepts, and a note saying it is a sample."""
    from kg.export.html import html_graph

    G = build_graph(extract_papers(read_papers(corpus_files[:1])))
    papers = sorted(((d.get("published") or "", n) for n, d in G.nodes(data=True)
                     if d["kind"] == "Paper"), reverse=True)
    assert len(papers) > 20
    H, note = html_graph(G, max_papers=20)
    shown = {n for n, d in H.nodes(data=True) if d["kind"] == "Paper"}
    assert shown == {n for _, n in papers[:20]}
    reached = {v for p in shown for _, v in G.out_edges(p)} | {  # and what they claim
        n for u, v, d in G.edges(data=True) if d.get("paper") in shown for n in (u, v)} - shown
    entities = {n for n, d in H.nodes(data=True) if d["kind"] != "Paper"}
    assert reached <= entities
    for node in entities:  # the hierarchy comes along, and nothing else
        assert node in reached or any(G.has_edge(u, node, "broader") for u in entities)
    for u, v, key in H.edges(keys=True):
        assert G.has_edge(u, v, key)
    assert note is not None and f"20 most recent of {len(papers)} papers" in note
    assert note in generate_html(H, note=note)
    assert html_graph(G, max_papers=len(papers)) == (G, None)


@pytest.mark.slow
def test_html_of_a_streamed_build_equals_the_whole_graphs(corpus_files: list[Path],
                                                          tmp_path: Path, monkeypatch) -> None:
    """A build without the whole graph keeps the page's papers as they stream: the page is
    byte-identical to the one made from the whole graph, and to ``kg export html``'s."""
    import kg.export.html
    from kg.pipeline import build, export_build

    monkeypatch.setattr(kg.export.html, "MAX_PAPERS", 25)
    pages = corpus_files[:2]
    build(pages, tmp_path / "streamed", formats=["html", "ntriples"], use_cache=False)
    build(pages, tmp_path / "whole", formats=["html", "graphml"], use_cache=False)
    streamed = (tmp_path / "streamed" / "graph.html").read_bytes()
    assert b"25 most recent of" in streamed
    assert streamed == (tmp_path / "whole" / "graph.html").read_bytes()
    assert export_build(tmp_path / "streamed", "html", tmp_path / "x").read_bytes() == streamed
