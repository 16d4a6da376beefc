"""The text an extractor reads, and its sentences with character offsets.

Offsets everywhere in kg index ``paper_text(paper)``: the title, a newline, the abstract. The
title is sentence 0, so title evidence ("X: a system for ...") has offsets like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.model import Paper

__all__ = ["Sentence", "paper_text", "space_before", "split_sentences"]

# Abbreviations after which a period does not end a sentence.
_ABBREV = re.compile(r"(?:\be\.g|\bi\.e|\bet al|\bvs|\bFig|\bEq|\bapprox|\bcf|\bresp|\bNo|"
                     r"\bw\.r\.t|"
                     r"\bSec|\bRef|\bDr|\bSt|\bal|\bU\.S|\bInc|\bLtd|\bv)\.$", re.IGNORECASE)
_BOUNDARY = re.compile(r"[.!?](?:[\"')\]]*)\s+(?=[\"'(\[]?[A-Z0-9$\\])")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence: its offsets in the paper text, and whether it is the title."""

    start: int
    end: int
    text: str
    is_title: bool = False


def paper_text(paper: Paper) -> str:
    """The title, a newline and the abstract: what offsets index."""
    return f"{paper.title}\n{paper.abstract}"


def split_sentences(text: str) -> list[Sentence]:
    """Split a paper text into sentences, title first.

    A period ends a sentence when followed by space and an upper-case letter, a digit or a
    bracket, except after common abbreviations ("e.g.", "vs.", "et al.").
    """
    title_end = text.find("\n")
    if title_end < 0:
        title_end = len(text)
    sentences = [Sentence(0, title_end, text[:title_end], is_title=True)]
    start = title_end + 1
    for m in _BOUNDARY.finditer(text, start):
        if _ABBREV.search(text[max(start, m.start() - 8): m.start() + 1]):
            continue
        end = m.end()
        chunk = text[start:end].rstrip()
        if chunk:
            sentences.append(Sentence(start, start + len(chunk), chunk))
        start = end
    if start < len(text) and text[start:].strip():
        chunk = text[start:].rstrip()
        sentences.append(Sentence(start, start + len(chunk), chunk))
    return sentences


def space_before(text: str, at: int) -> int:
    """The start of the whitespace run that ends at ``at`` (``at`` itself if none): where a
    pattern beginning with ``\\s*`` or ``\\s+`` before a fixed character would start."""
    while at and text[at - 1].isspace():
        at -= 1
    return at
