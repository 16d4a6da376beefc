"""Per-paper findings: produced (extracted, or read from the cache), written to
``findings.jsonl`` (the ``kg extract`` contract, see ../shared/eval/README.md) and read back.

A build's ``findings.jsonl`` is what every later step reads: ``kg export`` and ``kg html``
replay it through the sinks, ``kg.load_graph`` merges it into a graph, an ``--update``
reads its papers back. No step re-extracts.
"""

from __future__ import annotations

import collections
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.cache import FindingsCache, paper_key
from kg.errors import KGError, ParseError
from kg.extract import DEFAULT_EXTRACTOR, extract_lines
from kg.infra.fileio import write_lines
from kg.model import Paper, PaperFindings

__all__ = ["Progress", "findings_line", "findings_of", "iter_findings", "iter_findings_lines",
           "read_findings_jsonl", "read_findings_papers", "write_findings_jsonl"]

# Wraps the list of papers to extract (e.g. in a progress bar) and yields them back.
Progress = Callable[[Iterable[Paper]], Iterable[Paper]]


def iter_findings(papers: Iterable[Paper], *, extractor: str = DEFAULT_EXTRACTOR,
                  workers: int = 1, cache: FindingsCache | None = None,
                  progress: Progress | None = None, batch: int = 1000,
                  executor: str = "local", scheduler: str | None = None,
                  ) -> Iterator[PaperFindings]:
    """The findings of each paper, in order, streamed: papers the cache holds are read from
    it, the others are extracted (in ``workers`` processes) and added to it in batches."""
    for record, _ in iter_findings_lines(papers, extractor=extractor, workers=workers,
                                         cache=cache, progress=progress, batch=batch,
                                         executor=executor, scheduler=scheduler):
        yield record


def iter_findings_lines(papers: Iterable[Paper], *, extractor: str = DEFAULT_EXTRACTOR,
                        workers: int = 1, cache: FindingsCache | None = None,
                        progress: Progress | None = None, batch: int = 1000,
                        executor: str = "local", scheduler: str | None = None,
                        ) -> Iterator[tuple[PaperFindings, str]]:
    """``iter_findings`` with each record's ``findings_line``, serialized once for both
    findings.jsonl and the cache.

    ``papers`` is read once, lazily (a ``PaperSpool`` or a list): the papers to extract are
    picked from it a little ahead of the findings handed back, so only that gap is held.
    """
    def run(todo: Iterable[Paper]) -> Iterator[tuple[PaperFindings, str]]:
        return extract_lines(todo, extractor=extractor, workers=workers, executor=executor,
                             scheduler=scheduler)

    papers = progress(papers) if progress else papers
    if cache is None:
        yield from run(papers)
        return
    ahead = _CacheLookahead(papers, cache, extractor, batch)
    fresh = run(ahead.to_extract())
    while chunk := ahead.next_chunk():
        cached = cache.get_many([key for key, known in chunk if known])
        new: list[tuple[str, str]] = []
        for key, known in chunk:
            if known:
                yield cached[key]
            else:
                record, line = next(fresh)
                new.append((key, line))
                yield record, line
        cache.put_many(new)


class _CacheLookahead:
    """Reads the papers once, in chunks, for two consumers: the extraction, which wants the
    papers the cache lacks a little ahead (its window of chunks in flight), and the caller,
    which hands every paper's findings back in order.

    Why not ``itertools.tee``: it kept every paper that one side had passed and the other had
    not. With a warm cache the extraction side never runs, so a rebuild or an update held the
    whole corpus. Here a chunk read by
    either side keeps only its keys and whether the cache holds them; the papers wait only
    while they are queued for extraction. The extraction side reads on until its window is
    full, so when new papers are sparse (an update of a few papers among many), the keys of
    the chunks it read past wait too: ~0.2 KB a paper, against a paper's few KB.
    """

    def __init__(self, papers: Iterable[Paper], cache: FindingsCache, extractor: str,
                 batch: int) -> None:
        self._papers = iter(papers)
        self._cache = cache
        self._extractor = extractor
        self._batch = batch
        self._chunks: collections.deque[list[tuple[str, bool]]] = collections.deque()
        self._queued: collections.deque[Paper] = collections.deque()

    def _read(self) -> bool:
        """Read one more chunk: its keys for the caller, its unknown papers for extraction."""
        papers = list(itertools.islice(self._papers, self._batch))
        if not papers:
            return False
        keys = [paper_key(paper, self._extractor) for paper in papers]
        known = self._cache.known(keys)
        self._chunks.append([(key, key in known) for key in keys])
        self._queued.extend(paper for paper, key in zip(papers, keys, strict=True)
                            if key not in known)
        return True

    def to_extract(self) -> Iterator[Paper]:
        """The papers the cache lacks, in input order, reading ahead only when asked."""
        while self._queued or self._read():
            while self._queued:
                yield self._queued.popleft()

    def next_chunk(self) -> list[tuple[str, bool]]:
        """The next chunk's (key, cached) pairs in input order; empty at the end."""
        if not self._chunks and not self._read():
            return []
        return self._chunks.popleft()


def findings_line(record: PaperFindings) -> str:
    """One line of the ``kg extract`` contract (see ../shared/eval/README.md)."""
    return record.to_line()


def write_findings_jsonl(findings: Iterable[PaperFindings], path: str | Path) -> None:
    """The ``kg extract`` contract: one JSON object per paper."""
    write_lines(path, (findings_line(f) for f in findings))


def read_findings_jsonl(path: str | Path) -> Iterator[PaperFindings]:
    """Read back what ``write_findings_jsonl`` wrote."""
    return _read_records(path, PaperFindings.from_dict)


def read_findings_papers(path: str | Path) -> Iterator[Paper]:
    """The papers of a ``findings.jsonl``, without building their findings: an update reads
    every earlier paper back to merge it with the new listings, and their entities and
    relations come from the cache instead."""
    return _read_records(path, lambda data: Paper.from_dict(data["paper"]) if "paper" in data
                         else PaperFindings.from_dict(data).paper)


def _read_records(path: str | Path, parse: Callable[[dict], PaperFindings | Paper]) -> Iterator:
    with open(path, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield parse(json.loads(line))
            except (ValueError, KeyError, TypeError) as err:
                raise ParseError(f"not a kg findings record: {err}", path=str(path),
                                 line=lineno) from err


def findings_of(directory: str | Path) -> Path:
    """The findings.jsonl of a previous build, or a clear error that there is none."""
    path = Path(directory) / "findings.jsonl"
    if not path.is_file():
        raise KGError(f"no {path}: run 'kg build ... -o {directory}' first")
    return path
