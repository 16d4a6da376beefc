"""Papers merged across listings on disk, read back in id order: the corpus is never held
whole in memory.

Why: the same paper may be listed in files far apart (two Daily Papers pages, an arXiv feed and
a BibTeX export), so merging needs every listing before the first paper can be extracted, and
extraction runs in id order (sorted output; an update equals a full rebuild). Holding the merged
papers as objects costs ~2.5 KB a paper, a few GB at arXiv's 10^6. The spool keeps only the
merge keys in memory (folded title, arXiv id -> slot, ~150 bytes a paper) and the papers
themselves as JSON in a temporary SQLite file beside the build.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.model import ListingIndex, Paper

__all__ = ["PaperSpool"]


class PaperSpool:
    """``add`` papers as they are read (repeated listings merge as in
    ``kg.readers.merge_papers``); iterate them in id order, as often as needed. ``len`` is the
    number of distinct papers. Use as a context manager: ``close`` removes the file."""

    def __init__(self, directory: str | Path | None = None) -> None:
        if directory is not None:
            Path(directory).mkdir(parents=True, exist_ok=True)
        self._dir = tempfile.TemporaryDirectory(prefix=".kg-spool-", dir=directory)
        self.db = sqlite3.connect(Path(self._dir.name) / "papers.sqlite")
        # A scratch file: nothing to recover after a crash, so no journal and no syncs.
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE papers (slot INTEGER PRIMARY KEY, id TEXT NOT NULL, "
                        "paper TEXT NOT NULL)")
        self.index = ListingIndex()
        self.count = 0

    def add(self, paper: Paper) -> None:
        """One listing: a new paper, or merged into the one already spooled."""
        slot, title_key = self.index.find(paper)
        if slot is None:
            slot = self.count
            self.count += 1
            merged = paper
            self.db.execute("INSERT INTO papers VALUES (?, ?, ?)",
                            (slot, merged.id, _dumps(merged)))
        else:
            (stored,) = self.db.execute("SELECT paper FROM papers WHERE slot = ?",
                                        (slot,)).fetchone()
            merged = Paper.from_dict(json.loads(stored)).merged_with(paper)
            self.db.execute("UPDATE papers SET id = ?, paper = ? WHERE slot = ?",
                            (merged.id, _dumps(merged), slot))
        self.index.remember(merged, title_key, slot)

    def extend(self, papers: Iterable[Paper]) -> None:
        for paper in papers:
            self.add(paper)

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Paper]:
        """The merged papers in id order (ties, which merging prevents, by first listing)."""
        self.db.commit()
        cursor = self.db.cursor()  # its own cursor: several passes may interleave
        for (text,) in cursor.execute("SELECT paper FROM papers ORDER BY id, slot"):
            yield Paper.from_dict(json.loads(text))

    def close(self) -> None:
        self.db.close()
        self._dir.cleanup()

    def __enter__(self) -> PaperSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _dumps(paper: Paper) -> str:
    return json.dumps(paper.to_dict(), ensure_ascii=False)
