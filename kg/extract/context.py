"""What the words around a mention say about it: markup to ignore, a negation, a sentence
about others' work, a survey, the plain-English sense of a vocabulary word, or a quantity
named without being measured ("at the same cost", "low-latency")."""

from __future__ import annotations

import re

from kg.extract.matcher import Match
from kg.extract.patterns import Patterns
from kg.extract.text import Sentence

__all__ = ["CLAUSE_BREAK", "is_background", "is_negated", "is_survey", "mask_markup",
           "not_measured_here", "prose_sense"]


_MARKUP = re.compile(r"(?:https?://|www\.)\S+|\\[A-Za-z]+\*?|[{}$]|\S+@\S+\.\w+")


# Every match of _MARKUP holds one of these; most abstracts hold none, and the e-mail branch,
# tried at every character, made the substitution cost as much as matching the vocabulary.
# Substring tests, not a regex: a regex alternation tried at every character costs ~25x more.
_MARKUP_SIGNS = ("http://", "https://", "www.", "\\", "{", "}", "$", "@")


def mask_markup(text: str) -> str:
    """``text`` with URLs, e-mail addresses and TeX commands replaced by spaces."""
    if not any(sign in text for sign in _MARKUP_SIGNS):
        return text
    return _MARKUP.sub(lambda m: " " * len(m.group(0)), text)


def is_background(sentence: Sentence, patterns: Patterns) -> bool:
    """A sentence about others' work or the problem, not this paper's: it has a background cue
    ("existing", "however", "recent advances") and no self-reference ("we", "our")."""
    if sentence.is_title:
        return False
    lower = sentence.text.lower()
    if patterns.self_reference_re.search(lower):
        return False
    return bool(patterns.background_re.search(lower))


# A negation right before a name, in the same clause: "without distillation", "instead of
# pipeline parallelism", "no need for fine-tuning", "without relying on RDMA", "memory, not
# CPU, is the bottleneck" (but "not only on CPUs" negates nothing).
_NEGATED = re.compile(r"\b(?:without|instead\s+of|rather\s+than|no\s+need\s+for|free\s+of|"
                      r"(?:(?<=,\s)|but\s+)not(?!\s+(?:only|just|merely|necessarily|always)\b)|"
                      r"w/o|eliminat\w*\s+the\s+need\s+for|(?:does|do)\s+not\s+(?:require|"
                      r"need|use|rely\s+on))(?:\s+(?!by\b|using\b|via\b|with\b)[\w-]+){0,2}"
                      r"\s+$", re.I)


CLAUSE_BREAK = re.compile(r"[,;:.()\n]")


def is_survey(text: str, patterns: Patterns) -> bool:
    """Whether the paper (title and abstract) presents itself as a survey, review or position
    paper ("A Comprehensive Survey", "this survey", "in this position paper")."""
    lower = text.lower()
    return any(cue in lower for cue in patterns.survey_cues)


def is_negated(text: str, start: int) -> bool:
    """Whether the mention at ``start`` follows a negation in its clause."""
    before = text[max(0, start - 60):start]
    m = _NEGATED.search(before)
    # A negation holds no clause break itself: it is in the mention's clause when none follows.
    return m is not None and not CLAUSE_BREAK.search(before, m.start())


def not_measured_here(text: str, match: Match) -> bool:
    """Whether a metric name is written as something other than a quantity the paper
    measures: a modifier ("cost-effective", "low-latency", "inference-time strategies"), a
    moment ("used at inference time"), or a quantity held fixed ("at the same cost")."""
    if _HYPHEN_AFTER.match(text, match.end) or \
            _HYPHEN_BEFORE.search(text, max(0, match.start - 2), match.start):
        return True
    surface = match.surface.lower()
    if surface.endswith("-time") and _TIME_MODIFIER.match(text, match.end):
        return True
    if surface.endswith("time") and _AT_BEFORE.search(text, max(0, match.start - 4),
                                                      match.start):
        return True
    return bool(_HELD_FIXED.search(text, max(0, match.start - 40), match.start))


_HYPHEN_AFTER = re.compile(r"-[A-Za-z]")


_HYPHEN_BEFORE = re.compile(r"[A-Za-z]-$")


# After "inference-time", "run-time": a noun it modifies (not "of", "is", "and", ...).
_TIME_MODIFIER = re.compile(r"\s+(?!(?:of|is|are|was|were|and|or|by|in|on|for|to|with|than|"
                            r"from|as|at|per|while|when|which|that)\b)[a-z]")


_HELD_FIXED = re.compile(r"\b(?:at|under|with|for)\s+(?:the\s+|a\s+)?(?:same|equal|similar|"
                         r"fixed|comparable|identical|matched)\s+(?:[a-z-]+\s+)?$", re.I)


_AT_BEFORE = re.compile(r"\bat\s+$", re.I)


_LAST_WORDS = re.compile(r"([a-z]+)\W+(?:([a-z]+)\W+)?$")


def prose_sense(text: str, start: int, end: int, patterns: Patterns) -> bool:
    """Whether the vocabulary word at ``start``-``end`` is used in its plain-English sense:
    one of the two words before it is a prose cue ("attracting widespread attention",
    "renewed attention"), or a prose continuation follows ("attention from the research
    community")."""
    m = _LAST_WORDS.search(text[max(0, start - 40):start].lower())
    if m is not None and {m.group(1), m.group(2)} & patterns.prose_cues:
        return True
    after = " ".join(text[end:end + 40].lower().split())
    return after.startswith(patterns.prose_after)
