"""One concept or paper of a built graph, described for the terminal (``kg show NAME``).

Why: the question "what does the graph know about LoRA" should not need SPARQL or a
browser. A concept shows its type, aliases, place in the hierarchy, its papers grouped by
relation (each with the sentence that says so) and the comparisons it takes part in; a paper
shows its metadata and everything extracted from it, grouped the same way.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

import networkx as nx

from kg.errors import KGError
from kg.lookup import did_you_mean, find_nodes, suggest
from kg.model import RELATION_TYPES

__all__ = ["describe", "describe_node"]

WIDTH = 100


def describe(G: nx.MultiDiGraph, name: str, *, limit: int = 10) -> str:
    """The description of every node named ``name`` (usually one), each group of relations
    cut to ``limit`` lines (0: all).

    Raises
    ------
    KGError
        When no node has that name; the message suggests close names.
    """
    nodes = find_nodes(G, name)
    if not nodes:
        raise KGError(f"no concept or paper is named {name!r}"
                      f"{did_you_mean(suggest(G, name, papers=True))}")
    return "\n\n".join(describe_node(G, node, limit=limit) for node in nodes)


def describe_node(G: nx.MultiDiGraph, node: str, *, limit: int = 10) -> str:
    """One node's description (see the module docstring)."""
    if G.nodes[node]["kind"] == "Paper":
        return "\n".join(_paper_lines(G, node, limit))
    return "\n".join(_concept_lines(G, node, limit))


def _label(G: nx.MultiDiGraph, node: str) -> str:
    return G.nodes[node]["label"]


def _evidence(data: dict) -> str:
    evidence = data.get("evidence") or []
    return evidence[0].sentence if evidence else ""


def _sure(data: dict) -> str:
    """ " [confidence 0.87]" for an edge that carries one."""
    return (f" [confidence {data['confidence']:.3f}]" if data.get("confidence") is not None
            else "")


def _quote(text: str, indent: str) -> list[str]:
    return textwrap.wrap(f'"{text}"', WIDTH, initial_indent=indent, subsequent_indent=indent)


def _claim(G: nx.MultiDiGraph, winner: str, loser: str, data: dict) -> str:
    """ "FastServe outperforms vLLM on throughput (2.4x)"."""
    values = data.get("values") or {}
    figures = [f"{values['factor']}x"] if values.get("factor") else []
    if values.get("percent"):
        figures.append(f"{values['percent']}%")
    if values.get("value"):
        figures.append(f"{values['value']} vs {values.get('baseline_value', '?')}")
    metric = f" on {_label(G, data['metric'])}" if data.get("metric") else ""
    numbers = f" ({', '.join(figures)})" if figures else ""
    support = sum(d["relation"] == "outperforms" for d in G[winner][loser].values())
    papers = f"; {support} papers claim it" if support > 1 else ""
    sure = (f" [confidence {data['confidence']:.3f}{papers}]"
            if data.get("confidence") is not None else "")
    return f"{_label(G, winner)} outperforms {_label(G, loser)}{metric}{numbers}{sure}"


def _cut(lines: list[list[str]], limit: int, indent: str) -> list[str]:
    """The first ``limit`` items (each a few lines), then how many more there are."""
    shown = lines if not limit else lines[:limit]
    out = [line for item in shown for line in item]
    if len(lines) > len(shown):
        out.append(f"{indent}... and {len(lines) - len(shown)} more (--limit 0 shows all)")
    return out


def _paper_key(G: nx.MultiDiGraph, paper: str) -> tuple:
    """Most recent first, undated last, then by title."""
    date = G.nodes[paper].get("published") or ""
    return (date == "", tuple(-ord(c) for c in date), G.nodes[paper]["title"])


def _hierarchy(G: nx.MultiDiGraph, node: str) -> tuple[list[str], list[str]]:
    """(broader concepts, narrower concepts) of ``node``, by label."""
    up = sorted(_label(G, v) for _, v, r in G.out_edges(node, data="relation") if r == "broader")
    down = sorted(_label(G, u) for u, _, r in G.in_edges(node, data="relation")
                  if r == "broader")
    return up, down


def _chain(G: nx.MultiDiGraph, node: str) -> str:
    """ "NVIDIA H100 < NVIDIA Hopper GPU < NVIDIA GPU < GPU < ..." along first parents."""
    path, seen = [_label(G, node)], {node}
    while True:
        parents = sorted(v for _, v, r in G.out_edges(node, data="relation")
                         if r == "broader" and v not in seen)
        if not parents:
            return " < ".join(path)
        node = parents[0]
        seen.add(node)
        path.append(_label(G, node))


