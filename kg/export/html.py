"""Interactive HTML view of the graph: a pyvis network in a page that works offline.

pyvis builds the nodes, edges and options; the page is rendered from kg's own template
(``kg/templates/graph.html``) with vis-network's script and style inlined from the copy that
the pyvis package ships, because pyvis' own ``in_line`` mode still loads bootstrap from a CDN.
The page makes no network request.

Every string from a paper reaches the page as JSON data, shown with ``textContent`` (never
``innerHTML``), and ``</`` is escaped inside the script, so a title containing ``<script>``
shows as text.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from kg.canonical import PaperBlock, Shared, graph_blocks, graph_shared
from kg.export import single_target
from kg.export.page_views import page_views
from kg.infra.clock import Clock, no_clock
from kg.infra.fileio import write_text

__all__ = ["COLORS", "MAX_NODES", "MAX_PAPERS", "HtmlSample", "HtmlSink", "focus_subgraph",
           "generate_html", "html_graph", "sample_graph", "to_pyvis", "write_html"]

COLORS = {"Paper": "#9e9e9e", "Technique": "#1f77b4", "Model": "#9467bd", "Hardware": "#d62728",
          "Metric": "#2ca02c", "Dataset": "#ff7f0e"}
EDGE_COLORS = {"uses": "#1f77b4", "targets": "#d62728", "measures": "#2ca02c",
               "evaluated_on": "#ff7f0e", "proposes": "#8c564b", "outperforms": "#e377c2",
               "broader": "#bbbbbb"}


def _tooltip(data: dict[str, Any]) -> str:
    # Tooltips stay short: the abstract and the evidence are in the side panel, and a page of
    # 20,000 papers must not carry every abstract twice.
    if data["kind"] == "Paper":
        abstract = data.get("abstract") or ""
        head = abstract[:140] + ("…" if len(abstract) > 140 else "")
        return f"{data['title']}\n{data.get('published') or 'date unknown'}\n\n{head}"
    aliases = ", ".join(data.get("aliases", [])[:8])
    return f"{data['kind']}: {data['label']}" + (f"\naliases: {aliases}" if aliases else "")


def _edge_title(data: dict[str, Any], G: nx.MultiDiGraph) -> str:
    relation = data["relation"]
    if relation == "outperforms":
        metric_id = data.get("metric")
        metric = (G.nodes[metric_id]["label"] if metric_id in G else
                  metric_id.split("/", 1)[-1].replace("-", " ")) if metric_id else \
            "unspecified metric"
        values = ", ".join(f"{k}={v}" for k, v in sorted((data.get("values") or {}).items()))
        text = f"outperforms on {metric}" + (f" ({values})" if values else "")
        if data.get("evidence"):
            text += "\n" + data["evidence"][0]["sentence"][:300]
    else:
        text = relation
    if data.get("confidence") is not None:
        text += f"\nconfidence {data['confidence']:.2f}"
    return text


def _claim_label(data: dict[str, Any], G: nx.MultiDiGraph) -> str:
    """ "speedup 2.4x" / "latency 35%" / "accuracy 96% vs 95%": a comparison in a few words."""
    metric = data.get("metric")
    name = (G.nodes[metric]["label"] if metric in G else
            metric.split("/", 1)[-1].replace("-", " ")) if metric else ""
    values = data.get("values") or {}
    figure = (f"{values['factor']}x" if values.get("factor") else
              f"{values['percent']}%" if values.get("percent") else
              f"{values['value']} vs {values.get('baseline_value', '?')}" if values.get("value")
              else "")
    return " ".join(part for part in (name, figure) if part) or "outperforms"


def to_pyvis(G: nx.MultiDiGraph) -> Any:
    """The graph as a ``pyvis.network.Network``: colour by type, size by degree."""
    try:
        from pyvis.network import Network
    except ImportError as err:  # pragma: no cover - pyvis is a core dependency
        raise ImportError("HTML export needs pyvis: pip install pyvis") from err
    net = Network(height="100%", width="100%", directed=True, cdn_resources="local")
    degree = dict(G.degree())
    for node in sorted(G.nodes):
        data = G.nodes[node]
        label = data["label"] if data["kind"] != "Paper" else data["label"][:40]
        net.add_node(node, label=label, title=_tooltip(data), color=COLORS[data["kind"]],
                     group=data["kind"],
                     # Papers stay small, so the concepts they link stand out.
                     size=(6 if data["kind"] == "Paper"
                           else 8 + min(degree.get(node, 0), 60) ** 0.8 * 2),
                     shape="dot" if data["kind"] != "Paper" else "square")
    for u, v, key in sorted(G.edges(keys=True)):
        data = G.edges[u, v, key]
        extra = ({"confidence": data["confidence"]} if data.get("confidence") is not None
                 else {})
        if data["relation"] == "outperforms":  # shown on the edge in "what beats what"
            extra["claim"] = _claim_label(data, G)
        net.add_edge(u, v, title=_edge_title(data, G), color=EDGE_COLORS[data["relation"]],
                     relation=data["relation"], arrows="to", **extra)
    return net


def _vis_assets() -> tuple[str, str]:
    lib = Path(str(resources.files("pyvis") / "lib" / "vis-9.1.2"))
    return ((lib / "vis-network.min.js").read_text(encoding="utf-8"),
            (lib / "vis-network.css").read_text(encoding="utf-8"))


def _script_json(value: Any) -> str:
    """JSON safe to place inside a <script> element."""
    return (json.dumps(value, ensure_ascii=False, sort_keys=True)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


MAX_NODES = 1500
LABELLED = 30  # concepts labelled when the page opens (the most connected)
# The page holds at most this many papers (the most recent). Why: a page embeds every node,
# edge and abstract it holds (its size per paper count is in docs/scaling.md), and
# a browser takes longer to open each; the whole graph is in the RDF files and the store.
MAX_PAPERS = 5000


def _recency(paper: str, data: dict) -> tuple[str, str]:
    """The order a page picks papers in: latest published first, then the larger id."""
    return (data.get("published") or "", paper)


def sample_graph(blocks: Iterable[PaperBlock], entities: Mapping[str, dict],
                 broader: Iterable[tuple[str, str]]) -> nx.MultiDiGraph:
    """The graph of some papers' blocks: those papers, their edges, the entities the edges
    reach (with the corpus-wide attributes in ``entities``) and those entities' broader
    concepts, up the hierarchy."""
    H = nx.MultiDiGraph()
    for block in blocks:
        H.add_node(block.id, **block.data)
        for u, v, key, attrs in block.edges:
            H.add_edge(u, v, key=key, **attrs)
    parents: dict[str, list[str]] = {}
    for u, v in broader:
        parents.setdefault(u, []).append(v)
    todo = [n for n in H.nodes if n in entities]
    kept = set(todo)
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in kept:
                kept.add(parent)
                todo.append(parent)
    for node in sorted(kept):
        H.add_node(node, **entities[node])
    for u, v in broader:
        if u in kept and v in kept:
            H.add_edge(u, v, key="broader", relation="broader", evidence=[])
    return H


def _note(shown: int, total: int, entities: int) -> str:
    return (f"Showing the {shown:,} most recent of {total:,} papers and the {entities:,} "
            "entities they name. Every paper is in graph.ttl, graph.nt and the SPARQL store "
            "(kg query).")


class HtmlSample:
    """The papers a page of a large build holds, kept while the build streams: the
    ``max_papers`` most recent blocks (a heap), so a build never holds the whole graph for
    its HTML. ``graph`` gives what ``html_graph`` gives for the whole graph."""

    def __init__(self, max_papers: int | None = None) -> None:
        self.max_papers = MAX_PAPERS if max_papers is None else max_papers
        self.heap: list[tuple[tuple[str, str], int, PaperBlock]] = []
        self.seen = 0

    def add(self, block: PaperBlock) -> None:
        item = (_recency(block.id, block.data), self.seen, block)
        self.seen += 1
        if len(self.heap) < self.max_papers:
            heapq.heappush(self.heap, item)
        elif item[0] > self.heap[0][0]:
            heapq.heapreplace(self.heap, item)

    def graph(self, entities: Mapping[str, dict], broader: Iterable[tuple[str, str]]
              ) -> tuple[nx.MultiDiGraph, str | None]:
        """The page's graph, and the note that it is a sample (None when it is not)."""
        blocks = [block for _, _, block in sorted(self.heap, key=lambda item: item[1])]
        H = sample_graph(blocks, entities, broader)
        if self.seen <= self.max_papers:
            return H, None
        return H, _note(len(blocks), self.seen, H.number_of_nodes() - len(blocks))


