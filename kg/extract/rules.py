"""The rule-based extractor's candidates: a coordinator over small recognisers.

``collect_candidates`` runs them in order over one paper and returns its ``Candidate``s:

- vocabulary names (``kg.extract.matcher``), with coordinations sharing a head ("data,
  pipeline, and tensor parallelism") and product classes folded into the product;
- the paper's acronym definitions (``kg.extract.acronyms``), typed by vocabulary or head noun
  (``kg.extract.heads``);
- metric mentions in measurement contexts and implied by values (``kg.extract.measures``);
- named datasets before a head word ("the XBOW benchmark") and versioned model names;
- the paper's own contribution (``kg.extract.proposals``).

What the context says about a mention is in ``kg.extract.context``; relations are assigned
in ``kg.extract`` (``RulesExtractor``) and comparisons found in ``kg.extract.compare``.
"""

from __future__ import annotations

import re

from kg.extract.acronyms import Definition, find_definitions
from kg.extract.candidates import (
    GENERIC_LABELS,
    MODIFIER_SUFFIX,
    Candidate,
    Registry,
    is_name,
    joins_word,
    word_spans,
)
from kg.extract.context import mask_markup, not_measured_here, prose_sense
from kg.extract.heads import head_type, type_from_head
from kg.extract.matcher import Match, VocabMatcher
from kg.extract.measures import add_metric_phrases
from kg.extract.patterns import Patterns
from kg.extract.proposals import mark_proposed
from kg.extract.text import Sentence
from kg.normalize import norm_key
from kg.vocab import Concept, Vocabulary

__all__ = ["collect_candidates"]


def _modifier_definition(long: str) -> bool:
    """A one-word long form that can only qualify a noun: a plain lower-case word
    ("physical"), a compound adjective ("verifier-free", "closely-coupled", "Current-Based",
    "audio-visual") or an adjective by its ending ("Standalone", "Interactive")."""
    if " " in long.strip():
        return False
    return (long.islower() and "-" not in long) or bool(MODIFIER_SUFFIX.search(long)) or \
        bool(_ADJECTIVE_ENDING.search(long))


# Endings of adjectives, not of nouns that name a method ("Retrieval", "Library" and "Logic"
# end otherwise and stay out).
_ADJECTIVE_ENDING = re.compile(r"(?:ive|ous|able|ible|less|alone|ical|ual)$", re.I)


def _extend_definition(text: str, d: Definition, vocab: Vocabulary) -> Definition:
    """ "Key-Value (KV) cache" defines "Key-Value cache" = "KV cache" when that is a known name."""
    m = re.match(r"\s+([a-z][a-z-]+)", text[d.short_end + 1:])
    if not m:
        return d
    word = m.group(1)
    concept = vocab.lookup(f"{d.short} {word}") or vocab.lookup(f"{d.long} {word}")
    if concept is not None and concept.match:
        end = d.short_end + 1 + m.end()
        return Definition(f"{d.long} {word}", f"{d.short} {word}", d.long_start, end,
                          d.short_start, end)
    return d


