"""``kg show NAME``: one concept or paper described in the terminal (kg/show.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import KGError
from kg.extract import extract_papers
from kg.merge import build_graph
from kg.readers import read_papers
from kg.show import describe


@pytest.fixture
def graph(page: Path):
    return build_graph(extract_papers(read_papers([page])))


def test_show_concept_has_type_aliases_hierarchy_papers_and_comparisons(graph) -> None:
    text = describe(graph, "vllm")
    assert text.startswith("vLLM (Technique)  [technique/vllm]")
    assert "Comparisons: 1" in text
    assert "FastServe outperforms vLLM on throughput (2.4x)" in text
    assert '"It achieves 2.4x higher throughput than vLLM' in text
    assert "in: FastServe: Low-Latency LLM Serving" in text


def test_show_concept_lists_its_papers_by_relation_with_evidence(graph) -> None:
    text = describe(graph, "h100 GPUs")  # an alias: case and plural folded
    lines = text.splitlines()
    assert lines[0] == "NVIDIA H100 (Hardware, a product)  [hardware/nvidia-h100]"
    assert "Hierarchy: NVIDIA H100 < NVIDIA Hopper GPU < NVIDIA GPU < GPU" in text
    assert "Papers: 1" in lines
    assert "  targets (1):" in lines
    assert any(line.startswith("    - FastServe: Low-Latency LLM Serving with Speculative "
                               "Decoding on NVIDIA H100 GPUs (2024-02-09) [confidence 0.")
               for line in lines)
    assert "Narrower:" not in text


def test_show_paper_by_title_groups_its_relations(graph) -> None:
    text = describe(graph, "quantized inference on microcontrollers")
    assert text.startswith("Quantized Inference on Microcontrollers (Paper)")
    assert "published 2023-11-02" in text
    for heading in ("uses (", "targets (", "measures (", "evaluated_on (", "outperforms (1):"):
        assert f"\n{heading}" in text, heading
    assert "  - CIFAR-10 (Dataset) [confidence 0." in text
    assert "outperforms TensorFlow Lite on latency (1.8x)" in text


def test_show_limit_cuts_each_group_and_says_so(graph) -> None:
    text = describe(graph, "FastServe: Low-Latency LLM Serving with Speculative Decoding on "
                           "NVIDIA H100 GPUs", limit=1)
    assert "more (--limit 0 shows all)" in text
    assert "more (--limit" not in describe(graph, "FastServe: Low-Latency LLM Serving with "
                                                  "Speculative Decoding on NVIDIA H100 GPUs",
                                           limit=0)


def test_show_unknown_name_suggests_close_names(graph) -> None:
    with pytest.raises(KGError, match=r"no concept or paper is named 'speculativ decoding'; "
                                      r"did you mean 'speculative decoding'"):
        describe(graph, "speculativ decoding")


def test_show_cli(page: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(page), "-o", str(tmp_path),
                               "--formats", "turtle"]).exit_code == 0
    result = runner.invoke(cli, ["show", "TFLite", "--graph", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "TensorFlow Lite" in result.output.splitlines()[0]
    result = runner.invoke(cli, ["show", "no such thing", "--graph", str(tmp_path)])
    assert result.exit_code != 0 and "no concept or paper is named" in result.output
