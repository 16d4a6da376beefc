"""The rule-based extractor: entity candidates from several recognisers, then their relations.

Recognisers (each a small function over the paper text):

- ``vocab``: names from the SKOS vocabularies (``kg.extract.matcher``);
- ``acronym``: the paper's own "long form (SHORT)" definitions, typed by vocabulary or head noun;
- ``proposed``: the paper's named contribution (title prefix "X: ...", "we propose X",
  "called X");
- ``model_name``: versioned model names of known families ("Llama-3-70B", "Qwen2.5-7B").

Interpretation (``assign_relations``): a proposed name is ``proposes``; otherwise the entity
type decides: Technique/Model -> ``uses``, Hardware -> ``targets``, Metric -> ``measures``,
Dataset -> ``evaluated_on``; ``outperforms`` comes from comparison sentences
(``kg.extract.compare``). Each relation keeps the sentence, offsets and the rule name.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from kg.extract.acronyms import Definition, find_definitions
from kg.extract.matcher import Match, VocabMatcher
from kg.extract.patterns import Patterns
from kg.extract.text import Sentence, space_before
from kg.ids import entity_id
from kg.normalize import norm_key
from kg.vocab import Concept, Vocabulary, is_acronym

__all__ = ["MODIFIER_AFTER", "MODIFIER_SUFFIX", "Candidate", "collect_candidates", "head_concepts",
           "is_background", "is_name", "is_negated", "is_survey", "sentence_of"]

# A product-like name: a capital, then letters/digits, with inner hyphens or dots.
NAME_RE = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z0-9]*(?:[-.+][A-Za-z0-9]+)*\+*(?![\w])")
_TITLE_PREFIX_RE = re.compile(r"^\s*([^:]{2,60}?)\s*:\s+\S")
_TITLE_NOT_NAMES = {"survey", "review", "position", "towards", "toward", "beyond", "rethinking",
                    "benchmarking", "tutorial", "overview", "introduction", "perspective",
                    "vision", "keynote", "sok", "case study", "revisiting", "understanding",
                    "demystifying", "exploring", "characterizing", "on", "the", "a", "an"}
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

    def add(self, span: tuple[int, int], rule: str, alias: str | None = None) -> None:
        if span not in self.spans:
            self.spans.append(span)
            self.spans.sort()
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


def sentence_of(sentences: list[Sentence], pos: int) -> Sentence:
    """The sentence holding character ``pos``."""
    for sentence in sentences:
        if sentence.start <= pos < sentence.end or pos < sentence.start:
            return sentence
    return sentences[-1]


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


_CLAUSE_BREAK = re.compile(r"[,;:.()\n]")
# "X is proposed", "X are introduced": a proposal in the passive voice (present tense only:
# "X was proposed by Tandon et al." is others' work).
_PASSIVE_VERBS = ("proposed", "introduced", "presented", "developed", "designed")
_PASSIVE_PROPOSAL = re.compile(r"\b(?:is|are)\s+(?:first\s+|hereby\s+|thus\s+)?(?:" +
                               "|".join(_PASSIVE_VERBS) + r")\b")


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
    return m is not None and not _CLAUSE_BREAK.search(before, m.start())


def head_concepts(label: str, entity_type: str, vocab: Vocabulary) -> tuple[str, ...]:
    """The vocabulary concept a new name is a kind of, by its head words: "weeding accuracy"
    is an "accuracy", "block-sparse KV cache" a "KV cache"."""
    words = norm_key(label).split()
    for size in (3, 2, 1):
        if len(words) > size:
            # A model's family is its first words ("Llama 3 70B" is a "Llama 3"); anything
            # else is a kind of its last words.
            part = words[:size] if entity_type == "Model" else words[-size:]
            concept = vocab.lookup(" ".join(part), entity_type)
            if concept is not None and concept.match:
                return (concept.id,)
    return ()


def type_from_head(phrase: str, patterns: Patterns, vocab: Vocabulary) -> str:
    """The entity type of a new name, from its last word (its head) and any vocabulary part."""
    written = re.findall(r"[A-Za-z0-9]+", phrase)
    if not written:
        return "Technique"
    head_type = _head_type(written[-1].lower(), patterns)
    if head_type is not None:
        return head_type
    for part in (" ".join(written[-2:]), written[-1]):
        concept = vocab.lookup(part)
        if concept is not None and concept.type in ("Metric", "Hardware", "Dataset") and \
                _names_it(concept, part):
            return concept.type
    return "Technique"


def _head_type(word: str, patterns: Patterns) -> str | None:
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


class _Registry:
    """The candidates of one paper, keyed by concept id or by folded name.

    Names are compared without their spaces too, so a paper's "Fuxi-DA" and "FuxiDA" (or
    "GPT 4" and "GPT4") are one candidate.
    """

    def __init__(self) -> None:
        self.by_id: dict[str, Candidate] = {}
        self.by_name: dict[str, Candidate] = {}

    def get(self, name: str) -> Candidate | None:
        return self.by_name.get(_name_key(name))

    def add(self, candidate: Candidate) -> Candidate:
        existing = self.by_id.get(candidate.id)
        if existing is None:
            for key in _keys(candidate):
                existing = self.by_name.get(key)
                if existing is not None:
                    break
        if existing is not None:
            for span in candidate.spans:
                existing.add(span, candidate.rules[0] if candidate.rules else "merge")
            known = {_name_key(n) for n in existing.names()}
            for alias in [candidate.label, *candidate.aliases]:
                key = _name_key(alias)
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
    ``map(_name_key, candidate.names())``: most candidates are vocabulary concepts with
    several names, registered ~15 times a paper, and their keys are the same every time."""
    base = (_concept_keys(candidate.concept) if candidate.concept
            else (_name_key(candidate.label),))
    return [*base, *map(_name_key, candidate.aliases)]


