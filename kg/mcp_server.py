"""``kg mcp``: a read-only Model Context Protocol server over a built graph.

Why: an assistant that can call tools answers "which techniques run on FPGAs, measured how,
and what beats what" from the graph, with the evidence sentence of every edge, instead of
from its memory. The server uses the official ``mcp`` SDK (``MCPServer``) over stdio (a
desktop client starts it) or streamable HTTP. Its tools read the build's findings (merged
once, on the first call) and its SPARQL store; nothing they do writes anything.

Every tool checks its arguments and answers a bad one with an error the model can act on
("no concept is named 'Lora adaptr'; did you mean 'Low-Rank Adaptation'?"); SPARQL runs in a
process of its own under the endpoint's timeout and memory bound, and updates are refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import KGError
from kg.lookup import close_names, did_you_mean, find_nodes, suggest
from kg.model import ENTITY_TYPES
from kg.queryguard import QueryLimits

__all__ = ["make_server"]

INSTRUCTIONS = """\
A knowledge graph of machine-learning-systems papers (titles and abstracts): which
techniques (LoRA, speculative decoding, quantization...) run on which hardware (GPUs, NVIDIA
H100, FPGAs, edge devices...), measured by which metrics (latency, throughput, accuracy...),
evaluated on which datasets, and which system outperforms which, by how much. Every edge
comes from a sentence of a paper (its evidence) and has a confidence in [0, 1], the measured
precision of edges like it. Start with search_concepts to find the exact names, then
describe, papers_for, comparisons or the named queries; use sparql only for questions the
other tools cannot answer."""

_UPDATE = re.compile(r"^\s*(?:(?:PREFIX|BASE)\b[^\n]*\n\s*|#[^\n]*\n\s*)*"
                     r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I)


class Graph:
    """The build a server answers from: its merged findings (loaded on first use) and the
    path of its SPARQL store."""

    def __init__(self, directory: str | Path, store: str | Path | None = None):
        self.directory = Path(directory)
        self.store = Path(store) if store else self.directory / "store"

    @property
    def G(self) -> nx.MultiDiGraph:
        return _load(str(self.directory))


@cache
def _load(directory: str) -> nx.MultiDiGraph:
    from kg.pipeline import load_graph

    return load_graph(directory)


# --- what the tools compute (plain functions: tested without a client too) ----------------


def _concept(G: nx.MultiDiGraph, name: str, kind: str | None = None) -> str:
    """The node of concept ``name`` (of ``kind``), or an error that names close ones."""
    found = [n for n in find_nodes(G, name) if G.nodes[n]["kind"] != "Paper"
             and (kind is None or G.nodes[n]["kind"] == kind)]
    if not found:
        what = f"no {kind or 'concept'} is named {name!r}"
        raise KGError(what + (did_you_mean(suggest(G, name)) or
                              " (search_concepts finds names)"))
    return found[0]


def _narrower(G: nx.MultiDiGraph, node: str) -> set[str]:
    """``node`` and every concept narrower than it."""
    seen, todo = {node}, [node]
    while todo:
        for child, _, relation in G.in_edges(todo.pop(), data="relation"):
            if relation == "broader" and child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def search_concepts(G: nx.MultiDiGraph, query: str, kind: str | None = None,
                    limit: int = 10) -> list[dict]:
    """Concepts whose label or alias matches ``query``: exact first, then a word that
    starts with it, then anywhere; the most papers first within each."""
    if kind is not None and kind not in ENTITY_TYPES:
        raise KGError(f"unknown kind {kind!r}; kinds: {', '.join(ENTITY_TYPES)}")
    if not query.strip():
        raise KGError("query is empty")
    q = query.strip().lower()
    ranked = []
    for node, data in G.nodes(data=True):
        if data["kind"] == "Paper" or (kind and data["kind"] != kind):
            continue
        names = [n.lower() for n in (data["label"], *data.get("aliases", []))]
        if q in names:
            rank = 0
        elif any(re.search(rf"\b{re.escape(q)}", n) for n in names):
            rank = 1
        elif any(q in n for n in names):
            rank = 2
        else:
            continue
        ranked.append((rank, -int(data.get("papers", 0)), data["label"], node))
    return [{"id": node, "label": label, "kind": G.nodes[node]["kind"], "papers": -papers,
             "aliases": sorted(set(G.nodes[node].get("aliases", [])))[:10]}
            for _, papers, label, node in sorted(ranked)[:max(1, limit)]]


def papers_for(G: nx.MultiDiGraph, technique: str | None = None, hardware: str | None = None,
               metric: str | None = None, limit: int = 20) -> dict:
    """Papers that use the technique, target the hardware and measure the metric (each, or
    a narrower concept; those given), most recent first, with each edge's evidence."""
    asked = [(relation, kind, name) for relation, kind, name in (
        ("uses", "Technique", technique), ("targets", "Hardware", hardware),
        ("measures", "Metric", metric)) if name]
    if not asked:
        raise KGError("give at least one of technique, hardware, metric")
    found: dict[str, dict[str, dict]] | None = None
    for relation, kind, name in asked:
        wanted = _narrower(G, _concept(G, name, None if kind == "Technique" else kind))
        hits: dict[str, dict[str, dict]] = {}
        for node in wanted:
            for paper, _, data in G.in_edges(node, data=True):
                if data["relation"] == relation and G.nodes[paper]["kind"] == "Paper":
                    hits.setdefault(paper, {})[relation] = {
                        "concept": G.nodes[node]["label"],
                        "evidence": data["evidence"][0].sentence if data["evidence"] else "",
                        "confidence": data.get("confidence")}
        found = hits if found is None else {
            p: {**found[p], **edges} for p, edges in hits.items() if p in found}
    assert found is not None
    order = sorted(found, key=lambda p: (G.nodes[p].get("published") or "", p), reverse=True)
    return {"papers": len(order), "shown": min(len(order), limit), "results": [
        {"id": p, "title": G.nodes[p]["title"], "published": G.nodes[p].get("published"),
         "edges": found[p]} for p in order[:limit]]}


