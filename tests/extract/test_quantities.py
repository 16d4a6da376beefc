"""The numbers of a comparison, as abstracts write them."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kg.extract import quantities
from kg.extract.quantities import find_quantities, has_factor, parenthesized_value


@pytest.mark.parametrize(("text", "expected"), [
    ("a 4.86x speedup", [("factor", "4.86")]),
    ("10.7 times faster", [("factor", "10.7")]),
    ("by 1.18x-1.22x on layers", [("factor", "1.18-1.22")]),
    # TeX's \sim and \times with their backslash lost, as listings often print them
    ("achieves 2.36sim 8.02times inference speed-up", [("factor", "2.36-8.02")]),
    ("three times lower than", [("factor", "3")]),
    ("a 3-fold reduction", [("factor", "3")]),
    ("twice as fast", [("factor", "2")]),
    ("reduces cost by 1,234x", [("factor", "1234")]),
    ("lowers latency by 35%", [("percent", "35")]),
    ("a deviation of (<2\\%)", [("percent", "2")]),
    ("accuracy of 96% vs. 61%", [("pair", "96%|61%")]),
    # a dimension and a GPU count are not factors
    ("on a 64times64 systolic array using 4sim 8 GPUs", []),
])
def test_quantities(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(q.kind, q.text) for q in find_quantities(text)] == expected


def test_quantities_have_offsets() -> None:
    text = "2.02x over A and 2.88x over B"
    assert [text[q.start:q.end] for q in find_quantities(text)] == ["2.02x", "2.88x"]


def test_parenthesized_value_opens_the_text() -> None:
    text = "Greedy (0.185), First-Price (0.138)"
    assert parenthesized_value(text, 6, len(text)) == "0.185"
    assert parenthesized_value(text, 0, len(text)) is None


_PIECES = ["2", "2.4", " ", "x", "X", "×", "times", "TIMES", "-", "fold", " fold", "twice",
           "three", "ten", "often", "as", "faster", "a", ".", "v", "~", "sim", "%", ","]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
@example("2.4x faster")
@example("often three times")
@example("v2x")
@example("10-fold")
def test_has_factor_is_the_full_pattern(text: str) -> None:
    # the quick pre-checks never change the answer of the full pattern
    assert has_factor(text) == (quantities._FACTOR_RE.search(text) is not None)