class HtmlSink:
    """The page as a build writes it: the papers kept by an ``HtmlSample`` while they pass,
    the page written on ``finish``."""

    @classmethod
    def open(cls, targets: Mapping[str, Path], clock: Clock = no_clock) -> HtmlSink:
        return cls(single_target(targets))

    def __init__(self, path: str | Path, *, max_papers: int | None = None) -> None:
        self.path = Path(path)
        self.sample = HtmlSample(max_papers)

    def add(self, block: PaperBlock) -> None:
        self.sample.add(block)

    def finish(self, shared: Shared) -> None:
        page, note = self.sample.graph(shared.entities, shared.broader)
        write_html(page, self.path, note=note)

    def abort(self, error: BaseException | None = None) -> None:
        """Nothing was written yet: the page is written whole on ``finish``."""


def html_graph(G: nx.MultiDiGraph, *, max_papers: int | None = None
               ) -> tuple[nx.MultiDiGraph, str | None]:
    """What the page of ``G`` holds: ``G`` itself, or with more than ``max_papers`` papers the
    most recent of them (``sample_graph``), and the note that says so."""
    limit = MAX_PAPERS if max_papers is None else max_papers
    if sum(1 for _, kind in G.nodes(data="kind") if kind == "Paper") <= limit:
        return G, None
    sample = HtmlSample(limit)
    for block in graph_blocks(G):
        sample.add(block)
    shared = graph_shared(G)
    return sample.graph(shared.entities, shared.broader)