def collect_candidates(
    text: str,
    sentences: list[Sentence],
    *,
    vocab: Vocabulary,
    matcher: VocabMatcher,
    patterns: Patterns,
) -> list[Candidate]:
    """Every entity candidate of a paper, with mentions, aliases and the ``proposed`` flag.

    URLs and TeX commands are blanked out first (same length, so offsets still index the
    original text): "github.com/HASHIRU-AI" and "\\textbf{" are not names.
    """
    text = mask_markup(text)
    sentences = [Sentence(s.start, s.end, text[s.start:s.end], s.is_title) for s in sentences]
    registry = Registry()
    definitions = [_extend_definition(text, d, vocab) for d in find_definitions(text)]
    defined_short = {d.short.rstrip("s"): d for d in definitions}

    # 1. Vocabulary names, unless the paper defines that acronym as something else.
    found = matcher.find(text)
    found = sorted([*found, *_coordinated(text, found, vocab)], key=lambda m: m.start)
    for match in _absorb_class_heads(found, text, vocab):
        if match.acronym:
            d = defined_short.get(match.surface.rstrip("s"))
            if d is not None and vocab.lookup(d.long, match.concept.type) is not match.concept \
                    and norm_key(d.long) not in {norm_key(n) for n in match.concept.names}:
                continue
            if _inside_other_acronym(text, match, defined_short):
                continue  # "DDR" in "TS-DDR" (Deep Decision Rules), "MPC" in "LSTM-MPC"
        if norm_key(match.concept.label) in GENERIC_LABELS:
            continue
        if match.concept.type == "Metric" and not_measured_here(text, match):
            continue
        follower = _FOLLOWER.match(text, match.end)
        if match.concept.type == "Technique" and follower and \
                follower.group(1) in patterns.task_heads:
            continue  # "tool use tasks", "RAG problems": a task, not a technique applied
        if match.surface in patterns.prose_words and \
                prose_sense(text, match.start, match.end, patterns):
            continue  # "has received much attention": the English word, not the mechanism
        model = _designation(text, match)
        if model is not None:
            # "Raspberry Pi 4", "Jetson Orin Nano": the product, a kind of its family
            candidate = Candidate("Hardware", text[match.start:model])
            candidate.add((match.start, model), "product.v1")
            registry.add(candidate)
            continue
        candidate = Candidate(match.concept.type, match.concept.label, concept=match.concept)
        candidate.add((match.start, match.end), "vocab.v1", alias=match.surface)
        registry.add(candidate)

    # 2. The paper's acronym definitions.
    for d in definitions:
        if norm_key(d.long) in GENERIC_LABELS or norm_key(d.short) in GENERIC_LABELS or \
                norm_key(d.long) in patterns.not_entities:
            continue  # "state-of-the-art (SOTA)" names nothing
        if _modifier_definition(d.long) and vocab.lookup(d.long) is None:
            continue  # "loosely-coupled (LC)", "physical (PHY)": a modifier, not a thing
        concept = vocab.lookup(d.long) or _consistent(vocab.lookup(d.short), d.long)
        if concept is not None and not concept.match:
            concept = None
        if concept is not None:
            candidate = Candidate(concept.type, concept.label, concept=concept)
        else:
            words = d.long.lower().split()
            # The head of "Executive Orders on AI Safety" is "orders": the word before the
            # first preposition, else the last word.
            cut = next((i for i, w in enumerate(words) if i and w in _HEAD_PREPOSITIONS),
                       len(words))
            if words[cut - 1] in patterns.task_nouns:
                continue  # a task, field, organisation, role or policy ("Natural Language
                # Processing (NLP)", "Subject Matter Experts (SMEs)")
            after = _HEAD_AFTER.match(text, d.short_end + 1)
            kind = head_type(after.group(1), patterns) if after else None
            candidate = Candidate(kind or type_from_head(d.long, patterns, vocab), d.long)
        candidate.add((d.long_start, d.long_end), "acronym.v1", alias=d.long)
        candidate.add((d.short_start, d.short_end), "acronym.v1", alias=d.short)
        # "Key-Value (KV) cache" defines "KV cache"; "KV" alone later means the same thing.
        for short in dict.fromkeys([d.short, d.short.split()[0]]):
            for span in word_spans(text, short):
                candidate.add(span, "acronym.v1")
        registry.add(candidate)

    # 2a. Quantities the paper reports a value of ("a task success rate of 76%").
    add_metric_phrases(text, registry, vocab, patterns)

    # 2b. Named datasets and benchmarks: "the XBOW benchmark", "on the HAM10k dataset".
    for start, end, name, head in _names_before_heads(text, 0, _NAMED_DATASET) if any(
            h in text for h in _DATASET_HEADS) else ():
        if not is_name(name) or registry.get(name) is not None or vocab.lookup(name) or \
                norm_key(name) in patterns.not_entities or re.search(r"-[a-z]+$", name):
            continue
        candidate = Candidate("Dataset", name)
        candidate.add((start, end), "dataset_name.v1", alias=f"{name} {head}")
        registry.add(candidate)
    # ... and capitalised multi-word names after an article or preposition, outside the
    # title: "a Kaggle Freelancer dataset", "the Long Range Arena benchmark".
    title_end = sentences[0].end if sentences else 0
    for start, end, name, head in _names_before_heads(text, title_end, _NAME_RUN_BEFORE) if any(
            h in text for h in _DATASET_HEADS) else ():
        if registry.get(name) is not None or vocab.lookup(name) or any(
                w.lower() in _NOT_NAME_WORDS for w in name.split()) or any(
                cs < end and start < ce for c in registry.values() for cs, ce in c.spans):
            continue
        candidate = Candidate("Dataset", name)
        candidate.add((start, end), "dataset_name.v1", alias=f"{name} {head}")
        registry.add(candidate)

    # 3. Versioned model names of known families; they replace the bare family they contain.
    covered = _add_model_names(text, registry, vocab, patterns)
    for candidate in registry.values():
        if candidate.type == "Model" and candidate.rules == ["vocab.v1"] and all(
                any(s >= cs and e <= ce for cs, ce in covered) for s, e in candidate.spans):
            registry.remove(candidate)

    # 4. The paper's own named contribution.
    mark_proposed(text, sentences, registry, definitions, vocab, patterns)
    return registry.values()


