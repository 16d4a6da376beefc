"""Comparisons: who beats whom, as the rules read a sentence."""

from __future__ import annotations

import pytest

from kg.extract import get_extractor
from kg.model import Paper


def _beats(abstract: str, title: str = "Zephyrus: fast serving") -> set[tuple[str, str]]:
    paper = Paper(id="p", title=title, abstract=abstract)
    findings = get_extractor()(paper)
    labels = {e.id: e.label for e in findings.entities} | {"p": "@paper"}
    return {(labels[r.source], labels[r.target]) for r in findings.relations
            if r.type == "outperforms"}


def test_compare_lower_case_versioned_name_continues_a_list() -> None:
    assert _beats("Zephyrus reaches 57% on AIME and outperforms LIMO and s1 by 13%.") == {
        ("Zephyrus", "LIMO"), ("Zephyrus", "s1")}


@pytest.mark.parametrize("sentence", [
    "Zephyrus uses 62% less energy than the baseline model in a semi-supervised learning setup.",
    "Zephyrus outperforms previous models that rely on sensor-specific pretraining.",
    "Zephyrus is 3x faster than prior systems on tensor parallelism workloads.",
])
def test_compare_a_name_after_a_preposition_is_the_setting_not_the_loser(sentence: str) -> None:
    assert _beats(sentence) == set()


def test_compare_counterparts_in_a_named_system_are_that_system() -> None:
    assert _beats("Zephyrus yields a 1.4x speedup compared to its equivalents in xformers.") == {
        ("Zephyrus", "xformers")}
    assert _beats("Zephyrus is 2x faster than vLLM on H100 GPUs.") == {("Zephyrus", "vLLM")}


@pytest.mark.parametrize(("sentence", "expected"), [
    # The examples after a vague baseline are the losers.
    ("Zephyrus improves throughput by 11x compared to existing SSD-based solutions such as "
     "FlexGen.", {("Zephyrus", "FlexGen")}),
    # ... or listed in parentheses; a longer name beats the known name it starts with.
    ("Zephyrus outperforms the state-of-the-art MoE training systems (DeepSpeed-MoE and "
     "Tutel) by 1.18x.", {("Zephyrus", "DeepSpeed-MoE"), ("Zephyrus", "Tutel")}),
    ("Zephyrus outperforms state-of-the-art (SOTA) NAS methods on ImageNet.", set()),
    ("Zephyrus outperforms single-agent RL baselines such as Proximal Policy Optimization and "
     "Soft Actor-Critic.", {("Zephyrus", "Proximal Policy Optimization"),
                            ("Zephyrus", "soft actor-critic")}),
    # A known word inside a vague baseline names nothing that was beaten.
    ("Zephyrus is faster than existing serverful and serverless FL systems.", set()),
    ("Zephyrus significantly outperforms complex, state of the art continual learning "
     "algorithms.", set()),
    ("Zephyrus shows 28% lower latency than the most accurate SoA model.", set()),
    ("Zephyrus performs better than alternative LLM-based solutions.", set()),
    # ... but a name in apposition to it does.
    ("Zephyrus outperforms the state-of-the-art LLM serving system vLLM by 1.4x.",
     {("Zephyrus", "vLLM")}),
    ("Zephyrus brings 11x speedup compared to the cutting-edge solutions provided by NVIDIA "
     "FasterTransformer.", {("Zephyrus", "FasterTransformer")}),
])
def test_compare_vague_baselines_and_their_examples(sentence: str,
                                                    expected: set[tuple[str, str]]) -> None:
    assert _beats(sentence) == expected


def test_compare_a_known_name_inside_the_papers_own_name_is_not_beaten() -> None:
    assert _beats("The comparison against the state-of-the-art shows that SE-MoE outperformed "
                  "DeepSpeed with 33% higher throughput.",
                  title="SE-MoE: scalable experts") == {("SE-MoE", "DeepSpeed")}


def test_compare_a_name_before_a_plural_head_is_a_kind_of_system() -> None:
    assert _beats("Zephyrus sustains 4x larger batches than LC systems.") == set()


