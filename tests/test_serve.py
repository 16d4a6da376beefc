"""``kg serve`` started for real and queried over HTTP with SPARQLWrapper."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kg.build import build_graph
from kg.extract import extract_papers
from kg.readers import read_papers
from kg.sparql import write_store

pytestmark = pytest.mark.slow
COUNT = ("PREFIX kg: <https://w3id.org/mlsys-kg/ontology#> "
         "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a kg:Paper }")


@pytest.fixture
def server(page: Path, tmp_path: Path):
    store = tmp_path / "store"
    write_store(build_graph(extract_papers(read_papers([page]))), store)
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", str(store),
                             "--port", "0", "--timeout", "5"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    first = proc.stdout.readline().strip()
    yield proc, first
    if proc.poll() is None:
        proc.terminate()  # kg serve stops its server on SIGTERM
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _count(url: str) -> int:
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(url)
    client.setQuery(COUNT)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    return int(result["results"]["bindings"][0]["n"]["value"])


def test_serve_answers_over_http_and_stops_on_sigterm(server) -> None:
    proc, first = server
    assert first.startswith("SPARQL endpoint: http://127.0.0.1:")
    url = first.split(": ", 1)[1]
    assert _count(url) == 2
    # The curl form of the protocol: form-encoded query, JSON results.
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode({"query": COUNT}).encode(),
        headers={"Accept": "application/sparql-results+json",
                 "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert b'"2"' in response.read()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=15) == 0


def test_serve_refuses_updates(server) -> None:
    proc, first = server
    base = first.split(": ", 1)[1].rsplit("/", 1)[0]
    update = ("PREFIX kg: <https://w3id.org/mlsys-kg/ontology#> "
              "INSERT DATA { <http://example.org/x> a kg:Paper }")
    request = urllib.request.Request(
        base + "/update", data=urllib.parse.urlencode({"update": update}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=10)
    assert err.value.code >= 400
    assert _count(first.split(": ", 1)[1]) == 2


def test_serve_binds_loopback_by_default() -> None:
    from click.testing import CliRunner

    from kg.cli import cli

    help_text = CliRunner().invoke(cli, ["serve", "--help"]).output
    assert "127.0.0.1" in help_text


def test_serve_cross_product_query_times_out_and_server_survives(page: Path,
                                                                  tmp_path: Path) -> None:
    store = tmp_path / "store"
    write_store(build_graph(extract_papers(read_papers([page]))), store)
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", str(store),
                             "--port", "0", "--timeout", "2"], stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        url = proc.stdout.readline().strip().split(": ", 1)[1]
        bomb = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        request = urllib.request.Request(url, data=urllib.parse.urlencode(
            {"query": bomb}).encode(), headers={"Content-Type":
                                                "application/x-www-form-urlencoded"})
        import time

        start = time.monotonic()
        # Oxigraph streams results, so the 200 status may be sent before the timeout cancels
        # the query; the response then ends with an error instead of a result.
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                body = response.read()
        except urllib.error.HTTPError:
            body = b""
        except (urllib.error.URLError, ConnectionError, http.client.IncompleteRead):
            body = b""
        assert time.monotonic() - start < 15
        with pytest.raises(ValueError):
            json.loads(body)["results"]["bindings"][0]["n"]
        assert _count(url) == 2
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)


def test_serve_load_twenty_clients_on_loopback(server) -> None:
    from kg.loadtest import run_load

    proc, first = server
    url = first.split(": ", 1)[1]
    report = run_load(url, [COUNT], clients=20, seconds=3)
    assert report.requests > 20 and report.error_rate == 0.0
    assert _count(url) == 2


def test_serve_load_refuses_other_hosts() -> None:
    from kg.errors import QueryError
    from kg.loadtest import run_load

    with pytest.raises(QueryError, match="loopback"):
        run_load("http://192.168.1.10:7878/query", [COUNT], clients=1, seconds=0.1)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux")
def test_serve_killed_leaves_no_orphan_server(server) -> None:
    """SIGKILL gives kg serve no chance to clean up; the server still stops with it."""
    proc, first = server
    url = first.split(": ", 1)[1]
    port = url.rsplit(":", 1)[1].split("/")[0]
    assert _count(url) == 2
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", int(port))) != 0:
                return  # nothing listens any more
        time.sleep(0.1)
    pytest.fail(f"the oxigraph server on port {port} outlived kg serve")
