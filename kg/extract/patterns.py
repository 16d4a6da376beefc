"""Cue-word patterns of the rule-based extractor, loaded from ``schemas/patterns.json``.

Rules are data (like spaCy's ``patterns.jsonl``): the lists of proposal verbs, comparison cues
and head nouns live in that file and are validated here on load.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from kg.errors import VocabularyError

__all__ = ["Patterns", "load_patterns"]

_LIST_KEYS = ("proposal_verbs", "naming_cues", "self_reference", "outperform_verbs",
              "comparison_preps", "comparative_words", "vague_baselines", "background_cues",
              "model_families", "novel_heads", "baseline_heads", "described_baseline_heads",
              "task_heads", "metric_heads",
              "task_nouns", "prose_words", "prose_cues", "prose_after", "survey_cues",
              "not_entities")
_HEAD_TYPES = ("Metric", "Hardware", "Dataset", "Model")


def _alternation(words: tuple[str, ...] | frozenset[str]) -> re.Pattern[str]:
    """One compiled regex matching any of ``words`` as whole words (longest first)."""
    return re.compile(r"(?<![a-z])" + trie_alternation(words) + r"(?![a-z])")


def trie_alternation(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, longest first, written as a trie of characters:
    "our(?: (?:approach|method))?" rather than "our approach|our method|our".

    Why: Python's regex engine tries an alternation's branches one after the other at every
    position, so a list of ~40 cue phrases cost ~40 tests a word; in a trie, the branches at
    each point differ in their first character and at most one goes on. It matches what the
    plain alternation sorted longest first matches: the phrases that match at one position
    are prefixes of one another, and both forms try them longest first (a greedy optional
    suffix before the shorter end).
    """
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items())
                    if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return "(?:" + emit(root) + ")"


@dataclass(frozen=True)
class Patterns:
    """The validated cue lists; see ``schemas/patterns.json`` for what each one means.

    The ``*_re`` fields are the lists compiled once into single regexes (hot paths).
    """

    proposal_verbs: frozenset[str]
    naming_cues: frozenset[str]
    self_reference: tuple[str, ...]
    outperform_verbs: tuple[str, ...]
    comparison_preps: tuple[str, ...]
    comparative_words: frozenset[str]
    vague_baselines: frozenset[str]
    background_cues: tuple[str, ...]
    model_families: tuple[str, ...]
    novel_heads: frozenset[str]
    baseline_heads: frozenset[str]
    # Head nouns of a baseline described rather than named ("a best-of-N baseline", "the
    # cloud-based GPU deployment", "an untargeted attack"): a specific loser (GUIDELINES.md).
    described_baseline_heads: frozenset[str]
    task_heads: frozenset[str]
    metric_heads: frozenset[str]
    task_nouns: frozenset[str]
    # Vocabulary words that are also plain English ("attention"), the words that, just
    # before one, mean the plain sense ("received much attention"), and what follows it in
    # that sense ("attention from the research community").
    prose_words: frozenset[str]
    prose_cues: frozenset[str]
    prose_after: tuple[str, ...]
    # Phrases that make a paper a survey or position paper, whose metrics count only with a
    # value (the guidelines: nothing is measured unless the work measures it).
    survey_cues: tuple[str, ...]
    not_entities: frozenset[str]
    type_heads: dict[str, frozenset[str]]
    self_reference_re: re.Pattern[str] = field(init=False, repr=False)
    background_re: re.Pattern[str] = field(init=False, repr=False)
    outperform_re: re.Pattern[str] = field(init=False, repr=False)
    comparison_re: re.Pattern[str] = field(init=False, repr=False)
    model_name_re: re.Pattern[str] = field(init=False, repr=False)
    # Any family name at all: searched before model_name_re, ~3x cheaper and absent from
    # most abstracts.
    model_family_re: re.Pattern[str] = field(init=False, repr=False)
    novel_phrase_re: re.Pattern[str] = field(init=False, repr=False)
    # A comparative word standing as a whole token (hyphens join tokens: "more-efficient" is
    # none); one search per sentence instead of a set lookup per word.
    comparative_re: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for name, words in (("self_reference_re", self.self_reference),
                            ("background_re", self.background_cues),
                            ("outperform_re", self.outperform_verbs),
                            ("comparison_re", self.comparison_preps)):
            object.__setattr__(self, name, _alternation(words))
        families = trie_alternation(self.model_families)
        object.__setattr__(self, "model_name_re", _model_name_re(families))
        object.__setattr__(self, "model_family_re", re.compile(families))
        object.__setattr__(self, "novel_phrase_re", _novel_phrase_re(self.novel_heads))
        single = sorted((w for w in self.comparative_words if re.fullmatch(r"[a-z-]+", w)),
                        key=len, reverse=True)
        object.__setattr__(self, "comparative_re", re.compile(
            r"(?<![a-z-])" + trie_alternation(single) + r"(?![a-z-])"))