def test_compare_a_name_qualifying_a_kind_is_not_the_loser() -> None:
    assert _beats("We observe that these models benefit from 1.1-2.5x greater speedup from "
                  "fused kernels than Transformer-based TTI models.") == set()
    assert _beats("Zephyrus improves F1 by 22% compared to the BM25-based baseline readers.") \
        == {("Zephyrus", "BM25")}


def test_compare_a_name_given_a_value_is_a_quantity_not_the_loser() -> None:
    assert _beats("Zephyrus reaches IPW=1.02, the first system to surpass the IPW=1.0 mark, "
                  "and outperforms Orion by 2x.") == {("Zephyrus", "Orion")}


@pytest.mark.parametrize("sentence", [
    "The protocol outperforms current protocols by reducing the mean PI latency by 4x for "
    "ResNet18 on TinyImageNet.",
    "Zephyrus beats prior systems by achieving 2x higher throughput with vLLM kernels.",
])
def test_compare_what_follows_a_means_clause_is_not_the_loser(sentence: str) -> None:
    assert _beats(sentence) == set()


def _claims(abstract: str, title: str = "Zephyrus: fast serving") -> dict[str, dict]:
    paper = Paper(id="p", title=title, abstract=abstract)
    findings = get_extractor()(paper)
    labels = {e.id: e.label for e in findings.entities} | {"p": "@paper"}
    return {labels[r.target]: {"metric": labels.get(r.metric), **dict(r.values)}
            for r in findings.relations if r.type == "outperforms"}


@pytest.mark.parametrize(("sentence", "expected"), [
    # each number bound to its own baseline, by clause
    ("Zephyrus achieves 2.02x speedup over TensorRT-LLM and 2.88x over vLLM.",
     {"TensorRT-LLM": "2.02", "vLLM": "2.88"}),
    ("Zephyrus is 1.5x faster than vLLM, 2.6x faster than DeepSpeed w.r.t. latency.",
     {"vLLM": "1.5", "DeepSpeed": "2.6"}),
    # "..., respectively" and a list of numbers after a list of baselines pair in order
    ("Compared to vLLM, DeepSpeed and FasterTransformer, Zephyrus achieves 3x, 2.4x and "
     "1.6x higher throughput, respectively.",
     {"vLLM": "3", "DeepSpeed": "2.4", "FasterTransformer": "1.6"}),
    ("Zephyrus outperforms vLLM and DeepSpeed by 3.1x and 2.2x.",
     {"vLLM": "3.1", "DeepSpeed": "2.2"}),
    # one number given against a group belongs to each member
    ("Zephyrus outperforms vLLM and DeepSpeed by up to 2.5x.",
     {"vLLM": "2.5", "DeepSpeed": "2.5"}),
    # a number of another clause is not the claim's
    ("Zephyrus runs on 8 GPUs with a 1.4x smaller footprint, and outperforms vLLM by 35%.",
     {"vLLM": None}),
])
def test_compare_numbers_bound_to_their_own_baseline(sentence: str,
                                                     expected: dict[str, str]) -> None:
    claims = _claims(sentence)
    assert set(claims) == set(expected)
    for loser, factor in expected.items():
        if factor is None:
            assert claims[loser].get("percent") == "35" and "factor" not in claims[loser]
        else:
            assert claims[loser].get("factor") == factor


def test_compare_paired_values_in_parentheses() -> None:
    claims = _claims("Zephyrus reaches a higher throughput (0.263) compared to vLLM (0.185) and "
                     "DeepSpeed (0.138).")
    assert claims["vLLM"]["value"] == "0.263" and claims["vLLM"]["baseline_value"] == "0.185"
    assert claims["DeepSpeed"]["baseline_value"] == "0.138"
    assert claims["vLLM"]["metric"] == "throughput"


