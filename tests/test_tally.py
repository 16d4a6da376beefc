from __future__ import annotations

from pathlib import Path

import pytest

from kg.export.store import write_store
from kg.extract import extract_papers
from kg.merge import build_graph
from kg.model import Paper
from kg.sparql import open_store, run_query
from kg.tally import Tally, tallies

PAPERS = [
    Paper(id="a", title="A", published="2024-03-02",
          abstract="We apply post-training quantization on the NVIDIA H100 and report latency."),
    Paper(id="b", title="B", published="2024-03-20",
          abstract="We use 4-bit quantization and post-training quantization on an A100 GPU."),
    Paper(id="c", title="C", published="2024-04-01",
          abstract="We study pruning on CPUs and report throughput."),
]


@pytest.fixture(scope="module")
def graph():
    return build_graph(extract_papers(PAPERS))


def _count(found: list[Tally], **key) -> int | None:
    hits = [t.papers for t in found
            if all(getattr(t, name) == value for name, value in key.items())
            and all(getattr(t, name) == "" for name in ("month", "with_relation")
                    if name not in key)]
    assert len(hits) <= 1, hits
    return hits[0] if hits else None


def test_tally_counts_distinct_papers_up_the_hierarchy(graph) -> None:
    found = list(tallies(graph))
    # H100 (paper a) and A100 (paper b) are both GPUs: two papers, each counted once.
    assert _count(found, relation="targets", concept="hardware/gpu") == 2
    assert _count(found, relation="targets", concept="hardware/nvidia-h100") == 1
    # Paper b names two kinds of quantization: still one paper for "quantization".
    assert _count(found, relation="uses", concept="technique/quantization") == 2
    assert _count(found, relation="targets", concept="hardware/cpu") == 1


def test_tally_months_and_pairs(graph) -> None:
    found = list(tallies(graph))
    assert _count(found, relation="targets", concept="hardware/gpu", month="2024-03") == 2
    assert _count(found, relation="targets", concept="hardware/gpu", month="2024-04") is None
    assert _count(found, relation="uses", concept="technique/quantization",
                  with_relation="targets", with_concept="hardware/gpu") == 2
    assert _count(found, relation="uses", concept="technique/quantization",
                  with_relation="targets", with_concept="hardware/cpu") is None
    assert found == sorted(found)


def test_tally_in_the_store_equals_the_join_it_replaces(page: Path, tmp_path: Path) -> None:
    """Every concept tally of uses/targets equals the count over the raw edges."""
    from kg.readers import read_papers

    write_store(build_graph(extract_papers(read_papers([page]) + PAPERS)), tmp_path / "s")
    store = open_store(tmp_path / "s")
    for relation in ("uses", "targets", "measures"):
        tallied = run_query(store, f"""
            SELECT ?c ?n WHERE {{ ?t a kg:ConceptTally ; kg:relation kg:{relation} ;
                                    kg:concept ?c ; kg:paperCount ?n }} ORDER BY ?c""",
                            fmt="csv")
        joined = run_query(store, f"""
            SELECT ?c (COUNT(DISTINCT ?p) AS ?n) WHERE {{
                ?p kg:{relation} ?x . ?x skos:broader* ?c }} GROUP BY ?c ORDER BY ?c""",
                           fmt="csv")
        assert len(tallied.splitlines()) > 2
        assert tallied == joined


def test_tally_claims_count_the_papers_that_state_a_comparison(tmp_path: Path) -> None:
    """The support of "A outperforms B" (issue 23): a kg:ClaimTally per pair of named systems,
    equal to the number of papers whose statements claim it; the paper as winner is not a
    concept-level claim."""
    from kg.model import Entity, Evidence, PaperFindings, Relation

    a = Entity("technique/flashserve", "Technique", "FlashServe")
    b = Entity("technique/vllm", "Technique", "vLLM", concept="technique/vllm")

    def claim(paper: str, winner: str) -> PaperFindings:
        text = "It is 2x faster than vLLM."
        return PaperFindings(Paper(id=paper, title=paper, abstract=text), (a, b), (
            Relation("outperforms", winner, b.id, Evidence(text, 0, len(text),
                                                           "outperforms.v1")),))

    findings = [claim("x", a.id), claim("y", a.id), claim("z", "z")]
    write_store(build_graph(findings), tmp_path / "s")
    store = open_store(tmp_path / "s")
    tallied = run_query(store, """
        SELECT ?w ?l ?n WHERE { ?t a kg:ClaimTally ; kg:relation kg:outperforms ;
                                   kg:winner ?w ; kg:loser ?l ; kg:paperCount ?n }""",
                        fmt="csv").splitlines()[1:]
    joined = run_query(store, """
        SELECT ?w ?l (COUNT(DISTINCT ?p) AS ?n) WHERE {
            ?s rdf:predicate kg:outperforms ; rdf:subject ?w ; rdf:object ?l ;
               prov:wasDerivedFrom ?p . FILTER NOT EXISTS { ?w a kg:Paper } }
        GROUP BY ?w ?l""",
                       fmt="csv").splitlines()[1:]
    assert tallied == joined == [
        "https://w3id.org/mlsys-kg/id/technique/flashserve,"
        "https://w3id.org/mlsys-kg/id/technique/vllm,2"]
