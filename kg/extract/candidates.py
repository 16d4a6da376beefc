"""The candidates of one paper (an entity with every place it is mentioned) and the shape
of a name.

A recogniser finds a mention and adds it to the paper's ``Registry``, which keys candidates
by concept and by folded name, so one thing found by several recognisers ("KV cache" by the
vocabulary, "Key-Value (KV) cache" by a definition) is one candidate with every alias.
"""

from __future__ import annotations

import bisect
import functools
import operator
import re
import sys
from dataclasses import dataclass, field

from kg.extract.text import Sentence
from kg.ids import entity_id
from kg.normalize import norm_key
from kg.vocab import Concept

__all__ = ["GENERIC_LABELS", "MODIFIER_AFTER", "MODIFIER_SUFFIX", "NAME_RE", "Candidate",
           "Registry", "is_name", "joins_word", "name_key", "sentence_index", "sentence_of",
           "word_spans"]


# A product-like name: a capital, then letters/digits, with inner hyphens or dots.
NAME_RE = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z0-9]*(?:[-.+][A-Za-z0-9]+)*\+*(?![\w])")


GENERIC_LABELS = {"llm", "large language model", "language model", "dnn", "deep neural network",
                  "neural network", "machine learning", "ml", "deep learning",
                  "artificial intelligence", "ai", "model", "framework", "method", "algorithm",
                  "system", "approach", "technique", "baseline"}


@dataclass
class Candidate:
    """An entity found in one paper, with every place it is mentioned."""

    type: str
    label: str
    concept: Concept | None = None
    aliases: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    proposed: bool = False
    proposed_span: tuple[int, int] | None = None

    @property
    def id(self) -> str:
        return self.concept.id if self.concept else entity_id(self.type, self.label)

    def names(self) -> list[str]:
        base = list(self.concept.names) if self.concept else [self.label]
        return list(dict.fromkeys(base + self.aliases))

    def first_end(self, start: int) -> int | None:
        """The end of the first (shortest) mention starting at ``start``, if any."""
        at = bisect.bisect_left(self.spans, (start, -1))
        return self.spans[at][1] if at < len(self.spans) and self.spans[at][0] == start \
            else None

    def last_end(self, start: int) -> int | None:
        """The end of the last (longest) mention starting at ``start``, if any."""
        at = bisect.bisect_right(self.spans, (start, sys.maxsize)) - 1
        return self.spans[at][1] if at >= 0 and self.spans[at][0] == start else None

    def add(self, span: tuple[int, int], rule: str, alias: str | None = None) -> None:
        # The spans stay sorted; a binary search keeps adding a mention cheap when a long
        # text repeats one name thousands of times.
        at = bisect.bisect_left(self.spans, span)
        if at == len(self.spans) or self.spans[at] != span:
            self.spans.insert(at, span)
        if rule not in self.rules:
            self.rules.append(rule)
        if alias and alias not in self.aliases and norm_key(alias) != norm_key(self.label):
            self.aliases.append(alias)


_NAME_PARTS = re.compile(r"[-.+]")


@functools.lru_cache(maxsize=65536)
def is_name(token: str) -> bool:
    """True for a system/product name token: inner capitals, digits or all caps ("vLLM",
    "FlashAttention", "H100", "MOHAF", "MoE-Lens"), not a plain or hyphenated word
    ("Efficient", "Multi-Objective")."""
    parts = [p for p in _NAME_PARTS.split(token) if p]
    if not parts or not any(c.isupper() for c in token):
        return False
    return any(_is_name_part(p) for p in parts)


def _is_name_part(part: str) -> bool:
    letters = [c for c in part if c.isalpha()]
    if not letters:
        return False
    if any(c.isdigit() for c in part):
        return True
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return True
    return any(c.isupper() for c in part[1:])


def sentence_index(sentences: list[Sentence], pos: int) -> int:
    """The index of the sentence holding character ``pos`` (of the next one when ``pos`` is
    in the space between two), by binary search: sentences are in text order."""
    return min(bisect.bisect_right(sentences, pos, key=_END), len(sentences) - 1)


def sentence_of(sentences: list[Sentence], pos: int) -> Sentence:
    """The sentence holding character ``pos``."""
    return sentences[sentence_index(sentences, pos)]


