"""Readers: one module per source format, all yielding ``Paper`` records.

``read_papers(paths)`` picks the reader of each file (by suffix, or by content for text
files) and merges listings of the same paper (same arXiv id or normalized title) into one
``Paper`` that keeps every source and the richest metadata.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.errors import ParseError
from kg.model import ListingIndex, Paper
from kg.readers.arxiv import read_arxiv_atom
from kg.readers.base import Warn, read_text
from kg.readers.bibtex import read_bibtex
from kg.readers.daily_papers import is_daily_papers, read_daily_papers
from kg.readers.hf_api import read_hf_papers
from kg.readers.table import read_table

__all__ = ["MAX_TEXT_CHARS", "SOURCES", "detect_source", "merge_papers", "read_papers",
           "read_source"]


SOURCES: dict[str, Callable[..., Iterator[Paper]]] = {
    "daily-papers": read_daily_papers,
    "arxiv": read_arxiv_atom,
    "hf": read_hf_papers,
    "table": read_table,
    "bibtex": read_bibtex,
}
_BY_SUFFIX = {".xml": "arxiv", ".atom": "arxiv", ".json": "hf", ".jsonl": "table",
              ".csv": "table", ".parquet": "table", ".bib": "bibtex"}


def detect_source(path: str | Path) -> str:
    """The reader for a file: by suffix, and for text files by their first lines."""
    p = Path(path)
    if p.suffix.lower() in _BY_SUFFIX:
        return _BY_SUFFIX[p.suffix.lower()]
    head = read_text(p)[:4096]
    if is_daily_papers(head):
        return "daily-papers"
    if head.lstrip().startswith("<") and "<feed" in head:
        return "arxiv"
    if head.lstrip().startswith("@"):
        return "bibtex"
    raise ParseError("unknown listing format (expected a Daily Papers page, an arXiv Atom "
                     "feed, Hugging Face API JSON, a JSONL/CSV/Parquet table or BibTeX)",
                     path=str(path))


def read_source(path: str | Path, *, source: str | None = None, warn: Warn | None = None,
                columns: dict[str, str] | None = None) -> Iterator[Paper]:
    """Yield the papers of one file, with the reader for ``source`` or the detected one."""
    name = source or detect_source(path)
    if name not in SOURCES:
        raise ParseError(f"unknown source '{name}' (known: {', '.join(sorted(SOURCES))})",
                         path=str(path))
    papers = (read_table(path, columns=columns, warn=warn) if name == "table"
              else SOURCES[name](path, warn=warn))
    count = 0
    for paper in papers:
        count += 1
        yield _checked_size(_checked_dates(paper, warn), warn)
    if count == 0 and warn:
        warn(f"{path}: no papers in this file")


# An arXiv abstract is at most 1,920 characters and titles are short; text far beyond this is
# a file that is not what it claims (a whole paper, a log) and would only slow extraction.
MAX_TEXT_CHARS = 50_000


def _where(paper: Paper) -> str:
    """Where ``paper`` was first read, as file:line, for warnings."""
    return f"{paper.sources[0].path}:{paper.sources[0].line}" if paper.sources else paper.id


def _checked_size(paper: Paper, warn: Warn | None) -> Paper:
    """``paper`` with its title and abstract cut to ``MAX_TEXT_CHARS`` each (at a space),
    with a warning naming where it was read."""
    cut = {key: value for key in ("title", "abstract")
           if len(value := getattr(paper, key)) > MAX_TEXT_CHARS}
    if not cut:
        return paper
    for key, value in cut.items():
        end = value.rfind(" ", 0, MAX_TEXT_CHARS)
        cut[key] = value[:end if end > MAX_TEXT_CHARS // 2 else MAX_TEXT_CHARS]
        if warn:
            warn(f"{_where(paper)}: {key} of {len(value):,} characters cut to the first "
                 f"{len(cut[key]):,} (at most {MAX_TEXT_CHARS:,} are read)")
    return dataclasses.replace(paper, **cut)


def _valid_date(value: str | None) -> bool:
    """Whether ``value`` is a calendar date written YYYY-MM-DD (what ``xsd:date`` needs)."""
    if value is None:
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _checked_dates(paper: Paper, warn: Warn | None) -> Paper:
    """``paper`` without any date that is not a calendar date, with a warning naming where
    it was read: a bad date is dropped, the paper kept."""
    bad = {key: value for key in ("published", "updated")
           if not _valid_date(value := getattr(paper, key))}
    if not bad:
        return paper
    if warn:
        for key, value in bad.items():
            warn(f"{_where(paper)}: {key} date {value!r} is not a date (YYYY-MM-DD); the paper is "
                 f"kept without it")
    return dataclasses.replace(paper, **dict.fromkeys(bad))


def merge_papers(papers: Iterable[Paper]) -> list[Paper]:
    """One ``Paper`` per real paper, in first-seen order; repeated listings are merged.

    Two listings are the same paper when they share an arXiv id or a normalized title (case,
    punctuation and TeX folded), whichever source they come from.
    """
    merged: dict[int, Paper] = {}
    index = ListingIndex()
    for paper in papers:
        slot, title_key = index.find(paper)
        if slot is None:
            slot = len(merged)
            merged[slot] = paper
        else:
            merged[slot] = merged[slot].merged_with(paper)
        index.remember(merged[slot], title_key, slot)
    return list(merged.values())


def read_papers(paths: Iterable[str | Path], *, source: str | None = None,
                warn: Warn | None = None) -> list[Paper]:
    """Read every file and merge the same paper listed more than once."""
    return merge_papers(p for path in paths for p in read_source(path, source=source, warn=warn))
