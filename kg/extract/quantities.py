"""The numbers a comparison states: factors, percentages and paired values, with offsets.

Abstracts write them many ways: "4.86x", "10.7 times", "1.18x-1.22x", "2.36~8.02x" (TeX's
``\\sim`` and ``\\times`` often lose their backslash: "2.36sim 8.02times"), "3-fold",
"three times", "35%", "10\\%", "96% vs. 61%", "allocation efficiency (0.263) compared to
Greedy (0.185)". ``find_quantities`` reads them all with their offsets, so that a comparison
can take the numbers of its own clause (``kg.extract.compare``), not the first number of the
sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Quantity", "find_quantities", "has_factor", "last_parenthesized_value",
           "parenthesized_value"]

_NUMBER = r"\d[\d,]*(?:\.\d+)?"
_TIMES = r"(?:\s*(?:x|×|times)(?![\w])|-fold\b|\s+fold\b)"
_RANGE_SEP = r"\s*(?:-|–|~|to|sim)\s*"
_WORD_NUMBERS = {"twice": "2", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
                 "seven": "7", "eight": "8", "nine": "9", "ten": "10", "double": "2",
                 "triple": "3"}
_FACTOR_RE = re.compile(
    rf"(?<![\w.])({_NUMBER})(?:{_TIMES})?{_RANGE_SEP}({_NUMBER}){_TIMES}"
    rf"|(?<![\w.])({_NUMBER}){_TIMES}"
    r"|\b(twice|double|triple)\b(?=\s+(?:as|the|faster|higher|lower|more|less|fewer|"
    r"speedup|throughput))"
    r"|\b(two|three|four|five|six|seven|eight|nine|ten)(?:\s+times|-fold)\b",
    re.I)
_DIGIT_TIMES = re.compile(r"\d[\d,]*(?:\s*(?:[xX×]|[tT][iI][mM][eE][sS])(?![\w])|"
                          r"-[fF][oO][lL][dD]\b|\s+[fF][oO][lL][dD]\b)")
# What a factor in words holds ("three times", "3-fold", "twice as fast").
_WORD_FACTOR_SIGNS = ("times", "fold", "twice", "double", "triple")
_PERCENT_RE = re.compile(rf"(?<![\w.])(?:({_NUMBER})\s*\\?%?{_RANGE_SEP})?({_NUMBER})\s*\\?%")
_VS_RE = re.compile(rf"({_NUMBER}\s*\\?%?)\s*(?:vs\.?|versus)\s*({_NUMBER}\s*\\?%?)", re.I)
_PAREN_VALUE_RE = re.compile(rf"\(\s*[<>~≈]?\s*({_NUMBER}\s*\\?%?)\s*\)")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number stated at ``[start, end)`` of a text: ``kind`` is "factor" ("2.4" for
    "2.4x"), "percent" ("35" for "35%") or "pair" (``text`` "96%|61%": value, baseline)."""

    kind: str
    text: str
    start: int
    end: int


def has_factor(text: str) -> bool:
    """Whether ``text`` states a factor ("2.4x", "three times"): a comparison cue then.

    Every factor holds a digit right before its "x"/"times"/"fold", or a word factor's
    sign ("times", "fold", "twice"): those are looked for first (a pattern starting with a
    digit is scanned for quickly), and the full pattern, which starts with a lookbehind
    tried at every character, only then."""
    if _DIGIT_TIMES.search(text) is None:
        lower = text.lower()
        if not any(word in lower for word in _WORD_FACTOR_SIGNS):
            return False
    return _FACTOR_RE.search(text) is not None


def _plain(number: str) -> str:
    return number.replace(",", "")


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Every factor, percentage and "A vs. B" pair in ``text[start:end]``, in text order.

    A percentage inside a "vs." pair is the pair's, not one of its own.
    """
    end = len(text) if end is None else end
    out: list[Quantity] = []
    for m in _VS_RE.finditer(text, start, end):
        value, baseline = (" ".join(g.replace("\\", "").split()) for g in m.groups())
        out.append(Quantity("pair", f"{_plain(value)}|{_plain(baseline)}", m.start(), m.end()))
    taken = [(q.start, q.end) for q in out]
    for m in _FACTOR_RE.finditer(text, start, end):
        if m.group(1):
            value = f"{_plain(m.group(1))}-{_plain(m.group(2))}"
        elif m.group(3):
            value = _plain(m.group(3))
        else:
            value = _WORD_NUMBERS[(m.group(4) or m.group(5)).lower()]
        out.append(Quantity("factor", value, m.start(), m.end()))
    for m in _PERCENT_RE.finditer(text, start, end):
        if any(s <= m.start() < e for s, e in taken):
            continue
        value = _plain(m.group(2)) if not m.group(1) else \
            f"{_plain(m.group(1))}-{_plain(m.group(2))}"
        out.append(Quantity("percent", value, m.start(), m.end()))
    return sorted(out, key=lambda q: q.start)


def parenthesized_value(text: str, start: int, end: int) -> str | None:
    """The number in parentheses that opens ``text[start:end]`` ("Greedy (0.185)"), if any."""
    m = _PAREN_VALUE_RE.match(text, start, end)
    if m is None and (space := re.match(r"\s+", text[start:end])):
        m = _PAREN_VALUE_RE.match(text, start + space.end(), end)
    return " ".join(m.group(1).replace("\\", "").split()) if m else None


def last_parenthesized_value(text: str, start: int, end: int) -> str | None:
    """The last number in parentheses within ``text[start:end]`` ("efficiency (0.263)")."""
    found = list(_PAREN_VALUE_RE.finditer(text, start, end))
    return " ".join(found[-1].group(1).replace("\\", "").split()) if found else None
