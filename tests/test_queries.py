"""Every named query (kg/queries/*.rq) answers its question right: on the sample corpus, its
SPARQL answer over the store equals the same question answered in Python from the build's
findings.jsonl (the graph ``kg.pipeline.load_graph`` merges from it, with its ``broader``
edges).

The Python answers are written from each query's question, not from the exporters: counts of
distinct papers, "a concept or a narrower one" by walking ``broader`` edges.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import networkx as nx
import pytest

import kg
from kg.pipeline import load_graph
from kg.sparql import list_queries, open_store, resolve_query, run_query

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"

Rows = list[tuple]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    files = sorted(CORPUS.glob("*.txt"))
    if not files:
        pytest.skip(f"shared corpus not found at {CORPUS}")
    out = tmp_path_factory.mktemp("queries") / "exports"
    kg.build(files, out, formats=["store"], use_cache=False)
    return out


@pytest.fixture(scope="module")
def graph(built: Path) -> nx.MultiDiGraph:
    return load_graph(built)


@pytest.fixture(scope="module")
def store(built: Path):
    return open_store(built / "store")


def _sparql(store, name: str, params: dict[str, str] | None = None) -> Rows:
    """The named query's rows, each a tuple of its variables' values (None when unbound)."""
    answer = json.loads(run_query(store, resolve_query(name, params), fmt="json"))
    names = answer["head"]["vars"]
    return [tuple(_value(row.get(v)) for v in names) for row in answer["results"]["bindings"]]


def _value(term: dict | None):
    if term is None:
        return None
    datatype = term.get("datatype", "")
    if datatype.endswith(("#integer", "#decimal", "#double")):
        return float(term["value"])
    return term["value"]


# --- the graph, read plainly ------------------------------------------------------------


def _label(G: nx.MultiDiGraph, node: str) -> str:
    data = G.nodes[node]
    return data["title"] if data["kind"] == "Paper" else data["label"]


def _edges(G: nx.MultiDiGraph, relation: str) -> list[tuple[str, str, dict]]:
    return [(u, v, d) for u, v, d in G.edges(data=True) if d["relation"] == relation]


def _up(G: nx.MultiDiGraph, node: str) -> set[str]:
    """``node`` and every concept broader than it."""
    seen, stack = {node}, [node]
    while stack:
        for _, parent, relation in G.out_edges(stack.pop(), data="relation"):
            if relation == "broader" and parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def _related(G: nx.MultiDiGraph, relation: str) -> dict[str, set[str]]:
    """paper -> the concepts it has ``relation`` to."""
    out: dict[str, set[str]] = {}
    for u, v, _ in _edges(G, relation):
        out.setdefault(u, set()).add(v)
    return out


def _papers_under(G: nx.MultiDiGraph, relation: str, concept: str) -> set[str]:
    """Papers with ``relation`` to ``concept`` or a narrower concept."""
    return {p for p, found in _related(G, relation).items()
            if any(concept in _up(G, c) for c in found)}


def _count_rows(G: nx.MultiDiGraph, counts: Counter, kind: str | None = None,
                limit: int | None = None) -> Rows:
    rows = sorted(((_label(G, c), float(n)) for c, n in counts.items()
                   if kind is None or G.nodes[c]["kind"] == kind), key=lambda r: (-r[1], r[0]))
    return rows[:limit] if limit else rows


def _direct_counts(G: nx.MultiDiGraph, relation: str) -> Counter:
    """concept -> papers with ``relation`` to it as named."""
    return Counter(c for found in _related(G, relation).values() for c in found)


def _rollup_counts(G: nx.MultiDiGraph, relation: str,
                   papers: Iterable[str] | None = None) -> Counter:
    """concept -> papers with ``relation`` to it or to a narrower concept."""
    related = _related(G, relation)
    chosen = related if papers is None else {p: related.get(p, set()) for p in papers}
    return Counter(a for found in chosen.values()
                   for a in set().union(*(_up(G, c) for c in found)) if found)


def _dated(G: nx.MultiDiGraph, limit: int) -> dict[str, str]:
    """The ``limit`` most recent dated papers -> their dates."""
    dated = sorted(((d["published"], n) for n, d in G.nodes(data=True)
                    if d["kind"] == "Paper" and d.get("published")), reverse=True)
    # Ties at the cut would make the SPARQL answer depend on the engine's order.
    assert len(dated) <= limit or dated[limit - 1][0] != dated[limit][0]
    return {n: date for date, n in dated[:limit]}


def _number(text: str | None) -> float | None:
    """A claim's figure as the RDF carries it: a range's upper bound ("1.4-11.2" -> 11.2)."""
    if not text:
        return None
    try:
        return float(text.replace("–", "-").replace("~", "-").split("-")[-1])
    except ValueError:
        return None


def _claims(G: nx.MultiDiGraph, metrics: set[str] | None = None) -> Rows:
    rows = []
    for u, v, d in _edges(G, "outperforms"):
        if metrics is not None and d.get("metric") not in metrics:
            continue
        values = d.get("values") or {}
        rows.append((_label(G, u), _label(G, v),
                     _label(G, d["metric"]) if d.get("metric") else None,
                     _number(values.get("factor")), _number(values.get("percent")),
                     values.get("value"), values.get("baseline_value"),
                     G.nodes[d["paper"]]["title"]))
    return rows


# --- one answer per named query ----------------------------------------------------------


def _top_hardware(G):
    return _count_rows(G, _direct_counts(G, "targets"), limit=25)


def _benchmarks_used(G):
    return _count_rows(G, _direct_counts(G, "evaluated_on"))


def _top_techniques(G):
    return _count_rows(G, _rollup_counts(G, "uses"), kind="Technique", limit=25)


def _most_measured_metrics(G):
    return _count_rows(G, _rollup_counts(G, "measures"), kind="Metric", limit=25)


def _paper_count(G):
    return [(float(sum(d["kind"] == "Paper" for _, d in G.nodes(data=True))),)]


def _gpu_products(G):
    counts = _direct_counts(G, "targets")
    rows = []
    for product, n in counts.items():
        if not G.nodes[product].get("product"):
            continue
        for _, family, relation in G.out_edges(product, data="relation"):
            if relation == "broader" and "hardware/gpu" in _up(G, family):
                rows.append((_label(G, product), _label(G, family), float(n)))
    return sorted(rows, key=lambda r: (-r[2], r[0], r[1]))


def _pair_rows(G, relation, concept, with_relation, kind=None):
    papers = _papers_under(G, relation, concept)
    return _count_rows(G, _rollup_counts(G, with_relation, papers), kind=kind)


def _edge_metrics(G):
    return _pair_rows(G, "targets", "hardware/edge-device", "measures")


def _quantization_hardware(G):
    return _pair_rows(G, "uses", "technique/quantization", "targets")


def _cooccurring(G, relation, concept, exclude_narrower):
    papers = _papers_under(G, relation, concept)
    counts = Counter(t for p in papers for t in _related(G, "uses").get(p, ()))
    if exclude_narrower:
        counts = Counter({t: n for t, n in counts.items() if concept not in _up(G, t)})
    return _count_rows(G, counts, kind="Technique")


def _speculative_decoding(G):
    return _cooccurring(G, "uses", "technique/speculative-decoding", exclude_narrower=True)


def _techniques_on_fpga(G):
    return _cooccurring(G, "targets", "hardware/fpga", exclude_narrower=False)


def _models_used(G):
    counts = _direct_counts(G, "uses")
    families: dict[str, list] = {}
    for model, n in counts.items():
        if G.nodes[model]["kind"] != "Model":
            continue
        roots = [a for a in _up(G, model) - {model}
                 if not any(r == "broader" for *_, r in G.out_edges(a, data="relation"))]
        for family in roots or [model]:
            entry = families.setdefault(_label(G, family), [0, []])
            entry[0] += n
            entry[1].append(_label(G, model))
    return sorted(((f, float(n), sorted(names)) for f, (n, names) in families.items()),
                  key=lambda r: (-r[1], r[0]))


def _papers_per_month(G):
    tops = ["hardware/gpu", "hardware/cpu", "hardware/fpga", "hardware/asic", "hardware/tpu",
            "hardware/npu", "hardware/edge-device", "hardware/pim",
            "hardware/neuromorphic-hardware"]
    counts: Counter = Counter()
    for top in tops:
        for p in _papers_under(G, "targets", top):
            if G.nodes[p].get("published"):
                counts[(G.nodes[p]["published"][:7], _label(G, top))] += 1
    return sorted((month, label, float(n)) for (month, label), n in counts.items())


def _proposed_systems(G):
    dates = _dated(G, 100)
    return sorted(((_label(G, x), G.nodes[x]["kind"], dates[p], G.nodes[p]["title"])
                   for p, x, _ in _edges(G, "proposes") if p in dates),
                  key=lambda r: (_desc(r[2]), r[0], r[3]))


def _desc(text: str) -> tuple:
    return tuple(-ord(ch) for ch in text)


def _evidence_for_lora(G):
    users = {p for p, v, _ in _edges(G, "uses") if v == "technique/lora"}
    dates = {p: d for p, d in _dated(G, 10**9).items() if p in users}
    recent = dict(sorted(dates.items(), key=lambda item: item[1], reverse=True)[:100])
    return sorted(((recent[p], G.nodes[p]["title"], ev.sentence, ev.rule)
                   for p, v, d in _edges(G, "uses") if v == "technique/lora" and p in recent
                   for ev in d["evidence"]),
                  key=lambda r: (_desc(r[0]), r[1], r[2]))


def _what_beats_vllm(G):
    return sorted(((_label(G, u), _label(G, d["metric"]) if d.get("metric") else None,
                    _number((d.get("values") or {}).get("factor")),
                    _number((d.get("values") or {}).get("percent")), d["evidence"][0].sentence)
                   for u, v, d in _edges(G, "outperforms") if v == "technique/vllm"),
                  key=lambda r: r[0])


def _all_outperforms(G):
    return _claims(G)


def _comparisons_for(metric: str) -> Callable:
    def answer(G):
        chosen = {n for n, d in G.nodes(data=True) if d["kind"] == "Metric" and metric.lower()
                  in {name.lower() for name in (d["label"], *d.get("aliases", []))}}
        return _claims(G, {n for n in G if G.nodes[n]["kind"] == "Metric"
                           and _up(G, n) & chosen})
    return answer


ANSWERS: dict[str, Callable[[nx.MultiDiGraph], Rows]] = {
    "all-outperforms": _all_outperforms,
    "benchmarks-used": _benchmarks_used,
    "comparisons-for-metric": _comparisons_for("throughput"),
    "edge-metrics": _edge_metrics,
    "evidence-for-edge": _evidence_for_lora,
    "gpu-products": _gpu_products,
    "models-used": _models_used,
    "most-measured-metrics": _most_measured_metrics,
    "paper-count": _paper_count,
    "papers-per-month-per-hardware": _papers_per_month,
    "proposed-systems": _proposed_systems,
    "quantization-hardware": _quantization_hardware,
    "speculative-decoding-cooccurrence": _speculative_decoding,
    "techniques-on-fpga": _techniques_on_fpga,
    "top-hardware": _top_hardware,
    "top-techniques": _top_techniques,
    "what-beats-vllm": _what_beats_vllm,
}
# Queries whose ORDER BY leaves ties (several claims with no factor): compared as multisets.
UNORDERED = {"all-outperforms", "comparisons-for-metric", "what-beats-vllm"}


def test_queries_every_named_query_has_an_answer_here() -> None:
    assert sorted(ANSWERS) == sorted(q.name for q in list_queries())


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_queries_answer_equals_the_findings(graph, store, name: str) -> None:
    expected = ANSWERS[name](graph)
    found = _sparql(store, name)
    if name == "models-used":
        found = [(f, n, sorted(v.split(", "))) for f, n, v in found]
    assert expected, f"{name}: the sample corpus should give this question an answer"
    if name in UNORDERED:
        assert Counter(found) == Counter(expected)
    else:
        assert found == expected


def test_queries_all_outperforms_returns_every_claim(graph, store) -> None:
    """Percent-only and value-only claims are answers too (they were dropped when the query
    chose claims by factor)."""
    found = _sparql(store, "all-outperforms")
    assert len(found) == len(_edges(graph, "outperforms"))
    assert any(row[3] is None and row[4] is not None for row in found)
    assert any(row[3] is None and row[4] is None for row in found)


def test_queries_gpu_products_are_products(store) -> None:
    """Parts of a GPU (memory, Tensor Cores) and classes (consumer GPU) are not products."""
    products = {row[0] for row in _sparql(store, "gpu-products")}
    assert "NVIDIA A100" in products
    assert not products & {"GPU memory", "Tensor Core", "CUDA core", "consumer GPU",
                           "NVIDIA GPU", "NVIDIA Hopper GPU", "integrated GPU"}


def test_queries_comparisons_for_a_chosen_metric(graph, store) -> None:
    """``--param metric=...`` picks the metric by name or alias, any case, with its narrower
    metrics; the answer equals the findings' claims on it."""
    for metric in ("latency", "Speedup", "throughput"):
        found = _sparql(store, "comparisons-for-metric", {"metric": metric})
        assert found, metric
        assert Counter(found) == Counter(_comparisons_for(metric)(graph))
    assert _sparql(store, "comparisons-for-metric", {"metric": 'no "such" \\ metric\n} #'}) == []
