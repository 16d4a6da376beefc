from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import QueryError
from kg.export.store import write_store
from kg.extract import extract_papers
from kg.merge import build_graph
from kg.readers import read_papers
from kg.sparql import list_queries, open_store, resolve_query, run_query

COUNT = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a kg:Paper }"


@pytest.fixture
def store_dir(page: Path, tmp_path: Path) -> Path:
    directory = tmp_path / "store"
    write_store(build_graph(extract_papers(read_papers([page]))), directory)
    return directory


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "table"])
def test_sparql_count_in_every_format(store_dir: Path, fmt: str) -> None:
    out = run_query(open_store(store_dir), COUNT, fmt=fmt)
    if fmt == "json":
        assert json.loads(out)["results"]["bindings"][0]["n"]["value"] == "2"
    elif fmt == "csv":
        assert list(csv.reader(io.StringIO(out)))[1] == ["2"]
    elif fmt == "tsv":
        assert out.splitlines()[1].startswith("2")
    else:
        assert out.splitlines()[2].strip() == "2"


def test_sparql_error_shows_the_position(store_dir: Path) -> None:
    with pytest.raises(QueryError, match=r"1:\d+"):
        run_query(open_store(store_dir), "SELECT ?x WHERE { ?x ?y }")


def test_sparql_store_is_replaced_whole(store_dir: Path, page: Path) -> None:
    G = build_graph(extract_papers(read_papers([page])[:1]))
    write_store(G, store_dir)
    assert run_query(open_store(store_dir), COUNT, fmt="csv").splitlines()[1] == "1"
    assert not any(p.name.startswith(".store") for p in store_dir.parent.iterdir())


def test_sparql_ontology_is_in_the_store(store_dir: Path) -> None:
    out = run_query(open_store(store_dir), "ASK { kg:Technique rdfs:subClassOf kg:Entity }",
                    fmt="table")
    assert out == "true"


@pytest.mark.parametrize("named", list_queries(), ids=lambda q: q.name)
def test_sparql_named_queries_run(store_dir: Path, named) -> None:
    assert named.question
    out = run_query(open_store(store_dir), named.text, fmt="json")
    assert "results" in json.loads(out)


def test_sparql_library_has_a_dozen_documented_queries() -> None:
    names = [q.name for q in list_queries()]
    assert len(names) >= 12
    doc = (Path(__file__).resolve().parent.parent / "docs" / "queries.md").read_text()
    for name in names:
        assert f"`{name}`" in doc


