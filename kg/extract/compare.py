"""Comparative claims: "X outperforms Y", "4.6x speedup over Y", "96% vs. 61% on GSM8K".

For each sentence with a comparison cue, the winner is the paper's proposed system (named in
the sentence, or the paper itself when the sentence speaks as "we"/"our"/"it"), the loser is
the first named system after the cue (or each of a list), the numbers are those of the
claim's own clause ("2.02x over A and 2.88x over B"; "..., respectively" pairs them in order)
and the metric is one named in that clause, else the nearest Metric mention.
A comparison between two systems that are not the paper's own is not recorded.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from kg.extract.candidates import MODIFIER_AFTER, MODIFIER_SUFFIX, NAME_RE, Candidate, is_name
from kg.extract.patterns import Patterns
from kg.extract.quantities import (
    Quantity,
    find_quantities,
    has_factor,
    last_parenthesized_value,
    parenthesized_value,
)
from kg.extract.text import Sentence

__all__ = ["Comparison", "find_comparisons"]

_CLAUSE_END = re.compile(r"[;:]|,\s+(?:while|but|which|whereas|with|[a-z]+ing)\b|\.\s")
_SPECIFIC_BASELINE = re.compile(
    r".*?\b((?:standard|vanilla|original|naive|default|dense|full|unoptimized|native)\s+"
    r"[\w.+-]+(?:\s+[\w.+-]+)?\s+(?:implementations?|kernels?|versions?|attention))\b")
_BASELINE_NOUNS = {"work", "works", "system", "systems", "solution", "method", "framework",
                   "approach", "baseline", "engine", "library", "implementation", "model",
                   "algorithm", "technique", "design", "tool", "accelerator", "scheme",
                   "compiler", "scheduler", "serving", "inference", "training", "open-source",
                   "popular", "widely-used", "commercial", "industrial", "leading"}
_APPOSITION = re.compile(r"[\w.+-]+(?:\s+[\w.+-]+){0,3}?\s+(?:system|solution|method|framework|"
                         r"approach|baseline|engine|library|implementation|model|algorithm|"
                         r"technique|design|tool|work|accelerator|scheme|compiler|"
                         r"scheduler)s?,?\s+([A-Za-z][\w.+-]*[A-Za-z0-9+])")
# Lower-case model names with a version digit ("s1", "o1", "o3-mini"), taken only as the
# continuation of a list of names ("outperforms LIMO and s1"), where they cannot be prose.
_LOWER_MODEL = re.compile(r"[a-z]{1,3}\d+(?:[.-][a-z0-9]+)*")
_SETTING = re.compile(r"\b(?:in|on|under|across|during|within|at|with)\b")
# "compared to its equivalents in xformers": the system named after "in" is the baseline.
_COUNTERPART = re.compile(r"\s*(?:(?:the|its|their)\s+)?(?:\w+\s+)?(?:equivalents?|"
                          r"counterparts?|implementations?|versions?)\s+(?:in|on)\s+")
_NEXT_WORD = re.compile(r"\s+([a-z-]+)")
# What introduces a vague baseline's examples: "such as FlexGen", "(DeepSpeed-MoE and Tutel)".
# A parenthesis lists examples when it says "e.g." or holds a list; "(SOTA)" only defines.
_EXAMPLES = re.compile(r"\b(?:such as|like|including|e\.g\.,?)\s+|"
                       r"\((?:e\.g\.,?\s*|(?=[A-Z][^()]*?(?:,|\band\b|\bor\b)[^()]*\)))")
_NUMBER_AFTER = re.compile(r"\s*(?:\d(?![\w.]*-[a-zA-Z])|(?:an?\s+order|half|twice|double|one|two|"
                           r"three|four|five|ten)\b(?!-))")


@dataclass(frozen=True, slots=True)
class Comparison:
    """One "winner beats loser" claim in one sentence."""

    winner: Candidate | None  # None: the paper itself
    loser: Candidate
    metric: Candidate | None
    sentence: Sentence
    values: tuple[tuple[str, str], ...]


_PARITY = re.compile(
    r"\b(?:comparable\s+to|on\s+par\s+with|matches|matching)(?=[^.;]*?\b(?:while|whilst|"
    r"but|and)\s+(?:\w+\s+){0,2}?(?:reduc\w*|lower\w*|cut\w*|sav\w*|halv\w*|"
    r"us(?:es|ing)\s+(?:\S+\s+){0,2}?(?:less|fewer)|requir\w*\s+(?:\S+\s+){0,2}?"
    r"(?:less|fewer))\b)")


def _cues(lower: str, patterns: Patterns) -> list[tuple[int, int, str]]:
    out = [(m.start(), m.end(), "verb") for m in patterns.outperform_re.finditer(lower)]
    has_comparative = patterns.comparative_re.search(lower) is not None
    if has_comparative or has_factor(lower):
        for m in patterns.comparison_re.finditer(lower):
            if m.group(0) in ("over", "than") and _NUMBER_AFTER.match(lower, m.end()):
                continue  # "over 11x", "more than 10,000": a quantity, not a baseline
            out.append((m.start(), m.end(), "prep"))
    if "comparable" in lower or "on par" in lower or "match" in lower:
        # "comparable to X while substantially reducing resource requirements": parity on
        # one quantity and a gain on another is a claim over X
        out.extend((m.start(), m.end(), "parity") for m in _PARITY.finditer(lower))
    out.sort()
    # Drop cues inside a longer cue ("compared to" vs "to").
    kept: list[tuple[int, int, str]] = []
    for cue in out:
        if kept and cue[0] < kept[-1][1]:
            continue
        kept.append(cue)
    return kept


class Mentions(list):
    """The candidates of one paper, with every mention indexed by position.

    A list of the candidates (it is passed wherever one is), plus a sorted index of their
    spans, so that "the mentions between two offsets" and "is this range inside a mention"
    cost a binary search, not a pass over every mention: a long abstract that repeats a
    name thousands of times would otherwise make comparisons cost the cube of its length.
    """

    def __init__(self, candidates: Iterable[Candidate]):
        super().__init__(candidates)
        # (start, candidate's place, end): the order a scan candidate by candidate, then a
        # stable sort by start, would give
        self._spans = sorted((s, i, e) for i, c in enumerate(self) for s, e in c.spans)
        self._starts = [s for s, _, _ in self._spans]
        self._reach = list(itertools.accumulate((e for _, _, e in self._spans), max))
        self._own: Mentions | None = None

    def own(self) -> Mentions:
        """The mentions of the paper's own (proposed) names, indexed once."""
        if self._own is None:
            self._own = Mentions(c for c in self if c.proposed)
        return self._own

    def within(self, start: int, end: int) -> list[tuple[int, Candidate]]:
        """(start, candidate) of every mention inside ``[start, end)``, by position."""
        hits = []
        for at in range(bisect.bisect_left(self._starts, start), len(self._spans)):
            s, i, e = self._spans[at]
            if s >= end:
                break
            if e <= end:
                hits.append((s, self[i]))
        return hits

    def cover(self, start: int, end: int) -> bool:
        """Whether some mention spans all of ``[start, end)``."""
        at = bisect.bisect_right(self._starts, start) - 1
        return at >= 0 and self._reach[at] >= end