@functools.lru_cache(maxsize=4096)
def _concept_keys(concept: Concept) -> tuple[str, ...]:
    return tuple(map(_name_key, concept.names))


@functools.lru_cache(maxsize=65536)
def _name_key(name: str) -> str:
    """A registry key: the folded name without spaces ("fuxi da" and "fuxida" are one)."""
    return norm_key(name).replace(" ", "")


def _word_spans(text: str, word: str) -> list[tuple[int, int]]:
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
        if not (at and _joins(text[at - 1])) and (
                end == len(text) or not _joins(text[end]) or (
                    text[end] == "s" and (end + 1 == len(text) or not _joins(text[end + 1])))):
            out.append((at, end))
        at = text.find(word, at + 1)
    return out


def _joins(char: str) -> bool:
    """Whether ``char`` continues a word: a letter, digit, underscore or hyphen."""
    return char.isalnum() or char in "_-"


def _modifier_definition(long: str) -> bool:
    """A one-word long form that can only qualify a noun: a plain lower-case word
    ("physical") or a compound adjective ("verifier-free", "closely-coupled",
    "Current-Based")."""
    if " " in long.strip():
        return False
    return (long.islower() and "-" not in long) or bool(MODIFIER_SUFFIX.search(long))


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


def _proposal_sentence(sentence: Sentence, patterns: Patterns) -> bool:
    lower = sentence.text.lower()
    words = set(_LOWER_WORD.findall(lower))
    has_verb = bool(words & patterns.proposal_verbs)
    has_self = bool(patterns.self_reference_re.search(lower))
    return (has_verb and has_self) or bool(words & patterns.naming_cues)


_SELF_SUBJECT = re.compile(r"\b(?:we|our|paper|work|study|letter|article|thesis|chapter|"
                           r"i)\b(?:\s+\w+){0,2}\s*$", re.I)


def _self_subject(before: str) -> bool:
    """True when the paper is the subject of the verb that follows ``before``."""
    return bool(_SELF_SUBJECT.search(before))


# Verbs by which a system shows its named parts ("GEM employs a ... Router (SCAR)").
_PART_VERBS = {"employs", "comprises", "consists", "features", "incorporates", "integrates",
               "includes", "contains", "leverages", "introduces", "proposes", "presents"}
# Proposal verbs that put a new name into the world (not "report", "describe", "release").
_NAMING_VERBS = {"propose", "proposes", "introduce", "introduces", "present", "presents",
                 "design", "designs", "develop", "develops", "devise", "devises", "build",
                 "builds", "create", "creates", "unveil", "unveils"}
_CONTENT_WORD = re.compile(r"[A-Za-z][\w'-]*")


def _own_subject(text: str, own_names: list[str]) -> bool:
    """Whether a sentence begins with the paper's own system as its subject ("Parrot
    proposes ...", "The GEM model employs ...")."""
    m = re.match(r"\s*(?:the\s+|our\s+)?", text, re.I)
    rest = text[m.end():] if m else text
    return any(rest.startswith(name) and not _joins(rest[len(name):len(name) + 1] or " ")
               for name in own_names if name)


def _own_verb(sentence: Sentence, patterns: Patterns, own_subject: bool) -> int | None:
    """Where the paper's own proposal verb ends in ``sentence`` ("We introduce", "Parrot
    proposes", "GEM employs"), if it has one; None otherwise."""
    for m in _WORD.finditer(sentence.text):
        word = m.group(0).lower()
        if word in _NAMING_VERBS and (
                _self_subject(sentence.text[:m.start()]) or own_subject):
            return m.end()
        if own_subject and word in _PART_VERBS:
            return m.end()
    return None


