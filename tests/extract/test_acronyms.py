"""kg.extract.acronyms: definitions of short forms in the text."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kg.extract.acronyms import _INVERSE, _inverse_matches, find_definitions

_PIECES = ["DGF", "LoRA", "x", "A1-B", "ABCDEFGHIJKL", "ABCDEFGHIJKLM", " ", "  ", "\n", "(", ")", "_",
           "é", "Dynamic Gating Fusion", "long form", "-", "(("]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=16).map("".join))
@example("introducing DGF (Dynamic Gating Fusion) to (x) and LoRA  (low rank adaption)")
@example("ABCDEFGHIJKLM (long form) ABCDEFGHIJKL (long form) _DGF (long form) é-AB (long form)")
def test_acronyms_inverse_forms_tried_before_parentheses_match_the_whole_text(
        text: str) -> None:
    """ "SHORT (Long Form)" is tried only before each "(": it finds exactly what the pattern
    finds searched over the whole text."""
    assert [(m.span(), m.groups()) for m in _inverse_matches(text)] == \
        [(m.span(), m.groups()) for m in _INVERSE.finditer(text)]


def test_acronyms_inverse_definition_found() -> None:
    [d] = find_definitions("We add DGF (Dynamic Gating Fusion) to the model.")
    assert (d.short, d.long) == ("DGF", "Dynamic Gating Fusion")