def comparisons(G: nx.MultiDiGraph, system: str | None = None, metric: str | None = None,
                limit: int = 50) -> dict:
    """Claims that one system outperforms another: those the system takes part in (as
    winner or loser), on the metric (or a narrower one), or both; with numbers, paper and
    evidence."""
    if not system and not metric:
        raise KGError("give a system, a metric or both")
    node = _concept(G, system) if system else None
    metrics = _narrower(G, _concept(G, metric, "Metric")) if metric else None
    claims = []
    for u, v, data in G.edges(data=True):
        if data["relation"] != "outperforms":
            continue
        if node is not None and node not in (u, v):
            continue
        if metrics is not None and data.get("metric") not in metrics:
            continue
        claims.append({
            "winner": G.nodes[u]["label"], "loser": G.nodes[v]["label"],
            "metric": G.nodes[data["metric"]]["label"] if data.get("metric") else None,
            **(data.get("values") or {}), "confidence": data.get("confidence"),
            "paper": G.nodes[data["paper"]]["title"],
            "evidence": data["evidence"][0].sentence if data["evidence"] else ""})
    claims.sort(key=lambda c: (c["winner"], c["loser"], c["paper"]))
    return {"claims": len(claims), "shown": min(len(claims), limit), "results": claims[:limit]}


def run_sparql(store: Path, query: str, limit: int, *, timeout_s: float,
               memory_mb: int) -> dict:
    """A read query's answer (at most ``limit`` rows), bounded like the endpoint's."""
    from kg.querypool import run_bounded
    from kg.sparql import run_query_at

    if _UPDATE.match(query):
        raise KGError("the graph is read-only: SPARQL updates (INSERT, DELETE, LOAD, ...) are "
                      "refused; ask with SELECT, ASK, CONSTRUCT or DESCRIBE")
    answer = run_bounded(run_query_at, (str(store), query, "json", QueryLimits()),
                         timeout_s=timeout_s, memory_mb=memory_mb)
    try:
        data = json.loads(answer)
    except json.JSONDecodeError:  # CONSTRUCT and DESCRIBE answer N-Triples
        lines = answer.splitlines()
        return {"triples": len(lines), "shown": min(len(lines), limit),
                "ntriples": "\n".join(lines[:limit])}
    if "boolean" in data:
        return {"boolean": data["boolean"]}
    rows = [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]
    return {"columns": data["head"]["vars"], "rows": len(rows), "shown": min(len(rows), limit),
            "results": rows[:limit]}


# --- the server ---------------------------------------------------------------------------


