"""The paper's own named contribution: the title prefix ("FastSwitch: ..."), names after
"we propose/present/introduce" or "called/named", Title Case names the paper defines after
its own naming verb, sentences whose subject is the paper's system, and the named parts and
variants of what it proposes. A name the paper also uses for a kind is not its own."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.extract.acronyms import Definition
from kg.extract.candidates import (
    MODIFIER_SUFFIX,
    NAME_RE,
    Candidate,
    Registry,
    is_name,
    joins_word,
    word_spans,
)
from kg.extract.context import CLAUSE_BREAK
from kg.extract.heads import name_type, type_from_head
from kg.extract.patterns import Patterns
from kg.extract.text import Sentence
from kg.normalize import norm_key
from kg.vocab import Vocabulary

__all__ = ["mark_proposed"]


_TITLE_PREFIX_RE = re.compile(r"^\s*([^:]{2,60}?)\s*:\s+\S")


_TITLE_NOT_NAMES = {"survey", "review", "position", "towards", "toward", "beyond", "rethinking",
                    "benchmarking", "tutorial", "overview", "introduction", "perspective",
                    "vision", "keynote", "sok", "case study", "revisiting", "understanding",
                    "demystifying", "exploring", "characterizing", "on", "the", "a", "an"}


# "X is proposed", "X are introduced": a proposal in the passive voice (present tense only:
# "X was proposed by Tandon et al." is others' work).
_PASSIVE_VERBS = ("proposed", "introduced", "presented", "developed", "designed")


_PASSIVE_PROPOSAL = re.compile(r"\b(?:is|are)\s+(?:first\s+|hereby\s+|thus\s+)?(?:" +
                               "|".join(_PASSIVE_VERBS) + r")\b")


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
    return any(rest.startswith(name) and not joins_word(rest[len(name):len(name) + 1] or " ")
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
    if all(w[:1].isupper() for w in words) and word_spans(abstract, prefix):
        return prefix
    return None


def mark_proposed(text: str, sentences: list[Sentence], registry: Registry,
                   definitions: list[Definition], vocab: Vocabulary,
                   patterns: Patterns) -> None:
    title = sentences[0].text
    title_end = sentences[0].end
    proposal = {sentence.start: _proposal_sentence(sentence, patterns) for sentence in sentences}
    prefix = _title_prefix_name(title, text[len(title):])
    if prefix:
        start = title.find(prefix)
        candidate = registry.get(prefix) or Candidate(
            name_type(prefix, title[len(prefix):], vocab), prefix)
        candidate.add((start, start + len(prefix)), "proposed.v1")
        candidate.proposed = True
        candidate.proposed_span = candidate.proposed_span or (start, start + len(prefix))
        candidate = registry.add(candidate)
        # A definition of the prefix ("Sparse Continual Learning (SparCL)") is the same thing.
        for d in definitions:
            if norm_key(d.short) == norm_key(prefix):
                candidate.add((d.long_start, d.long_end), "proposed.v1", alias=d.long)
                registry.by_name.setdefault(norm_key(d.long), candidate)
        for span in word_spans(text, prefix):
            candidate.add(span, "proposed.v1")

    spread: set[tuple[int, str]] = set()  # (candidate, name) whose mentions are all added

    def propose(candidate: Candidate, span: tuple[int, int]) -> Candidate:
        candidate.add(span, "proposed.v1")
        candidate.proposed = True
        candidate.proposed_span = candidate.proposed_span or span
        candidate = registry.add(candidate)
        name = text[span[0]:span[1]]
        if (id(candidate), name) not in spread:  # once per name, not once per mention
            spread.add((id(candidate), name))
            for word_span in word_spans(text, name):
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
                    not CLAUSE_BREAK.search(text, end + 1, verb):
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
            if ((listed is not None and not _NEW_CLAUSE.search(text[listed:start])) or
                    _is_object_of_cue(text[sentence.start:start], patterns)) and \
                    not _qualifies_next(text, max(d.long_end, d.short_end) + 1, patterns):
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
                candidate = Candidate(name_type(name, sentence.text, vocab), name)
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
            kind = name_type(name, text[m.end(): m.end() + 80], vocab)
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
            kind = name_type(name, m.group(0), vocab)
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


# After a definition, a lower-case noun the defined name only qualifies ("a physical resource
# block (PRB) assignment strategy"): the contribution is the longer, unnamed thing.
_QUALIFIES_NEXT = re.compile(r"\s+(?!(?:which|that|to|for|and|or|with|in|on|of|by|as|is|are|"
                             r"was|were|can|could|will|would|from|via|using|based|where|"
                             r"while|when|the|a|an|its|their|this|these)\b)[a-z][a-z-]+")
_PART_HEADS = {"token", "tokens", "loss", "block", "unit", "component", "head", "encoder",
               "decoder", "network", "cache", "operator", "kernel", "engine", "module", "layer"}


def _qualifies_next(text: str, at: int, patterns: Patterns) -> bool:
    """Whether the defined name ending at ``at`` only qualifies a lower-case noun after it
    ("a physical resource block (PRB) assignment strategy"); a part's own head ("an instance
    boundary enhancement (IBE) module") does not count."""
    m = _QUALIFIES_NEXT.match(text, at)
    if m is None:
        return False
    word = m.group(0).split()[-1]
    return word not in patterns.novel_heads and word not in _PART_HEADS


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
