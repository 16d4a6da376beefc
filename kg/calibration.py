"""Calibrating edge confidence on hand-annotated papers (``kg eval GOLD --calibrate``).

Every edge the extractor predicts on a gold paper is labelled right or wrong the way the
shared scorer counts precision (``../shared/eval/score.py``: its own matching is imported,
not re-implemented), and grouped by its family (``kg.extract.confidence.family``). A
family's confidence is its precision, smoothed toward its relation-and-rule's, which is
smoothed toward its relation's, so a family seen on a handful of edges leans on the larger
group it belongs to.

A table measured on the papers it is then checked on looks better than it is, so
``reliability`` also reports a two-fold cross-validation: the table from half the gold
papers, checked on the other half, both ways.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from kg.extract.confidence import Calibration
from kg.model import PaperFindings

__all__ = ["Bin", "Labelled", "bins_markdown", "calibrate", "cross_validated", "label_edges",
           "load_scorer", "reliability", "table_json"]

KINDS = ("proposes", "uses", "targets", "measures", "evaluated_on", "outperforms")
SMOOTHING = 4.0  # edges' worth of weight the larger group's precision gets
BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)
MIN_BIN = 30  # edges a reliability bin needs before its precision is reported


@dataclass(frozen=True)
class Labelled:
    """One predicted edge on a gold paper: its family, and whether the scorer counts it
    right (True) or as a false hit (False)."""

    paper: str  # the gold paper's id
    family: str
    right: bool


@dataclass(frozen=True)
class Bin:
    """A confidence range with the edges predicted in it and the share of them right."""

    low: float
    high: float
    edges: int
    mean_confidence: float
    precision: float


def load_scorer(path: str | Path) -> ModuleType:
    """The shared scorer as a module, for its matching functions."""
    spec = importlib.util.spec_from_file_location("kg_gold_scorer", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the scorer {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def label_edges(gold: Iterable[dict], found: Iterable[tuple[PaperFindings, list[str]]],
                scorer: ModuleType) -> list[Labelled]:
    """Every predicted edge of the gold papers, labelled as the scorer counts precision:
    right when it is matched to a gold item, wrong when it is a false hit; edges the scorer
    does not count (optional or generic names) are left out."""
    by_title = {scorer.norm(f.paper.title): (f, keys) for f, keys in found}
    out: list[Labelled] = []
    for paper in gold:
        hit = by_title.get(scorer.norm(paper["title"]))
        if hit is None:
            continue
        findings, keys = hit
        record = findings.to_dict()
        names = {e["id"]: [e.get("label", e["id"]), *e.get("aliases", [])]
                 for e in record["entities"]}
        names[record["id"]] = ["@paper", record["title"]]
        label = {node: scorer.alias_set(aliases) for node, aliases in names.items()}
        for kind in KINDS:
            _, _, _, pairs, unmatched, _ = scorer.score_kind(paper, record, kind)
            predicted = scorer.pred_items(record, kind)
            right = [predicted[pi] for _, pi, _ in pairs]
            for relation, key in zip(findings.relations, keys, strict=True):
                if relation.type != kind:
                    continue
                item = ((label[relation.source], label[relation.target])
                        if kind == "outperforms" else label[relation.target])
                if item in right:
                    out.append(Labelled(paper["id"], key, True))
                elif item in unmatched:
                    out.append(Labelled(paper["id"], key, False))
    return out


def _levels(key: str) -> list[str]:
    parts = key.split("|")
    return ["|".join(parts[:1]), "|".join(parts[:2]), key]


def calibrate(edges: Sequence[Labelled]) -> dict[str, dict]:
    """Per relation, relation|rule and family: edges, right, and the smoothed confidence."""
    counts: dict[str, list[int]] = {}
    for edge in edges:
        for level in _levels(edge.family):
            tally = counts.setdefault(level, [0, 0])
            tally[0] += 1
            tally[1] += edge.right
    table: dict[str, dict] = {}
    for key in sorted(counts, key=lambda k: (k.count("|"), k)):
        n, right = counts[key]
        parts = key.split("|")
        if len(parts) == 1:
            value = (right + 1) / (n + 2)
        else:
            parent = table["|".join(parts[:1 if len(parts) == 2 else 2])]["confidence"]
            value = (right + SMOOTHING * parent) / (n + SMOOTHING)
        table[key] = {"edges": n, "right": right, "confidence": round(value, 3)}
    return table


def reliability(edges: Sequence[Labelled], table: dict[str, dict]) -> list[Bin]:
    """Edges by the confidence ``table`` gives them, in ``BINS``: how many, their mean
    confidence and the share that is right."""
    lookup = Calibration({k: v["confidence"] for k, v in table.items()})
    return _bins([(lookup.confidence(e.family), e.right) for e in edges])


def _bins(scored: Sequence[tuple[float, bool]]) -> list[Bin]:
    """``scored`` (confidence, right) in ``BINS``; a bin of fewer than ``MIN_BIN`` edges is
    merged into the next one up (the last into the one below), since the precision of a
    handful of edges says little (3 edges can only be 0, 1/3, 2/3 or 1 right)."""
    groups: list[tuple[float, float, list[tuple[float, bool]]]] = []
    pending: list[tuple[float, bool]] = []
    start = BINS[0]
    for low, high in itertools.pairwise(BINS):
        pending += [(c, r) for c, r in scored if low <= c < high]
        if not pending:
            start = high
        elif len(pending) >= MIN_BIN:
            groups.append((start, high, pending))
            pending, start = [], high
    if pending and groups:
        low, _, last = groups.pop()
        groups.append((low, BINS[-1], last + pending))
    elif pending:
        groups.append((start, BINS[-1], pending))
    return [Bin(low, min(high, 1.0), len(inside), sum(c for c, _ in inside) / len(inside),
                sum(r for _, r in inside) / len(inside)) for low, high, inside in groups]


def cross_validated(edges: Sequence[Labelled]) -> list[Bin]:
    """``reliability`` of tables measured on the other half of the gold papers: papers
    alternate between two folds in id order, each fold scored by the other's table."""
    papers = sorted({e.paper for e in edges})
    fold = {paper: i % 2 for i, paper in enumerate(papers)}
    scored: list[tuple[float, bool]] = []
    for side in (0, 1):
        train = [e for e in edges if fold[e.paper] != side]
        lookup = Calibration({k: v["confidence"] for k, v in calibrate(train).items()})
        scored += [(lookup.confidence(e.family), e.right) for e in edges
                   if fold[e.paper] == side]
    return _bins(scored)


