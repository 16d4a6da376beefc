"""Reader for tables of papers: JSONL, CSV and Parquet, through pandas.

A table needs a title and an abstract column; id, date, authors, arxiv id, DOI, upvotes and
organization are optional. Column names are found among common spellings
(``title``/``Title``, ``abstract``/``summary``/``Abstract``, ``date``/``published``/``year``,
``authors``/``author``) or given with ``columns={"abstract": "Summary", ...}`` (CLI:
``--columns abstract=Summary,date=Published``). Authors may be a list or a string separated by
``;``, `` and `` or ``,``. A row without a title gets a warning naming file and row, and the
other rows are kept. JSONL lines that are not JSON get a warning naming file and line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.errors import ParseError
from kg.ids import paper_id
from kg.lookup import close_names, did_you_mean
from kg.model import Paper, SourceRef
from kg.readers.base import Warn, parse_json, read_text, text_lines

__all__ = ["COLUMN_ALIASES", "read_table"]

COLUMN_ALIASES = {
    "title": ["title", "Title", "paper_title", "name"],
    "abstract": ["abstract", "Abstract", "summary", "Summary", "description"],
    "id": ["arxiv_id", "arxiv", "arXiv", "eprint", "id", "paper_id"],
    "date": ["date", "published", "publication_date", "publishedAt", "Date", "year", "Year"],
    "authors": ["authors", "Authors", "author", "Author"],
    "doi": ["doi", "DOI"],
    "upvotes": ["upvotes", "Upvotes"],
    "organization": ["organization", "Organization", "org"],
}
_ARXIV_RE = re.compile(r"^(?:arxiv:)?(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?$",
                       re.I)


def _frame(path: Path, warn: Warn):
    import pandas as pd

    suffix = path.suffix.lower()
    if suffix == ".parquet":
        try:
            return pd.read_parquet(path), 1
        except Exception as err:  # pyarrow raises several types for a bad file
            raise ParseError(f"cannot read Parquet: {err}", path=str(path)) from err
    if suffix == ".csv":
        header, rows = _csv_rows(read_text(path), str(path), warn)
        return pd.DataFrame(rows, columns=[*header, "__line__"] if header else None), 2
    rows = []
    for lineno, line in enumerate(text_lines(read_text(path)), start=1):
        if not line.strip():
            continue
        try:
            record = parse_json(line, path=str(path), line=lineno)
        except ParseError as err:
            warn(f"{err}; skipped")
            continue
        if isinstance(record, dict):
            rows.append({**record, "__line__": lineno})
        else:
            warn(f"{path}:{lineno}: not a JSON object; skipped")
    return pd.DataFrame(rows), 1


def _csv_rows(text: str, path: str, warn: Warn) -> tuple[list[str], list[dict[str, str]]]:
    """The header of a CSV file and its rows as dicts keyed by it, each with its line
    (``__line__``).

    A row with more or fewer fields than the header (a stray comma, or an unclosed quote
    that swallowed the lines after it) is skipped with a warning naming its line, and
    reading starts again on the next line: no column shifts, and the rows around it stay.
    """
    lines = text_lines(text)
    header: list[str] | None = None
    rows: list[dict[str, str]] = []
    start = 0
    while start < len(lines):
        reader = csv.reader((line + "\n" for line in lines[start:]), strict=True)
        before = 0
        try:
            for record in reader:
                first = start + before + 1  # 1-based line where the record began
                before = reader.line_num
                if not record or not any(field.strip() for field in record):
                    continue
                if header is None:
                    header = [name.strip() for name in record]
                elif len(record) == len(header):
                    rows.append({**dict(zip(header, record, strict=True)), "__line__": first})
                else:
                    warn(f"{path}:{first}: {len(record)} fields where the header has "
                         f"{len(header)} (a stray comma or an unclosed quote?); skipped")
                    if start + reader.line_num > first:  # it ran past its own line
                        start = first
                        break
            else:
                break
        except csv.Error as err:
            first = start + before + 1
            warn(f"{path}:{first}: not CSV ({err}); skipped")
            start = first
    return header or [], rows


def _close(name: str, options: list[str]) -> str:
    """ "; did you mean 'Published'?" or ""."""
    return did_you_mean(close_names(name, options))


def _checked_mapping(path: Path, mapping: dict[str, str], names: list[str],
                     warn: Warn) -> dict[str, str]:
    """``mapping`` without columns the file lacks. A field kg does not know is an error; a
    column the file lacks is an error for title and abstract (nothing can be read without
    them) and a warning for the others, each with the closest name."""
    fields = list(COLUMN_ALIASES)
    for field in mapping:
        if field not in COLUMN_ALIASES:
            raise ParseError(f"--columns names an unknown field {field!r}{_close(field, fields)} "
                             f"(fields: {', '.join(fields)})", path=str(path))
    kept = {}
    for field, column in mapping.items():
        if column in names:
            kept[field] = column
            continue
        message = (f"no column {column!r} for {field}{_close(column, names)} (columns: "
                   f"{', '.join(n for n in names if n != '__line__') or 'none'})")
        if field in ("title", "abstract"):
            raise ParseError(message, path=str(path))
        warn(f"{path}: {message}; {field} is read from a known spelling if there is one")
    return kept


def _pick(columns: list[str], field: str, mapping: dict[str, str]) -> str | None:
    """The column for ``field``: the one the user named, else a known spelling (any case)."""
    if field in mapping:
        return mapping[field] if mapping[field] in columns else None
    by_lower = {c.lower(): c for c in columns}
    return next((by_lower[a.lower()] for a in COLUMN_ALIASES[field] if a.lower() in by_lower),
                None)


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return " ".join(str(value).split())


def _authors(value: Any) -> tuple[str, ...]:
    if isinstance(value, list | tuple) or hasattr(value, "tolist"):
        items = list(value.tolist() if hasattr(value, "tolist") else value)
        return tuple(_text(a.get("name") if isinstance(a, dict) else a) for a in items if a)
    text = _text(value)
    if not text:
        return ()
    parts = re.split(r"\s*;\s*|\s+and\s+", text) if (";" in text or " and " in text) else \
        text.split(",")
    return tuple(p.strip() for p in parts if p.strip())


def _date(value: Any) -> str | None:
    text = _text(value)
    if re.fullmatch(r"\d{4}", text):
        return f"{text}-01-01"
    m = re.match(r"(\d{4}-\d{2}-\d{2})", text)
    return m.group(1) if m else None


def read_table(path: str | Path, *, columns: dict[str, str] | None = None,
               warn: Warn | None = None) -> Iterator[Paper]:
    """Yield a ``Paper`` per row of a JSONL, CSV or Parquet table.

    Raises
    ------
    ParseError
        When the file cannot be read as a table or has no title/abstract column.
    """
    p = Path(path)
    warn = warn or (lambda _msg: None)
    frame, first_row = _frame(p, warn)
    names = [str(c) for c in frame.columns]
    mapping = _checked_mapping(p, columns or {}, names, warn)
    picked = {field: _pick(names, field, mapping) for field in COLUMN_ALIASES}
    if not picked["title"] or not picked["abstract"]:
        raise ParseError(f"no title/abstract column (columns: {', '.join(names) or 'none'}); "
                         "name them with --columns title=...,abstract=...", path=str(p))
    for index, row in enumerate(frame.to_dict(orient="records")):
        line = int(row.get("__line__", index + first_row))
        title = _text(row.get(picked["title"]))
        if not title:
            warn(f"{p}:{line}: row has no title; skipped")
            continue
        raw_id = _text(row.get(picked["id"])) if picked["id"] else ""
        m = _ARXIV_RE.match(raw_id)
        arxiv_id = m.group(1) if m else None
        authors = _authors(row.get(picked["authors"])) if picked["authors"] else ()
        upvotes = row.get(picked["upvotes"]) if picked["upvotes"] else None
        yield Paper(
            id=paper_id(title, arxiv_id=arxiv_id),
            title=title,
            abstract=_text(row.get(picked["abstract"])),
            sources=(SourceRef(path=str(p), line=line),),
            published=_date(row.get(picked["date"])) if picked["date"] else None,
            authors=authors,
            author_count=len(authors) or None,
            upvotes=int(upvotes) if _text(upvotes).isdigit() else None,
            organization=_text(row.get(picked["organization"])) or None
            if picked["organization"] else None,
            doi=_text(row.get(picked["doi"])) or None if picked["doi"] else None,
            arxiv_id=arxiv_id,
        )
