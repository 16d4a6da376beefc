"""Entity ids: one id for the spellings of one name."""

from __future__ import annotations

import pytest

from kg.ids import entity_id


@pytest.mark.parametrize(("a", "b"), [
    ("λ-ECLIPSE", "lambda-ECLIPSE"),
    ("streaming multi-processor", "streaming multiprocessor"),
    ("co-design", "codesign"),
    ("GPUs", "GPU"),
])
def test_entity_id_merges_spelling_variants(a: str, b: str) -> None:
    assert entity_id("Technique", a) == entity_id("Technique", b)


def test_entity_id_keeps_distinct_names_apart() -> None:
    assert entity_id("Technique", "multi-agent system") != entity_id("Technique", "agent system")
    assert entity_id("Technique", "re-ranking") != entity_id("Technique", "ranking")