def _title_case_name(long: str) -> bool:
    """A long form whose content words are all capitalised ("Basis Aligned Transformation",
    "Sparse Cross-Attention Router"): a coined name, not a description."""
    words = [w for w in _CONTENT_WORD.findall(long) if w.lower() not in _STOP_LONG_WORDS]
    return len(words) >= 2 and all(w[0].isupper() for w in words)


# "the L2MU, a natively neuromorphic Legendre Memory Unit (LMU)": after ", a", the name
# says what kind of thing the paper's system is, not a part of it.
_KIND_APPOSITIVE = re.compile(r",\s+(?:a|an)\s+[^,;()]*$")
_STOP_LONG_WORDS = {"of", "for", "and", "or", "the", "a", "an", "in", "on", "to", "with", "via",
                    "by"}


def _is_object_of_cue(before: str, patterns: Patterns) -> bool:
    """True when the text before a definition ends with a proposal verb or naming cue and at most
    five words with no preposition: "we propose the Multi-Objective ... (MOHAF)"."""
    words = re.findall(r"[A-Za-z-]+|[,;:()]", before)
    if words and words[-1] == ",":
        # An appositive after an indefinite noun phrase: "introduces a novel learning
        # paradigm, Dynamic Sparse Learning (DSL)".
        for i in range(len(words) - 2, max(-1, len(words) - 8), -1):
            if words[i].lower() in ("a", "an"):
                words = words[:i]
                break
            if words[i] in ",;:()" or words[i].lower() in _STOP_SCAN:
                return False
        else:
            return False
    for i in range(len(words) - 1, max(-1, len(words) - 7), -1):
        word = words[i].lower()
        if word in patterns.naming_cues:
            return True
        if word in patterns.proposal_verbs:
            return word.endswith("ing") or _self_subject(" ".join(words[:i]))
        if word in _STOP_SCAN or word in ",;:()":
            return False
    return False


def _title_prefix_name(title: str, abstract: str = "") -> str | None:
    """The name a title opens with ("Flover: A Temporal Fusion ..."): one word, a name-like
    word among up to three, or capitalised words the abstract repeats as written ("K-Sort
    Arena: Efficient ..." and "we introduce K-Sort Arena")."""
    m = _TITLE_PREFIX_RE.match(title)
    if not m:
        return None
    prefix = m.group(1).strip()
    words = prefix.split()
    if len(words) > 3 or prefix.lower() in _TITLE_NOT_NAMES or "--" in prefix:
        return None
    if words[0].lower() in _TITLE_NOT_NAMES or any(w in _STOP_SCAN for w in words[1:]):
        return None  # "Insights into DeepSeek-V3", "Beyond Standard MoE": a phrase, not a name
    if len(words) == 1:
        return prefix if prefix.lower() not in _TITLE_NOT_NAMES and prefix[0].isalpha() else None
    if any(is_name(w) or any(c.isdigit() for c in w) for w in words):
        return prefix
    if all(w[:1].isupper() for w in words) and _word_spans(abstract, prefix):
        return prefix
    return None


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
    registry = _Registry()
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
        if match.concept.type == "Metric" and _not_measured_here(text, match):
            continue
        follower = _FOLLOWER.match(text, match.end)
        if match.concept.type == "Technique" and follower and \
                follower.group(1) in patterns.task_heads:
            continue  # "tool use tasks", "RAG problems": a task, not a technique applied
        if match.surface in patterns.prose_words and \
                _prose_sense(text, match.start, match.end, patterns):
            continue  # "has received much attention": the English word, not the mechanism
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
            kind = _head_type(after.group(1), patterns) if after else None
            candidate = Candidate(kind or type_from_head(d.long, patterns, vocab), d.long)
        candidate.add((d.long_start, d.long_end), "acronym.v1", alias=d.long)
        candidate.add((d.short_start, d.short_end), "acronym.v1", alias=d.short)
        # "Key-Value (KV) cache" defines "KV cache"; "KV" alone later means the same thing.
        for short in dict.fromkeys([d.short, d.short.split()[0]]):
            for span in _word_spans(text, short):
                candidate.add(span, "acronym.v1")
        registry.add(candidate)

    # 2a. Quantities the paper reports a value of ("a task success rate of 76%").
    _add_metric_phrases(text, registry, vocab, patterns)

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
    _mark_proposed(text, sentences, registry, definitions, vocab, patterns)
    return registry.values()