def test_sparql_resolve_query_from_file_and_name(tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text(COUNT)
    assert resolve_query(str(path)) == COUNT
    assert "kg:Paper" in resolve_query("paper-count")
    assert resolve_query(COUNT) == COUNT


def test_sparql_cli_query_and_list(store_dir: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["query", "paper-count", "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2].strip() == "2"
    listed = runner.invoke(cli, ["query", "--list"])
    assert "techniques-on-fpga" in listed.output
    bad = runner.invoke(cli, ["query", "SELECT ?x WHERE {", "--store", str(store_dir)])
    assert bad.exit_code != 0 and "invalid SPARQL" in bad.output


@pytest.mark.slow
def test_sparql_sample_corpus_has_319_papers(corpus_files: list[Path], tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", *map(str, corpus_files), "-o", str(tmp_path),
                                      "--formats", "store"])
    assert result.exit_code == 0, result.output
    out = run_query(open_store(tmp_path / "store"), COUNT, fmt="csv")
    assert out.splitlines()[1] == "319"


def test_sparql_store_holds_the_same_triples_on_every_build(page: Path, tmp_path: Path) -> None:
    G = build_graph(extract_papers(read_papers([page])))
    dumps = []
    for name in ("a", "b"):
        write_store(G, tmp_path / name)
        out = run_query(open_store(tmp_path / name), "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o "
                        "FILTER(!isBlank(?s) && !isBlank(?o)) }")  # the ontology has bnodes
        dumps.append(sorted(out.splitlines()))
    assert dumps[0] == dumps[1] and len(dumps[0]) > 100


def test_sparql_store_writer_failure_keeps_the_old_store(store_dir: Path) -> None:
    """A chunk the loader rejects fails the build loudly; the previous store stays whole
    and no half-built store is left beside it."""
    from kg.export.store import StoreWriter

    writer = StoreWriter(store_dir)
    writer.feed(b"<http://a> <http://b> <http://c> .\n")
    writer.feed(b"this is not N-Triples\n")
    with pytest.raises(QueryError, match="loading the SPARQL store failed"):
        writer.finish()
    assert run_query(open_store(store_dir), COUNT, fmt="csv").splitlines()[1] == "2"
    assert not any(p.name.startswith(".store") for p in store_dir.parent.iterdir())


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="per-thread priority: Linux")
def test_sparql_store_writer_compacts_at_low_priority(tmp_path: Path) -> None:
    """While a build feeds the store, RocksDB's background threads (compaction, flush) run
    at the lowest CPU priority, so compacting between chunks does not take the cores the
    extraction needs; the store still holds every triple fed, and is compacted at the end."""
    import os

    from kg.export.store import LOW_PRIORITY, StoreWriter

    writer = StoreWriter(tmp_path / "store")
    for chunk in range(3):
        writer.feed(b"".join(f"<http://s/{chunk}/{i}> <http://p> \"{i}\" .\n".encode()
                             for i in range(1000)))
    writer.finish()
    assert writer.reniced  # RocksDB's threads were found by name and lowered
    tasks = {int(t.name): (t / "comm") for t in Path("/proc/self/task").iterdir()}
    for tid in writer.reniced & set(tasks):
        assert tasks[tid].read_text().startswith("rocksdb:")
        assert os.getpriority(os.PRIO_PROCESS, tid) == LOW_PRIORITY
    assert os.getpriority(os.PRIO_PROCESS, 0) != LOW_PRIORITY  # not the whole process
    fed = "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://p> ?o }"
    assert run_query(open_store(tmp_path / "store"), fed, fmt="csv").splitlines()[1] == "3000"


def test_sparql_store_holds_exactly_the_strictly_parsed_ntriples(page: Path,
                                                                tmp_path: Path) -> None:
    """The build's store loads its chunks leniently (no IRI re-validation): what it holds
    must be exactly graph.nt parsed strictly, plus the ontology, so the writer's output is
    valid and nothing is altered on the way in."""
    import pyoxigraph as ox

    from kg.pipeline import build

    data = Path(__file__).parent / "data"
    build([page, data / "papers.csv", data / "refs.bib"], tmp_path / "b",
          formats=["ntriples", "store"], use_cache=False)
    expected = ox.Store()  # strict: raises on any invalid IRI or literal
    expected.load(path=str(tmp_path / "b" / "graph.nt"), format=ox.RdfFormat.N_TRIPLES)
    ontology = Path(__file__).parents[1] / "kg" / "schemas" / "kg.ttl"
    expected.load(path=str(ontology), format=ox.RdfFormat.TURTLE)

    def named(store) -> set:
        return {q for q in store if not isinstance(q.subject, ox.BlankNode)
                and not isinstance(q.object, ox.BlankNode)}

    held = named(open_store(tmp_path / "b" / "store"))
    assert len(held) > 1000
    assert held == named(expected)


def test_mistyped_named_query_suggests_the_known_name() -> None:
    """Issue 25: 'kg query what-beats-vLLM' answered 'invalid SPARQL ... expected CONSTRUCT'."""
    from kg.sparql import resolve_query

    with pytest.raises(QueryError, match="no named query 'what-beats-vLLM'; did you mean "
                                         "'what-beats-vllm'"):
        resolve_query("what-beats-vLLM")
    with pytest.raises(QueryError, match="kg query --list shows them"):
        resolve_query("zzzz")
    assert resolve_query("SELECT") == "SELECT"  # a query, not a name: the parser answers
    assert "SELECT" in resolve_query("paper-count")


def test_unknown_prefix_is_named_with_the_known_ones() -> None:
    """Issue 25: an unknown prefix printed four lines of Unicode character ranges."""
    from kg.namespaces import PREFIXES
    from kg.queryguard import explain_syntax_error

    query = ("PREFIX foo: <http://x/> SELECT * WHERE { ?s foo:bar ?o . "
             "?o <http://a/b:c> 'x:y' . ?o bar:q ?z }")
    message = explain_syntax_error(query, "error at 1:9: expected one of Prefix not found, "
                                          "['%']", PREFIXES)
    assert message.startswith("unknown prefix 'bar:'; known: dataset:,")
    assert "kg:" in message and "'foo:'" not in message
    assert explain_syntax_error(query, "expected [_]", PREFIXES) == "expected [_]"