def _model_name_re(families: str) -> re.Pattern[str]:
    """A versioned model name of a known family (``families``: their escaped alternation):
    "Llama-3-70B", "Qwen2.5-7B-Instruct"."""
    return re.compile(
        r"(?<![\w-])(?:" + families + r")(?:[- ]?v?\d+(?:\.\d+)?[a-zA-Z]?)?"
        r"(?:[- ](?:\d+(?:\.\d+)?[BMbm]|\d+x\d+[Bb]|[Cc]hat|[Ii]nstruct|[Mm]ini|[Cc]oder|"
        r"[Tt]urbo|[Pp]ro|[Ff]lash|[Ss]onnet|[Hh]aiku|[Oo]pus|[Bb]ase|[Ll]arge|[Ss]mall|"
        r"[Mm]edium|V[LlIi]|Math|R1|Distill|SFT|MoE|[Ll]ite|[Nn]ano))*(?![\w-])")


def _novel_phrase_re(heads: frozenset[str]) -> re.Pattern[str]:
    """ "a novel adversarial consistency training approach": 2-4 words before a head noun."""
    body = "|".join(sorted(heads))
    return re.compile(r"\b(?:a|an)\s+(?:novel|new)\s+((?:[a-z][a-z-]+\s+){2,4}?)(?:" + body +
                      r")\b")


def parse_patterns(data: dict, *, source: str = "<patterns>") -> Patterns:
    """Validate a patterns document and build ``Patterns``.

    Raises
    ------
    VocabularyError
        When a list is missing, empty or holds something other than strings.
    """
    for key in _LIST_KEYS:
        value = data.get(key)
        if not isinstance(value, list) or not value or not all(
                isinstance(v, str) and v.strip() for v in value):
            raise VocabularyError(f"{source}: '{key}' must be a non-empty list of strings")
    heads = data.get("type_heads")
    if not isinstance(heads, dict) or set(heads) != set(_HEAD_TYPES):
        raise VocabularyError(f"{source}: 'type_heads' must map exactly {_HEAD_TYPES} to lists")
    lower = {k: [v.lower() for v in data[k]] for k in _LIST_KEYS if k != "model_families"}
    return Patterns(
        proposal_verbs=frozenset(lower["proposal_verbs"]),
        naming_cues=frozenset(lower["naming_cues"]),
        self_reference=tuple(lower["self_reference"]),
        outperform_verbs=tuple(sorted(lower["outperform_verbs"], key=len, reverse=True)),
        comparison_preps=tuple(sorted(lower["comparison_preps"], key=len, reverse=True)),
        comparative_words=frozenset(lower["comparative_words"]),
        vague_baselines=frozenset(lower["vague_baselines"]),
        background_cues=tuple(lower["background_cues"]),
        model_families=tuple(sorted(data["model_families"], key=len, reverse=True)),
        novel_heads=frozenset(lower["novel_heads"]),
        baseline_heads=frozenset(lower["baseline_heads"]),
        described_baseline_heads=frozenset(lower["described_baseline_heads"]),
        task_heads=frozenset(lower["task_heads"]),
        metric_heads=frozenset(lower["metric_heads"]),
        task_nouns=frozenset(lower["task_nouns"]),
        prose_words=frozenset(lower["prose_words"]),
        prose_cues=frozenset(lower["prose_cues"]),
        prose_after=tuple(lower["prose_after"]),
        survey_cues=tuple(lower["survey_cues"]),
        not_entities=frozenset(lower["not_entities"]),
        type_heads={k: frozenset(v.lower() for v in heads[k]) for k in _HEAD_TYPES},
    )


@functools.lru_cache(maxsize=2)
def load_patterns(path: str | None = None) -> Patterns:
    """Load ``schemas/patterns.json`` (or ``path``) once per process."""
    file = Path(path) if path else Path(str(resources.files("kg") / "schemas" / "patterns.json"))
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise VocabularyError(f"{file}: cannot read patterns: {err}") from err
    return parse_patterns(data, source=str(file))