def _as_mentions(candidates: list[Candidate]) -> Mentions:
    return candidates if isinstance(candidates, Mentions) else Mentions(candidates)


def _mentions_in(candidates: list[Candidate], start: int, end: int) -> list[tuple[int, Candidate]]:
    return _as_mentions(candidates).within(start, end)


def _losers(sentence: Sentence, cue_end: int, candidates: list[Candidate],
            patterns: Patterns) -> list[tuple[int, Candidate]]:
    """Named systems in the clause after a cue, up to the clause's end: the known ones
    (vocabulary, acronyms) or product-like names, whichever comes first."""
    examples = _EXAMPLES.search(sentence.text, cue_end, cue_end + 100)
    in_examples = bool(examples) and _is_vague_phrase(sentence.text[cue_end:examples.start()],
                                                      patterns)
    if in_examples:
        # "compared to existing SSD-based solutions such as FlexGen": the examples are named.
        cue_end = examples.end()
    region_start = sentence.start + cue_end
    rest = sentence.text[cue_end:]
    stop = _CLAUSE_END.search(rest)
    region_end = region_start + (stop.start() if stop else len(rest))
    # A known name inside the paper's own name ("MoE" in "SE-MoE") is not a mention of it.
    own = _as_mentions(candidates).own()
    # Nor is one that only qualifies a kind ("than Transformer-based TTI models"), unless the
    # kind is a baseline built on it ("the BM25-based and DPR-based baseline readers").
    found = [(s, c) for s, c in _mentions_in(candidates, region_start, region_end)
             if c.type in ("Technique", "Model") and not c.proposed
             and not own.cover(s, s + 1)
             and not _qualifies_a_kind(sentence.text, c.last_end(s) - sentence.start)]
    unknown = _unknown_names(sentence, cue_end, region_end - sentence.start, candidates,
                             patterns)
    if unknown and (not found or unknown[0][0] < found[0][0] or (
            unknown[0][0] == found[0][0] and
            unknown[0][1].spans[0][1] > found[0][1].last_end(found[0][0]))):
        # First, or longer at the same place: "DeepSpeed-MoE" is not DeepSpeed.
        return unknown
    if not found or found[0][0] - region_start >= 80:
        on_hardware = _prior_work_on(sentence, cue_end, region_end, candidates)
        return on_hardware or _described_baseline(sentence, cue_end,
                                                  region_end - sentence.start, patterns)
    gap = sentence.text[cue_end:found[0][0] - sentence.start]
    if _SETTING.search(gap) and not _COUNTERPART.fullmatch(gap):
        # "62% less than the baseline model in a semi-supervised learning setup": a name after
        # a preposition is the setting of the comparison, not what was beaten.
        return []
    if _MEANS.search(gap):
        # "outperforms current protocols by reducing the mean PI latency ... for ResNet18":
        # after "by reducing" comes how it wins, not what it beats.
        return []
    specific = _SPECIFIC_BASELINE.match(sentence.text, max(0, found[0][0] - sentence.start - 30))
    if specific and specific.start(1) <= found[0][0] - sentence.start < specific.end(1):
        # "the standard attention implementation": a specific baseline, named by its words.
        s = sentence.start + specific.start(1)
        label = specific.group(1)
        return [(s, Candidate("Technique", label, spans=[(s, s + len(label))],
                              rules=["outperforms.v1"]))]
    first, loser = found[0]
    surface = sentence.text[first - sentence.start:loser.last_end(first) - sentence.start]
    if not in_examples and (_vague(sentence.text, first - sentence.start, loser, patterns,
                                   cue_end) or (
            _is_vague_phrase(gap, patterns) and not is_name(surface))):
        # A known word inside a vague baseline ("existing serverful and serverless FL
        # systems") is not the loser; a name in apposition to it is ("than the
        # state-of-the-art ANNS solution DiskANN").
        tail = sentence.text[found[0][0] - sentence.start:]
        m = _APPOSITION.match(tail)
        if m and is_name(m.group(1)):
            s = found[0][0] + m.start(1)
            known = [(s, c) for s_, c in found if s_ == s]
            return known[:1] or [(s, Candidate("Technique", m.group(1),
                                               spans=[(s, s + len(m.group(1)))],
                                               rules=["outperforms.v1"]))]
        return []  # "over vanilla MAS based on Llama 3 8B": the loser is the vague one
    # The first mention only, unless the clause lists several ("A, B, and C").
    listed = [found[0]]
    for s, c in found[1:]:
        between = sentence.text[listed[-1][0] - sentence.start: s - sentence.start]
        if re.search(r"^[^,]*(,|\band\b|\bor\b)", between) and len(between) < 60 and \
                c is not listed[-1][1] and not _another_cue(between, patterns):
            listed.append((s, c))
    return listed


