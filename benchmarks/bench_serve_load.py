"""Load test of ``kg serve`` on loopback: well-behaved clients, with hostile ones at once.

Usage:
    python benchmarks/bench_serve_load.py [--store exports/store] [--clients 50]
        [--seconds 30] [--workers 8] [--timeout 10] [--deep 2] [--cross 2] [--service 2]
        [--idle 500]

Starts the server on a free loopback port. ``--clients`` threads send the light named queries
without pause; at the same time ``--deep`` threads send queries nested 5,000 deep, ``--cross``
threads send a COUNT over a three-way cross product (each runs until the server's timeout),
``--service`` threads send SERVICE requests, and ``--idle`` sockets are held open without
sending a byte. Prints, for the well-behaved clients, requests, error rate and p50/p99
latency, and the statuses the hostile requests got; then checks the server still answers.
Exit code 1 when a well-behaved request failed.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", default="exports/store")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--deep", type=int, default=2)
    ap.add_argument("--cross", type=int, default=2)
    ap.add_argument("--service", type=int, default=2)
    ap.add_argument("--idle", type=int, default=500)
    args = ap.parse_args()
    from loadtest import Hostile, run_load

    from kg.sparql import list_queries

    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", args.store,
                             "--port", "0", "--timeout", str(args.timeout),
                             "--workers", str(args.workers)], stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        url = proc.stdout.readline().strip().split(": ", 1)[1]
        light = [q.text for q in list_queries()
                 if q.name in ("paper-count", "what-beats-vllm", "benchmarks-used",
                               "top-techniques", "evidence-for-edge")]
        hostile = Hostile(deep=args.deep, cross=args.cross, service=args.service,
                          idle_sockets=args.idle)
        report = run_load(url, light, clients=args.clients, seconds=args.seconds,
                          timeout=args.timeout * 3, hostile=hostile)
        print(f"well-behaved: {report.requests} requests in {report.seconds:.1f} s from "
              f"{args.clients} clients: {report.errors} errors "
              f"({report.error_rate:.2%}), p50 {report.p50_ms:.1f} ms, "
              f"p99 {report.p99_ms:.1f} ms")
        print(f"hostile: {hostile} -> {report.hostile_requests} requests, statuses "
              f"{report.hostile_statuses}")
        after = run_load(url, light[:1], clients=1, seconds=0.5)
        print(f"after the load: {after.requests} requests, {after.errors} errors")
        return 0 if after.errors == 0 and report.errors == 0 else 1
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)


if __name__ == "__main__":
    sys.exit(main())