_HEAD_PREPOSITIONS = {"of", "on", "for", "in", "to", "with", "from", "about", "against"}
# The word after a vocabulary match, matched in place: slicing the rest of the text for each
# of ~13 matches a paper copied it each time.
_FOLLOWER = re.compile(r"\s+([a-z]+)")
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


def _not_measured_here(text: str, match: Match) -> bool:
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
# The word after an acronym definition, which may say what kind of thing it is: "the
# AudioCaps (AC) dataset", "Field Programmable Gate Array (FPGA) boards".
_HEAD_AFTER = re.compile(r"\s+([a-z]+)\b")
# After "inference-time", "run-time": a noun it modifies (not "of", "is", "and", ...).
_TIME_MODIFIER = re.compile(r"\s+(?!(?:of|is|are|was|were|and|or|by|in|on|for|to|with|than|"
                            r"from|as|at|per|while|when|which|that)\b)[a-z]")
_HELD_FIXED = re.compile(r"\b(?:at|under|with|for)\s+(?:the\s+|a\s+)?(?:same|equal|similar|"
                         r"fixed|comparable|identical|matched)\s+(?:[a-z-]+\s+)?$", re.I)
_AT_BEFORE = re.compile(r"\bat\s+$", re.I)
_LAST_WORDS = re.compile(r"([a-z]+)\W+(?:([a-z]+)\W+)?$")


def _prose_sense(text: str, start: int, end: int, patterns: Patterns) -> bool:
    """Whether the vocabulary word at ``start``-``end`` is used in its plain-English sense:
    one of the two words before it is a prose cue ("attracting widespread attention",
    "renewed attention"), or a prose continuation follows ("attention from the research
    community")."""
    m = _LAST_WORDS.search(text[max(0, start - 40):start].lower())
    if m is not None and {m.group(1), m.group(2)} & patterns.prose_cues:
        return True
    after = " ".join(text[end:end + 40].lower().split())
    return after.startswith(patterns.prose_after)


# Between a product and its class word: a space, or a model number ("Ascend 910C NPUs").
_MODEL_NUMBER_GAP = re.compile(r"\s+(?:[A-Za-z]{0,3}\d[\w.]*\s+)?")


_HYPHENATED_TOKEN = re.compile(r"[\w-]*")


def _inside_other_acronym(text: str, match: Match, defined: dict[str, Definition]) -> bool:
    """Whether ``match`` is part of a hyphenated acronym the paper defines ("TS-DDR",
    "PTW-CP") whose long form does not name the matched concept: then the part is a letter
    of the paper's own acronym, not the vocabulary's ("Deep Decision Rules" is no DRAM)."""
    start = match.start
    while start and _joins(text[start - 1]):
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