# The words after a cue up to a clause break: where a described baseline is looked for.
_PHRASE_WORDS = re.compile(r"[\w+-]+(?:\.[\w+-]+)*|[,;:()]")
_NOT_MODIFIERS = {"and", "or", "of", "for", "in", "on", "with", "to", "by", "from", "at",
                  "than", "only", "same", "single", "such", "that", "which", "this", "our"}
_DETERMINERS = {"the", "a", "an", "its", "their"}


def _described_baseline(sentence: Sentence, cue_end: int, limit: int,
                        patterns: Patterns) -> list[tuple[int, Candidate]]:
    """A baseline the sentence describes instead of naming ("than an optimally targeted
    attack", "compared to a best-of-N baseline"): up to five modifiers and a singular
    baseline head noun, the vague words ("popular", "widely used") left out; nothing when
    only vague words or a plural kind ("existing methods", "LC systems") remain."""
    words = [(m.group(0), m.start()) for m in
             _PHRASE_WORDS.finditer(sentence.text, cue_end, min(limit, cue_end + 80))]
    if words and words[0][0].lower() in _DETERMINERS:
        words = words[1:]
    # The noun phrase runs to the first word that cannot modify (a preposition, a clause
    # mark); its last word is the head ("LLM inference engines on ...": "engines").
    size = 0
    while size < min(len(words), 6) and words[size][0][0].isalnum() and \
            words[size][0].lower() not in _NOT_MODIFIERS:
        size += 1
    if size < 2:
        return []
    i = size - 1
    lower = words[i][0].lower()
    if lower not in patterns.described_baseline_heads:
        return []  # a plural ("low-precision kernels", "than LC systems") is a kind
    modifiers = words[:i]
    while modifiers:
        pair = " ".join(w for w, _ in modifiers[:2]).lower()
        if pair in patterns.vague_baselines:
            modifiers = modifiers[2:]
        elif modifiers[0][0].lower() in patterns.vague_baselines:
            modifiers = modifiers[1:]
        else:
            break
    if not modifiers or any(w.lower() in patterns.vague_baselines or
                            (any(c.isdigit() for c in w) and not is_name(w))
                            for w, _ in modifiers):
        return []
    start = sentence.start + modifiers[0][1]
    head, head_at = words[i]
    label = sentence.text[modifiers[0][1]:head_at + len(head)]
    return [(start, Candidate("Technique", label, spans=[(start, start + len(label))],
                              rules=["outperforms.v1"]))]


