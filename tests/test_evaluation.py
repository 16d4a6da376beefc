"""kg eval's helpers: gold subsets and vocabulary coverage; and the command on a small gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import ParseError
from kg.evaluation import read_gold, select_gold, vocabulary_coverage
from kg.vocab import load_vocabulary

ROWS = [{"id": "s001", "uses": ["LoRA", "Zorblax tuning"], "targets": ["GPU"],
         "measures": ["latency|delay"], "evaluated_on": []},
        {"id": "s080", "uses": [], "targets": ["Quux board"], "measures": [],
         "evaluated_on": ["GSM8K"]},
        {"id": "s159", "uses": [], "targets": [], "measures": [], "evaluated_on": []}]


def test_select_gold_by_range_and_list() -> None:
    assert [r["id"] for r in select_gold(ROWS, "s080-s159")] == ["s080", "s159"]
    assert [r["id"] for r in select_gold(ROWS, "s001, s159")] == ["s001", "s159"]
    with pytest.raises(ValueError):
        select_gold(ROWS, "s080-x100")


def test_vocabulary_coverage_counts_names_of_the_right_type() -> None:
    coverage = {c.kind: (c.held, c.total) for c in vocabulary_coverage(ROWS, load_vocabulary())}
    assert coverage == {"uses": (1, 2), "targets": (1, 2), "measures": (1, 1),
                        "evaluated_on": (1, 1)}


def test_read_gold_names_file_and_line(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "s1"}\n{not json\n', encoding="utf-8")
    with pytest.raises(ParseError, match=r"gold.jsonl.*2"):
        read_gold(gold)


def test_cli_eval_scores_a_subset_and_prints_coverage(page: Path, tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    rows = [{"id": "t001", "title": "FastServe: Low-Latency LLM Serving with Speculative "
             "Decoding on NVIDIA H100 GPUs", "proposes": ["FastServe"],
             "uses": ["speculative decoding"], "targets": ["NVIDIA H100"],
             "measures": ["throughput"], "evaluated_on": ["GSM8K"],
             "outperforms": [{"source": "FastServe", "target": "vLLM", "metric": "throughput",
                              "values": "2.4x"}]},
            {"id": "t900", "title": "A paper not in the corpus", "proposes": ["Nothing"]}]
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    scorer = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "score.py"
    if not scorer.exists():
        pytest.skip("the shared scorer is not beside the project")
    result = CliRunner().invoke(cli, ["eval", str(gold), "--corpus", str(page), "--scorer",
                                      str(scorer), "--ids", "t001"])
    assert result.exit_code == 0, result.output
    assert "complete claims (pair, metric and numbers right): 1 of 1" in result.output
    assert "papers with no predicted record" not in result.output
    assert "gold names the vocabularies hold: uses 1.00 (1/1)" in result.output
    result = CliRunner().invoke(cli, ["eval", str(gold), "--corpus", str(page), "--scorer",
                                      str(scorer), "--ids", "q1-q2"])
    assert result.exit_code != 0 and "no gold paper" in result.output