def _add_metric_phrases(text: str, registry: _Registry, vocab: Vocabulary,
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


def _add_model_names(text: str, registry: _Registry, vocab: Vocabulary,
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


def _mark_proposed(text: str, sentences: list[Sentence], registry: _Registry,
                   definitions: list[Definition], vocab: Vocabulary,
                   patterns: Patterns) -> None:
    title = sentences[0].text
    title_end = sentences[0].end
    proposal = {sentence.start: _proposal_sentence(sentence, patterns) for sentence in sentences}
    prefix = _title_prefix_name(title, text[len(title):])
    if prefix:
        start = title.find(prefix)
        candidate = registry.get(prefix) or Candidate(
            _name_type(prefix, title[len(prefix):], vocab), prefix)
        candidate.add((start, start + len(prefix)), "proposed.v1")
        candidate.proposed = True
        candidate.proposed_span = candidate.proposed_span or (start, start + len(prefix))
        candidate = registry.add(candidate)
        # A definition of the prefix ("Sparse Continual Learning (SparCL)") is the same thing.
        for d in definitions:
            if norm_key(d.short) == norm_key(prefix):
                candidate.add((d.long_start, d.long_end), "proposed.v1", alias=d.long)
                registry.by_name.setdefault(norm_key(d.long), candidate)
        for span in _word_spans(text, prefix):
            candidate.add(span, "proposed.v1")

    def propose(candidate: Candidate, span: tuple[int, int]) -> Candidate:
        candidate.add(span, "proposed.v1")
        candidate.proposed = True
        candidate.proposed_span = candidate.proposed_span or span
        candidate = registry.add(candidate)
        for word_span in _word_spans(text, text[span[0]:span[1]]):
            candidate.add(word_span, "proposed.v1")
        return candidate

    # Sentences whose subject is the paper's own system ("Parrot proposes Semantic Variable",
    # "GEM employs a Sparse Cross-Attention Router (SCAR)") speak for the paper like "we".
    own_names = [c.label for c in registry.values() if c.proposed]
    own_subject = {s.start for s in sentences[1:] if _own_subject(s.text, own_names)}
    for start in own_subject:
        sentence = next(s for s in sentences if s.start == start)
        words = set(_LOWER_WORD.findall(sentence.text.lower()))
        proposal[start] = proposal[start] or bool(words & patterns.proposal_verbs)

    passive_verbs = definitions and any(verb in text for verb in _PASSIVE_VERBS)
    for sentence in sentences[1:]:
        # "we introduce the X compiler (1) to ..., (2) Basis Aligned Transformation (BAT)
        # to ...": a Title Case name the paper defines after its own proposal verb is its own.
        verb = _own_verb(sentence, patterns, sentence.start in own_subject) if (
            proposal[sentence.start] or sentence.start in own_subject) else None
        for d in definitions if verb is not None else ():
            if sentence.start + verb <= d.long_start < sentence.end and \
                    _title_case_name(d.long) and vocab.lookup(d.long) is None and \
                    not _KIND_APPOSITIVE.search(text, sentence.start + verb, d.long_start):
                candidate = registry.get(d.short) or registry.get(d.long)
                if candidate is not None and candidate.concept is None and \
                        candidate.type not in ("Dataset", "Hardware"):
                    propose(candidate, (d.long_start, d.long_end))
        # "Our Word Variant Disambiguation (WDA) maps ...": the paper's own named part.
        for d in definitions:
            start = min(d.long_start, d.short_start)
            if sentence.start <= start < sentence.end and re.search(
                    r"\b(?:our|the proposed|our proposed)\s+$", text[sentence.start:start], re.I):
                candidate = registry.get(d.short) or registry.get(d.long)
                if candidate is not None and candidate.concept is None:
                    propose(candidate, (d.long_start, d.long_end))
        # "the concept of Continual Inference Networks (CINs) is proposed": the subject of a
        # passive proposal, in the same clause as its verb.
        passive = _PASSIVE_PROPOSAL.search(sentence.text) if passive_verbs else None
        for d in definitions if passive else ():
            verb = sentence.start + passive.start()
            end = max(d.long_end, d.short_end)
            if sentence.start <= min(d.long_start, d.short_start) and end <= verb and \
                    not _CLAUSE_BREAK.search(text, end + 1, verb):
                candidate = registry.get(d.short) or registry.get(d.long)
                if candidate is not None and candidate.concept is None and \
                        candidate.type != "Metric":
                    propose(candidate, (d.long_start, d.long_end))
        if not proposal[sentence.start]:
            continue
        listed: int | None = None  # where the last proposed definition of a list ended
        for d in definitions:
            start = min(d.long_start, d.short_start)
            if not sentence.start <= start < sentence.end:
                continue
            # "we propose A (X) to ..., B (Y) to ..., and C (Z)": the list continues the object,
            # unless a new clause began ("termed X (Y), can process ... audio-visual (AV) data").
            if (listed is not None and not _NEW_CLAUSE.search(text[listed:start])) or \
                    _is_object_of_cue(text[sentence.start:start], patterns):
                candidate = registry.get(d.short) or registry.get(d.long)
                if candidate is not None and candidate.concept is None and \
                        candidate.type != "Metric":
                    propose(candidate, (d.long_start, d.long_end))
                    listed = max(d.long_end, d.short_end)
        for name, start, end in _names_after_cue(sentence, patterns,
                                                 own_subject=sentence.start in own_subject):
            if any(d.long_start <= start < d.long_end for d in definitions):
                continue  # "called Sparse Continual Learning (SparCL)": the definition names it
            candidate = registry.get(name)
            if candidate is not None and candidate.concept is not None:
                continue  # a known system the paper builds on, not its contribution
            if candidate is None:
                candidate = Candidate(_name_type(name, sentence.text, vocab), name)
            propose(candidate, (start, end))

    # "we introduce a Relation-wise Neighbor Collection component": a capitalised name.
    for sentence in sentences[1:]:
        if not proposal[sentence.start]:
            continue
        for m in _TITLECASE_AFTER_CUE.finditer(sentence.text):
            if m.group(1).lower() not in patterns.proposal_verbs or not (
                    m.group(1).lower().endswith("ing") or sentence.start in own_subject
                    or _self_subject(sentence.text[:m.start(1)])):
                continue
            phrase = m.group(2)
            if registry.get(phrase) is not None or vocab.lookup(phrase) is not None or \
                    MODIFIER_SUFFIX.search(phrase):
                continue  # "a Random Forest-based prediction model": a modifier, not a name
            begin = sentence.start + m.start(2)
            if any(d.long_start <= begin < d.long_end for d in definitions):
                continue  # the definition "Long Form (LF)" names it whole
            start = sentence.start + m.start(2)
            propose(Candidate(type_from_head(phrase + " " + (m.group(3) or ""), patterns, vocab),
                              phrase), (start, start + len(phrase)))

    # "FlashSpeech ... applies a novel adversarial consistency training approach".
    own = [c for c in registry.values() if c.proposed]
    for sentence in sentences[1:]:
        if not (proposal[sentence.start] or any(
                sentence.start <= s < sentence.end for c in own for s, _ in c.spans)):
            continue
        for phrase, start, end in _novel_phrases(sentence, patterns):
            if registry.get(phrase) is None and not any(
                    d.long_start <= start < d.long_end for d in definitions):
                propose(Candidate("Technique", phrase), (start, end))

    # "to form PxCorpus, the first spoken ... corpus": an appositive that says it is new.
    for m in _NEW_APPOSITIVE.finditer(text) if _NEW_APPOSITIVE_CUE.search(text) else ():
        name = m.group(1)
        if (is_name(name) and registry.get(name) is None) or (
                (c := registry.get(name)) is not None and c.concept is None):
            kind = _name_type(name, text[m.end(): m.end() + 80], vocab)
            candidate = propose(registry.get(name) or Candidate(kind, name),
                                (m.start(1), m.end(1)))
            if kind == "Dataset":
                candidate.type = "Dataset"  # "KernelCraft: the first benchmark to ..."

    # "and a new model variant, H2G-former, that ...": a name in apposition after "a new ...".
    for m in _NEW_THEN_NAME.finditer(text) if ", " in text else ():
        if not _A_BEFORE.search(text, max(0, m.start() - 4), m.start()):
            continue
        name = m.group(1)
        if is_name(name) and (registry.get(name) is None or registry.get(name).concept is None):
            kind = _name_type(name, m.group(0), vocab)
            propose(registry.get(name) or Candidate(kind, name), (m.start(1), m.end(1)))

    # A name the paper also uses for a kind ("effective OpenQA systems can be developed",
    # then "our OpenQA system") names the kind, not the contribution.
    for candidate in registry.values():
        if candidate.proposed and candidate.concept is None and (
                candidate.proposed_span or (0, 0))[0] >= title_end and any(
                _KIND_AFTER.match(text, e) for _, e in candidate.spans):
            candidate.proposed = False
            candidate.proposed_span = None

    # Variants of a proposed name are the paper's too: "LION-Mamba", "Qwen-SFT-MoI".
    proposed = {norm_key(c.label) for c in registry.values() if c.proposed}
    proposed |= {norm_key(a) for c in registry.values() if c.proposed for a in c.aliases}
    for m in _hyphenated_names(text) if proposed else ():
        name = m.group(0)
        parts = [p for p in name.split("-") if p]
        if len(parts) > 1 and is_name(name) and registry.get(name) is None and any(
                norm_key(p) in proposed for p in parts) and all(
                p[0].isupper() or p[0].isdigit() for p in parts):
            propose(Candidate("Technique", name), (m.start(), m.end()))


# A plural kind after a name: "OpenQA systems", "RAG pipelines".
_KIND_AFTER = re.compile(r"\s+(?:systems|models|frameworks|methods|approaches|solutions|"
                         r"techniques|architectures|tools|pipelines|algorithms)\b")
# A finite or modal verb: the words after a listed name have started a clause of their own.
_NEW_CLAUSE = re.compile(r"\b(?:can|could|will|would|may|might|is|are|was|were|has|have|had|"
                         r"does|do|did|shows?|achieves?|enables?|allows?)\b")
_NEW_APPOSITIVE = re.compile(r"(?<![\w-])([A-Za-z][\w.+-]*[A-Za-z0-9+])\s*[,:]\s+(?:the|a|an)\s+"
                             r"(?:first|novel|new)\b")
# What every match of _NEW_APPOSITIVE contains: searched first, as the full pattern, which
# starts with a free name, is tried at every word and costs ~10x more.
_NEW_APPOSITIVE_CUE = re.compile(r"[,:]\s+(?:the|a|an)\s+(?:first|novel|new)\b")
# Searched from "new"/"novel" (a literal start), with the article before it checked apart.
_NEW_THEN_NAME = re.compile(r"\b(?:new|novel)\s+(?:[a-z][a-z-]*\s+){0,3}[a-z][a-z-]*,\s+"
                            r"([A-Za-z][\w.+-]*[A-Za-z0-9+])(?=[\s,.;:(])")
_A_BEFORE = re.compile(r"\b(?:a|an)\s+$")
_TITLECASE_AFTER_CUE = re.compile(
    r"\b([A-Za-z]+)\s+(?:(?:a|an|the)\s+(?:novel\s+|new\s+)?)?"
    r"((?:[A-Z][a-z]+(?:-[A-Za-z]+)*\s+(?:(?:of|for|and|on|in|to)\s+)?){1,5}"
    r"[A-Z][a-z]+(?:-[A-Za-z]+)*)\b(?:\s+([a-z]+))?")


def _name_type(name: str, context: str, vocab: Vocabulary | None = None) -> str:
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


def _novel_phrases(sentence: Sentence, patterns: Patterns) -> list[tuple[str, int, int]]:
    """ "applies a novel adversarial consistency training approach" -> the named-by-words idea."""
    out = []
    for m in patterns.novel_phrase_re.finditer(sentence.text):
        phrase = m.group(1).strip()
        words = phrase.split()
        if any(w in _STOP_SCAN or w in {"and", "efficient", "simple", "effective", "general",
                                        "lightweight", "unified", "scalable"} for w in words):
            continue
        if MODIFIER_SUFFIX.search(words[-1]) or _NAMED_NEXT.match(sentence.text, m.end()):
            continue  # "a novel ... learning-based mechanism"; "a novel system called Bit-cipher"
        start = sentence.start + m.start(1)
        out.append((phrase, start, start + len(phrase)))
    return out


_NAMED_HEADS = {"scheduler", "engine", "library", "compiler", "tool", "toolkit", "accelerator",
                "benchmark", "dataset", "platform", "runtime", "simulator", "agent", "pipeline",
                "suite", "service", "controller", "optimizer", "planner", "serving", "profiler",
                "analyzer", "emulator", "debugger", "variant", "language", "interface"}
_APPOSED_NAME = re.compile(r",\s*([A-Za-z][A-Za-z0-9]*(?:[-.+][A-Za-z0-9]+)*\+*)\s*[,.(;:]")
_APPOSITIVE = re.compile(r"\s*(?:,\s*(?:a|an|the)\b|:\s)")
# Capitalised words that follow a proposal verb without being a name ("We present This, a").
_COMMON_CAPITALIZED = {"a", "an", "the", "this", "these", "our", "its", "their", "two", "three",
                       "several", "new", "novel", "first", "here"}
_LOWER_WORD = re.compile(r"[a-z]+")
# NAME_RE restricted to names with a hyphen (the only ones that can be variants).
_HYPHENATED_NAME = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z0-9]*(?:[.+][A-Za-z0-9]+)*"
                              r"(?:-[A-Za-z0-9]+(?:[.+][A-Za-z0-9]+)*)+\+*(?![\w])")


