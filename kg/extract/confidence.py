"""How sure an extracted edge is: the measured precision of the kind of evidence behind it.

Why a table and not a score the rules invent: a confidence is only worth reading if "0.8"
means that about 8 in 10 such edges are right. ``kg eval GOLD --calibrate``
(``kg.calibration``) extracts the hand-annotated development papers, labels every predicted
edge right or wrong with the shared scorer's matching, and writes the precision of each
*family* of edges to ``schemas/confidence.json``; the extractor looks each edge's family up
here.

A family is the relation, the rule that produced the edge and what the text shows of it:
for a paper's edge, whether the name is a vocabulary concept or a new name, whether it is
in the title, and whether the abstract names it more than once; for a comparison, whether
it has a metric, whether it has numbers and whether the winner is the paper itself. Sparse
families borrow strength from their relation and rule (``Calibration.confidence`` backs
off), so no family's figure rests on two or three edges alone.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

__all__ = ["Calibration", "family", "load_calibration"]

TABLE_NAME = "confidence.json"


def family(relation: str, rule: str, *, concept: bool = False, in_title: bool = False,
           repeated: bool = False, metric: bool = False, numbers: bool = False,
           by_paper: bool = False, figure: bool = False) -> str:
    """The family key of an edge: ``uses|vocab.v1|concept|abstract|once``,
    ``measures|vocab.v1|concept|abstract|once|figure``,
    ``outperforms|outperforms.v1|metric|numbers|system``. A measured quantity also says
    whether its sentence gives a figure (a digit): a paper that reports a number measures."""
    if relation == "outperforms":
        return "|".join((relation, rule, "metric" if metric else "no-metric",
                         "numbers" if numbers else "no-numbers",
                         "paper" if by_paper else "system"))
    key = "|".join((relation, rule, "concept" if concept else "name",
                    "title" if in_title else "abstract", "repeated" if repeated else "once"))
    if relation == "measures":
        key += "|figure" if figure else "|no-figure"
    return key


@dataclass(frozen=True)
class Calibration:
    """Smoothed precision per family key, per ``relation|rule`` and per relation."""

    table: dict[str, float]
    default: float = 0.5
    # key -> its answer: a few dozen keys, asked ~15 times a paper.
    _memo: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    def confidence(self, key: str) -> float:
        """The precision of ``key``'s family, else of its relation and rule, else of its
        relation, else ``default``."""
        value = self._memo.get(key)
        if value is None:
            value = self._memo[key] = self._backoff(key)
        return value

    def _backoff(self, key: str) -> float:
        parts = key.split("|")
        for level in (parts, parts[:2], parts[:1]):
            value = self.table.get("|".join(level))
            if value is not None:
                return value
        return self.default


def _table_path() -> Path:
    return Path(str(resources.files("kg") / "schemas" / TABLE_NAME))


@functools.lru_cache(maxsize=2)
def load_calibration(path: str | None = None) -> Calibration:
    """The calibration table (``schemas/confidence.json`` unless ``path``); a missing table
    gives every edge the default."""
    table = Path(path) if path else _table_path()
    if not table.is_file():
        return Calibration({})
    data = json.loads(table.read_text(encoding="utf-8"))
    return Calibration({key: float(row["confidence"]) for key, row in data["families"].items()})
