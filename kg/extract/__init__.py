"""Extraction: ``Paper`` -> ``PaperFindings`` (entities and relations, each with evidence).

The extractor is a pure function of the paper, so it can run in any process or on any worker.
Extractors are registered by versioned name (``EXTRACTORS``); ``DEFAULT_EXTRACTOR`` is what
``kg build`` and ``kg extract`` run unless told otherwise.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import gc
import itertools
import re
from collections.abc import Callable, Iterable, Iterator

from kg.extract.candidates import Candidate, sentence_index, sentence_of
from kg.extract.compare import find_comparisons
from kg.extract.confidence import family, load_calibration
from kg.extract.context import is_background, is_negated, is_survey
from kg.extract.heads import head_concepts
from kg.extract.matcher import VocabMatcher
from kg.extract.patterns import Patterns, load_patterns
from kg.extract.rules import collect_candidates
from kg.extract.text import paper_text, split_sentences
from kg.model import ROLE_BY_TYPE, Entity, Evidence, Paper, PaperFindings, Relation
from kg.normalize import norm_key
from kg.vocab import Vocabulary, load_vocabulary

__all__ = ["DEFAULT_EXTRACTOR", "EXECUTORS", "EXTRACTORS", "RulesExtractor", "extract_lines",
           "extract_papers", "get_extractor"]

_DIGIT = re.compile(r"\d")
# Words that state a quantity as the field's problem when they qualify it: "the prohibitive
# training costs", "high latency" in a sentence that does not speak for the paper.
_PROBLEM_BEFORE = re.compile(r"\b(?:prohibitive(?:ly)?|high|huge|substantial|significant|"
                             r"enormous|expensive|massive|excessive|increasing|growing|rising|"
                             r"considerable|large|heavy|costly|immense|tremendous|soaring|"
                             r"escalating|skyrocketing|non-negligible|unacceptable|"
                             r"long)\s+(?:[\w-]+\s+){0,2}$", re.I)


class RulesExtractor:
    """Vocabulary, acronym, proposal and comparison rules over one paper at a time.

    Parameters
    ----------
    vocab : Vocabulary, optional
        Defaults to the packaged vocabularies.
    patterns : Patterns, optional
        Defaults to ``schemas/patterns.json``.
    """

    name = "rules.v1"

    def __init__(self, vocab: Vocabulary | None = None, patterns: Patterns | None = None):
        self.vocab = vocab or load_vocabulary()
        self.patterns = patterns or load_patterns()
        self.matcher = VocabMatcher(self.vocab)
        self.calibration = load_calibration()

    def __call__(self, paper: Paper) -> PaperFindings:
        return self.with_families(paper)[0]

    def with_families(self, paper: Paper) -> tuple[PaperFindings, list[str]]:
        """The paper's findings, and the confidence family of each of its relations (in
        order), which ``kg.calibration`` measures."""
        text = paper_text(paper)
        sentences = split_sentences(text)
        candidates = collect_candidates(text, sentences, vocab=self.vocab, matcher=self.matcher,
                                        patterns=self.patterns)
        comparisons = find_comparisons(sentences, candidates, self.patterns)
        entities: dict[str, Entity] = {}
        relations: list[Relation] = []

        def entity(candidate: Candidate) -> str:
            if candidate.id not in entities:
                concept = candidate.concept
                aliases = [n for n in candidate.names() if n != candidate.label]
                if concept:
                    broader = self.vocab.concepts[concept.id].broader
                else:
                    broader = head_concepts(candidate.label, candidate.type, self.vocab)
                entities[candidate.id] = Entity(
                    id=candidate.id, type=candidate.type, label=candidate.label,
                    aliases=tuple(aliases), concept=concept.id if concept else None,
                    broader=tuple(broader))
            return candidate.id

        def evidence(span: tuple[int, int], rule: str) -> Evidence:
            sentence = sentence_of(sentences, span[0])
            return Evidence(sentence.text, span[0], span[1], rule)

        beaten = {c.loser.id for c in comparisons}
        compared = {c.sentence.start for c in comparisons}
        background = [is_background(sentence, self.patterns) for sentence in sentences]
        survey = is_survey(text, self.patterns)
        for candidate in sorted(candidates, key=lambda c: c.spans[0] if c.spans else (0, 0)):
            if not candidate.spans or (candidate.concept is None and
                                       norm_key(candidate.label) in self.patterns.not_entities):
                continue
            if candidate.proposed:
                span = candidate.proposed_span or candidate.spans[0]
                relations.append(Relation("proposes", paper.id, entity(candidate),
                                          evidence(span, "proposed.v1")))
                if candidate.type in ("Dataset", "Metric"):
                    # A benchmark the paper releases is also evaluated on; a score it coins is
                    # also measured (GUIDELINES.md).
                    relations.append(Relation(ROLE_BY_TYPE[candidate.type], paper.id,
                                              entity(candidate), evidence(span, "proposed.v1")))
                continue
            if candidate.id in beaten and not _also_built_on(candidate, sentences, compared,
                                                             self.patterns):
                continue
            if candidate.type in ("Technique", "Model", "Hardware") and all(
                    is_negated(text, start) for start, _ in candidate.spans):
                continue  # "starting from base models without distillation": not used
            if candidate.type in ("Technique", "Model") and all(
                    background[sentence_index(sentences, start)]
                   for start, _ in candidate.spans):
                continue  # named only as what others did ("while recent advances like o1 ...")
            if survey and candidate.type == "Metric" and not any(
                    _DIGIT.search(sentence_of(sentences, start).text)
                    for start, _ in candidate.spans):
                continue  # a survey names quantities; it measures only what it gives values of
            if candidate.type == "Metric" and all(
                    _PROBLEM_BEFORE.search(text, max(0, start - 40), start) and
                    _states_a_problem(sentence_of(sentences, start).text, self.patterns)
                    for start, _ in candidate.spans):
                continue  # only the field's problem ("prohibitive training costs")
            role = ROLE_BY_TYPE[candidate.type]
            relations.append(Relation(role, paper.id, entity(candidate),
                                      evidence(candidate.spans[0], candidate.rules[0])))
        for comparison in comparisons:
            if comparison.loser.concept is None and \
                    norm_key(comparison.loser.label) in self.patterns.not_entities:
                continue  # "than GPU" read as a name: a known word, not a system
            winner = entity(comparison.winner) if comparison.winner else paper.id
            loser = entity(comparison.loser)
            metric = entity(comparison.metric) if comparison.metric else None
            sentence = comparison.sentence
            relations.append(Relation(
                "outperforms", winner, loser,
                Evidence(sentence.text, sentence.start, sentence.end, "outperforms.v1"),
                metric=metric, values=comparison.values))
        mentions = {c.id: len(c.spans) for c in candidates}
        relations = _merge_duplicates(relations)
        keys = [_family(r, entities, mentions, len(paper.title), paper.id) for r in relations]
        confidence = self.calibration.confidence
        relations = [Relation(r.type, r.source, r.target, r.evidence, r.metric, r.dataset,
                              r.values, confidence(key))
                     for r, key in zip(relations, keys, strict=True)]
        used = {r.target for r in relations} | {r.source for r in relations} | {
            r.metric for r in relations if r.metric}
        return PaperFindings(
            paper=paper,
            entities=tuple(sorted((e for e in entities.values() if e.id in used),
                                  key=lambda e: e.id)),
            relations=tuple(relations),
        ), keys


def _states_a_problem(sentence: str, patterns: Patterns) -> bool:
    """Whether a sentence states the field's problem rather than the paper's results: it
    does not speak for the paper ("we", "our") and gives no value."""
    return not patterns.self_reference_re.search(sentence.lower()) and \
        not _DIGIT.search(sentence)


def _merge_duplicates(relations: list[Relation]) -> list[Relation]:
    """One relation per (type, source, target). A pair compared twice ("4% more accurate
    than A, or 1.5x faster than A") keeps its first sentence and metric and takes the numbers
    of both; other duplicates keep their last evidence."""
    merged: dict[tuple[str, str, str], Relation] = {}
    for r in relations:
        key = (r.type, r.source, r.target)
        first = merged.get(key)
        if first is not None and r.type == "outperforms":
            values = dict(r.values or ())
            values.update(dict(first.values or ()))
            r = dataclasses.replace(first, metric=first.metric or r.metric,
                                    values=tuple(sorted(values.items())))
        merged[key] = r
    return list(merged.values())


def _family(relation: Relation, entities: dict[str, Entity], mentions: dict[str, int],
            title_length: int, paper_id: str) -> str:
    """The confidence family of ``relation`` (kg.extract.confidence)."""
    target = entities.get(relation.target)
    return family(relation.type, relation.evidence.rule,
                  concept=target is not None and target.concept is not None,
                  in_title=relation.evidence.start < title_length,
                  repeated=mentions.get(relation.target, 0) > 1,
                  metric=relation.metric is not None, numbers=bool(relation.values),
                  by_paper=relation.source == paper_id,
                  figure=relation.type == "measures" and
                  _DIGIT.search(relation.evidence.sentence) is not None)


def _also_built_on(candidate: Candidate, sentences: list, compared: set[int],
                   patterns: Patterns) -> bool:
    """A beaten system is also ``uses`` when the paper says it builds on it outside the
    comparison ("we propose strategies for ZeRO++ ..."): the guidelines count both."""
    for start, _ in candidate.spans:
        sentence = sentence_of(sentences, start)
        if sentence.start in compared or sentence.is_title:
            continue
        lower = sentence.text.lower()
        if re.search(r"\b(we|our)\b", lower) and re.search(
                r"\b(extend|extends|build on|built on|builds on|based on|on top of|adapt|"
                r"adapts|for|into|integrate|integrates|leverag\w*|us(?:e|es|ing))\b", lower):
            return True
    return False


EXTRACTORS: dict[str, Callable[[], Callable[[Paper], PaperFindings]]] = {
    "rules.v1": RulesExtractor,
}
DEFAULT_EXTRACTOR = "rules.v1"


@functools.lru_cache(maxsize=4)
def get_extractor(name: str = DEFAULT_EXTRACTOR) -> Callable[[Paper], PaperFindings]:
    """The extractor registered as ``name``, built once per process."""
    if name not in EXTRACTORS:
        raise KeyError(f"unknown extractor '{name}' (known: {', '.join(sorted(EXTRACTORS))})")
    return EXTRACTORS[name]()


def _extract_chunk(args: tuple[str, list[Paper]]) -> list[PaperFindings]:
    name, chunk = args
    run = get_extractor(name)
    return [run(paper) for paper in chunk]


def _extract_chunk_lines(args: tuple[str, list[Paper]]) -> list[tuple[PaperFindings, str]]:
    """Findings with their JSON line, serialized where they are extracted: in parallel, not
    in the one process that merges them."""
    return [(record, record.to_line()) for record in _extract_chunk(args)]


def _chunks(papers: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    chunk: list[Paper] = []
    for paper in papers:
        chunk.append(paper)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _extract_dask(papers: Iterable[Paper], extractor: str, scheduler: str | None,
                  workers: int, chunksize: int, job: Callable) -> Iterator:
    """Extraction on a dask.distributed cluster: a ``LocalCluster`` of ``workers`` processes
    when ``scheduler`` is None, else the scheduler at that address ("tcp://host:8786")."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as err:
        raise ImportError("the dask executor needs dask.distributed: "
                          "pip install 'kg[dask]'") from err
    cluster = None if scheduler else LocalCluster(n_workers=max(workers, 1),
                                                  threads_per_worker=1, processes=True,
                                                  dashboard_address=None)
    client = Client(scheduler or cluster)
    try:
        # A bounded window of chunks in flight keeps memory flat on long corpora.
        window = max(4, 4 * max(workers, 1))
        chunks = ((extractor, chunk) for chunk in _chunks(papers, chunksize))
        pending = [client.submit(job, args, pure=False)
                   for args in itertools.islice(chunks, window)]
        while pending:
            yield from pending.pop(0).result()
            pending.extend(client.submit(job, args, pure=False)
                           for args in itertools.islice(chunks, 1))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


EXECUTORS = ("local", "dask")


def extract_papers(papers: Iterable[Paper], *, extractor: str = DEFAULT_EXTRACTOR,
                   workers: int = 1, chunksize: int = 64, executor: str = "local",
                   scheduler: str | None = None) -> Iterator[PaperFindings]:
    """Run the extractor over each paper, lazily, in input order.

    With ``workers > 1`` the papers are extracted in that many local processes; with
    ``executor="dask"`` on a dask.distributed cluster (``scheduler`` address, or a local one).
    Extraction is a pure function of a paper, so every executor gives identical output.
    """
    return _run(papers, _extract_chunk, extractor=extractor, workers=workers,
                chunksize=chunksize, executor=executor, scheduler=scheduler)


def extract_lines(papers: Iterable[Paper], *, extractor: str = DEFAULT_EXTRACTOR,
                  workers: int = 1, chunksize: int = 64, executor: str = "local",
                  scheduler: str | None = None) -> Iterator[tuple[PaperFindings, str]]:
    """``extract_papers`` with each record's JSON line (``PaperFindings.to_line``), made by
    the worker that extracted it."""
    return _run(papers, _extract_chunk_lines, extractor=extractor, workers=workers,
                chunksize=chunksize, executor=executor, scheduler=scheduler)


def _run(papers: Iterable[Paper], job: Callable, *, extractor: str, workers: int,
         chunksize: int, executor: str, scheduler: str | None) -> Iterator:
    if executor == "dask":
        yield from _extract_dask(papers, extractor, scheduler, workers, chunksize, job)
        return
    if executor != "local":
        raise ValueError(f"unknown executor '{executor}' (known: {', '.join(EXECUTORS)})")
    if workers <= 1:
        for chunk in _chunks(papers, chunksize):
            yield from job((extractor, chunk))
        return
    import multiprocessing

    get_extractor(extractor)  # load vocabularies once; forked workers inherit them
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    # Forked workers inherit the caller's heap (at 10^5 papers, the corpus): frozen, the
    # inherited objects are skipped by the workers' garbage collector, which would otherwise
    # walk them and copy their pages; the caller unfreezes at once.
    gc.freeze()
    try:
        pool = context.Pool(workers)
    finally:
        gc.unfreeze()
    with pool:
        # A bounded window of chunks in flight (``pool.imap`` has none): when the consumer
        # is slower than the workers, finished findings would pile up in memory.
        jobs = ((extractor, chunk) for chunk in _chunks(papers, chunksize))
        pending = collections.deque(pool.apply_async(job, (args,))
                                    for args in itertools.islice(jobs, 4 * workers))
        while pending:
            findings = pending.popleft().get()
            pending.extend(pool.apply_async(job, (args,))
                           for args in itertools.islice(jobs, 1))
            yield from findings