# "compared to the previous work on many-core CPUs and V100": the baseline is the prior
# implementation on that hardware, named by the hardware.
_WORK_ON = re.compile(r"\s*(?:the\s+)?(?:previous|prior|existing|best|reference|published)\s+"
                      r"(?:work|works|implementations?|results?|solutions?)\s+on\s+", re.I)


def _prior_work_on(sentence: Sentence, cue_end: int, region_end: int,
                   candidates: list[Candidate]) -> list[tuple[int, Candidate]]:
    """The hardware a prior implementation ran on, as the losers of the claim (each of a
    list)."""
    m = _WORK_ON.match(sentence.text, cue_end)
    if m is None:
        return []
    start = sentence.start + m.end()
    found = [(s, c) for s, c in _mentions_in(candidates, start, region_end)
             if c.type == "Hardware"]
    listed = found[:1]
    for s, c in found[1:]:
        between = sentence.text[listed[-1][0] - sentence.start: s - sentence.start]
        if len(between) < 40 and re.search(r",|\band\b|\bor\b", between):
            listed.append((s, c))
    return listed if listed and listed[0][0] - start < 10 else []


def _another_cue(text: str, patterns: Patterns) -> bool:
    """Whether ``text`` (between two names) starts a comparison of its own: in "1.5x faster
    than A, 2.6x faster than B" the names are not one list."""
    lower = text.lower()
    return bool(patterns.comparison_re.search(lower) or patterns.outperform_re.search(lower))


# "by reducing", "by achieving": a means clause; the beaten system came before it.
_MEANS = re.compile(r"\bby\s+[a-z]+ing\b")
# A name followed by "= 1.0", "< 5": the name is a quantity and this is its value.
_VALUE_AFTER = re.compile(r"\s*(?:=|≈|<|>|≤|≥)\s*[\d.]")


def _unknown_names(sentence: Sentence, cue_end: int, limit: int, candidates: list[Candidate],
                   patterns: Patterns) -> list[tuple[int, Candidate]]:
    """Product-like names right after a cue ("than LIMO", "compared to Greedy (0.185),
    First-Price (0.138), and Random (0.101) auctions")."""
    out: list[tuple[int, Candidate]] = []
    pos = cue_end
    while pos < limit:
        n = NAME_RE.search(sentence.text, pos, limit)
        if n is None:
            break
        word = n.group(0)
        gap = sentence.text[pos: n.start()]
        if out and not re.fullmatch(r"\s*(?:\([^)]*\))?\s*(?:,\s*)?(?:and\s+|or\s+)?", gap):
            break
        lowered = word.lower()
        if (not out and (lowered in {"the", "a", "an", "its", "their"}
                         or lowered in patterns.vague_baselines
                         or lowered in patterns.not_entities
                         or lowered in _BASELINE_NOUNS) and n.start() - cue_end < 50) or (
                out and lowered in {"and", "or"}):
            # "than the state-of-the-art work FlightLLM": skip to the name.
            pos = n.end()
            continue
        if _VALUE_AFTER.match(sentence.text, n.end()):
            break  # "surpass the IPW=1.0 reference mark": a quantity's value, not a system
        head = _NEXT_WORD.match(sentence.text, n.end())
        if MODIFIER_SUFFIX.search(word) or (head and head.group(1).endswith("s")
                                            and head.group(1) in patterns.baseline_heads):
            break  # "alternative LLM-based solutions", "than LC systems": a kind of system
        named = is_name(word) or (re.fullmatch(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)*", word) and (
            out or n.start() - cue_end < 3)) or (out and _LOWER_MODEL.fullmatch(word))
        if not named or word.lower() in patterns.vague_baselines:
            break
        s = sentence.start + n.start()
        if _as_mentions(candidates).cover(s, s + len(word)):
            break  # a known name: the caller's list of mentions has it
        if out and lowered in patterns.not_entities:
            break  # "NPU-only LLM engines": a known word after the name ends the list
        if out and not sentence.text[out[-1][0] - sentence.start + len(
                out[-1][1].label):n.start()].strip():
            out.pop()  # "two-node-four-GPU Dist-DGL": the first name qualifies the second
        out.append((s, Candidate("Technique", word, spans=[(s, s + len(word))],
                                 rules=["outperforms.v1"])))
        pos = n.end()
    return out


