"""The page's views beside the graph: what its questions need, computed once when the page
is written (``kg.export.html`` embeds it as JSON; the page's script only draws it).

- **Comparisons**: every ``outperforms`` claim (winner, loser, metric, numbers, paper,
  evidence, confidence) with the hardware its paper targets, to sort and filter by.
- **Map**: paper counts for the leading techniques x the leading hardware, each rolled up the
  hierarchy (a paper on an H100 counts for GPU), with the papers of every cell.
- **Trends**: papers per month for the leading concepts, and how many papers have no date.
- **Top lists**: techniques, models, hardware, metrics and datasets by paper count.

Each view shows the leading concepts that some paper names itself: a root of the hierarchy
that none names ("processor") would only repeat the sum of its branches.

Counts are of distinct papers, a concept counting the papers of its narrower concepts: the
same numbers as the graph's tallies (``kg.tally``, ``kg:ConceptTally`` and ``kg:PairTally``
in SPARQL), which ``tests/export/test_html_browser.py`` checks against the store.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from kg.model import ROLE_BY_TYPE
from kg.tally import ancestor_function

__all__ = ["page_views"]

TOP_LIST = 20  # entries of each top list
MAP_ROWS, MAP_COLUMNS = 15, 10  # techniques x hardware in the map
TRENDS = 10  # concepts the trends view offers


def _ancestors(G: nx.MultiDiGraph):
    """concept -> itself and every concept broader than it (``kg.tally``'s closure)."""
    parents: dict[str, list[str]] = {}
    for u, v, relation in G.edges(data="relation"):
        if relation == "broader":
            parents.setdefault(u, []).append(v)
    return ancestor_function(parents)


def page_views(G: nx.MultiDiGraph) -> dict[str, Any]:
    """The data of every view of the page of ``G`` (see the module docstring)."""
    up = _ancestors(G)
    papers = sorted((n for n, k in G.nodes(data="kind") if k == "Paper"),
                    key=lambda p: (G.nodes[p].get("published") or "", p), reverse=True)
    index = {p: i for i, p in enumerate(papers)}
    # relation -> concept -> papers with that relation to it or to a narrower concept
    rolled: dict[str, dict[str, set[str]]] = {r: {} for r in set(ROLE_BY_TYPE.values())}
    for paper in papers:
        for _, target, relation in G.out_edges(paper, data="relation"):
            if relation in rolled:
                for concept in up(target):
                    rolled[relation].setdefault(concept, set()).add(paper)

    named = {v for p in papers for _, v in G.out_edges(p)}

    def leading(kind: str, n: int) -> list[str]:
        """The ``n`` concepts of ``kind`` with the most papers, among those some paper names
        itself (a hierarchy's root that none names, such as "processor", only sums)."""
        found = rolled[ROLE_BY_TYPE[kind]]
        ranked = [c for c in found if G.nodes[c]["kind"] == kind and c in named]
        return sorted(ranked, key=lambda c: (-len(found[c]), G.nodes[c]["label"], c))[:n]

    top = {kind: [[c, G.nodes[c]["label"], len(rolled[ROLE_BY_TYPE[kind]][c])]
                  for c in leading(kind, TOP_LIST)] for kind in ROLE_BY_TYPE}
    rows, columns = leading("Technique", MAP_ROWS), leading("Hardware", MAP_COLUMNS)
    cells = [[sorted(index[p] for p in rolled["uses"][r] & rolled["targets"][c])
              for c in columns] for r in rows]
    return {
        "papers": [[p, G.nodes[p]["title"], G.nodes[p].get("published") or ""] for p in papers],
        "top": top,
        "map": {"rows": [[r, G.nodes[r]["label"]] for r in rows],
                "columns": [[c, G.nodes[c]["label"]] for c in columns], "cells": cells},
        "trends": _trends(G, papers, rolled, leading),
        "comparisons": _comparisons(G, index),
    }


def _trends(G: nx.MultiDiGraph, papers: list[str], rolled: dict[str, dict[str, set[str]]],
            leading: Any) -> dict[str, Any]:
    months = sorted({G.nodes[p]["published"][:7] for p in papers if G.nodes[p].get("published")})
    concepts = [*leading("Technique", TRENDS // 2), *leading("Hardware", TRENDS // 4),
                *leading("Metric", TRENDS - TRENDS // 2 - TRENDS // 4)]
    series = []
    for concept in concepts:
        found = rolled[ROLE_BY_TYPE[G.nodes[concept]["kind"]]][concept]
        per_month = {m: 0 for m in months}
        for paper in found:
            published = G.nodes[paper].get("published")
            if published:
                per_month[published[:7]] += 1
        series.append([concept, G.nodes[concept]["label"], [per_month[m] for m in months]])
    dated = sum(1 for p in papers if G.nodes[p].get("published"))
    return {"months": months, "series": series, "dated": dated, "papers": len(papers)}


def _comparisons(G: nx.MultiDiGraph, index: dict[str, int]) -> list[list[Any]]:
    """One row per claim: winner id and label, loser id and label, metric label, factor,
    percent, value, baseline value, confidence, paper index, evidence, hardware labels."""
    rows = []
    for u, v, data in G.edges(data=True):
        if data["relation"] != "outperforms":
            continue
        paper = data["paper"]
        values = data.get("values") or {}
        hardware = sorted({G.nodes[t]["label"] for _, t, r in G.out_edges(paper, data="relation")
                           if r == "targets"})
        rows.append([u, G.nodes[u]["label"], v, G.nodes[v]["label"],
                     G.nodes[data["metric"]]["label"] if data.get("metric") else "",
                     values.get("factor", ""), values.get("percent", ""),
                     values.get("value", ""), values.get("baseline_value", ""),
                     data.get("confidence"), index[paper],
                     data["evidence"][0]["sentence"] if data.get("evidence") else "",
                     hardware])
    return sorted(rows, key=lambda r: (r[1].lower(), r[3].lower(), r[10]))
