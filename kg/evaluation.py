"""Helpers of ``kg eval``: which gold papers to score, and how much of the gold the
vocabularies already name.

The scorer itself is the shared ``score.py``; these functions only read the gold file, so the
figures they add (vocabulary coverage, a subset of papers) sit beside the scorer's own.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from kg.errors import ParseError
from kg.vocab import Vocabulary

__all__ = ["Coverage", "read_gold", "select_gold", "vocabulary_coverage"]

# Gold lists whose names the vocabularies can hold, and the type each one's names have.
_KIND_TYPES = {"uses": ("Technique", "Model"), "targets": ("Hardware",),
               "measures": ("Metric",), "evaluated_on": ("Dataset",)}


@dataclass(frozen=True, slots=True)
class Coverage:
    """Of ``total`` gold names of one relation, ``held`` are vocabulary names."""

    kind: str
    held: int
    total: int

    @property
    def share(self) -> float:
        return self.held / self.total if self.total else 0.0


def read_gold(path: str | Path) -> list[dict]:
    """The annotated papers of a gold JSONL file, with an error naming file and line."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise ParseError(f"not a JSON object: {err.msg}", path=str(path),
                                 line=number) from None
    return rows


def select_gold(rows: list[dict], ids: str) -> list[dict]:
    """The papers whose id lies in ``ids``, a range like "s080-s159" (same prefix, inclusive)
    or a comma-separated list of such ranges and single ids."""
    keep = []
    for part in (p.strip() for p in ids.split(",") if p.strip()):
        m = re.fullmatch(r"([A-Za-z_]*)(\d+)(?:-\1(\d+))?", part)
        if m is None:
            raise ValueError(f"bad id range {part!r} (expected e.g. s080-s159)")
        prefix, low, high = m.group(1), int(m.group(2)), int(m.group(3) or m.group(2))
        keep.append((prefix, low, high))

    def wanted(paper_id: str) -> bool:
        m = re.fullmatch(r"([A-Za-z_]*)(\d+)", str(paper_id))
        return m is not None and any(m.group(1) == p and lo <= int(m.group(2)) <= hi
                                     for p, lo, hi in keep)

    return [row for row in rows if wanted(row.get("id", ""))]


def vocabulary_coverage(rows: list[dict], vocab: Vocabulary) -> list[Coverage]:
    """For each relation a vocabulary can serve, how many main gold names (any alias) are a
    vocabulary name of the right type: the part of the gold that extraction can find without
    recognising a new name."""
    out = []
    for kind, types in _KIND_TYPES.items():
        held = total = 0
        for row in rows:
            for entry in row.get(kind, []):
                total += 1
                names = str(entry).split("|")
                if any(vocab.lookup(n, t) is not None for n in names for t in types):
                    held += 1
        out.append(Coverage(kind, held, total))
    return out
