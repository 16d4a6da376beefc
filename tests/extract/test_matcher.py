from __future__ import annotations

from kg.extract.matcher import VocabMatcher
from kg.vocab import load_vocabulary


def _found(text: str) -> dict[str, str]:
    return {m.surface: m.concept.id for m in VocabMatcher(load_vocabulary()).find(text)}


def test_matcher_longest_match_and_acronym_case() -> None:
    assert _found("NVIDIA H100 GPUs and a tee shirt, with TEEs and MoEs") == {"NVIDIA H100": "hardware/nvidia-h100", "GPUs": "hardware/gpu",
                     "TEEs": "hardware/tee", "MoEs": "technique/moe"}


def test_matcher_possessive_s_is_not_a_token_of_a_name() -> None:
    # "tokens/s" folds to "token s": the possessive in "the token's" must not spell it.
    assert _found("the current token's probability; 41 tokens/s on an H100") == {
        "tokens/s": "metric/inference-speed", "H100": "hardware/nvidia-h100"}
    # Names written with a possessive still match, with either apostrophe.
    assert _found("Humanity's Last Exam and Jain\u2019s fairness index") == {
        "Humanity's Last Exam": "dataset/hle", "Jain\u2019s fairness index": "metric/fairness"}


def test_matcher_names_do_not_span_punctuation() -> None:
    # "code, models" is not the name "code model"; "code models" is.
    assert "code, models" not in _found("We release the code, models and data.")
    assert _found("We study code models.") == {"code models": "technique/code-llm"}


def test_matcher_an_ambiguous_acronym_takes_the_sense_its_text_supports() -> None:
    control = "LSTMc is three times better than MPC at set-point tracking in process control."
    crypto = "Two parties run private inference under MPC with secret sharing."
    assert _found(control)["MPC"] == "technique/mpc-control"
    assert _found(crypto)["MPC"] == "technique/secure-mpc"
