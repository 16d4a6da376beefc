"""``kg vocab suggest`` (kg/suggest.py, issue 23): names outside the vocabularies, ranked,
as a SKOS draft that can be added to them."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from kg.cli import cli
from kg.model import Entity, Evidence, Paper, PaperFindings, Relation
from kg.pipeline import extract_records
from kg.suggest import draft_turtle, suggest
from kg.vocab import Vocabulary, load_vocabulary, parse_vocabulary_file

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")


@pytest.fixture(scope="module")
def sample() -> list[PaperFindings]:
    files = sorted(CORPUS.glob("*.txt"))
    if not files:
        pytest.skip("shared corpus not found")
    return extract_records(files)[1]


def _record(paper: str, relation: str, entity: Entity) -> PaperFindings:
    ev = Evidence(f"{paper} names {entity.label}.", 0, 5, "vocab.v1")
    return PaperFindings(Paper(id=paper, title=paper, abstract=""), (entity,),
                         (Relation(relation, paper, entity.id, ev),))


def test_suggest_counts_papers_and_leaves_out_a_lone_proposal() -> None:
    tiny = Entity("technique/tinyx", "Technique", "TinyX", ("tiny-x",))
    mine = Entity("technique/mine", "Technique", "Mine")
    lora = Entity("technique/lora", "Technique", "LoRA", concept="technique/lora")
    found = suggest([_record("a", "uses", tiny), _record("b", "uses", tiny),
                     _record("a", "proposes", mine), _record("c", "uses", lora)])
    assert [(s.label, s.support) for s in found] == [("TinyX", 2)]
    assert found[0].example == "a names TinyX."
    both = suggest([_record("a", "proposes", mine), _record("b", "proposes", mine)])
    assert [(s.label, s.support) for s in both] == [("Mine", 2)]


def test_suggest_on_the_sample_corpus_is_ranked_and_outside_the_vocabularies(sample) -> None:
    vocab = load_vocabulary()
    found = suggest(sample)
    assert len(found) > 50
    assert [s.support for s in found] == sorted((s.support for s in found), reverse=True)
    for item in found:
        assert vocab.lookup(item.label, item.type) is None, item.label
        assert item.example


def test_suggest_draft_parses_and_can_join_the_vocabularies(sample, tmp_path: Path) -> None:
    """The draft is SKOS in the vocabularies' layout: each suggestion a concept with its
    label, count and example, and all of them together added to the vocabularies load
    (no name of one clashes with a concept's of the same type; every broader exists)."""
    found = suggest(sample, min_papers=1)
    draft = tmp_path / "draft.ttl"
    draft.write_text(draft_turtle(found, source="corpus"))
    graph = rdflib.Graph().parse(draft)
    concepts = set(graph.subjects(SKOS.prefLabel, None))
    assert len({s.id for s in found}) == len(found)
    assert len(concepts) == sum(not s.existing for s in found)
    # A spelling of a concept the vocabulary has is suggested as its alias, no new concept.
    for item in (s for s in found if s.existing):
        subject = rdflib.URIRef("https://w3id.org/mlsys-kg/id/" + item.id)
        assert graph.value(subject, SKOS.prefLabel) is None
        assert {str(a) for a in graph.objects(subject, SKOS.altLabel)} == set(item.names)
    for item in [s for s in found if not s.existing][:10]:
        note = next(str(n) for c in concepts if str(graph.value(c, SKOS.prefLabel)) ==
                    item.label for n in graph.objects(c, SKOS.scopeNote))
        assert note.startswith(f"{item.support} paper")
    added = []
    for entity_type in ("Technique", "Model", "Hardware", "Metric", "Dataset"):
        scheme = {"Technique": "technique/", "Model": "model/", "Hardware": "hardware/",
                  "Metric": "metric/", "Dataset": "dataset/"}[entity_type]
        added += [c for c in parse_vocabulary_file(draft, entity_type)
                  if c.id.startswith(scheme)]
    assert len(added) == len(concepts)
    Vocabulary([*load_vocabulary(), *added])  # raises on a clash or a missing broader


def test_suggest_cli(tmp_path: Path) -> None:
    if not CORPUS.is_dir():
        pytest.skip("shared corpus not found")
    out = tmp_path / "draft.ttl"
    result = CliRunner().invoke(cli, ["vocab", "suggest", str(CORPUS), "-o", str(out),
                                      "--min-papers", "2", "--show", "3"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith(f"used by at least 2 papers; the draft is {out}.")
    assert len(lines) == 4 and all(int(line.split()[0]) >= 2 for line in lines[1:])
    assert rdflib.Graph().parse(out)