def _hyphenated_names(text: str) -> Iterator[re.Match[str]]:
    """``_HYPHENATED_NAME.finditer(text)``, searched only in the space-separated words that
    hold a hyphen.

    Why: the pattern starts with a lookbehind, so the regex engine tries it at every
    character of the abstract (~4% of the extractor's time). A match holds a hyphen
    and no space, and a space on either side satisfies both of its boundary assertions, so
    the matches within those words are exactly the matches in the whole text.
    """
    hyphen = text.find("-")
    while hyphen != -1:
        start = text.rfind(" ", 0, hyphen) + 1
        end = text.find(" ", hyphen)
        if end == -1:
            end = len(text)
        yield from _HYPHENATED_NAME.finditer(text, start, end)
        hyphen = text.find("-", end)


_WORD = re.compile(r"[A-Za-z]+")
# Words and phrases that end as modifiers ("Random Forest-based", "LLM-driven"): not names.
_MODIFIER_WORDS = (r"-(?:based|driven|aware|enabled|powered|inspired|guided|assisted|oriented|"
                   r"centric|level|like|specific|friendly|free|coupled|dependent|agnostic|"
                   r"intensive|efficient)")
MODIFIER_SUFFIX = re.compile(_MODIFIER_WORDS + "$", re.I)
# The same, right after a name: "Transformer-based models" are a kind, not "Transformer".
MODIFIER_AFTER = re.compile(_MODIFIER_WORDS + r"\b", re.I)
# After a naming cue, a run of capitalised words or names is one name ("Auto MC-Reward").
_TITLE_RUN = re.compile(r"[A-Z][A-Za-z0-9]*(?:[-.+][A-Za-z0-9]+)*"
                        r"(?: (?:[A-Z][A-Za-z0-9]*(?:[-.+][A-Za-z0-9]+)*))+")
