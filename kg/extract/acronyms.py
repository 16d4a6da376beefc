"""Acronym definitions in text: "Low-Rank Adaptation (LoRA)" -> ("Low-Rank Adaptation", "LoRA").

Uses the Schwartz & Hearst (2003) algorithm: the short form's characters are found right to
left in the words before the parenthesis, the first one at a word start. The paper's own
definitions feed node merging ("Key-Value (KV) cache" makes "KV cache" and "key-value cache"
one node) and override a vocabulary acronym with another meaning in that paper.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.extract.text import space_before

__all__ = ["Definition", "find_definitions"]

_PAREN = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9\-./+&]{0,15}?)\s*(?:[,;][^)]*)?\)")
_WORD = re.compile(r"[^\s]+")
_BOUNDARIES = (". ", "; ", ": ", "(", ")", ", ", "--", "\u2014", " \u2013 ")
_STOP_LONG = {"and", "or", "of", "the", "a", "an", "for", "in", "on", "to", "with", "via", "by"}


@dataclass(frozen=True, slots=True)
class Definition:
    """``long`` at ``[long_start, long_end)`` is defined as ``short`` at
    ``[short_start, short_end)``."""

    long: str
    short: str
    long_start: int
    long_end: int
    short_start: int
    short_end: int


def _is_short_form(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2 or len(text) > 12:
        return False
    uppers = sum(c.isupper() for c in letters)
    return uppers >= 2 or (uppers >= 1 and any(c.isdigit() for c in text))


def _best_long_form(short: str, words: list[str]) -> int | None:
    """The index in ``words`` where the long form starts, or None (Schwartz & Hearst)."""
    chars = [c.lower() for c in short.rstrip("s") if c.isalnum()] or [c.lower() for c in short]
    text = " ".join(words).lower()
    s_idx, l_idx = len(chars) - 1, len(text) - 1
    while s_idx >= 0:
        c = chars[s_idx]
        while l_idx >= 0 and (text[l_idx] != c or (s_idx == 0 and l_idx > 0
                                                   and text[l_idx - 1].isalnum())):
            l_idx -= 1
        if l_idx < 0:
            return None
        l_idx -= 1
        s_idx -= 1
    start_char = text.rfind(" ", 0, l_idx + 1) + 1
    return len(text[:start_char].split())


_INVERSE = re.compile(r"(?<![\w-])([A-Z][A-Za-z0-9-]{1,11})\s+\(([A-Za-z][A-Za-z -]{4,80})\)")


_SHORT_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")


def _inverse_matches(text: str) -> Iterator[re.Match[str]]:
    """``_INVERSE.finditer(text)``, tried only before each "(".

    Why: the pattern starts with a lookbehind, so the regex engine would try it at every
    character. A match is a short form running up to the whitespace before a "(", so for each
    "(" one start is possible: where the run of short-form characters before that whitespace
    begins (a start further right follows a short-form character, which the lookbehind
    refuses). Matches cannot overlap: a long form holds no "(", a short form no ")".
    """
    paren = text.find("(")
    while paren != -1:
        end = space_before(text, paren)
        start = end
        while start and end - start < 12 and text[start - 1] in _SHORT_CHARS:
            start -= 1
        if end < paren and end - start >= 2 and (m := _INVERSE.match(text, start)) is not None:
            yield m
        paren = text.find("(", paren + 1)


def _find_inverse(text: str) -> list[Definition]:
    """ "SHORT (Long Form)": "introducing DGF (Dynamic Gating Fusion) to ..."."""
    out = []
    for m in _inverse_matches(text):
        short, long = m.group(1), m.group(2).strip()
        if not _is_short_form(short) or len(long.split()) < 2:
            continue
        initials = "".join(w[0] for w in re.split(r"[\s-]+", long) if w).lower()
        letters = "".join(c for c in short.rstrip("s") if c.isalpha()).lower()
        if initials != letters:
            continue
        out.append(Definition(long, short, m.start(2), m.start(2) + len(long), m.start(1),
                              m.end(1)))
    return out


def find_definitions(text: str) -> list[Definition]:
    """Every "long form (SHORT)" or "SHORT (long form)" definition in ``text``, in order."""
    out: list[Definition] = _find_inverse(text)
    for m in _PAREN.finditer(text):
        short = m.group(1).rstrip(".-")
        if not _is_short_form(short):
            continue
        before = text[max(0, m.start() - 200): m.start()]
        # The long form does not cross a clause boundary, nor a dash ("three new tools--Domain
        # Specialization Index (DSI)").
        cut = max((i + len(p) if (i := before.rfind(p)) >= 0 else 0) for p in _BOUNDARIES)
        segment_start = m.start() - len(before) + cut
        segment = text[segment_start: m.start()]
        spans = [(w.group(0), w.start() + segment_start) for w in _WORD.finditer(segment)]
        n_letters = sum(c.isalpha() for c in short.rstrip("s"))
        spans = spans[-min(len(spans), n_letters + 5):]
        words = [w for w, _ in spans]
        if not words:
            continue
        idx = _best_long_form(short, words)
        if idx is None or idx >= len(words):
            continue
        while idx < len(words) - 1 and words[idx].lower() in _STOP_LONG:
            idx += 1
        long_start = spans[idx][1]
        long_text = text[long_start: m.start()].rstrip(" ,")
        if len(long_text.split()) > n_letters + 3 or long_text.lower() == short.lower():
            continue
        short_start = m.start(1)
        out.append(Definition(long_text.strip('"\''), short, long_start, long_start +
                              len(long_text), short_start, short_start + len(short)))
    return sorted(out, key=lambda d: min(d.long_start, d.short_start))