_END = operator.attrgetter("end")


class Registry:
    """The candidates of one paper, keyed by concept id or by folded name.

    Names are compared without their spaces too, so a paper's "Fuxi-DA" and "FuxiDA" (or
    "GPT 4" and "GPT4") are one candidate.
    """

    def __init__(self) -> None:
        self.by_id: dict[str, Candidate] = {}
        self.by_name: dict[str, Candidate] = {}

    def get(self, name: str) -> Candidate | None:
        return self.by_name.get(name_key(name))

    def add(self, candidate: Candidate) -> Candidate:
        existing = self.by_id.get(candidate.id)
        if existing is None:
            for key in _keys(candidate):
                existing = self.by_name.get(key)
                if existing is not None:
                    break
        if existing is not None and existing is not candidate:  # itself: nothing to merge
            for span in candidate.spans:
                existing.add(span, candidate.rules[0] if candidate.rules else "merge")
            known = {name_key(n) for n in existing.names()}
            for alias in [candidate.label, *candidate.aliases]:
                key = name_key(alias)
                if key not in known:
                    existing.aliases.append(alias)
                    known.add(key)
            existing.proposed = existing.proposed or candidate.proposed
            existing.proposed_span = existing.proposed_span or candidate.proposed_span
            candidate = existing
        self.by_id[candidate.id] = candidate
        for key in _keys(candidate):
            self.by_name.setdefault(key, candidate)
        return candidate

    def remove(self, candidate: Candidate) -> None:
        self.by_id = {k: v for k, v in self.by_id.items() if v is not candidate}
        self.by_name = {k: v for k, v in self.by_name.items() if v is not candidate}

    def values(self) -> list[Candidate]:
        seen: dict[int, Candidate] = {}
        for candidate in self.by_id.values():
            seen.setdefault(id(candidate), candidate)
        return list(seen.values())


def _keys(candidate: Candidate) -> list[str]:
    """The registry keys of ``candidate.names()``, in order (repeats harmless). Why not
    ``map(name_key, candidate.names())``: most candidates are vocabulary concepts with
    several names, registered ~15 times a paper, and their keys are the same every time."""
    base = (_concept_keys(candidate.concept) if candidate.concept
            else (name_key(candidate.label),))
    return [*base, *map(name_key, candidate.aliases)]


@functools.lru_cache(maxsize=4096)
def _concept_keys(concept: Concept) -> tuple[str, ...]:
    return tuple(map(name_key, concept.names))


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """A registry key: the folded name without spaces ("fuxi da" and "fuxida" are one)."""
    return norm_key(name).replace(" ", "")


def word_spans(text: str, word: str) -> list[tuple[int, int]]:
    """Where ``word`` (or its plural in "s") stands as a whole word in ``text``.

    A find loop rather than a regex: the words are the paper's own names, so a pattern would
    be compiled anew for nearly every call.
    """
    out: list[tuple[int, int]] = []
    if not word:
        return out
    size, at = len(word), text.find(word)
    while at != -1:
        end = at + size
        if not (at and joins_word(text[at - 1])) and (
                end == len(text) or not joins_word(text[end]) or (
                    text[end] == "s" and (end + 1 == len(text) or not joins_word(text[end + 1])))):
            out.append((at, end))
        at = text.find(word, at + 1)
    return out


def joins_word(char: str) -> bool:
    """Whether ``char`` continues a word: a letter, digit, underscore or hyphen."""
    return char.isalnum() or char in "_-"


# Words and phrases that end as modifiers ("Random Forest-based", "LLM-driven"): not names.
_MODIFIER_WORDS = (r"-(?:based|driven|aware|enabled|powered|inspired|guided|assisted|oriented|"
                   r"centric|level|like|specific|friendly|free|coupled|dependent|agnostic|"
                   r"intensive|efficient)")


MODIFIER_SUFFIX = re.compile(_MODIFIER_WORDS + "$", re.I)


# The same, right after a name: "Transformer-based models" are a kind, not "Transformer".
MODIFIER_AFTER = re.compile(_MODIFIER_WORDS + r"\b", re.I)