_HEAD_PREPOSITIONS = {"of", "on", "for", "in", "to", "with", "from", "about", "against"}


# The word after a vocabulary match, matched in place: slicing the rest of the text for each
# of ~13 matches a paper copied it each time.
_FOLLOWER = re.compile(r"\s+([a-z]+)")


_DATASET_HEADS = ("benchmark", "dataset", "corpus", "trace", "suite")


_NAMED_DATASET = re.compile(r"(?<![\w-])([A-Z][\w.+-]*[A-Za-z0-9+])$")


# The head word is searched first (str.find) and the name read backwards from it: a pattern
# starting with a free article would be tried at every word of the abstract.
_HEAD_END = re.compile(r"s?\b")


_NAME_RUN_BEFORE = re.compile(r"\b(?:a|an|the|on|from|of|using|in|and)\s+((?:[A-Z][a-z]+\s+)"
                              r"{1,2}[A-Z][A-Za-z0-9.+-]*[A-Za-z0-9+])$")


def _names_before_heads(text: str, start: int, name_re: re.Pattern[str]
                        ) -> list[tuple[int, int, str, str]]:
    """(start, end, name, head) of each name (``name_re``, anchored at its end) written right
    before a dataset head word: "the XBOW benchmark", "a Kaggle Freelancer dataset"."""
    found: list[tuple[int, int, str, str]] = []
    for head in _DATASET_HEADS:
        at = text.find(head, start)
        while at != -1:
            name_end = at
            while name_end > start and text[name_end - 1].isspace():
                name_end -= 1
            if name_end < at and _HEAD_END.match(text, at + len(head)):
                m = name_re.search(text, max(start, name_end - 120), name_end)
                if m:
                    found.append((m.start(1), m.end(1), m.group(1), head))
            at = text.find(head, at + len(head))
    return sorted(found)


# Capitalised words that start or qualify a phrase rather than name a dataset.
_NOT_NAME_WORDS = {"new", "large", "open", "public", "real", "synthetic", "standard", "our",
                   "this", "these", "each", "other", "several", "various", "popular", "common",
                   "benchmark", "dataset", "data", "source", "world", "scale"}


# The word after an acronym definition, which may say what kind of thing it is: "the
# AudioCaps (AC) dataset", "Field Programmable Gate Array (FPGA) boards".
_HEAD_AFTER = re.compile(r"\s+([a-z]+)\b")


