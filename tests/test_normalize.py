from __future__ import annotations

import pytest

from kg.ids import entity_id, paper_id, slug
from kg.normalize import fold_title, norm_key


@pytest.mark.parametrize(("a", "b"), [
    ("GPUs", "GPU"), ("Graphics Processing Units", "graphics processing unit"),
    ("Key-Value cache", "key value caches"), ("TPUs", "tpu"), ("LLMs", "LLM"),
])
def test_normalize_variants_share_a_key(a: str, b: str) -> None:
    assert norm_key(a) == norm_key(b)


@pytest.mark.parametrize(("a", "b"), [("bus", "bu"), ("GPU", "CPU"), ("FLOPs", "FLOP rate")])
def test_normalize_distinct_names_stay_distinct(a: str, b: str) -> None:
    assert norm_key(a) != norm_key(b)


def test_ids_paper_id_is_stable_across_title_variants() -> None:
    assert paper_id("Splitwise: Efficient  LLM inference") == paper_id("splitwise - efficient llm inference")
    assert paper_id("x", arxiv_id="2401.01234v2") == "arxiv-2401-01234"


def test_ids_slug_is_iri_safe_and_distinct() -> None:
    assert slug("NVIDIA H100") == "nvidia-h100"
    assert slug("ZeRO++") != slug("ZeRO")
    assert all(c.isalnum() or c == "-" for c in slug("Qwen2.5-VL <b>"))
    assert entity_id("Hardware", "Jetson Orin") == "hardware/jetson-orin"


def test_normalize_fold_title_ignores_case_and_punctuation() -> None:
    assert fold_title("A  Title: With TeX $\\alpha$") == fold_title("a title with tex alpha")


def test_norm_key_spells_out_greek_letters() -> None:
    assert norm_key("λ-ECLIPSE") == norm_key("lambda-ECLIPSE") == "lambda eclipse"