def _concept_lines(G: nx.MultiDiGraph, node: str, limit: int) -> Iterable[str]:
    data = G.nodes[node]
    kind = data["kind"] + (", a product" if data.get("product") else "")
    yield f"{data['label']} ({kind})  [{node}]"
    aliases = sorted(set(data.get("aliases", [])) - {data["label"]})
    if aliases:
        yield from textwrap.wrap("Aliases: " + ", ".join(aliases), WIDTH,
                                 subsequent_indent="  ")
    up, down = _hierarchy(G, node)
    if up:
        yield f"Hierarchy: {_chain(G, node)}"
    if down:
        yield from textwrap.wrap("Narrower: " + ", ".join(down), WIDTH, subsequent_indent="  ")
    for note in data.get("notes", ()):  # what a curation file changed
        yield from textwrap.wrap(f"Curated: {note}", WIDTH, subsequent_indent="  ")
    by_relation: dict[str, list[tuple[str, dict]]] = {}
    for paper, _, edge in G.in_edges(node, data=True):
        if G.nodes[paper]["kind"] == "Paper":
            by_relation.setdefault(edge["relation"], []).append((paper, edge))
    papers = {p for edges in by_relation.values() for p, _ in edges}
    yield f"Papers: {len(papers)}"
    for relation in RELATION_TYPES:
        edges = sorted(by_relation.get(relation, []), key=lambda e: _paper_key(G, e[0]))
        if not edges:
            continue
        yield f"  {relation} ({len(edges)}):"
        items = [[f"    - {G.nodes[p]['title']}"
                  + (f" ({G.nodes[p]['published']})" if G.nodes[p].get("published") else "")
                  + _sure(edge),
                  *_quote(_evidence(edge), "      ")] for p, edge in edges]
        yield from _cut(items, limit, "    ")
    claims = [(u, v, d) for u, v, d in G.in_edges(node, data=True)
              if d["relation"] == "outperforms"]
    claims += [(u, v, d) for u, v, d in G.out_edges(node, data=True)
               if d["relation"] == "outperforms"]
    if claims:
        yield f"Comparisons: {len(claims)}"
        items = [[f"  - {_claim(G, u, v, d)}", *_quote(_evidence(d), "    "),
                  f"    in: {G.nodes[d['paper']]['title']}"]
                 for u, v, d in sorted(claims, key=lambda c: (c[0] != node, _label(G, c[0]),
                                                              _label(G, c[1])))]
        yield from _cut(items, limit, "  ")


def _paper_lines(G: nx.MultiDiGraph, node: str, limit: int) -> Iterable[str]:
    data = G.nodes[node]
    yield from textwrap.wrap(f"{data['title']} (Paper)  [{node}]", WIDTH,
                             subsequent_indent="  ")
    facts = [f"published {data['published']}" if data.get("published") else "no date",
             *([f"arXiv {data['arxiv_id']}"] if data.get("arxiv_id") else []),
             *([f"{len(data['authors'])} authors"] if data.get("authors") else [])]
    yield "; ".join(facts)
    for source in data.get("sources", []):
        yield f"Listed in: {source['path']}:{source['line']}"
    edges: dict[str, list[tuple[str, dict]]] = {}
    for _, target, edge in G.out_edges(node, data=True):
        edges.setdefault(edge["relation"], []).append((target, edge))
    claims = [(u, v, d) for u, v, d in G.edges(data=True)
              if d["relation"] == "outperforms" and d.get("paper") == node]
    for relation in RELATION_TYPES:
        if relation == "outperforms":
            continue
        found = sorted(edges.get(relation, []), key=lambda e: _label(G, e[0]).lower())
        if not found:
            continue
        yield f"{relation} ({len(found)}):"
        items = [[f"  - {_label(G, t)} ({G.nodes[t]['kind']}){_sure(e)}",
                  *_quote(_evidence(e), "    ")]
                 for t, e in found]
        yield from _cut(items, limit, "  ")
    if claims:
        yield f"outperforms ({len(claims)}):"
        items = [[f"  - {_claim(G, u, v, d)}", *_quote(_evidence(d), "    ")]
                 for u, v, d in sorted(claims, key=lambda c: (_label(G, c[0]), _label(G, c[1])))]
        yield from _cut(items, limit, "  ")
