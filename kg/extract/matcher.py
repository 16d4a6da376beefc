"""Gazetteer matching of vocabulary names in text: longest match over folded tokens.

Names are compared token by token after folding case and plurals (``kg.normalize``), so
"GPUs", "GPU" and "Graphics Processing Units" all hit their concept. Acronym-like names
("MoE", "TEE", "PIM") and one-word proper names ("Frontier", "Spark") must match as written,
so prose words ("tee", "pareto frontier") do not.
"""

from __future__ import annotations

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
            for name in concept.names:
                keys = [token_key(t) for t in TOKEN_RE.findall(name)]
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
        tokens = [(m.group(0), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]
        keys = [token_key(t) for t, _, _ in tokens]
        out: list[Match] = []
        i = 0
        while i < len(tokens):
            best: tuple[int, Concept, bool] | None = None
            node = self.root
            j = i
            while j < len(tokens) and keys[j] in node:
                node = node[keys[j]]
                j += 1
                if j - 1 > i and tokens[j - 1][1] - tokens[j - 2][2] > 2:
                    break  # names do not span wide gaps ("GPU (...) memory")
                entry = node.get("")
                if entry is not None:
                    hit = _pick(entry, tokens[i:j])
                    if hit is not None:
                        best = (j, hit[0], hit[1])
            if best is None:
                i += 1
                continue
            end_tok, concept, acronym = best
            start, end = tokens[i][1], tokens[end_tok - 1][2]
            out.append(Match(start, end, text[start:end], concept, acronym))
            i = end_tok
        return out


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


def _pick(entry: _Entry, tokens: list[tuple[str, int, int]]) -> tuple[Concept, bool] | None:
    surface = " ".join(t for t, _, _ in tokens)
    for concept, name, acronym in entry.concepts:
        if not acronym:
            return concept, False
        written = surface[:-1] if surface.endswith("s") and not name.endswith("s") else surface
        if written == " ".join(TOKEN_RE.findall(name)):
            return concept, True
    return None
