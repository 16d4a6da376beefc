"""Gazetteer matching of vocabulary names in text: longest match over folded tokens.

Names are compared token by token after folding case and plurals (``kg.normalize``), so
"GPUs", "GPU" and "Graphics Processing Units" all hit their concept. Acronym-like names
("MoE", "TEE", "PIM") and one-word proper names ("Frontier", "Spark") must match as written,
so prose words ("tee", "pareto frontier") do not.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kg.normalize import TOKEN_RE, token_key
from kg.vocab import Concept, Vocabulary, is_acronym

__all__ = ["Match", "VocabMatcher"]


@dataclass(frozen=True, slots=True)
class Match:
    """A vocabulary name found in text at ``[start, end)``."""

    start: int
    end: int
    surface: str
    concept: Concept
    acronym: bool


@dataclass(slots=True)
class _Entry:
    concepts: list[tuple[Concept, str, bool]]  # (concept, name as written, is acronym)


class VocabMatcher:
    """A token trie over every matchable name of a vocabulary."""

    def __init__(self, vocab: Vocabulary):
        self.root: dict[str, dict] = {}
        for concept in vocab:
            if not concept.match:
                continue
            for name in (*concept.names, *concept.hidden):
                keys = _tokens(name)[1]
                if not keys:
                    continue
                node = self.root
                for key in keys:
                    node = node.setdefault(key, {})
                entry = node.setdefault("", _Entry([]))
                if not any(c.id == concept.id and n == name for c, n, _ in entry.concepts):
                    entry.concepts.append((concept, name, _case_sensitive(name, concept.type)))

    def find(self, text: str) -> list[Match]:
        """Every longest, non-overlapping vocabulary match in ``text``, left to right."""
        tokens, keys = _tokens(text)
        context = _Context(keys)
        root = self.root
        out: list[Match] = []
        end_tok = 0
        count = len(keys)
        # Only tokens that can begin a name are tried (a few in a hundred): the scan is a
        # list comprehension, not a Python loop over every token.
        for i in [i for i, key in enumerate(keys) if key in root]:
            if i < end_tok:
                continue  # inside the previous match
            best: tuple[int, Concept, bool] | None = None
            node = root
            j = i
            while j < count:
                child = node.get(keys[j])
                if child is None:
                    break
                node = child
                j += 1
                if j - 1 > i and (tokens[j - 1][0] - tokens[j - 2][1] > 2 or any(
                        c in _BREAKS for c in text[tokens[j - 2][1]:tokens[j - 1][0]])):
                    break  # no wide gap ("GPU (...) memory"), no comma ("code, models")
                entry = node.get("")
                if entry is not None:
                    hit = _pick(entry, text, tokens[i:j], context)
                    if hit is not None:
                        best = (j, hit[0], hit[1])
            if best is None:
                continue
            end_tok, concept, acronym = best
            start, end = tokens[i][0], tokens[end_tok - 1][1]
            out.append(Match(start, end, text[start:end], concept, acronym))
        return out


_APOSTROPHES = ("'", "\u2019")
_BREAKS = frozenset(",;:()[]")
_SPAN = re.Match.span
_GROUP = re.Match.group


def _tokens(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    """The spans of ``text``'s tokens and their folded keys. A possessive "s" ("the token's")
    keys as "'s", so that it matches only names written with one ("Humanity's Last Exam"),
    not "tokens/s"."""
    # One scan of the text, and C-level maps over its matches: a second scan (``findall``)
    # and a comprehension calling ``m.span()`` cost ~20% more.
    found = list(TOKEN_RE.finditer(text))
    spans = list(map(_SPAN, found))
    keys = list(map(token_key, map(_GROUP, found)))
    if "'" in text or "\u2019" in text:
        for i in [i for i, key in enumerate(keys) if key == "s"]:
            if i and text[spans[i][0] - 1] in _APOSTROPHES:
                keys[i] = "'s"
    return spans, keys


def _case_sensitive(name: str, entity_type: str = "") -> bool:
    """Acronyms ("TEE") and one-word proper names ("Frontier", "Ray", "Spark") match only as
    written, so "pareto frontier" and "a ray of" are not the supercomputer or the framework;
    so do dataset names in Title Case ("Natural Questions" is not "natural questions")."""
    if is_acronym(name):
        return True
    words = name.split()
    if entity_type == "Dataset" and len(words) > 1 and all(w[:1].isupper() for w in words):
        return True
    return " " not in name and "-" not in name and name[:1].isupper() and name[1:].islower()


class _Context:
    """The folded words of one text, built on first use: what decides between the concepts
    an ambiguous acronym may name."""

    __slots__ = ("_keys", "_words")

    def __init__(self, keys: list[str]):
        self._keys = keys
        self._words: set[str] | None = None

    def support(self, concept: Concept) -> int:
        """How many words of the concept's spelled-out names the text holds."""
        if self._words is None:
            self._words = set(self._keys)
        return len(_name_words(concept) & self._words)


@functools.lru_cache(maxsize=4096)
def _name_words(concept: Concept) -> frozenset[str]:
    return frozenset(k for name in concept.names if " " in name
                     for k in _tokens(name)[1] if len(k) > 3)


def _pick(entry: _Entry, text: str, spans: list[tuple[int, int]], context: _Context
          ) -> tuple[Concept, bool] | None:
    surface = None
    fits: list[Concept] = []
    for concept, name, acronym in entry.concepts:
        if not acronym:
            return concept, False
        if surface is None:
            surface = " ".join(text[s:e] for s, e in spans)
        written = surface[:-1] if surface.endswith("s") and not name.endswith("s") else surface
        if written == _written(name) and concept not in fits:
            fits.append(concept)
    if not fits:
        return None
    if len(fits) > 1:
        # "MPC" in a control paper: the concept whose spelled-out names the text echoes
        # ("predictive", "control"); the first listed when the text says nothing.
        return max(fits, key=context.support), True
    return fits[0], True


@functools.lru_cache(maxsize=1 << 14)
def _written(name: str) -> str:
    """A case-sensitive name as its tokens, space-joined: what a surface must equal."""
    return " ".join(TOKEN_RE.findall(name))
