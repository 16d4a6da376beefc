from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import VocabularyError
from kg.vocab import VOCAB_FILES, Concept, Vocabulary, load_vocabulary, parse_vocabulary_file


def test_vocab_loads_every_type_with_hundreds_of_concepts() -> None:
    vocab = load_vocabulary()
    counts = {t: sum(1 for c in vocab if c.type == t) for t in VOCAB_FILES}
    assert all(n >= 50 for n in counts.values()), counts
    assert len(vocab) >= 500


@pytest.mark.parametrize(("name", "expected"), [
    ("H100", "hardware/nvidia-h100"), ("graphics processing units", "hardware/gpu"),
    ("LoRA", "technique/lora"), ("TTFT", "metric/ttft"), ("GSM8K", "dataset/gsm8k"),
    ("Jetson AGX Orin", "hardware/jetson-orin"),
])
def test_vocab_lookup_by_alias(name: str, expected: str) -> None:
    concept = load_vocabulary().lookup(name)
    assert concept is not None and concept.id == expected


def test_vocab_hierarchy_h100_is_a_gpu() -> None:
    vocab = load_vocabulary()
    assert vocab.ancestors("hardware/nvidia-h100")[:3] == [
        "hardware/hopper-gpu", "hardware/nvidia-gpu", "hardware/gpu"]
    assert "hardware/edge-device" in vocab.ancestors("hardware/jetson-orin")


def test_vocab_rejects_dangling_broader() -> None:
    with pytest.raises(VocabularyError, match="does not exist"):
        Vocabulary([Concept("technique/x", "Technique", "x", (), ("technique/missing",))])


def test_vocab_rejects_shared_name_within_a_type() -> None:
    with pytest.raises(VocabularyError, match="belongs to both"):
        Vocabulary([Concept("technique/a", "Technique", "PP", (), ()),
                    Concept("technique/b", "Technique", "b", ("PP",), ())])


def test_vocab_invalid_turtle_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "technique.ttl"
    path.write_text("this is not turtle")
    with pytest.raises(VocabularyError, match="technique.ttl"):
        parse_vocabulary_file(path, "Technique")


def test_vocab_rejects_an_id_that_does_not_start_with_its_type() -> None:
    """Exports read a node's label off its id (kg.export.tables.kind_of)."""
    with pytest.raises(VocabularyError, match="hardware/"):
        Vocabulary([Concept("gpu/h100", "Hardware", "H100", (), ())])


def test_vocab_hidden_labels_match_but_do_not_name() -> None:
    from kg.vocab import load_vocabulary
    vocab = load_vocabulary()
    concept = vocab.concepts["technique/mpc-control"]
    assert "MPC" in concept.hidden and "MPC" not in concept.names
    assert vocab.lookup("MPC").id == "technique/secure-mpc"


def test_vocab_products_are_named_hardware_not_classes_or_parts() -> None:
    """``kg:product true`` marks device models and product lines (issue 25: gpu-products
    listed GPU memory and Tensor Cores)."""
    concepts = load_vocabulary().concepts
    products = {cid for cid, c in concepts.items() if c.product}
    assert {"hardware/nvidia-h100", "hardware/jetson-orin", "hardware/intel-xeon"} <= products
    assert not products & {"hardware/gpu", "hardware/consumer-gpu", "hardware/hopper-gpu",
                           "hardware/gpu-memory", "hardware/tensor-core", "hardware/cuda-core"}
    assert all(concepts[cid].type == "Hardware" for cid in products)
