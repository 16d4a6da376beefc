"""The extraction cache: findings keyed by the paper's content and the extractor's version.

A build keeps ``cache.sqlite`` in its output folder. A paper whose title, abstract and metadata
hash (together with the extractor name and a hash of the extractor's code, vocabularies and cue
patterns) is in the cache is not extracted again, so ``kg build --update`` only extracts new
or changed papers. SQLite commits are atomic, so a build killed halfway leaves a cache that is
whole (it holds what was committed) and is used by the next build.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path

from kg import __version__
from kg.model import Paper, PaperFindings

__all__ = ["FindingsCache", "extractor_fingerprint", "paper_key"]


# The modules whose code decides what a paper's findings are, besides ``kg/extract/``: editing
# any of them (or the vocabularies and patterns) must not leave stale findings in a cache.
_EXTRACTION_MODULES = ("model.py", "normalize.py", "vocab.py", "ids.py")


def _extraction_sources() -> list:
    """The files the findings depend on, in a fixed order: the extractor's code, the
    vocabularies, the cue patterns and the confidence table."""
    package = resources.files("kg")
    schemas = package / "schemas"
    code = [p for p in (package / "extract").iterdir() if p.name.endswith(".py")]
    code += [package / name for name in _EXTRACTION_MODULES]
    data = [*(schemas / "vocab").iterdir(), schemas / "patterns.json"]
    data += [p for p in (schemas / "confidence.json",) if p.is_file()]
    return sorted(code, key=lambda p: p.name) + sorted(data, key=lambda p: p.name)


@functools.lru_cache(maxsize=4)
def extractor_fingerprint(extractor: str) -> str:
    """Changes whenever the extractor's code, vocabularies or patterns change (kg's version
    too), so a cache never serves findings an edited rule would no longer produce."""
    digest = hashlib.sha256(f"{extractor}|{__version__}".encode())
    for path in _extraction_sources():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def paper_key(paper: Paper, extractor: str) -> str:
    """The cache key of one paper's findings."""
    content = json.dumps(paper.to_dict(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{extractor_fingerprint(extractor)}|{content}".encode()).hexdigest()


# A record that can be a findings record: JSON, with entities and relations lists.
_WHOLE = ("json_valid(record) AND json_type(record, '$.entities') = 'array' "
          "AND json_type(record, '$.relations') = 'array'")


def _open(path: Path) -> sqlite3.Connection:
    """Open the cache, checking that it is a SQLite database with the findings table."""
    if path.exists() and not path.is_file():
        raise sqlite3.DatabaseError(f"{path} is not a file")
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS findings (key TEXT PRIMARY KEY, "
                   "record TEXT NOT NULL)")
        db.commit()
        (verdict,), = db.execute("PRAGMA quick_check").fetchall()
        if verdict != "ok":
            raise sqlite3.DatabaseError(verdict)
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def _set_aside(path: Path) -> Path:
    """Move a broken cache (and its WAL files) out of the way; return where it went."""
    number = 1
    while path.with_name(f"{path.name}.broken-{number}").exists():
        number += 1
    aside = path.with_name(f"{path.name}.broken-{number}")
    path.rename(aside)
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            extra.rename(aside.with_name(aside.name + suffix))
    return aside


class FindingsCache:
    """A SQLite table of findings records keyed by ``paper_key``.

    A cache that cannot be read (not a database, truncated, damaged, a folder) is set aside
    as ``cache.sqlite.broken-N`` with a warning and a new one is started: a cache only saves
    work, so it never stops a build. A record that does not parse counts as not cached.
    """

    def __init__(self, path: str | Path, warn: Callable[[str], None] | None = None):
        self.path = Path(path)
        self.warn = warn
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = _open(self.path)
        except sqlite3.DatabaseError as err:
            aside = _set_aside(self.path)
            self._say(f"{self.path}: the findings cache cannot be read ({err}); set aside as "
                      f"{aside.name}, every paper is extracted again")
            self.db = _open(self.path)

    def _say(self, message: str) -> None:
        if self.warn:
            self.warn(message)

    def known(self, keys: list[str]) -> set[str]:
        """Which of ``keys`` the cache holds whole, without reading their records in Python
        (SQLite checks each is a JSON findings record; a damaged one counts as missing and
        its paper is extracted again)."""
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(key for key, in self.db.execute(
                f"SELECT key FROM findings WHERE key IN ({marks}) AND {_WHOLE}", chunk))
        return found

    def get_many(self, keys: list[str]) -> dict[str, tuple[PaperFindings, str]]:
        """The cached findings among ``keys``, each with the JSON line it is stored as."""
        found: dict[str, tuple[PaperFindings, str]] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for key, record in self.db.execute(
                    f"SELECT key, record FROM findings WHERE key IN ({marks})", chunk):
                try:
                    found[key] = (PaperFindings.from_dict(json.loads(record)), record)
                except (ValueError, TypeError, KeyError, AttributeError) as err:
                    self._say(f"{self.path}: a cached record does not parse ({err}); the "
                              f"paper is extracted again")
        return found

    def put_many(self, items: Iterable[tuple[str, str]]) -> None:
        """Store findings as (key, JSON line of the record, ``findings_line``); committed in
        one transaction. Lines, not records: the build has serialized each record for
        findings.jsonl already, and the cache keeps the same text."""
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO findings (key, record) VALUES (?, ?)", items)

    def close(self) -> None:
        self.db.close()