# Between a product and its class word: a space, or a model number ("Ascend 910C NPUs").
_MODEL_NUMBER_GAP = re.compile(r"\s+(?:[A-Za-z]{0,3}\d[\w.]*\s+)?")


_HYPHENATED_TOKEN = re.compile(r"[\w-]*")


def _inside_other_acronym(text: str, match: Match, defined: dict[str, Definition]) -> bool:
    """Whether ``match`` is part of a hyphenated acronym the paper defines ("TS-DDR",
    "PTW-CP") whose long form does not name the matched concept: then the part is a letter
    of the paper's own acronym, not the vocabulary's ("Deep Decision Rules" is no DRAM)."""
    start = match.start
    while start and joins_word(text[start - 1]):
        start -= 1
    token = _HYPHENATED_TOKEN.match(text, start).group(0).strip("-")
    if token == match.surface or "-" not in token:
        return False
    d = defined.get(token.rstrip("s"))
    if d is None:
        return False
    long_key = f" {norm_key(d.long)} "
    return not any(f" {norm_key(name)} " in long_key for name in match.concept.names)


# Conjuncts before a name that share its head: "data, pipeline, and tensor parallelism",
# "memory and CPU usage" (read backwards from the name's start).
_CONJUNCTS_BEFORE = re.compile(r"((?:[A-Za-z][\w-]*\s*,\s*){0,4}[A-Za-z][\w-]*)\s*,?\s+"
                               r"(?:and|or|&|as\s+well\s+as)\s+$")


_CONJUNCTION_ENDS = (" and ", " or ", " & ", " as well as ", "\nand ", "\tand ")


# A head followed by its modifiers in parentheses: "parallelism techniques (data, pipeline,
# tensor)".
# The list is found from its "(" and the head read backwards: a pattern starting with a
# free word would be tried at every character.
_CONJUNCT_LIST = re.compile(r"\(\s*((?:[a-z][a-z-]*\s*,\s*)+(?:and\s+|or\s+)?[a-z][a-z-]*)\s*\)")


_HEAD_BEFORE_LIST = re.compile(r"\b([a-z][a-z-]+)(?:\s+[a-z-]+)?\s+$")


def _coordinated(text: str, matches: list[Match], vocab: Vocabulary) -> list[Match]:
    """Names a coordination leaves implicit: in "data, pipeline, and tensor parallelism" the
    words "data" and "pipeline" stand for "data parallelism" and "pipeline parallelism".
    Each conjunct counts only when the name it makes is a vocabulary name of the same type."""
    out: list[Match] = []
    for match in matches:
        words = match.surface.split(maxsplit=1)
        if len(words) < 2:
            continue
        if not text.endswith(_CONJUNCTION_ENDS, max(0, match.start - 9), match.start):
            continue  # what _CONJUNCTS_BEFORE would need, checked without a regex
        before = _CONJUNCTS_BEFORE.search(text, max(0, match.start - 80), match.start)
        if before is None:
            continue
        for w in re.finditer(r"[A-Za-z][\w-]*", before.group(1)):
            concept = vocab.lookup(f"{w.group(0)} {words[1]}", match.concept.type)
            if concept is not None and concept.match and concept is not match.concept:
                start = before.start(1) + w.start()
                out.append(Match(start, start + len(w.group(0)), w.group(0), concept, False))
    for m in _CONJUNCT_LIST.finditer(text) if "(" in text else ():
        head = _HEAD_BEFORE_LIST.search(text, max(0, m.start() - 60), m.start())
        if head is None:
            continue
        for w in re.finditer(r"[a-z][a-z-]*", m.group(1)):
            if w.group(0) in ("and", "or"):
                continue
            concept = vocab.lookup(f"{w.group(0)} {head.group(1)}")
            if concept is not None and concept.match:
                start = m.start(1) + w.start()
                out.append(Match(start, start + len(w.group(0)), w.group(0), concept, False))
    return out


