"""Finding nodes of a built graph by the name a user types, and suggesting near misses.

Why one module: ``kg html --focus``, ``kg show`` and the named queries' callers all take a
name from a person; each should accept the same spellings (label or alias, case and plural
folded; for papers also the title, id or arXiv id) and answer a typo with the same "did you
mean" list.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kg.normalize import norm_key

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["close_names", "did_you_mean", "find_nodes", "suggest"]


def _names(data: dict) -> list[str]:
    """The names a node answers to: label and aliases; a paper's title, arXiv id."""
    names = [data["label"], *data.get("aliases", [])]
    if data.get("kind") == "Paper" and data.get("arxiv_id"):
        names.append(data["arxiv_id"])
    return names


def find_nodes(G: nx.MultiDiGraph, name: str) -> list[str]:
    """The nodes named ``name`` (a concept's label or alias, a paper's title, id or arXiv
    id; case and plural folded), concepts first, in the graph's order."""
    if name in G:
        return [name]
    key = norm_key(name)
    found = [n for n, d in G.nodes(data=True) if key in {norm_key(x) for x in _names(d)}]
    return sorted(found, key=lambda n: G.nodes[n].get("kind") == "Paper")


def suggest(G: nx.MultiDiGraph, name: str, *, papers: bool = False, n: int = 3) -> list[str]:
    """Up to ``n`` labels close to ``name`` (concepts' labels and aliases; with ``papers``,
    titles too), closest first."""
    labels: dict[str, str] = {}
    for _, data in G.nodes(data=True):
        if data.get("kind") == "Paper" and not papers:
            continue
        for alias in _names(data):
            labels.setdefault(alias.lower(), data["label"])
    close = difflib.get_close_matches(name.lower(), labels, n=n + 2, cutoff=0.6)
    return list(dict.fromkeys(labels[c] for c in close))[:n]


def close_names(word: str, options: Iterable[str], *, n: int = 1) -> list[str]:
    """Up to ``n`` of ``options`` closest to ``word``, case ignored, as the options spell
    them: the one list every "did you mean" of kg is drawn from."""
    by_lower: dict[str, str] = {}
    for option in options:
        by_lower.setdefault(str(option).lower(), str(option))
    found = difflib.get_close_matches(str(word).lower(), list(by_lower), n=n, cutoff=0.6)
    return [by_lower[f] for f in found]


def did_you_mean(options: list[str]) -> str:
    """ "; did you mean 'LoRA' or 'QLoRA'?", or "" when there is nothing close."""
    if not options:
        return ""
    return "; did you mean " + " or ".join(f"'{o}'" for o in options) + "?"