def make_server(directory: str | Path, *, store: str | Path | None = None,
                timeout_s: float = 30, memory_mb: int = 2048, row_limit: int = 1000):
    """The MCP server of the build in ``directory`` (an ``mcp`` ``MCPServer``)."""
    import functools

    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    from kg.show import describe as describe_text
    from kg.sparql import bind_params, list_queries

    graph = Graph(directory, store)
    if not (graph.directory / "findings.jsonl").is_file():
        raise KGError(f"no kg build in {graph.directory} (findings.jsonl missing): run "
                      "'kg build' first")
    server = MCPServer("kg", instructions=INSTRUCTIONS)
    named = {q.name: q for q in list_queries()}

    def tool(name: str, description: str) -> Callable[[Callable[..., Any]], Any]:
        """Register a tool; a kg error reaches the model as the tool's error message."""
        def register(fn: Callable[..., Any]) -> Any:
            @functools.wraps(fn)
            def wrapped(*args: Any, **kwargs: Any) -> Any:
                try:
                    return fn(*args, **kwargs)
                except KGError as err:
                    raise ToolError(str(err)) from err
            return server.tool(name=name, description=" ".join(description.split()))(wrapped)
        return register

    @tool("search_concepts", """Find concepts (techniques, models, hardware, metrics,
          datasets) by name or alias, best match first, with their ids, kinds and paper
          counts. Use it first to learn the exact names the other tools take. kind:
          Technique, Model, Hardware, Metric or Dataset (optional).""")
    def _search(query: str, kind: str | None = None, limit: int = 10) -> list[dict]:
        return search_concepts(graph.G, query, kind, limit)

    @tool("describe", """Everything the graph says about one concept or paper: type,
          aliases, place in the hierarchy, its papers or relations grouped by type, each
          with the sentence that states it and its confidence, and the comparisons it takes
          part in. name: a concept's name or alias, or a paper's title or arXiv id. limit:
          lines per group.""")
    def _describe(name: str, limit: int = 10) -> str:
        return describe_text(graph.G, name, limit=limit)

    @tool("papers_for", """Papers that combine a technique, a hardware and a metric (give
          one, two or all three; each also matches its narrower concepts: 'GPU' finds H100
          papers), most recent first, each with the evidence of every edge.""")
    def _papers(technique: str | None = None, hardware: str | None = None,
                metric: str | None = None, limit: int = 20) -> dict:
        return papers_for(graph.G, technique, hardware, metric, limit)

    @tool("comparisons", """Claims that one system outperforms another, as the papers state
          them: for a system (as winner or loser), for a metric (or a narrower one), or
          both; with the factor, percent or values, the paper and the sentence.""")
    def _comparisons(system: str | None = None, metric: str | None = None,
                     limit: int = 50) -> dict:
        return comparisons(graph.G, system, metric, limit)

    @tool("named_query", "Run one of the graph's named SPARQL queries; params: a query's "
          "parameters, e.g. {\"metric\": \"latency\"} for comparisons-for-metric. The "
          "queries: " + "; ".join(f"{q.name}: {q.question}" for q in named.values()))
    def _named(name: str, params: dict[str, str] | None = None) -> dict:
        if name not in named:
            raise KGError(f"no named query {name!r}"
                          f"{did_you_mean(close_names(name, named, n=2))} (queries: "
                          f"{', '.join(named)})")
        return run_sparql(graph.store, bind_params(named[name], params or {}), row_limit,
                          timeout_s=timeout_s, memory_mb=memory_mb)

    @tool("sparql", """Run a read-only SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE)
          over the graph; the prefixes kg:, tech:, hw:, model:, metric:, dataset:, paper:,
          skos:, dcterms:, prov:, rdf:, rdfs:, xsd: need no PREFIX lines. Papers are
          kg:Paper with dcterms:title; edges are ?paper kg:uses, kg:targets, kg:measures,
          kg:evaluatedOn or kg:proposes ?concept, and ?a kg:outperforms ?b; each edge's
          statement (?st rdf:subject ?a; rdf:predicate kg:uses; rdf:object ?b) has
          kg:evidence and kg:confidence, a comparison's also prov:wasDerivedFrom ?paper,
          kg:metric, kg:factor, kg:percent. Stopped after the endpoint's timeout; at most limit rows
          come back.""")
    def _sparql(query: str, limit: int = 100) -> dict:
        return run_sparql(graph.store, query, min(max(1, limit), row_limit),
                          timeout_s=timeout_s, memory_mb=memory_mb)

    return server