def _qualifies_a_kind(text: str, end: int) -> bool:
    """Whether the name ending at ``end`` only qualifies what follows ("Transformer-based
    models"), and that is not a baseline built on it."""
    return bool(MODIFIER_AFTER.match(text, end)) and "baseline" not in text[end:end + 60]


def _is_vague_phrase(text: str, patterns: Patterns) -> bool:
    """Whether ``text`` (what stands between a cue and a name) calls the baseline vaguely:
    "existing serverful and", "other asynchronous", "current protocols by reducing the"."""
    lower = text.lower()
    return any(w in patterns.vague_baselines for w in re.findall(r"[a-z-]+", lower)) or any(
        " " in v and v in lower for v in patterns.vague_baselines)


def _vague(text: str, pos: int, candidate: Candidate, patterns: Patterns,
           cue_end: int = 0) -> bool:
    """ "standard FL methods", "prior FL baselines", "existing MoE systems": not a named loser.

    ``pos`` is the mention's offset in the sentence ``text``; the words looked at start after
    the cue (``cue_end``), so the cue itself ("comparable to") is not read as a vague word.
    """
    before = re.findall(r"[a-z-]+", text[max(0, pos - 40, cue_end): pos].lower())[-2:]
    if any(w in patterns.vague_baselines for w in before):
        return True
    mention = re.match(r"[\w.+-]+(?:\s+[\w.+-]+)*?(?=[\s,.;:)]|$)", text[pos:])
    rest = text[pos + (len(mention.group(0)) if mention else 0):]
    after = re.findall(r"[a-z-]+", rest.lower())[:1]
    return bool(after) and after[0] in patterns.baseline_heads and is_name(
        candidate.label) is False


@dataclass(slots=True)
class _Claim:
    """One cue of a sentence with the losers it names (sentence offsets)."""

    cue_start: int
    cue_end: int
    winner: Candidate | None
    losers: list[tuple[int, int, Candidate]]  # (start, end, loser)
    kind: str = "verb"  # "verb", "prep" or "parity" (as _cues names them)


def find_comparisons(sentences: list[Sentence], candidates: list[Candidate],
                     patterns: Patterns) -> list[Comparison]:
    """Every comparison the paper claims for its own system, in text order."""
    candidates = Mentions(candidates)
    proposed = [c for c in candidates if c.proposed and c.type in ("Technique", "Model")]
    main = _main_system(proposed, sentences[0])
    metrics = Mentions(c for c in candidates if c.type == "Metric")
    out: list[Comparison] = []
    compared: list[Candidate] = []  # the systems the paper says it compares with
    for sentence in sentences[1:]:
        claims = _sentence_claims(sentence, candidates, main, patterns, compared)
        compared = compared or _compared_with(sentence, candidates, patterns)
        claims_found = len(out)
        for i, claim in enumerate(claims):
            windows = _windows(sentence.text, claims, i)
            respectively = _respectively(sentence.text, claim, windows)
            for k, (_start, _end, loser) in enumerate(claim.losers):
                values = respectively[k] if respectively else _claim_values(
                    sentence.text, claim, k, windows)
                metric = _claim_metric(sentence, claim, windows, metrics, values)
                out.append(Comparison(claim.winner, loser, metric, sentence, values))
        if len(out) == claims_found:
            out.extend(_contrast(sentence, candidates, main, metrics))
    return out


# "X achieves 156 TFLOPS while Y only achieves 45 TFLOPS": a contrast of two stated values.
_CONTRAST = re.compile(r",?\s+(?:while|whereas)\s+(?:the\s+)?")
_ONLY_VALUE = re.compile(r"[^,;.]{0,40}?\bonly\s+(?:\w+\s+){0,2}?(?=\d)")


