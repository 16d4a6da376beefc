"""A bounded load test of a SPARQL endpoint on this machine (loopback only).

``run_load(url, clients=20, seconds=30)`` runs ``clients`` threads that send a mix of the
named queries for ``seconds`` seconds, then reports the count, the error rate and p50/p99
latency. It refuses any host that is not a loopback address: this is for testing our own
server, never someone else's.
"""

from __future__ import annotations

import ipaddress
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from kg.errors import QueryError
from kg.namespaces import PREFIXES

__all__ = ["LoadReport", "run_load"]


@dataclass
class LoadReport:
    """What a load run measured."""

    requests: int
    errors: int
    p50_ms: float
    p99_ms: float
    seconds: float

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 0.0


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


def run_load(url: str, queries: list[str], *, clients: int = 20, seconds: float = 30.0,
             timeout: float = 30.0) -> LoadReport:
    """Hammer ``url`` with ``queries`` from ``clients`` threads for ``seconds``."""
    _loopback(url)
    bodies = [urllib.parse.urlencode({"query": _prefixed(q)}).encode() for q in queries]
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(offset: int) -> None:
        nonlocal errors
        i = offset
        while time.monotonic() < stop_at:
            body = bodies[i % len(bodies)]
            i += 1
            request = urllib.request.Request(url, data=body, headers={
                "Accept": "application/sparql-results+json",
                "Content-Type": "application/x-www-form-urlencoded"})
            start = time.perf_counter()
            failed = False
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    response.read()
            except (urllib.error.URLError, TimeoutError, ConnectionError):
                failed = True
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                errors += failed

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
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
        seconds=time.monotonic() - began)
