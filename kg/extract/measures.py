"""Metric mentions no vocabulary name spells: quantities in a measurement context ("a task
success rate of 76%", "reduces tail latency by 13%") and values whose quantity is implied
("4.6x faster" is a speedup, "1.11 W" a power, "68.77k parameters" a model size)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.candidates import Candidate, Registry
from kg.extract.patterns import Patterns
from kg.extract.text import space_before
from kg.vocab import Vocabulary

__all__ = ["add_metric_phrases"]


_PHRASE = r"((?:[a-z][a-z-]*\s+){0,3}[a-z][a-z-]*)"


_NUM = r"(?:about\s+|approximately\s+|around\s+|up\s+to\s+|only\s+|over\s+|nearly\s+)?\$?\d"


_CHANGE = (r"(?:improvements?|increases?|reductions?|decreases?|gains?|improv(?:es|ed|ing)|"
           r"reduc(?:es|ed|ing)|increas(?:es|ed|ing)|boost(?:s|ed|ing)?|lower(?:s|ed|ing)?|"
           r"cut(?:s|ting)?|decreas(?:es|ed|ing)|speeds?\s+up)")


# Contexts where the metric name comes before a fixed anchor, "\s+of\s+<number>" or
# "\s*(\s*<digit>": the anchor is searched first and the name read backwards, which is much
# faster than a regex starting with free words. Each anchor is searched from its fixed part
# ("of", "("), which the regex engine finds with a literal scan (a pattern starting with
# whitespace is tried at every space), and the whitespace before it is walked back.
_OF_VALUE = re.compile(r"of\s+" + _NUM)


_PAREN_VALUE = re.compile(r"\(\s*[<>~≈]?\s*\d")


_WORDS_BEFORE = re.compile(r"((?:[a-z][a-z-]*\s+){0,3}[a-z][a-z-]*)$")


# (pattern, a substring every match holds, searched first; None: no cheap one).
_METRIC_CONTEXTS = [
    (re.compile(_CHANGE + r"\s+(?:in\s+|of\s+|the\s+|their\s+|its\s+)*" + _PHRASE +
                r"\s+(?:by|of|to)\s+" + _NUM), None),
    (re.compile(r"\d(?:[\d.,]*)\s*(?:%|x|×|times)\s+(?:higher|lower|better|faster|less|more|"
                r"fewer|greater|smaller|reduction\s+in|improvement\s+in|increase\s+in|"
                r"gain\s+in)\s+" + _PHRASE), None),
    (re.compile(r"\bin\s+terms\s+of\s+" + _PHRASE), "terms"),
]


_PHRASE_STOP = {"the", "a", "an", "our", "its", "their", "this", "these", "that", "and", "or",
                "of", "in", "by", "with", "on", "to", "for", "higher", "lower", "better",
                "faster", "less", "more", "fewer", "improved", "reduced", "significant",
                "significantly", "overall", "achieves", "achieve", "achieving", "has", "have",
                "is", "are", "was", "were", "shows", "show", "reports", "report", "while",
                "maintaining", "same", "similar", "comparable", "high", "low", "good"}


_QUALIFIERS = {"average", "mean", "total", "median", "peak", "overall", "end-to-end"}


_ADJECTIVES = {"superior", "competitive", "significant", "high", "higher", "low", "lower", "better",
               "comparable", "remarkable", "impressive", "good", "excellent", "strong",
               "optimal", "best", "state-of-the-art", "new", "novel", "improved", "reduced",
               "effective", "efficient", "perfect", "great", "greater", "substantial", "final",
               "considerable", "notable", "minimal", "maximum", "minimum"}


_SPEEDUP = re.compile(r"\d(?:\.\d+)?\s*(?:x|×|times)\s+(?:[a-z-]+\s+)?(?:faster|speedups?|"
                      r"speed-ups?|acceleration)\b|\bspeedups?\s+of\s+(?:up\s+to\s+)?\d", re.I)


@dataclass(frozen=True)
class _ValueOf:
    """A value stated with its quantity implied ("4.6x faster" is a speedup).

    ``pattern`` starts at a fixed character (a digit, "by", a word), so the regex engine
    scans for it instead of trying a free word at every position; ``cues`` are substrings
    every match holds (lower case), looked for first; ``before``, when set, must match the
    words right before the value in its sentence ("achieves 81.2% on ImageNet"). The
    mention is the pattern's "at" group where it has one, so the names a context reads over
    ("outperforms X by 2x") stay names; else the match with the words ``before`` matched.
    """

    concept: str
    pattern: re.Pattern[str]
    cues: tuple[str, ...]
    before: re.Pattern[str] | None = None


_VALUE_OF = [
    _ValueOf("metric/speedup", _SPEEDUP, ("faster", "speedup", "speed-up", "acceleration")),
    _ValueOf("metric/success-rate", re.compile(r"\d(?:\.\d+)?\s*%\s+(?:overall\s+)?"
                                               r"success\b(?!\s+rates?)", re.I), ("success",)),
    # "less than 20 minutes of online training", "3 GPU-hours of fine-tuning"
    _ValueOf("metric/training-time", re.compile(
        r"\d(?:[\d.,]*)\s*(?:GPU[- ])?(?:seconds|minutes|hours|days|weeks)\s+of\s+"
        r"(?:[a-z-]+\s+)?(?:training|fine-tuning|pre-?training)\b", re.I),
        ("train", "fine-tuning")),
    # "achieves 81.2% on ImageNet", "reaches 57% top-1 on AIME": a score on a benchmark is
    # its accuracy (GUIDELINES.md: "96% on GSM8K" -> accuracy)
    _ValueOf("metric/accuracy", re.compile(
        r"(?P<at>\d+(?:\.\d+)?\s*\\?%)\s+(?:top-?[15]\s+)?(?:accuracy\s+)?on\s+(?:the\s+)?"
        r"[A-Z]", re.I), ("%",), re.compile(
        r"\b(?:achiev\w*|reach\w*|attain\w*|obtain\w*|scor\w*|yield\w*)\s+(?:an?\s+)?"
        r"(?:average\s+)?$", re.I)),
    # "converges 2x faster", "faster convergence", "fast convergence"
    _ValueOf("metric/convergence", re.compile(
        r"\b(?:faster|fast|quicker|rapid|accelerated|improved|better|stable|unstable)"
        r"\s+convergence\b|\bconverg(?:e|es|ed|ing)\s+(?:\d[\d.]*\s*(?:x|×|times)\s+)?"
        r"(?:faster|quicker|more\s+quickly|rapidly)\b", re.I), ("converg",)),
    # "1.11 W", "under 5 mW": a power figure
    _ValueOf("metric/power", re.compile(r"\d(?:[\d.,]*)\s*(?:[mkµu]?W|watts?|milliwatts?)\b"
                                        r"(?![-/])"), ("w",)),
    # "68.77k parameters", "40x fewer parameters", "with 7B parameters"
    _ValueOf("metric/model-size", re.compile(r"(?:trainable\s+)?parameters\b"),
             ("parameters",), re.compile(
                 r"(?:\d(?:[\d.,]*)\s*(?:[kKMB]|million|billion)?|\bfewer|\bless|\bmore)\s+$")),
    # "outperforms X by 4.6x", "improves performance by up to 3.2x"
    _ValueOf("metric/speedup", re.compile(
        r"by\s+(?:up\s+to\s+|about\s+|over\s+|nearly\s+|an?\s+average\s+of\s+)?"
        r"(?P<at>\d+(?:\.\d+)?\s*(?:x|×|times))(?![\w])", re.I), ("by",),
        re.compile(r"\b(?:outperform\w*|improv\w*|accelerat\w*|boost\w*)\b[^.;]{0,80}?\s$",
                   re.I)),
]


def _anchor_starts(text: str) -> list[int]:
    r"""Where each match of the two anchors starts, as ``finditer`` of
    ``\s+of\s+<number>`` then of ``\s*\(\s*\d`` would give them. A rejected "of" inside a
    word ("proof 5") cannot hide a real one: what it spans holds no "of"."""
    starts = [space_before(text, m.start()) for m in _OF_VALUE.finditer(text)
              if m.start() and text[m.start() - 1].isspace()]
    starts.extend(space_before(text, m.start()) for m in _PAREN_VALUE.finditer(text))
    return starts


def _metric_contexts(text: str) -> list[tuple[str, int]]:
    """(words, offset) of every phrase in a measurement context."""
    out = []
    for start in _anchor_starts(text):
        before = _WORDS_BEFORE.search(text, max(0, start - 60), start)
        if before:
            out.append((before.group(1), before.start(1)))
    for pattern, cue in _METRIC_CONTEXTS:
        if cue is None or cue in text:
            out.extend((m.group(1), m.start(1)) for m in pattern.finditer(text))
    return out


def add_metric_phrases(text: str, registry: Registry, vocab: Vocabulary,
                        patterns: Patterns) -> None:
    """Metric names from measurement contexts, so quantities no vocabulary lists are found."""
    lower = text.lower()
    for value_of in _VALUE_OF:
        concept = vocab.concepts.get(value_of.concept)
        if concept is None or not any(cue in lower for cue in value_of.cues):
            continue
        pattern = value_of.pattern
        for m in pattern.finditer(text):
            start = m.start()
            if value_of.before is not None:
                before = value_of.before.search(text, max(0, m.start() - 100), m.start())
                if before is None:
                    continue
                start = before.start()
            span = m.span("at") if "at" in pattern.groupindex else (start, m.end())
            candidate = Candidate("Metric", concept.label, concept=concept)
            candidate.add(span, "metric_phrase.v1")
            registry.add(candidate)
    for phrase_text, phrase_start in _metric_contexts(text):
        words = phrase_text.split()
        offsets = [phrase_start + w.start() for w in re.finditer(r"\S+", phrase_text)]
        # A metric name is a modifier and its head: keep the last two words, then drop
        # qualifiers and evaluative adjectives ("superior allocation efficiency").
        words, offsets = words[-2:], offsets[-2:]
        while words and (words[0] in _PHRASE_STOP or words[0] in _ADJECTIVES):
            words, offsets = words[1:], offsets[1:]
        if not words or words[-1] not in patterns.metric_heads:
            continue
        if any(w in _PHRASE_STOP for w in words):
            continue
        phrase = " ".join(words)
        start, end = offsets[0], offsets[0] + len(phrase)
        if any(cs <= start and end <= ce and (cs, ce) != (start, end)
               for c in registry.values() if c.concept is None or c.type == "Metric"
               for cs, ce in c.spans):
            continue  # part of a longer name ("mean absolute percentage error (MAPE)")
        short = " ".join(w for w in words if w not in _QUALIFIERS)
        concept = vocab.lookup(phrase, "Metric") or vocab.lookup(short, "Metric")
        if concept is not None:
            candidate = Candidate("Metric", concept.label, concept=concept)
        elif len(words) == 1 and concept is None:
            continue  # a bare head ("time", "rate") is not a metric name
        else:
            candidate = Candidate("Metric", short or phrase)
        candidate.add((start, end), "metric_phrase.v1", alias=phrase)
        candidate = registry.add(candidate)
        if candidate.concept is None:
            # "weeding accuracy": the bare "accuracy" inside it is the same mention.
            for other in registry.values():
                if other is not candidate and other.type == "Metric" and other.rules == [
                        "vocab.v1"]:
                    other.spans = [sp for sp in other.spans if not (start <= sp[0] and
                                                                    sp[1] <= end)]
                    if not other.spans:
                        registry.remove(other)