def _contrast(sentence: Sentence, candidates: list[Candidate], main: Candidate | None,
              metrics: list[Candidate]) -> list[Comparison]:
    """Comparisons stated as a contrast of values: the paper's system (named before "while",
    or the paper when it speaks as "we") states a number, and another system "only" another
    one of the same kind after it."""
    out: list[Comparison] = []
    text = sentence.text
    for m in _CONTRAST.finditer(text):
        after = _mentions_in(candidates, sentence.start + m.end(), sentence.end)
        if not after or after[0][0] != sentence.start + m.end() or after[0][1].proposed or \
                after[0][1].type not in ("Technique", "Model"):
            continue
        loser = after[0][1]
        name_end = loser.first_end(after[0][0]) - sentence.start
        only = _ONLY_VALUE.match(text, name_end)
        if only is None:
            continue
        clause = text.rfind(";", 0, m.start()) + 1
        before = _mentions_in(candidates, sentence.start + clause, sentence.start + m.start())
        own = [c for _, c in before if c.proposed and c.type in ("Technique", "Model")]
        if not own and not re.search(r"\b(?:we|our)\b", text[clause:m.start()], re.I):
            continue
        value = re.match(r"(\d[\d.,]*)\s*([A-Za-z%/]+)", text[only.end():])
        if value is None:
            continue
        mine = re.findall(r"(\d[\d.,]*)\s*([A-Za-z%/]+)", text[clause:m.start()])
        same = [number for number, unit in mine if unit == value.group(2)]
        if not same:
            continue  # not two values of one quantity
        values = (("baseline_value", f"{value.group(1)} {value.group(2)}"),
                  ("value", f"{same[-1]} {value.group(2)}"))
        near = _mentions_in(metrics, sentence.start + clause, sentence.end)
        metric = near[0][1] if near else None
        out.append(Comparison(own[-1] if own else main, loser, metric, sentence, values))
    return out


def _main_system(proposed: list[Candidate], title: Sentence) -> Candidate | None:
    """The system a "we"-sentence's claim is about: the name the title opens with, else the
    paper's only proposed system; None (the paper itself) when that is ambiguous."""
    titled = [c for c in proposed if c.proposed_span and c.proposed_span[0] < title.end]
    if titled:
        return titled[0]
    return proposed[0] if len(proposed) == 1 else None


# A comparison read backwards: "X is outperformed by Y", "X is 2x slower than Y".
_PASSIVE_BY = re.compile(r"(?:ed|en|one)\s+by\s*$")
_WORSE = re.compile(r"\b(?:slower|worse|less\s+(?:accurate|efficient|scalable)|inferior|"
                    r"costlier|more\s+expensive)\s+$")


def _flipped(sentence: Sentence, cue_start: int, cue_end: int, candidates: list[Candidate],
             kind: str) -> _Claim | None:
    """A claim whose loser comes first: the other systems named before the cue lose to the
    paper's system named right after it ("FlexGen is outperformed by Zephyrus", "vLLM is
    2.4x slower than Zephyrus")."""
    lower = sentence.text.lower()
    if kind == "verb":
        if not _PASSIVE_BY.search(lower, 0, min(len(lower), cue_end + 4)):
            return None
        after_at = cue_end + 4
    elif not _WORSE.search(lower, max(0, cue_start - 30), cue_start):
        return None
    else:
        after_at = cue_end
    after = _mentions_in(candidates, sentence.start + after_at, sentence.end)
    if not after or after[0][0] - sentence.start - after_at > 6 or not after[0][1].proposed:
        return None
    clause = max(lower.rfind(";", 0, cue_start), lower.rfind(",", 0, cue_start)) + 1
    before = [(s_, c) for s_, c in _mentions_in(candidates, sentence.start + clause,
                                                 sentence.start + cue_start)
              if c.type in ("Technique", "Model") and not c.proposed]
    losers = [(s_ - sentence.start, c.first_end(s_) - sentence.start, c)
              for s_, c in before]
    return _Claim(cue_start, cue_end, after[0][1], losers, kind) if losers else None


# "We ... compare quantitatively to AdaScale and YOLOv3", "compared against A, B and C".
_COMPARE_WITH = re.compile(r"\bcompar(?:e|es|ed|ing)\b(?:\s+[a-z]+){0,3}?\s+(?:to|with|against)\s+",
                           re.I)
# "outshines all baselines": the baselines the paper named when it said what it compares with.
_ALL_BASELINES = re.compile(r"\s*(?:all|each|every)\s+(?:of\s+)?(?:the\s+)?(?:other\s+)?"
                            r"(?:baselines?|competitors|compared\s+(?:methods|systems|"
                            r"approaches))\b", re.I)


def _compared_with(sentence: Sentence, candidates: list[Candidate],
                   patterns: Patterns) -> list[Candidate]:
    """The systems a sentence in the paper's voice says it compares with, as a list: known
    ones and product-like names ("compare quantitatively to AdaScale and YOLOv3")."""
    m = _COMPARE_WITH.search(sentence.text)
    if m is None or not re.search(r"\b(?:we|our)\b", sentence.text[:m.start()], re.I):
        return []
    found = [(s_, c) for s_, c in _mentions_in(candidates, sentence.start + m.end(),
                                                sentence.end)
             if c.type in ("Technique", "Model") and not c.proposed]
    found += _unknown_names(sentence, m.end(), len(sentence.text), candidates, patterns)
    found.sort(key=lambda h: h[0])
    if not found or found[0][0] - sentence.start - m.end() > 5:
        return []
    listed = [found[0]]
    for s_, c in found[1:]:
        between = sentence.text[listed[-1][0] - sentence.start: s_ - sentence.start]
        if len(between) < 40 and re.search(r",|\band\b", between):
            listed.append((s_, c))
    return [c for _, c in listed]


