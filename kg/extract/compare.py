"""Comparative claims: "X outperforms Y", "4.6x speedup over Y", "96% vs. 61% on GSM8K".

For each sentence with a comparison cue, the winner is the paper's proposed system (named in
the sentence, or the paper itself when the sentence speaks as "we"/"our"/"it"), the loser is
the first named system after the cue, the metric is the nearest Metric mention, and the
numbers are the factors ("4.86x", "10.7 times"), percentages and "A vs. B" pairs stated.
A comparison between two systems that are not the paper's own is not recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.patterns import Patterns
from kg.extract.rules import MODIFIER_AFTER, MODIFIER_SUFFIX, NAME_RE, Candidate, is_name
from kg.extract.text import Sentence

__all__ = ["Comparison", "find_comparisons", "parse_values"]

_FACTOR_RE = re.compile(r"(\d+(?:\.\d+)?(?:\s*[-–~]\s*\d+(?:\.\d+)?)?)\s*(?:x|×|times)(?![\w])",
                        re.I)
_PERCENT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_VS_RE = re.compile(r"(\d+(?:\.\d+)?\s*%?)\s*(?:vs\.?|versus)\s*(\d+(?:\.\d+)?\s*%?)", re.I)
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
_NUMBER_AFTER = re.compile(r"\s*(?:\d|an?\s+order|half|twice|double|one|two|three|four|five|ten)")


@dataclass(frozen=True, slots=True)
class Comparison:
    """One "winner beats loser" claim in one sentence."""

    winner: Candidate | None  # None: the paper itself
    loser: Candidate
    metric: Candidate | None
    sentence: Sentence
    values: tuple[tuple[str, str], ...]


def parse_values(text: str) -> tuple[tuple[str, str], ...]:
    """The numbers a comparison states, as written: factor, percent, value vs baseline value."""
    values: dict[str, str] = {}
    if m := _VS_RE.search(text):
        values["value"], values["baseline_value"] = m.group(1).strip(), m.group(2).strip()
    if m := _FACTOR_RE.search(text):
        values["factor"] = m.group(1)
    if (m := _PERCENT_RE.search(text)) and "value" not in values:
        values["percent"] = m.group(1)
    return tuple(sorted(values.items()))


def _cues(lower: str, patterns: Patterns) -> list[tuple[int, int, str]]:
    out = [(m.start(), m.end(), "verb") for m in patterns.outperform_re.finditer(lower)]
    has_comparative = patterns.comparative_re.search(lower) is not None
    if has_comparative or _FACTOR_RE.search(lower):
        for m in patterns.comparison_re.finditer(lower):
            if m.group(0) in ("over", "than") and _NUMBER_AFTER.match(lower, m.end()):
                continue  # "over 11x", "more than 10,000": a quantity, not a baseline
            out.append((m.start(), m.end(), "prep"))
    out.sort()
    # Drop cues inside a longer cue ("compared to" vs "to").
    kept: list[tuple[int, int, str]] = []
    for cue in out:
        if kept and cue[0] < kept[-1][1]:
            continue
        kept.append(cue)
    return kept


def _mentions_in(candidates: list[Candidate], start: int, end: int) -> list[tuple[int, Candidate]]:
    hits = []
    for candidate in candidates:
        for s, e in candidate.spans:
            if start <= s and e <= end:
                hits.append((s, candidate))
    hits.sort(key=lambda h: h[0])
    return hits


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
    own = [span for c in candidates if c.proposed for span in c.spans]
    # Nor is one that only qualifies a kind ("than Transformer-based TTI models"), unless the
    # kind is a baseline built on it ("the BM25-based and DPR-based baseline readers").
    found = [(s, c) for s, c in _mentions_in(candidates, region_start, region_end)
             if c.type in ("Technique", "Model") and not c.proposed
             and not any(os_ <= s < oe for os_, oe in own)
             and not _qualifies_a_kind(sentence.text, dict(c.spans)[s] - sentence.start)]
    unknown = _unknown_names(sentence, cue_end, region_end - sentence.start, candidates,
                             patterns)
    if unknown and (not found or unknown[0][0] < found[0][0] or (
            unknown[0][0] == found[0][0] and
            unknown[0][1].spans[0][1] > dict(found[0][1].spans)[found[0][0]])):
        # First, or longer at the same place: "DeepSpeed-MoE" is not DeepSpeed.
        return unknown
    if not found or found[0][0] - region_start >= 80:
        return []
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
    surface = sentence.text[first - sentence.start:dict(loser.spans)[first] - sentence.start]
    if not in_examples and (_vague(sentence.text, first - sentence.start, loser, patterns) or (
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
                c is not listed[-1][1]:
            listed.append((s, c))
    return listed


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
        if any(cs <= s and s + len(word) <= ce for c in candidates for cs, ce in c.spans):
            break  # a known name: the caller's list of mentions has it
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


def _vague(text: str, pos: int, candidate: Candidate, patterns: Patterns) -> bool:
    """ "standard FL methods", "prior FL baselines", "existing MoE systems": not a named loser.

    ``pos`` is the mention's offset in the sentence ``text``.
    """
    before = re.findall(r"[a-z-]+", text[max(0, pos - 40): pos].lower())[-2:]
    if any(w in patterns.vague_baselines for w in before):
        return True
    mention = re.match(r"[\w.+-]+(?:\s+[\w.+-]+)*?(?=[\s,.;:)]|$)", text[pos:])
    rest = text[pos + (len(mention.group(0)) if mention else 0):]
    after = re.findall(r"[a-z-]+", rest.lower())[:1]
    return bool(after) and after[0] in patterns.baseline_heads and is_name(
        candidate.label) is False


def find_comparisons(sentences: list[Sentence], candidates: list[Candidate],
                     patterns: Patterns) -> list[Comparison]:
    """Every comparison the paper claims for its own system, in text order."""
    proposed = [c for c in candidates if c.proposed and c.type != "Dataset"]
    out: list[Comparison] = []
    for sentence in sentences[1:]:
        lower = sentence.text.lower()
        for cue_start, cue_end, _kind in _cues(lower, patterns):
            before = _mentions_in(candidates, sentence.start, sentence.start + cue_start)
            own = [c for _, c in before if c.proposed and c.type != "Dataset"]
            others = [c for _, c in before if not c.proposed and c.type in ("Technique", "Model")]
            speaks_as_self = re.search(
                r"\b(?:we|our|it|the proposed|proposed)\b|^this (?:approach|method|"
                r"system|framework|design|technique|work|model)\b", lower[:cue_start])
            if own:
                winner: Candidate | None = own[-1]
            elif speaks_as_self or not others:
                winner = proposed[0] if proposed else None
            else:
                continue  # a comparison between other systems
            if not own and others and not speaks_as_self:
                continue
            for _, loser in _losers(sentence, cue_end, candidates, patterns):
                if loser is winner:
                    continue
                metrics = _mentions_in([c for c in candidates if c.type == "Metric"],
                                       sentence.start, sentence.end)
                metric = min(metrics, key=lambda m: abs(m[0] - sentence.start - cue_start),
                             default=(0, None))[1]
                if metric is None and _FACTOR_RE.search(sentence.text):
                    metric = next((c for c in candidates if c.concept is not None
                                   and c.concept.id == "metric/speedup"), None)
                out.append(Comparison(winner, loser, metric, sentence,
                                      parse_values(sentence.text)))
    return out
