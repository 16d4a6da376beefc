from __future__ import annotations

from pathlib import Path

from kg.extract import extract_papers
from kg.merge import build_graph, graph_summary
from kg.model import Paper
from kg.readers import read_papers


def test_build_one_node_per_paper_and_per_thing(page: Path) -> None:
    G = build_graph(extract_papers(read_papers([page])))
    summary = graph_summary(G)
    assert summary["nodes"]["Paper"] == 2
    gpu_like = [n for n, d in G.nodes(data=True) if d["label"] in ("GPU", "NVIDIA H100")]
    assert sorted(gpu_like) == ["hardware/gpu", "hardware/nvidia-h100"]


def test_build_adds_the_hierarchy(page: Path) -> None:
    G = build_graph(extract_papers(read_papers([page])))
    assert G.has_edge("hardware/nvidia-h100", "hardware/hopper-gpu", "broader")
    assert G.has_edge("hardware/nvidia-gpu", "hardware/gpu", "broader")


def test_build_merges_new_names_across_papers_by_expansion() -> None:
    papers = [
        Paper(id="a", title="A", abstract="We use Zorbian Token Folding (ZTF) on GPUs."),
        Paper(id="b", title="B", abstract="Zorbian token folding (ZTF) helps on CPUs."),
    ]
    G = build_graph(extract_papers(papers))
    folded = [n for n, d in G.nodes(data=True) if "zorbian" in d["label"].lower()]
    assert len(folded) == 1
    assert G.nodes[folded[0]]["papers"] == 2


def test_build_edges_keep_evidence(page: Path) -> None:
    G = build_graph(extract_papers(read_papers([page])))
    for _, _, data in G.edges(data=True):
        if data["relation"] != "broader":
            assert data["evidence"] and data["evidence"][0]["sentence"]


def test_build_new_names_hang_under_their_head_concept() -> None:
    paper = Paper(id="w", title="Weeding",
                  abstract="Our system improves weeding accuracy by 6.7% on a farm dataset.")
    G = build_graph(extract_papers([paper]))
    new = [n for n, d in G.nodes(data=True) if d["label"] == "weeding accuracy"]
    assert new and G.has_edge(new[0], "metric/accuracy", "broader")
