"""Reader for Hugging Face papers API JSON.

Two shapes are accepted, as the API returns them:

- ``/api/daily_papers``: a list of items ``{"paper": {...}, "title", "publishedAt", ...}``;
- ``/api/papers/{id}``: one paper object, or a list of them (``/api/papers/search``).

A paper object has ``id`` (the arXiv id), ``title``, ``summary``, ``authors`` (objects with
``name``), ``upvotes``, ``publishedAt`` and optionally ``organization`` (an object with
``fullname``/``name``). A record without a title is skipped with a warning naming its index.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.errors import ParseError
from kg.ids import paper_id
from kg.model import Paper, SourceRef
from kg.readers.base import Warn, parse_json, read_text

__all__ = ["looks_like_hf", "parse_hf_papers", "read_hf_papers"]



def looks_like_hf(data: Any) -> bool:
    """True for the JSON shapes above."""
    items = data if isinstance(data, list) else [data]
    first = items[0] if items else {}
    return isinstance(first, dict) and ("paper" in first or "summary" in first)


def _organization(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("fullname") or value.get("name")
    return value if isinstance(value, str) and value else None


def parse_hf_papers(data: Any, *, path: str = "<input>",
                    warn: Warn | None = None) -> Iterator[Paper]:
    """Yield the papers of a parsed API response."""
    warn = warn or (lambda _msg: None)
    items = data if isinstance(data, list) else [data]
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            warn(f"{path}: record {index} is not an object; skipped")
            continue
        paper = item.get("paper") if isinstance(item.get("paper"), dict) else item
        title = " ".join(str(paper.get("title") or item.get("title") or "").split())
        if not title:
            warn(f"{path}: record {index} has no title; skipped")
            continue
        arxiv_id = str(paper.get("id") or "") or None
        authors = tuple(str(a.get("name", "")).strip() for a in paper.get("authors") or []
                        if isinstance(a, dict) and a.get("name"))
        published = str(paper.get("publishedAt") or item.get("publishedAt") or "")[:10] or None
        upvotes = paper.get("upvotes", item.get("upvotes"))
        yield Paper(
            id=paper_id(title, arxiv_id=arxiv_id),
            title=title,
            abstract=" ".join(str(paper.get("summary") or item.get("summary") or "").split()),
            sources=(SourceRef(path=path, line=index),),
            published=published,
            author_count=len(authors) or None,
            authors=authors,
            upvotes=_count(upvotes),
            organization=_organization(paper.get("organization") or item.get("organization")),
            arxiv_id=arxiv_id,
        )


def _count(value: Any) -> int | None:
    """A count from JSON: a whole, finite, non-negative number, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value != value or value in (float("inf"), float("-inf")) or value < 0:
        return None
    return int(value)


def read_hf_papers(path: str | Path, *, warn: Warn | None = None) -> Iterator[Paper]:
    """Read a saved API response."""
    data = parse_json(read_text(path), path=str(path))
    if not looks_like_hf(data):
        raise ParseError("not a Hugging Face papers API response", path=str(path))
    yield from parse_hf_papers(data, path=str(path), warn=warn)