def generate_html(G: nx.MultiDiGraph, *, title: str = "kg: ML-systems knowledge graph",
                  max_nodes: int = MAX_NODES, note: str | None = None) -> str:
    """The whole page as a string (deterministic for a given graph).

    A graph with more than ``max_nodes`` nodes opens on its ``max_nodes`` most connected
    nodes; search and double-click bring the rest in, a neighbourhood at a time, so the layout
    settles quickly whatever the corpus size. ``note``, if given, is shown above the
    legend (``html_graph``: the page holds a sample of the papers).
    """
    from jinja2 import Environment, select_autoescape

    net = to_pyvis(G)
    nodes = [{k: n[k] for k in ("id", "label", "title", "color", "group", "size", "shape")
              if k in n} for n in net.nodes]
    # The page opens readable: only the most connected concepts are labelled; a selected
    # node's neighbourhood is labelled when it is selected (``name`` keeps every label).
    labelled = set(heapq.nlargest(LABELLED, (n["id"] for n in nodes if n["group"] != "Paper"),
                                  key=lambda i: (G.degree(i), i)))
    for node in nodes:
        # vis-network colours nodes by "group" over "color"; keep the type as "kind" instead.
        node["kind"] = node.pop("group")
        node["color"] = COLORS[node["kind"]]
        node["name"] = node["label"]
        if node["id"] not in labelled:
            node["label"] = ""
    edges = [{"from": e["from"], "to": e["to"], "title": e["title"], "color": e["color"],
              "relation": e["relation"], "arrows": "to",
              **({"confidence": e["confidence"]} if "confidence" in e else {}),
              **({"claim": e["claim"]} if "claim" in e else {})}
             for e in net.edges]
    claims: dict[str, list[tuple[str, str, dict]]] = {}  # paper -> comparisons it states
    for u, v, d in G.edges(data=True):
        if d["relation"] == "outperforms" and d.get("paper") not in (None, u):
            claims.setdefault(d["paper"], []).append((u, v, d))
    details = {node: _details(G, node, claims.get(node, [])) for node in sorted(G.nodes)}
    js, css = _vis_assets()
    template_text = (resources.files("kg") / "templates" / "graph.html").read_text("utf-8")
    env = Environment(autoescape=select_autoescape(default=True))
    template = env.from_string(template_text)
    return template.render(
        title=title,
        vis_js=js.replace("</script", "<\\/script"),
        vis_css=css,
        nodes_json=_script_json(nodes),
        edges_json=_script_json(edges),
        details_json=_script_json(details),
        views_json=_script_json(page_views(G)),
        colors_json=_script_json(COLORS),
        edge_colors_json=_script_json(EDGE_COLORS),
        counts={kind: sum(1 for _, k in G.nodes(data="kind") if k == kind) for kind in COLORS},
        colors=COLORS,
        edge_colors=EDGE_COLORS,
        max_nodes=int(max_nodes),
        note=note,
    )


