"""Readers: one module per source format, all yielding ``Paper`` records.

``read_papers(paths)`` picks the reader of each file and merges listings of the same paper
(same id) into one ``Paper`` that keeps every source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.errors import ParseError
from kg.model import Paper
from kg.readers.base import read_text
from kg.readers.daily_papers import is_daily_papers, read_daily_papers

__all__ = ["SOURCES", "merge_papers", "read_papers", "read_source"]

Warn = Callable[[str], None]

SOURCES: dict[str, Callable[..., Iterator[Paper]]] = {"daily-papers": read_daily_papers}


def _detect(path: Path) -> str:
    head = read_text(path)[:4096]
    if is_daily_papers(head):
        return "daily-papers"
    raise ParseError("unknown listing format (expected a Hugging Face Daily Papers page)",
                     path=str(path))


def read_source(path: str | Path, *, source: str | None = None,
                warn: Warn | None = None) -> Iterator[Paper]:
    """Yield the papers of one file, with the reader for ``source`` or the detected one."""
    name = source or _detect(Path(path))
    if name not in SOURCES:
        raise ParseError(f"unknown source '{name}' (known: {', '.join(sorted(SOURCES))})",
                         path=str(path))
    yield from SOURCES[name](path, warn=warn)


def merge_papers(papers: Iterable[Paper]) -> list[Paper]:
    """One ``Paper`` per id, in first-seen order; repeated listings are merged."""
    merged: dict[str, Paper] = {}
    for paper in papers:
        seen = merged.get(paper.id)
        merged[paper.id] = paper if seen is None else seen.merged_with(paper)
    return list(merged.values())


def read_papers(paths: Iterable[str | Path], *, source: str | None = None,
                warn: Warn | None = None) -> list[Paper]:
    """Read every file and merge the same paper listed more than once."""
    return merge_papers(p for path in paths for p in read_source(path, source=source, warn=warn))