# A model designation after a product family: "4", "Nano", "Xavier NX", "865", "M2 Pro" (not
# a size or a count: "80GB", "4 GPUs").
_DESIGNATION = re.compile(r"(?:\s+(?:[A-Z]{0,3}\d{1,4}[A-Za-z]{0,2}|Ti|Nano|NX|AGX|Pro|Max|Ultra|"
                          r"Plus|Super|Mini|Lite|Orin|Xavier)(?![\w-])){1,2}")
_NOT_DESIGNATION = re.compile(r"\d+\s*(?:[KMGT]B|[GM]Hz|[mk]?W|nm|x|GPUs?|CPUs?|cores?|nodes?|"
                              r"bits?|B\b)", re.I)


def _designation(text: str, match: Match) -> int | None:
    """Where a product's name ends when a model designation follows its family's vocabulary
    name ("Raspberry Pi 4", "Jetson Orin Nano"); None when nothing does, or the family is a
    short class acronym ("GPU 0", "CPU 2") or the number is a size or count ("A100 80GB")."""
    if match.concept.type != "Hardware" or (match.acronym and len(match.surface) <= 5):
        return None
    m = _DESIGNATION.match(text, match.end)
    if m is None or _NOT_DESIGNATION.match(text, match.end + len(m.group(0)) -
                                           len(m.group(0).lstrip())):
        return None
    end = m.end()
    rest = text[end:end + 12]
    if re.match(r"\s*(?:[KMGT]B|[GM]Hz|[mk]?W|nm|x|GPUs?|CPUs?|cores?|nodes?)\b", rest, re.I):
        return None  # "Pi 4 GB", "Orin 2 GPUs"
    return end


def _absorb_class_heads(matches: list[Match], text: str, vocab: Vocabulary) -> list[Match]:
    """``matches`` with a hardware class written right after a product of that class ("EPYC
    CPUs", "Jetson Orin GPU", and over a model number: "Ascend 910C NPUs") folded into the
    product's match.

    The class word only says what the product is; by the guidelines a generic class that only
    qualifies something specific is not a target of its own. Where the paper also names the
    class alone, that other mention still makes it one.
    """
    out: list[Match] = []
    for match in matches:
        prev = out[-1] if out else None
        if prev is not None and match.concept.type == prev.concept.type == "Hardware" and \
                _MODEL_NUMBER_GAP.fullmatch(text, prev.end, match.start) and \
                match.concept.id in vocab.ancestors(prev.concept.id):
            out[-1] = Match(prev.start, match.end, text[prev.start:match.end], prev.concept,
                            prev.acronym)
        else:
            out.append(match)
    return out


def _consistent(concept: Concept | None, long: str) -> Concept | None:
    """The concept an acronym names in the vocabulary, if the paper's expansion agrees with it:
    "dynamic data removal (DDR)" is not the DRAM concept whose alias is "DDR"."""
    if concept is None:
        return None
    words = set(norm_key(long).split())
    for name in concept.names:
        other = set(norm_key(name).split())
        if other and len(words & other) / len(words | other) >= 0.5:
            return concept
    return None


def _add_model_names(text: str, registry: Registry, vocab: Vocabulary,
                     patterns: Patterns) -> list[tuple[int, int]]:
    """Add versioned model names; return the spans they cover."""
    covered: list[tuple[int, int]] = []
    if not patterns.model_family_re.search(text):
        return covered
    for m in patterns.model_name_re.finditer(text):
        surface = m.group(0)
        if not re.search(r"\d", surface) or registry.get(surface) is not None:
            continue  # bare family names are vocabulary concepts already
        family = vocab.lookup(re.split(r"[- ]?\d", surface, maxsplit=1)[0], "Model")
        concept = vocab.lookup(surface, "Model")
        if concept is not None:
            candidate = Candidate("Model", concept.label, concept=concept)
        else:
            candidate = Candidate("Model", surface)
            if family is not None:
                candidate.aliases = []
        candidate.add((m.start(), m.end()), "model_name.v1", alias=surface)
        registry.add(candidate)
        covered.append((m.start(), m.end()))
    return covered