def _span(text: str, sentence: str) -> list[int]:
    """[start, end] of ``sentence`` in ``text`` (code points), or [-1, -1]."""
    start = text.find(sentence) if sentence else -1
    return [start, start + len(sentence)] if start >= 0 else [-1, -1]


def _details(G: nx.MultiDiGraph, node: str, claims: list[tuple[str, str, dict]]
             ) -> dict[str, Any]:
    """What the side panel shows of ``node``. A paper: its metadata, every evidence span (in
    title and abstract) and its relations by type, each ``[relation, node id, label,
    sentence start, sentence end]`` (``claims``: the comparisons between two systems it
    states). A concept: aliases, broader and narrower concepts and
    its papers by relation, each ``[id, label]`` so the panel can link them."""
    data = G.nodes[node]
    out: dict[str, Any] = {"kind": data["kind"], "label": data["label"]}
    if data["kind"] == "Paper":
        out.update(published=data.get("published"), abstract=data.get("abstract", ""),
                   sources=[s["path"] for s in data.get("sources", [])])
        edges = [*G.out_edges(node, data=True), *claims]
        out["evidence"] = sorted({(ev["start"], ev["end"]) for _, _, d in edges
                                  for ev in d.get("evidence", []) if ev["paper"] == node})
        # A sentence is given by its code-point offsets in title + newline + abstract (the
        # page has that text already; sentences again would double a large page's size).
        text = f"{data['title']}\n{data.get('abstract') or ''}"
        out["relations"] = sorted(
            [d["relation"], v, G.nodes[v]["label"] if u == node else
             f"{G.nodes[u]['label']} > {G.nodes[v]['label']}",
             *_span(text, d["evidence"][0]["sentence"] if d.get("evidence") else "")]
            for u, v, d in edges)
    else:
        out["aliases"] = data.get("aliases", [])
        out["broader"] = sorted([v, G.nodes[v]["label"]] for _, v, d in
                                G.out_edges(node, data=True) if d["relation"] == "broader")
        out["narrower"] = sorted([u, G.nodes[u]["label"]] for u, _, d in
                                 G.in_edges(node, data=True) if d["relation"] == "broader")
        out["papers"] = sorted({(d["relation"], u, G.nodes[u]["label"]) for u, _, d in
                                G.in_edges(node, data=True)
                                if G.nodes[u]["kind"] == "Paper"})[:50]
    return out


def write_html(G: nx.MultiDiGraph, path: str | Path, *,
               title: str = "kg: ML-systems knowledge graph", max_nodes: int = MAX_NODES,
               max_papers: int | None = None, note: str | None = None) -> None:
    """Write the offline HTML page atomically: of ``G``, or of its most recent
    ``max_papers`` papers (``html_graph``). With ``note``, ``G`` is taken as already chosen
    (``HtmlSample.graph``)."""
    if note is None:
        G, note = html_graph(G, max_papers=max_papers)
    write_text(path, generate_html(G, title=title, max_nodes=max_nodes, note=note))


def focus_subgraph(G: nx.MultiDiGraph, query: str, *, hops: int = 2) -> nx.MultiDiGraph:
    """The part of ``G`` within ``hops`` edges (either direction) of the nodes named ``query``
    (label or alias, case and plural folded; a paper's title or arXiv id: ``kg.lookup``).

    Raises
    ------
    ExportError
        When no node has that name.
    """
    from kg.errors import ExportError
    from kg.lookup import did_you_mean, find_nodes, suggest

    seeds = find_nodes(G, query)
    if not seeds:
        raise ExportError(f"no node is named {query!r}{did_you_mean(suggest(G, query))}")
    undirected = G.to_undirected(as_view=True)
    keep: set[str] = set()
    for seed in seeds:
        keep |= set(nx.single_source_shortest_path_length(undirected, seed, cutoff=hops))
    return G.subgraph(keep).copy()
