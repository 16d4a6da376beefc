"""``kg serve`` started for real and queried over HTTP with SPARQLWrapper."""

from __future__ import annotations

import contextlib
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

from kg.export.store import write_store
from kg.extract import extract_papers
from kg.merge import build_graph
from kg.readers import read_papers

pytestmark = pytest.mark.slow
# The load generator is a benchmark (benchmarks/loadtest.py), used here with small loads.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
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


def _start(store: Path, *args: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", str(store),
                             "--port", "0", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    line = proc.stdout.readline().strip()
    assert line.startswith("SPARQL endpoint: "), proc.stderr.read()
    return proc, line.split(": ", 1)[1]


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _ask(url: str, query: str, timeout: float = 30,
         accept: str = "application/sparql-results+json") -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=urllib.parse.urlencode({"query": query}).encode(),
                                     headers={"Content-Type": "application/x-www-form-urlencoded",
                                              "Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def _cpu_seconds_of_tree(root: int) -> float:
    """User+system CPU seconds of ``root``'s process and every descendant (Linux /proc)."""
    parent: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(entry.name)] = int(fields[1])
        ticks[int(entry.name)] = int(fields[11]) + int(fields[12])
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, ppid in parent.items() if ppid in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(ticks.get(pid, 0) for pid in tree) / os.sysconf("SC_CLK_TCK")


@pytest.fixture
def store(page: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store"
    write_store(build_graph(extract_papers(read_papers([page]))), path)
    return path


CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_serve_deep_query_is_refused_and_server_goes_on(store: Path) -> None:
    """Issue 21, defect 1: 5,000 nested groups killed the server (stack overflow)."""
    proc, url = _start(store)
    try:
        status, body = _ask(url, "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000)
        assert status == 400 and b"nested too deep" in body
        assert _count(url) == 2
        assert proc.poll() is None
    finally:
        _stop(proc)


def test_serve_aggregate_past_timeout_is_stopped(store: Path) -> None:
    """Issue 21, defect 2: a COUNT over a cross product kept a core busy for minutes after
    its timeout and after its client left."""
    proc, url = _start(store, "--timeout", "2")
    try:
        start = time.monotonic()
        status, body = _ask(url, CROSS)
        assert status == 503 and b"timed out after 2 s" in body
        assert time.monotonic() - start < 10
        assert _count(url) == 2
        # Nothing of the server computes on: its process tree stays (almost) idle.
        before = _cpu_seconds_of_tree(proc.pid)
        time.sleep(2)
        assert _cpu_seconds_of_tree(proc.pid) - before < 0.5
    finally:
        _stop(proc)


def test_serve_query_of_a_client_that_left_is_stopped(store: Path) -> None:
    """Issue 21, defect 2: the client gives up after 1 s; the server stops the query then,
    not at its own 60 s timeout."""
    proc, url = _start(store, "--timeout", "60")
    try:
        with pytest.raises((TimeoutError, urllib.error.URLError, socket.timeout)):
            _ask(url, CROSS, timeout=1)
        time.sleep(1.5)
        before = _cpu_seconds_of_tree(proc.pid)
        time.sleep(2)
        assert _cpu_seconds_of_tree(proc.pid) - before < 0.5
        assert _count(url) == 2
    finally:
        _stop(proc)


def test_serve_sort_past_memory_bound_fails_alone(store: Path) -> None:
    """Issue 21, defect 2: an ORDER BY over a cross product grew the server to 5.4 GB. Now
    its worker cannot pass 1,024 MB of address space: the sort either fails there (500) or
    goes on within the bound until the timeout (503); the server answers on."""
    proc, url = _start(store, "--timeout", "8", "--memory-mb", "1024")
    try:
        start = time.monotonic()
        status, body = _ask(url, "SELECT ?c WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c LIMIT 1")
        assert (status, body.split(b" (")[0]) in {
            (500, b"the query ran out of memory"), (503, b"query timed out after 8 s\n")}
        assert time.monotonic() - start < 20
        assert _count(url) == 2
    finally:
        _stop(proc)


@pytest.fixture
def listener():
    """A local port that records whether anyone connected, and its SPARQL URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock, f"http://127.0.0.1:{sock.getsockname()[1]}/sparql"


def test_serve_service_makes_no_request(store: Path, listener) -> None:
    """Issue 21, defect 3: SERVICE made the read-only endpoint POST to any address."""
    sock, target = listener
    sock.settimeout(0.5)
    proc, url = _start(store)
    try:
        status, body = _ask(url, f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}")
        assert status == 400 and b"refused" in body
        with pytest.raises(socket.timeout):
            sock.accept()
    finally:
        _stop(proc)


def test_serve_service_allowed_host_is_reached(store: Path, listener) -> None:
    """--allow-service HOST lets SERVICE reach that host (and only it)."""
    sock, target = listener
    sock.settimeout(10)
    proc, url = _start(store, "--allow-service", "127.0.0.1", "--timeout", "3")
    try:
        request = urllib.request.Request(url, data=urllib.parse.urlencode({"query": (
            f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}")}).encode())
        with contextlib.suppress(urllib.error.URLError, TimeoutError, ConnectionError):
            urllib.request.urlopen(request, timeout=0.5)
        conn, _ = sock.accept()  # the request arrived
        conn.close()
    finally:
        _stop(proc)


def test_serve_idle_sockets_do_not_starve_others(store: Path) -> None:
    """Issue 21, defect 4: about 385 idle sockets stopped the server accepting anyone."""
    proc, url = _start(store)
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    idle = []
    try:
        for _ in range(600):
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        start = time.monotonic()
        assert _count(url) == 2
        assert time.monotonic() - start < 5
    finally:
        for sock in idle:
            sock.close()
        _stop(proc)


def test_serve_rebuilt_store_is_answered_from(page: Path, tmp_path: Path, store: Path) -> None:
    """Issue 21, defect 5: after a rebuild the server answered from the deleted store."""
    proc, url = _start(store)
    try:
        assert _count(url) == 2
        one = tmp_path / "one.txt"
        one.write_text(page.read_text().split("\n\nQuantized Inference")[0] + "\n",
                       encoding="utf-8")
        write_store(build_graph(extract_papers(read_papers([one]))), store)
        assert _count(url) == 1
    finally:
        _stop(proc)
    assert "was rebuilt" in proc.stderr.read()


def test_serve_protocol_forms_and_formats(store: Path) -> None:
    """GET, POST form and POST sparql-query; CSV and Turtle by Accept; 406, 415, 405."""
    proc, url = _start(store)
    try:
        get = url + "?" + urllib.parse.urlencode({"query": COUNT})
        with urllib.request.urlopen(urllib.request.Request(
                get, headers={"Accept": "text/csv"}), timeout=10) as response:
            assert response.headers["Content-Type"].startswith("text/csv")
            assert response.read().split() == [b"n", b"2"]
        raw = urllib.request.Request(url, data=COUNT.encode(), headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+xml"})
        with urllib.request.urlopen(raw, timeout=10) as response:
            assert b"<literal" in response.read()
        status, body = _ask(url, "CONSTRUCT { ?p a kg:Paper } WHERE { ?p a kg:Paper }",
                            accept="text/turtle")
        assert status == 200 and body.count(b"kg:Paper") + body.count(b"ontology#Paper") >= 2
        assert _ask(url, COUNT, accept="image/png")[0] == 406
        odd = urllib.request.Request(url, data=b"x", headers={"Content-Type": "text/plain"})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(odd, timeout=10)
        assert err.value.code == 415
        assert _ask(url, "SELECT WHERE")[0] == 400
        # The documented prefixes need no PREFIX lines, as with kg query.
        status, body = _ask(url, "SELECT (COUNT(*) AS ?n) WHERE { ?p a kg:Paper }",
                            accept="text/csv")
        assert status == 200 and body.split() == [b"n", b"2"]
    finally:
        _stop(proc)


def test_serve_load_twenty_clients_on_loopback(server) -> None:
    from loadtest import run_load

    proc, first = server
    url = first.split(": ", 1)[1]
    report = run_load(url, [COUNT], clients=20, seconds=3)
    assert report.requests > 20 and report.error_rate == 0.0
    assert _count(url) == 2


def test_serve_mixed_load_hostile_clients_do_not_hurt_others(store: Path) -> None:
    """Issue 21: deep, cross-product and SERVICE attackers and 300 idle sockets at once; the
    well-behaved clients get every answer."""
    from loadtest import Hostile, run_load

    proc, url = _start(store, "--timeout", "3")
    try:
        report = run_load(url, [COUNT], clients=20, seconds=6, timeout=20,
                          hostile=Hostile(deep=1, cross=2, service=1, idle_sockets=300))
        assert report.requests > 20 and report.errors == 0
        assert report.hostile_statuses.get(400, 0) > 0  # deep and SERVICE refused
        assert report.hostile_statuses.get(503, 0) >= 2  # cross products timed out
        assert _count(url) == 2
    finally:
        _stop(proc)


def test_serve_load_refuses_other_hosts() -> None:
    from loadtest import run_load

    from kg.errors import QueryError

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


def test_serve_warns_of_a_mixed_output_set(page: Path, tmp_path: Path) -> None:
    """Issue 21, defect 10: kg serve can tell a complete output set from a mixed one."""
    from kg.pipeline import build

    out = tmp_path / "out"
    build([page], out, formats=["ntriples", "store"])
    (out / "graph.nt").write_text("# another build's file\n", encoding="utf-8")
    proc, url = _start(out / "store")
    try:
        assert _count(url) == 2
    finally:
        _stop(proc)
    assert "warning: " + str(out / "graph.nt") + ": not the file summary.json lists" in \
        proc.stderr.read()


def test_serve_port_in_use_is_a_clear_error(store: Path) -> None:
    """Issue 25: a port in use printed the endpoint line and then a Rust backtrace."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "kg", "serve", "--store", str(store),
                                 "--port", str(port)], capture_output=True, text=True,
                                timeout=60, check=False)
    assert result.returncode == 1 and result.stdout == ""
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "address already in use" in result.stderr and "Traceback" not in result.stderr
