"""Reader for BibTeX exports (Zotero, Mendeley, Google Scholar) with ``abstract`` fields.

Parsed with bibtexparser 2 (maintained, on PyPI). Each entry with a title becomes a
``Paper``: title and abstract with TeX braces and common accents removed, authors split on
`` and ``, year/date, DOI, and the arXiv id from ``eprint`` (with ``archivePrefix = arXiv``)
or an arxiv.org URL. Entries without an abstract are read (their title still yields
relations). A block bibtexparser cannot parse gets a warning naming file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from kg.ids import paper_id
from kg.model import Paper, SourceRef
from kg.readers.base import Warn, read_text

__all__ = ["read_bibtex"]

_TEX_ACCENT = re.compile(r"\\[`'^\"~=.uvHcdbk]\{?([A-Za-z])\}?")
_FIELD = re.compile(r"^\s*,?\s*[A-Za-z][\w-]*\s*=\s*[{\"\d]", re.M)
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})")


def _detex(text: str) -> str:
    text = _TEX_ACCENT.sub(r"\1", text)
    text = re.sub(r"\\[a-zA-Z]+\s*", " ", text)
    return " ".join(text.replace("{", "").replace("}", "").replace("~", " ").split())


def read_bibtex(path: str | Path, *, warn: Warn | None = None) -> Iterator[Paper]:
    """Yield the papers of a ``.bib`` file."""
    import bibtexparser

    warn = warn or (lambda _msg: None)
    text = read_text(path)
    library = bibtexparser.parse_string(text)
    for block in library.failed_blocks:
        warn(f"{path}:{block.start_line + 1}: unparseable BibTeX block; skipped")
    for block in library.blocks:
        # Fields outside any entry: an extra "}" closed the entry before them.
        if type(block).__name__ == "ImplicitComment" and _FIELD.search(block.raw):
            warn(f"{path}:{block.start_line + 1}: fields outside any entry (an extra '}}' "
                 f"closed the entry above early?); they are lost: "
                 f"{' '.join(block.raw.split())[:60]!r}")
    for entry in library.entries:
        fields = {k.lower(): str(f.value) for k, f in entry.fields_dict.items()}
        title = _detex(fields.get("title", ""))
        line = entry.start_line + 1
        if not title:
            warn(f"{path}:{line}: entry '{entry.key}' has no title; skipped")
            continue
        arxiv_id = None
        if fields.get("archiveprefix", "").lower() == "arxiv" or re.fullmatch(
                r"\d{4}\.\d{4,5}(v\d+)?", fields.get("eprint", "")):
            arxiv_id = re.sub(r"v\d+$", "", fields.get("eprint", "")) or None
        if not arxiv_id and (m := _ARXIV_URL.search(fields.get("url", ""))):
            arxiv_id = m.group(1)
        authors = tuple(_detex(a) for a in re.split(r"\s+and\s+", fields.get("author", ""))
                        if a.strip())
        year = fields.get("year", "")
        date = fields.get("date", "")
        published = date[:10] if re.match(r"\d{4}-\d{2}-\d{2}", date) else (
            f"{year}-01-01" if re.fullmatch(r"\d{4}", year) else None)
        yield Paper(
            id=paper_id(title, arxiv_id=arxiv_id),
            title=title,
            abstract=_detex(fields.get("abstract", "")),
            sources=(SourceRef(path=str(path), line=line, page=entry.key),),
            published=published,
            authors=authors,
            author_count=len(authors) or None,
            doi=fields.get("doi") or None,
            arxiv_id=arxiv_id,
        )
