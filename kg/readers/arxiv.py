"""Reader for arXiv API responses (Atom 1.0 feeds, ``http://export.arxiv.org/api/query``).

Each ``<entry>`` becomes a ``Paper``: arXiv id and version from ``<id>``
(``http://arxiv.org/abs/2401.01234v2``), title, summary (the abstract), authors, categories
(``<category term=...>``), published and updated dates, and ``<arxiv:doi>``. Whitespace runs
in titles and abstracts (the API wraps lines) are folded to single spaces.

XML is parsed with defusedxml, so entity-expansion bombs in a hostile file are refused. An
entry without a title or an id gets a warning naming the file and entry, and is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from kg.errors import ParseError
from kg.ids import paper_id
from kg.model import Paper, SourceRef
from kg.readers.base import Warn, read_text

__all__ = ["parse_arxiv_atom", "read_arxiv_atom"]

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
_ID_RE = re.compile(r"arxiv\.org/abs/(.+?)(v\d+)?$")


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def parse_arxiv_atom(text: str, *, path: str = "<input>",
                     warn: Warn | None = None) -> Iterator[Paper]:
    """Yield the papers of one Atom feed.

    Raises
    ------
    ParseError
        When the text is not well-formed XML or not an Atom feed.
    """
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    warn = warn or (lambda _msg: None)
    try:
        root = ElementTree.fromstring(text)
    except DefusedXmlException as err:
        raise ParseError(f"refused unsafe XML ({type(err).__name__})", path=path) from err
    except ElementTree.ParseError as err:
        line = getattr(err, "position", (None,))[0]
        raise ParseError(f"not well-formed XML: {err}", path=path, line=line) from err
    if root.tag != f"{ATOM}feed":
        raise ParseError("not an Atom feed (no <feed> root element)", path=path)
    for index, entry in enumerate(root.iter(f"{ATOM}entry"), start=1):
        raw_id = _clean(entry.findtext(f"{ATOM}id"))
        title = _clean(entry.findtext(f"{ATOM}title"))
        m = _ID_RE.search(raw_id)
        if not title or not m:
            warn(f"{path}: entry {index} has no title or arXiv id; skipped")
            continue
        arxiv_id = m.group(1)
        authors = tuple(_clean(a.findtext(f"{ATOM}name")) for a in entry.iter(f"{ATOM}author"))
        yield Paper(
            id=paper_id(title, arxiv_id=arxiv_id),
            title=title,
            abstract=_clean(entry.findtext(f"{ATOM}summary")),
            sources=(SourceRef(path=path, line=index, page=m.group(2) or ""),),
            published=(_clean(entry.findtext(f"{ATOM}published"))[:10] or None),
            updated=(_clean(entry.findtext(f"{ATOM}updated"))[:10] or None),
            author_count=len(authors) or None,
            authors=authors,
            categories=tuple(c.get("term", "") for c in entry.iter(f"{ATOM}category")
                             if c.get("term")),
            doi=_clean(entry.findtext(f"{ARXIV}doi")) or None,
            arxiv_id=arxiv_id,
        )


def read_arxiv_atom(path: str | Path, *, warn: Warn | None = None) -> Iterator[Paper]:
    """Read an arXiv API response saved to disk."""
    yield from parse_arxiv_atom(read_text(path), path=str(path), warn=warn)