# A phrase whose name follows it: "a novel word representation system called Bit-cipher".
_NAMED_NEXT = re.compile(r",?\s+(?:called|named|dubbed|termed|coined|namely)\b")
# A function word glued to a name by a dash the text lost ("KernelEvolve-an agentic ...").
_DASHED_WORD = re.compile(r"-(?:a|an|the|to|which|that|and|or|for|with|in|on|is)$")
_PLURAL_BEFORE = re.compile(r"[a-z]{2,}[^s\W]s,?\s*$")
_CLAUSE_PUNCT = re.compile(r"[,;:()]")
_ARTICLE = re.compile(r"\b(?:a|an)\b")
# One to three capitalised words (and nothing else) between a cue and the name after them.
_CAPITALIZED_RUN = re.compile(r"\s*(?:[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*\s+){1,3}")
_STOP_SCAN = {"for", "to", "of", "on", "that", "which", "with", "in", "by", "from", "using",
              "based", "via", "across", "over", "into", "under", "and", "or", "as", "at",
              "where", "when", "while", "than", "whose", "its", "their"}


def _names_after_cue(sentence: Sentence, patterns: Patterns, *, own_subject: bool = False
                     ) -> list[tuple[str, int, int]]:
    """Name tokens right after a proposal verb or naming cue: "we present FastSwitch, a ...".

    The scan stops at a preposition or clause break: in "a system that enables an RC car" or
    "built on LInear grOup RNN" the name is not the paper's contribution.
    """
    out = []
    cue_words = patterns.proposal_verbs | patterns.naming_cues
    for m in _WORD.finditer(sentence.text):
        cue = m.group(0).lower()
        if cue not in cue_words:
            continue
        naming = cue in patterns.naming_cues
        if cue == "namely" and _PLURAL_BEFORE.search(sentence.text, 0, m.start()):
            continue  # "edge devices, namely Raspberry Pis": examples of a kind, not a name
        gerund = cue.endswith("ing")
        if not naming and not gerund and not own_subject and \
                not _self_subject(sentence.text[: m.start()]):
            continue  # "hardware co-designed LLMs": a participle, not the paper proposing
        rest = sentence.text[m.end(): m.end() + 100]
        for n in NAME_RE.finditer(rest):
            word = n.group(0)
            before = rest[: n.start()]
            if _CLAUSE_PUNCT.search(before) or len(before.split()) > 5:
                # "we propose a novel colour quantisation transformer, CQFormer, that ...":
                # a name in apposition right after the first comma.
                m2 = _APPOSED_NAME.match(rest, before.find(",")) if "," in before else None
                if m2 and is_name(m2.group(1)) and len(before[:before.find(",")].split()) <= 8:
                    start = sentence.start + m.end() + m2.start(1)
                    out.append((m2.group(1), start, start + len(m2.group(1))))
                break
            if word.lower() in _STOP_SCAN:
                break
            if _ARTICLE.search(before) and not naming:
                # "an efficient LLM inference scheduler Sarathi-Serve": a name right after the
                # head noun is the contribution's name; elsewhere ("a SOAP classifier", "a
                # hybrid ... HGNN") it only qualifies an unnamed thing.
                head = before.split()[-1].lower() if before.split() else ""
                if not (is_name(word) and (head in patterns.novel_heads or
                                           head in _NAMED_HEADS)):
                    continue
            appositive = (word[0].isupper() and not before.strip() and word.lower() not in
                          _COMMON_CAPITALIZED and _APPOSITIVE.match(rest, n.end()))
            coined = naming and cue != "namely" and "-" in word and word.islower() and \
                not before.strip()
            if is_name(word) or (naming and word[0].isupper()) or appositive or coined:
                start = sentence.start + m.end() + n.start()
                if _CAPITALIZED_RUN.fullmatch(before):
                    # "we introduce Multi-Query GSM-Symbolic": capitalised words right
                    # before the name are part of it.
                    word = before.strip() + " " + word
                    start = sentence.start + m.end() + len(before) - len(before.lstrip())
                # "KernelEvolve-an agentic ... framework-to tackle": a dash lost in the text.
                word = _DASHED_WORD.sub("", word.rstrip("."))
                if naming and not is_name(word):
                    # "named Style Adaptive Convolutions": a title-case name runs on.
                    run = _TITLE_RUN.match(rest, n.start())
                    if run and run.group(0) != word and len(run.group(0).split()) <= 5:
                        word = run.group(0)
                out.append((word, start, start + len(word)))
                # "named HeteroIR and HeteroIM": a short list of names continues.
                tail = rest[n.end():]
                while (more := re.match(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)"
                                        r"([A-Za-z][A-Za-z0-9]*(?:[-.+][A-Za-z0-9]+)*)", tail)):
                    if not is_name(more.group(1)):
                        break
                    offset = len(rest) - len(tail) + more.start(1)
                    begin = sentence.start + m.end() + offset
                    out.append((more.group(1), begin, begin + len(more.group(1))))
                    tail = tail[more.end():]
                break
    return out
