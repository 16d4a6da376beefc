"""A bounded load test of a SPARQL endpoint on this machine (loopback only).

``run_load(url, queries, clients=20, seconds=30)`` runs ``clients`` threads that send a mix of
the named queries for ``seconds`` seconds, then reports the count, the error rate and p50/p99
latency. ``hostile=Hostile(...)`` adds attackers at the same time (deep queries, cross
products, ``SERVICE`` requests, idle sockets held open), so the report says what well-behaved
clients see while the endpoint is under attack. It refuses any host that is not a loopback
address: this is for testing our own server, never someone else's.
"""

from __future__ import annotations

import ipaddress
import socket
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from kg.errors import QueryError
from kg.namespaces import PREFIXES

__all__ = ["Hostile", "LoadReport", "run_load"]


@dataclass
class LoadReport:
    """What a load run measured."""

    requests: int
    errors: int
    p50_ms: float
    p99_ms: float
    seconds: float

    hostile_requests: int = 0
    hostile_statuses: dict[int, int] = field(default_factory=dict)

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 0.0


@dataclass(frozen=True)
class Hostile:
    """Attackers to run beside the well-behaved clients: threads sending queries nested
    5,000 deep, threads sending an aggregate over a three-way cross product, threads sending
    ``SERVICE`` to a closed local port, and idle sockets held open (reopened when closed)."""

    deep: int = 0
    cross: int = 0
    service: int = 0
    idle_sockets: int = 0

    def queries(self) -> list[str]:
        """One query per attacking thread."""
        deep = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000
        cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
        return [deep] * self.deep + [cross] * self.cross + [service] * self.service


def _loopback(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        raise QueryError(f"load tests only target this machine's loopback, not {host!r}")


def _prefixed(query: str) -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items()) + query


def _post(url: str, body: bytes, timeout: float) -> int:
    """Send one query; its HTTP status, or 0 when the connection failed."""
    request = urllib.request.Request(url, data=body, headers={
        "Accept": "application/sparql-results+json",
        "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as err:
        return err.code
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError):
        return 0


def _hold_idle(url: str, count: int, stop_at: float) -> None:
    """Keep ``count`` connections open that never send a byte, until ``stop_at``."""
    parts = urllib.parse.urlsplit(url)
    address = (parts.hostname or "127.0.0.1", parts.port or 80)
    held: list[socket.socket] = []
    while time.monotonic() < stop_at:
        while len(held) < count and time.monotonic() < stop_at:
            try:
                held.append(socket.create_connection(address, timeout=2))
            except OSError:
                break
        time.sleep(0.5)
        alive = []
        for sock in held:  # a socket the server closed reads as EOF
            sock.setblocking(False)
            try:
                closed = sock.recv(1) == b""
            except BlockingIOError:
                closed = False
            except OSError:
                closed = True
            if closed:
                sock.close()
            else:
                alive.append(sock)
        held = alive
    for sock in held:
        sock.close()


def run_load(url: str, queries: list[str], *, clients: int = 20, seconds: float = 30.0,
             timeout: float = 30.0, hostile: Hostile | None = None) -> LoadReport:
    """Hammer ``url`` with ``queries`` from ``clients`` threads for ``seconds``, with the
    ``hostile`` attackers at the same time; latency and errors are the clients' only."""
    _loopback(url)
    hostile = hostile or Hostile()
    bodies = [urllib.parse.urlencode({"query": _prefixed(q)}).encode() for q in queries]
    attacks = [urllib.parse.urlencode({"query": q}).encode() for q in hostile.queries()]
    latencies: list[float] = []
    errors = 0
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(offset: int) -> None:
        nonlocal errors
        i = offset
        while time.monotonic() < stop_at:
            body = bodies[i % len(bodies)]
            i += 1
            start = time.perf_counter()
            failed = _post(url, body, timeout) != 200
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                errors += failed

    def attacker(body: bytes) -> None:
        while time.monotonic() < stop_at:
            status = _post(url, body, timeout)
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=attacker, args=(b,)) for b in attacks]
    if hostile.idle_sockets:
        threads.append(threading.Thread(target=_hold_idle,
                                        args=(url, hostile.idle_sockets, stop_at)))
    threads += [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(latencies) or [0.0]
    return LoadReport(
        requests=len(latencies), errors=errors,
        p50_ms=statistics.median(ordered),
        p99_ms=ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
        seconds=time.monotonic() - began,
        hostile_requests=sum(statuses.values()), hostile_statuses=dict(sorted(statuses.items())))