def test_compare_a_pair_compared_twice_keeps_both_numbers() -> None:
    claims = _claims("Zephyrus gives up to 4.0% higher accuracy over vLLM, or the same accuracy "
                     "but 1.5x faster than vLLM.")
    assert claims["vLLM"]["factor"] == "1.5" and claims["vLLM"]["percent"] == "4.0"


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Zephyrus is 71x faster than cloud-based GPU deployment.",
     {("Zephyrus", "cloud-based GPU deployment")}),
    ("Zephyrus converges 16.3x faster compared to the widely used ELO algorithm.",
     {("Zephyrus", "ELO algorithm")}),
    ("Zephyrus causes smaller distortions than an optimally targeted attack.",
     {("Zephyrus", "optimally targeted attack")}),
    # vague words or a plural kind are no baseline
    ("Zephyrus is 2x faster than existing methods.", set()),
    ("Zephyrus is 2x faster than the popular approach.", set()),
    ("Zephyrus handles 4x larger batches than LC systems.", set()),
])
def test_compare_described_baselines(sentence: str, expected: set[tuple[str, str]]) -> None:
    assert _beats(sentence) == expected


def test_compare_a_contrast_of_values_is_a_comparison() -> None:
    claims = _claims("Zephyrus achieves 156 TFLOPS on an RTX 4090 GPU while DeepSpeed only "
                     "achieves 45 TFLOPS.")
    assert claims == {"DeepSpeed": {"metric": "TFLOPS", "value": "156 TFLOPS",
                                    "baseline_value": "45 TFLOPS"}}
    # without "only" the sentence does not say which is better
    assert _claims("Zephyrus achieves 156 TFLOPS while DeepSpeed achieves 45 TFLOPS.") == {}


def test_compare_a_hyphenated_count_is_part_of_the_baseline() -> None:
    # "over two-node-four-GPU Dist-DGL": not "over two", and the first name qualifies the second
    assert _beats("Zephyrus is 2x faster than GPU-only and NPU-only LLM engines.") == {
        ("Zephyrus", "GPU-only"), ("Zephyrus", "NPU-only")}
    assert _beats("Zephyrus offers superior performance over two-node-four-GPU Dist-DGL "
                  "baseline.") == {("Zephyrus", "Dist-DGL")}


def test_compare_prior_work_on_hardware_and_numbers_listed_before_the_cue() -> None:
    claims = _claims("Zephyrus gives up to 161x and 5x speedup compared to the previous work "
                     "on many-core CPUs and V100.")
    assert claims["CPU"]["factor"] == "161" and claims["NVIDIA V100"]["factor"] == "5"


@pytest.mark.parametrize("sentence", [
    "Zephyrus is 1.4x faster than state-of-the-art LLM inference engines.",
    "Zephyrus beats the most effective baseline by 230%.",
    "Zephyrus is 1.8x faster than low-precision kernels.",
])
def test_compare_vague_or_plural_descriptions_are_no_baseline(sentence: str) -> None:
    assert _beats(sentence) == set()


def test_compare_all_baselines_are_those_the_paper_compares_with() -> None:
    claims = _claims("We compare quantitatively to Aurora and vLLM. Zephyrus outshines all "
                     "baselines, e.g., it achieves 52% lower latency over vLLM.")
    assert set(claims) == {"Aurora", "vLLM"}
    assert claims["vLLM"]["percent"] == "52" and "percent" not in claims["Aurora"]
    # without a sentence saying what it compares with, "all baselines" names nobody
    assert _claims("Zephyrus outshines all baselines in latency.") == {}


def test_compare_parity_on_one_quantity_and_a_gain_on_another_is_a_claim() -> None:
    claims = _claims("Zephyrus achieves accuracy comparable to vLLM while substantially reducing "
                     "resource requirements.")
    assert set(claims) == {"vLLM"} and claims["vLLM"]["metric"] == "resource consumption"
    # parity alone claims nothing
    assert _claims("Zephyrus achieves accuracy comparable to vLLM on all tasks.") == {}


@pytest.mark.parametrize(("sentence", "factor"), [
    ("In our experiments, vLLM is outperformed by Zephyrus by 2.4x in throughput.", "2.4"),
    ("DeepSpeed and vLLM are 3.1x slower than Zephyrus on A100 GPUs.", "3.1"),
])
def test_compare_direction_read_from_the_sentence(sentence: str, factor: str) -> None:
    claims = _claims(sentence)
    assert claims and all(v["factor"] == factor for v in claims.values())
    assert "Zephyrus" not in claims  # the paper's system is the winner, never the loser


def test_compare_two_other_systems_compared_are_not_recorded() -> None:
    assert _claims("vLLM outperforms DeepSpeed by 2x.") == {}
