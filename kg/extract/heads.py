"""New names typed and placed in the hierarchy by their head words: "weeding accuracy" is a
Metric and a kind of accuracy, "the XBOW benchmark" a Dataset, "SQuAD-TR" a variant of a
known dataset."""

from __future__ import annotations

import re

from kg.extract.patterns import Patterns
from kg.normalize import norm_key
from kg.vocab import Concept, Vocabulary, is_acronym

__all__ = ["head_concepts", "head_type", "name_type", "type_from_head"]


def head_concepts(label: str, entity_type: str, vocab: Vocabulary) -> tuple[str, ...]:
    """The vocabulary concept a new name is a kind of, by its head words: "weeding accuracy"
    is an "accuracy", "block-sparse KV cache" a "KV cache"."""
    words = norm_key(label).split()
    # A model's family is its first words ("Llama 3 70B" is a "Llama 3"); anything else is a
    # kind of its last words, and a device also of its first ("Raspberry Pi 4" is a
    # "Raspberry Pi", "Jetson Orin Nano" a "Jetson Orin").
    ends = ("first",) if entity_type == "Model" else (
        ("last", "first") if entity_type == "Hardware" else ("last",))
    for end in ends:
        for size in (3, 2, 1):
            if len(words) > size:
                part = words[:size] if end == "first" else words[-size:]
                concept = vocab.lookup(" ".join(part), entity_type)
                if concept is not None and concept.match:
                    return (concept.id,)
    return ()


def type_from_head(phrase: str, patterns: Patterns, vocab: Vocabulary) -> str:
    """The entity type of a new name, from its last word (its head) and any vocabulary part."""
    written = re.findall(r"[A-Za-z0-9]+", phrase)
    if not written:
        return "Technique"
    kind = head_type(written[-1].lower(), patterns)
    if kind is not None:
        return kind
    for part in (" ".join(written[-2:]), written[-1]):
        concept = vocab.lookup(part)
        if concept is not None and concept.type in ("Metric", "Hardware", "Dataset") and \
                _names_it(concept, part):
            return concept.type
    return "Technique"


def head_type(word: str, patterns: Patterns) -> str | None:
    """The type a head noun gives a name ("rate": Metric, "benchmark": Dataset), if any."""
    for entity_type in ("Dataset", "Metric", "Hardware"):
        heads = patterns.type_heads[entity_type]
        if word in heads or word.rstrip("s") in heads:
            return entity_type
    return None


def _names_it(concept: Concept, written: str) -> bool:
    """Whether ``written`` spells a name of ``concept`` as the matcher would accept it:
    acronyms as written ("Oblivious Maps" is not "MAP", mean average precision)."""
    key = norm_key(written)
    return any(norm_key(name) == key and (not is_acronym(name) or
                                          written.rstrip("s") == name.rstrip("s"))
               for name in concept.names)


def name_type(name: str, context: str, vocab: Vocabulary | None = None) -> str:
    """A new proposed name is a Dataset when it or the words after it say so, or when it is
    a known dataset's variant ("SQuAD-TR", "ImageNet-Sketch")."""
    if re.search(r"bench|dataset|corpus", name, re.I) or re.match(
            r"[^.]{0,60}\b(benchmark|dataset|corpus|suite)\b", context, re.I):
        return "Dataset"
    if vocab is not None and "-" in name:
        for part in name.split("-"):
            concept = vocab.lookup(part, "Dataset")
            if len(part) > 2 and concept is not None and part in concept.names:
                return "Dataset"
    return "Technique"