def _sentence_claims(sentence: Sentence, candidates: list[Candidate],
                     main: Candidate | None, patterns: Patterns,
                     compared: list[Candidate] = ()) -> list[_Claim]:
    """The cues of one sentence, each with its winner and losers; cues whose comparison is
    not the paper's own are left out, cues with no named loser kept (they bound windows)."""
    lower = sentence.text.lower()
    claims: list[_Claim] = []
    for cue_start, cue_end, kind in _cues(lower, patterns):
        before = _mentions_in(candidates, sentence.start, sentence.start + cue_start)
        own = [c for _, c in before if c.proposed and c.type in ("Technique", "Model")]
        others = [c for _, c in before if not c.proposed and c.type in ("Technique", "Model")]
        speaks_as_self = re.search(
            r"\b(?:we|our|it|the proposed|proposed)\b|^this (?:approach|method|"
            r"system|framework|design|technique|work|model)\b", lower[:cue_start])
        flipped = _flipped(sentence, cue_start, cue_end, candidates, kind) if (
            others and not own) else None
        if flipped is not None:
            claims.append(flipped)  # "vLLM is outperformed by Zephyrus"
            continue
        if own:
            winner: Candidate | None = own[-1]
        elif speaks_as_self or not others:
            # "Compared to X, GEM enhances ...": the paper's system named after the cue
            after = [c for _, c in _mentions_in(candidates, sentence.start + cue_end,
                                                sentence.end)
                     if c.proposed and c.type in ("Technique", "Model")]
            winner = after[0] if after and not speaks_as_self else main
        else:
            continue  # a comparison between other systems
        if not own and others and not speaks_as_self:
            continue
        losers = []
        named = _losers(sentence, cue_end, candidates, patterns)
        if compared and _ALL_BASELINES.match(sentence.text, cue_end):
            # "outshines all baselines": those it said it compares with, at the cue, beside
            # any the sentence names as examples
            known = {c.id for _, c in named}
            named += [(sentence.start + cue_start, c) for c in compared if c.id not in known]
        for pos, loser in named:
            if loser is winner:
                continue
            end = loser.first_end(pos)
            end = pos + cue_end - cue_start if end is None else end
            losers.append((pos - sentence.start, end - sentence.start, loser))
        claims.append(_Claim(cue_start, cue_end, winner, losers, kind))
    return claims


# After a loser: "by 2.4x", "with 33% higher throughput", "(1.4x)": its numbers follow it.
_NUMBERS_FOLLOW = re.compile(r"[\s)\],]*(?:by|with|\()\b|\s*\(", re.I)


def _windows(text: str, claims: list[_Claim], i: int) -> tuple[int, int, int, int]:
    """(before_start, before_end, after_start, after_end) of claim ``i``: the text since the
    previous cue's losers up to this cue, and from this cue's last loser up to the next cue."""
    claim = claims[i]
    before_start = 0
    if i:
        # after the previous cue's losers, unless they stand past this cue ("outshines all
        # baselines, e.g., ... 52% lower latency over YOLOv3": the example is named last)
        prev = claims[i - 1]
        before_start = max([prev.cue_end, *(e for _, e, _ in prev.losers
                                            if e <= claim.cue_start)])
    after_start = max([claim.cue_end, *(e for _, e, _ in claim.losers)])
    after_end = claims[i + 1].cue_start if i + 1 < len(claims) else len(text)
    if i + 1 < len(claims) and claims[i + 1].losers:
        # "2x faster than A and 3x faster than B": the numbers before B's cue are B's.
        nums = find_quantities(text, after_start, after_end)
        if nums and not _NUMBERS_FOLLOW.match(text, after_start):
            after_end = nums[0].start
    return before_start, claim.cue_start, after_start, max(after_start, after_end)


