"""kg.extract.patterns: the cue lists compiled into regexes."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kg.extract.patterns import trie_alternation

_WORDS = st.lists(st.text(alphabet="ab -.", min_size=1, max_size=6), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(_WORDS, st.text(alphabet="ab -.c", max_size=40))
@example(["our", "our approach", "our method"], "in our approaches our method works")
@example(["a", "a b", "a bb"], "a bba b a")
def test_patterns_trie_alternation_matches_the_plain_alternation(words: list[str],
                                                                 text: str) -> None:
    """The trie form of a cue list finds what the plain alternation, longest first, finds,
    with the whole-word assertions around it (which make it backtrack to shorter words)."""
    plain = "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"
    for wrap in ("(?<![a-z]){}(?![a-z])", "(?<![a-z-]){}(?![a-z-])", "{}"):
        expected = re.compile(wrap.format(plain))
        got = re.compile(wrap.format(trie_alternation(words)))
        assert [m.span() for m in got.finditer(text)] == \
            [m.span() for m in expected.finditer(text)]
