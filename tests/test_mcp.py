"""``kg mcp`` (kg/mcp_server.py, issue 23) driven by the official SDK's own client: over stdio
as a desktop client starts it, and over streamable HTTP, against the sample corpus' build.
Answers are checked against SPARQL over the same store; bad arguments and updates are
errors that change nothing."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

import kg
from kg.sparql import open_store, run_query

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
COUNT_PAPERS = "SELECT (COUNT(*) AS ?n) WHERE { ?p a kg:Paper }"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    files = sorted(CORPUS.glob("*.txt"))
    if not files:
        pytest.skip("shared corpus not found")
    out = tmp_path_factory.mktemp("mcp") / "exports"
    kg.build(files, out, formats=["store"], use_cache=False)
    return out


def _count(built: Path, query: str) -> int:
    return int(run_query(open_store(built / "store"), query, fmt="csv").splitlines()[1])


def _calls(built: Path, calls: list[tuple[str, dict]]) -> tuple[list, list]:
    """(tools listed, results of ``calls``) from one stdio session with ``kg mcp``."""
    import anyio

    async def session() -> tuple[list, list]:
        params = StdioServerParameters(command=sys.executable,
                                       args=["-m", "kg", "mcp", "--graph", str(built)])
        async with stdio_client(params) as streams, \
                ClientSession(streams[0], streams[1]) as client:
            await client.initialize()
            tools = (await client.list_tools()).tools
            return tools, [await client.call_tool(name, args) for name, args in calls]

    return anyio.run(session)


def _json(result) -> object:
    assert not result.is_error, result.content[0].text
    if len(result.content) > 1:  # a list comes back one item a block
        return [json.loads(c.text) for c in result.content]
    return json.loads(result.content[0].text)


@pytest.fixture(scope="module")
def session(built: Path):
    calls = [
        ("search_concepts", {"query": "LoRA"}),
        ("describe", {"name": "vLLM", "limit": 2}),
        ("papers_for", {"technique": "quantization", "hardware": "GPU", "limit": 500}),
        ("comparisons", {"system": "vLLM"}),
        ("named_query", {"name": "top-hardware"}),
        ("named_query", {"name": "comparisons-for-metric", "params": {"metric": "latency"}}),
        ("sparql", {"query": COUNT_PAPERS}),
        ("sparql", {"query": "SELECT ?p WHERE { ?p a kg:Paper }", "limit": 3}),
        # bad arguments and updates
        ("sparql", {"query": "PREFIX x: <http://x/>\nINSERT DATA { x:a x:b x:c }"}),
        ("describe", {"name": "Lora adaptr"}),
        ("papers_for", {}),
        ("named_query", {"name": "top-hardwar"}),
        ("search_concepts", {"query": "GPU", "kind": "Hardwares"}),
        ("search_concepts", {"query": "GPU", "limit": "many"}),
        ("sparql", {"query": "SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }"}),
    ]
    tools, results = _calls(built, calls)
    return tools, dict(zip(range(len(calls)), results, strict=True))


def test_mcp_lists_six_described_tools(session) -> None:
    tools, _ = session
    assert [t.name for t in tools] == ["search_concepts", "describe", "papers_for",
                                       "comparisons", "named_query", "sparql"]
    for t in tools:
        assert len(t.description) > 80, t.name  # written for a model to choose by
        assert t.input_schema["type"] == "object"
    named = next(t for t in tools if t.name == "named_query")
    assert "what-beats-vllm" in named.description


def test_mcp_answers_equal_sparql_over_the_same_store(session, built: Path) -> None:
    _, r = session
    found = _json(r[0])
    assert found[0]["id"] == "technique/lora" and found[0]["papers"] > 0
    assert "Comparisons:" in r[1].content[0].text
    papers = _json(r[2])
    assert papers["papers"] == _count(built, """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {
        ?p kg:uses/skos:broader* tech:quantization ; kg:targets/skos:broader* hw:gpu }""")
    assert all({"uses", "targets"} <= set(p["edges"]) for p in papers["results"])
    claims = _json(r[3])
    assert claims["claims"] == _count(built, """SELECT (COUNT(*) AS ?n) WHERE {
        ?s rdf:predicate kg:outperforms . { ?s rdf:object tech:vllm } UNION
        { ?s rdf:subject tech:vllm } }""")
    assert all(c["evidence"] and c["paper"] for c in claims["results"])
    assert _json(r[4])["rows"] == 25
    latency = _json(r[5])
    assert latency["rows"] > 0 and {"winner", "loser", "metric"} <= set(latency["columns"])
    assert int(_json(r[6])["results"][0]["n"]) == _count(built, COUNT_PAPERS)
    assert _json(r[7])["shown"] == 3


def test_mcp_bad_arguments_and_updates_are_errors_that_change_nothing(session,
                                                                      built: Path) -> None:
    _, r = session
    messages = {i: r[i].content[0].text for i in range(8, 15)}
    assert all(r[i].is_error for i in messages), messages
    assert "read-only: SPARQL updates" in messages[8]
    assert "did you mean 'Low-Rank Adaptation'" in messages[9]
    assert "give at least one of technique, hardware, metric" in messages[10]
    assert "did you mean 'top-hardware'" in messages[11]
    assert "unknown kind 'Hardwares'" in messages[12]
    assert "limit" in messages[13]
    assert "SERVICE" in messages[14]
    assert _count(built, "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://x/b> ?o }") == 0


def test_mcp_over_streamable_http(built: Path) -> None:
    import anyio

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "kg", "mcp", "--graph", str(built),
                               "--http", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "the HTTP server never listened"
            time.sleep(0.1)

        async def session() -> tuple[list[str], object]:
            async with streamable_http_client(f"http://127.0.0.1:{port}/mcp") as streams, \
                    ClientSession(streams[0], streams[1]) as client:
                await client.initialize()
                names = [t.name for t in (await client.list_tools()).tools]
                return names, await client.call_tool("sparql", {"query": COUNT_PAPERS})

        names, result = anyio.run(session)
        assert "sparql" in names
        assert int(_json(result)["results"][0]["n"]) == _count(built, COUNT_PAPERS)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_mcp_without_a_build_is_a_clear_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kg.cli import cli

    result = CliRunner().invoke(cli, ["mcp", "--graph", str(tmp_path)])
    assert result.exit_code == 1
    assert "no kg build in" in result.output and "run 'kg build' first" in result.output
