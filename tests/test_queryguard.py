"""Query checks before the engine: depth, length, SERVICE (issue 21, defects 1 and 3)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import QueryError
from kg.export.store import write_store
from kg.extract import extract_papers
from kg.merge import build_graph
from kg.queryguard import QueryLimits, check_query
from kg.readers import read_papers
from kg.sparql import list_queries

ROOT = Path(__file__).resolve().parent.parent


def _nested(depth: int) -> str:
    return "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth


def test_check_query_refuses_deep_nesting_and_long_text() -> None:
    check_query(_nested(200))
    with pytest.raises(QueryError, match="nested too deep"):
        check_query(_nested(5000))
    with pytest.raises(QueryError, match="too long"):
        check_query("SELECT * WHERE { ?s ?p ?o } #" + "x" * 200_000)


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "{{{{{{ SERVICE <http://evil/> " }',
    "SELECT * WHERE { ?s ?p '''((((\\n SERVICE''' }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://evil/> {{{{{{",
    "SELECT * WHERE { ?s <http://ex.org/SERVICE> ?service . { ?a ?b ?c } }",
    "PREFIX ex: <http://ex.org/> SELECT * WHERE { ?s ex:SERVICE ?o }",
])
def test_check_query_reads_past_strings_iris_comments_and_names(query: str) -> None:
    check_query(query, QueryLimits(max_depth=3))


def test_check_query_service_only_to_allowed_hosts() -> None:
    query = "SELECT * WHERE { SERVICE SILENT <http://mirror.example/sparql> { ?s ?p ?o } }"
    with pytest.raises(QueryError, match="SERVICE <http://mirror.example/sparql> refused"):
        check_query(query)
    check_query(query, QueryLimits.allowing(["mirror.example"]))
    with pytest.raises(QueryError, match="refused"):
        check_query("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
                    QueryLimits.allowing(["mirror.example"]))


def test_every_named_query_passes_the_checks() -> None:
    for named in list_queries():
        check_query(named.text)


@pytest.fixture
def store_dir(page: Path, tmp_path: Path) -> Path:
    directory = tmp_path / "store"
    write_store(build_graph(extract_papers(read_papers([page]))), directory)
    return directory


def _kg(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, check=False)


def test_kg_query_deep_nesting_is_an_error_not_a_crash(store_dir: Path, tmp_path: Path) -> None:
    # Defect 1: 5,000 nested groups made `kg query` die with SIGSEGV (rc 139, no message).
    rq = tmp_path / "deep.rq"
    rq.write_text(_nested(5000), encoding="utf-8")
    result = _kg("query", str(rq), "--store", str(store_dir), cwd=ROOT)
    assert result.returncode == 1
    assert "nested too deep" in result.stderr


def test_kg_query_service_makes_no_request(store_dir: Path) -> None:
    # Defect 3: SERVICE <url> sent the query to any address it named, then a traceback.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    result = _kg("query", query, "--store", str(store_dir), cwd=ROOT)
    with pytest.raises(socket.timeout):
        listener.accept()  # nobody called
    listener.close()
    assert result.returncode == 1 and "refused" in result.stderr
    assert "Traceback" not in result.stderr


def test_kg_query_aggregate_past_timeout_is_stopped(store_dir: Path) -> None:
    # Defect 2 on the command line: a COUNT over a cross product ran on for minutes.
    import time

    start = time.monotonic()
    result = _kg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
                 "--store", str(store_dir), "--timeout", "2", cwd=ROOT)
    assert result.returncode == 1 and "timed out after 2 s" in result.stderr
    assert time.monotonic() - start < 15
    assert "Traceback" not in result.stderr


def test_kg_query_sort_is_bounded_in_memory(store_dir: Path) -> None:
    # Defect 2 on the command line: an ORDER BY over a cross product grew without bound.
    result = _kg("query", "SELECT ?c WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c LIMIT 1",
                 "--store", str(store_dir), "--timeout", "8", "--memory-mb", "1024", cwd=ROOT)
    assert result.returncode == 1
    assert ("ran out of memory (1024 MB" in result.stderr
            or "timed out after 8 s" in result.stderr)
    assert "Traceback" not in result.stderr


def test_kg_query_answers_within_its_bounds(store_dir: Path) -> None:
    result = _kg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?p a kg:Paper }", "--store",
                 str(store_dir), "--format", "csv", cwd=ROOT)
    assert result.returncode == 0 and result.stdout.split() == ["n", "2"]