def table_json(table: dict[str, dict], *, gold: str, papers: int) -> str:
    """The file ``kg.extract.confidence`` reads: the families and how they were measured."""
    return json.dumps({
        "about": ("Measured precision of each family of extracted edges on hand-annotated "
                  f"papers ({gold}, {papers} papers), smoothed toward its relation and rule "
                  f"(weight {SMOOTHING:g} edges); written by kg eval GOLD --calibrate."),
        "families": table,
    }, indent=1, sort_keys=True) + "\n"


def bins_markdown(bins: Sequence[Bin]) -> str:
    """A reliability table in Markdown, with each bin's gap between confidence and
    precision."""
    lines = ["| confidence | edges | mean confidence | precision | gap |",
             "|---|---|---|---|---|"]
    for b in bins:
        lines.append(f"| {b.low:.1f}-{b.high:.1f} | {b.edges} | {b.mean_confidence:.3f} | "
                     f"{b.precision:.3f} | {abs(b.mean_confidence - b.precision):.3f} |")
    return "\n".join(lines)


@dataclass(frozen=True)
class Report:
    """What ``run`` measured: the table, and its reliability in-sample and cross-validated."""

    table: dict[str, dict]
    edges: int
    papers: int
    in_sample: list[Bin]
    cross_validated: list[Bin]


def run(gold: Sequence[dict], papers: Iterable, scorer: ModuleType) -> Report:
    """Extract the gold papers among ``papers`` (``Paper`` records), label their edges and
    measure the table."""
    from kg.extract import RulesExtractor

    extractor = RulesExtractor()
    titles = {scorer.norm(row["title"]) for row in gold}
    found = [extractor.with_families(p) for p in papers if scorer.norm(p.title) in titles]
    edges = label_edges(gold, found, scorer)
    table = calibrate(edges)
    return Report(table, len(edges), len({e.paper for e in edges}),
                  reliability(edges, table), cross_validated(edges))
