"""Reader for Hugging Face "Daily Papers" listing pages saved as plain text.

A page is a header (``Daily Papers``, ``byAK and the research community``, the page's date with
no year), then one entry after another: a title line, an abstract line, and optionally a
metadata block::

      • 9 authors            (or an organization line: "qualcomm Qualcomm")
    ·
    Nov 2, 2023 3            (publication date, then upvotes if any)

Dates without a year ("Feb 9") are the page's year. The page does not print its year; Hugging Face
omits the year only for dates of the current year, so the page's year is taken as one more than
the latest year printed on the page, unless the caller gives ``page_year``.

Not supported: HTML captures of the page (save it as text first) and entries split over several
lines of abstract. A malformed entry gets a warning naming file and line, and reading goes on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from kg.errors import ParseError
from kg.ids import paper_id
from kg.model import Paper, SourceRef
from kg.readers.base import Warn, text_lines

__all__ = ["is_daily_papers", "parse_daily_papers", "read_daily_papers"]

MONTHS = {m: i for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)}
_HEADER_LINES = {"new", "get trending papers in your email inbox!", "subscribe", "daily papers",
                 "byak and the research community"}
_PAGE_DATE_RE = re.compile(r"^([A-Z][a-z]{2}) (\d{1,2})$")
_PUB_DATE_RE = re.compile(r"^([A-Z][a-z]{2}) (\d{1,2})(?:, (\d{4}))?(?: (\d+))?$")
_AUTHORS_RE = re.compile(r"^\u2022\s*(\d+) authors?$")
_DOT = "\u00b7"
# A title is one line; an abstract is prose. These bounds come from the field, not one page:
# titles above 300 characters and abstracts under 60 are not seen on arXiv listings.
MAX_TITLE = 300
MIN_ABSTRACT = 60



def is_daily_papers(head: str) -> bool:
    """True when the first lines of a file look like a Daily Papers page."""
    lines = {line.strip().lower() for line in text_lines(head)[:15]}
    return "byak and the research community" in lines or "daily papers" in lines


def _looks_like_metadata(text: str) -> bool:
    return text == _DOT or bool(_AUTHORS_RE.match(text))


def _looks_like_abstract(text: str) -> bool:
    return len(text) >= MIN_ABSTRACT and (len(text) > MAX_TITLE or ". " in text or
                                          text.endswith("."))


def _infer_page_year(lines: list[str]) -> int | None:
    years = [int(m.group(3)) for line in lines
             if (m := _PUB_DATE_RE.match(line.strip())) and m.group(3)]
    return max(years) + 1 if years else None


def _iso_date(month: str, day: str, year: int | None) -> str | None:
    if month not in MONTHS or year is None:
        return None
    try:
        return date(year, MONTHS[month], int(day)).isoformat()
    except ValueError:
        return None


def parse_daily_papers(
    lines: Iterable[str],
    *,
    path: str = "<input>",
    page_year: int | None = None,
    warn: Warn | None = None,
) -> Iterator[Paper]:
    """Yield one ``Paper`` per entry of a Daily Papers page.

    Parameters
    ----------
    lines : iterable of str
        The page's lines.
    path : str
        Named in ids of sources and in warnings.
    page_year : int, optional
        The year of dates printed without one; inferred from the page when not given.
    warn : callable, optional
        Called with a message naming file and line for each malformed entry.

    Raises
    ------
    ParseError
        When the text is not a Daily Papers page.
    """
    all_lines = [line.rstrip("\r\n") for line in lines]
    if not is_daily_papers("\n".join(all_lines[:15])):
        raise ParseError("not a Hugging Face Daily Papers page (no 'Daily Papers' header)",
                         path=path)
    warn = warn or (lambda _msg: None)
    year = page_year if page_year is not None else _infer_page_year(all_lines)
    # Whitespace runs (tabs, U+2028, form feeds inside a line) read as one space.
    items = [(i + 1, " ".join(line.split())) for i, line in enumerate(all_lines) if line.strip()]
    pos, page = 0, ""
    while pos < len(items) and (items[pos][1].lower() in _HEADER_LINES
                                or _PAGE_DATE_RE.match(items[pos][1])):
        if _PAGE_DATE_RE.match(items[pos][1]):
            page = items[pos][1]
        pos += 1
    while pos < len(items):
        lineno, title = items[pos]
        if _looks_like_metadata(title) or _PUB_DATE_RE.match(title):
            warn(f"{path}:{lineno}: metadata line with no entry before it; skipped")
            pos += 1
            continue
        if pos + 1 >= len(items) or not _looks_like_abstract(items[pos + 1][1]):
            warn(f"{path}:{lineno}: entry '{title[:60]}' has no abstract; skipped")
            pos += 1
            continue
        if len(title) > MAX_TITLE or (_looks_like_abstract(title) and not title.endswith("?")):
            if len(title) > MAX_TITLE:
                warn(f"{path}:{lineno}: text with no title before it; skipped")
                pos += 1
                continue
        abstract = items[pos + 1][1]
        pos += 2
        author_count = upvotes = None
        organization = published = None
        # Optional metadata block: [authors | organization] "·" date.
        if pos + 1 < len(items) and items[pos + 1][1] == _DOT:
            meta = items[pos][1]
            if m := _AUTHORS_RE.match(meta):
                author_count = int(m.group(1))
            else:
                parts = meta.split(None, 1)
                organization = parts[1] if len(parts) == 2 else parts[0]
            pos += 1
        if pos < len(items) and items[pos][1] == _DOT:
            pos += 1
            if pos < len(items) and (m := _PUB_DATE_RE.match(items[pos][1])):
                published = _iso_date(m.group(1), m.group(2),
                                      int(m.group(3)) if m.group(3) else year)
                upvotes = int(m.group(4)) if m.group(4) else None
                pos += 1
            else:
                warn(f"{path}:{items[pos - 1][0]}: metadata block without a date")
        yield Paper(
            id=paper_id(title),
            title=title,
            abstract=abstract,
            sources=(SourceRef(path=path, line=lineno, page=page),),
            published=published,
            author_count=author_count,
            upvotes=upvotes,
            organization=organization,
        )


def read_daily_papers(
    path: str | Path, *, page_year: int | None = None, warn: Warn | None = None
) -> Iterator[Paper]:
    """Read a Daily Papers page from disk; see ``parse_daily_papers``.

    Raises
    ------
    ParseError
        When the file is binary, not UTF-8 or not a Daily Papers page.
    """
    from kg.readers.base import read_text

    text = read_text(path)
    yield from parse_daily_papers(text_lines(text), path=str(path), page_year=page_year,
                                  warn=warn)