def _respectively(text: str, claim: _Claim, windows: tuple[int, int, int, int]
                  ) -> list[tuple[tuple[str, str], ...]] | None:
    """Numbers listed in the order of the losers: "compared to A, B and C, X achieves 3x,
    2.4x and 1.6x ..., respectively", "outperforms A and B by 13% and 22%". The i-th number
    of a kind goes to the i-th item of the list (an item may be a baseline the rules did not
    name, so the count is of the list's items, not of its named losers)."""
    if len(claim.losers) < 2:
        return None
    after = find_quantities(text, windows[2], windows[3])
    before = find_quantities(text, windows[0], windows[1])
    if "respectively" in text[windows[2]:]:
        found = before + find_quantities(text, windows[2], len(text))
    elif _NUMBERS_FOLLOW.match(text, windows[2]) and after and _JOINED.fullmatch(
            text, after[0].end, after[-1].start) is None:
        found = after
    elif not after and len(before) >= 2 and re.fullmatch(
            r"\s*(?:,\s*)?(?:and\s+)?", text[before[-2].end:before[-1].start]):
        found = before  # "up to 161x and 5x speedup compared to A and B"
    else:
        return None
    first = claim.losers[0][0]
    items = [len(_LIST_SEPARATOR.findall(text, first, start)) for start, _, _ in claim.losers]
    for kind in ("factor", "percent", "pair"):
        of_kind = [q for q in found if q.kind == kind]
        if len(of_kind) >= 2 and len(of_kind) > items[-1] and (
                len(of_kind) == len(claim.losers) or "respectively" in text[windows[2]:]):
            return [_as_values([of_kind[i]]) for i in items]
    return None


# Between the items of a list: ", ", ", and ", " and ", " or ".
_LIST_SEPARATOR = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
# Text between numbers that holds no other clause (so they are one list of numbers): used
# negated, a match means the numbers are not one list.
_JOINED = re.compile(r"(?s).*(?:;|\.\s|\bwhile\b|\bwhereas\b).*")


def _claim_values(text: str, claim: _Claim, k: int, windows: tuple[int, int, int, int]
                  ) -> tuple[tuple[str, str], ...]:
    """The numbers of the ``k``-th loser of ``claim``: after the losers when they follow
    them ("outperforms A by 2.4x"), else before the cue ("2.4x faster than A"), else the rest
    of the clause ("compared to A, X is 2x faster")."""
    before_start, before_end, after_start, after_end = windows
    _, end, _ = claim.losers[k]
    next_start = claim.losers[k + 1][0] if k + 1 < len(claim.losers) else after_start
    own_value = parenthesized_value(text, end, next_start + 1 if k + 1 < len(
        claim.losers) else after_end)
    if own_value is not None:
        # "efficiency (0.263) compared to Greedy (0.185), First-Price (0.138)": value pairs.
        value = last_parenthesized_value(text, before_start, before_end)
        if value is not None:
            return (("baseline_value", own_value), ("value", value))
    after = find_quantities(text, after_start, after_end)
    if after and _NUMBERS_FOLLOW.match(text, after_start):
        return _as_values(after)
    before = find_quantities(text, before_start, before_end)
    if before:
        return _as_values(before)
    return _as_values(after)


def _as_values(found: list[Quantity]) -> tuple[tuple[str, str], ...]:
    """The first factor, percentage and pair of ``found`` as a claim's values."""
    values: dict[str, str] = {}
    for q in found:
        if q.kind == "pair" and "value" not in values:
            values["value"], values["baseline_value"] = q.text.split("|")
        elif q.kind == "factor":
            values.setdefault("factor", q.text)
        elif q.kind == "percent" and "value" not in values:
            values.setdefault("percent", q.text)
    return tuple(sorted(values.items()))


def _claim_metric(sentence: Sentence, claim: _Claim, windows: tuple[int, int, int, int],
                  metrics: list[Candidate], values: tuple[tuple[str, str], ...]
                  ) -> Candidate | None:
    """The metric of a claim: a metric named in its own windows (a named one before the
    speedup a factor implies), else the metric nearest the cue in the sentence."""
    base = sentence.start
    spans = [(base + windows[0], base + windows[1]), (base + claim.cue_end, base + windows[3])]
    if claim.kind == "parity":
        # "accuracy comparable to X while reducing resource requirements": the gain is what
        # follows the baseline
        spans = spans[1:]
    near = [(s, c) for lo, hi in spans for s, c in _mentions_in(metrics, lo, hi)]
    named = [(s, c) for s, c in near if c.rules != ["metric_phrase.v1"]
             or not (c.concept is not None and c.concept.id == "metric/speedup")]
    pool = named or near
    if not pool:
        pool = _mentions_in(metrics, sentence.start, sentence.end)
    cue = base + claim.cue_start
    metric = min(pool, key=lambda m: abs(m[0] - cue), default=(0, None))[1]
    if metric is None and any(key == "factor" for key, _ in values):
        metric = next((c for c in metrics if c.concept is not None
                       and c.concept.id == "metric/speedup"), None)
    return metric
