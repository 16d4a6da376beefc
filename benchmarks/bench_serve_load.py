"""Load test of ``kg serve``: 20 concurrent clients for 30 s on loopback.

Usage:
    python benchmarks/bench_serve_load.py [--store exports/store] [--clients 20] [--seconds 30]

Starts the server on a free loopback port, sends the light named queries from every client,
prints requests, error rate and p50/p99 latency, then checks the server still answers.
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
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30.0)
    args = ap.parse_args()
    from kg.loadtest import run_load
    from kg.sparql import list_queries

    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", args.store,
                             "--port", "0", "--timeout", "10"], stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        url = proc.stdout.readline().strip().split(": ", 1)[1]
        light = [q.text for q in list_queries()
                 if q.name in ("paper-count", "what-beats-vllm", "benchmarks-used",
                               "top-techniques", "evidence-for-edge")]
        report = run_load(url, light, clients=args.clients, seconds=args.seconds)
        print(f"{report.requests} requests in {report.seconds:.1f} s from {args.clients} "
              f"clients: error rate {report.error_rate:.2%}, p50 {report.p50_ms:.1f} ms, "
              f"p99 {report.p99_ms:.1f} ms")
        after = run_load(url, light[:1], clients=1, seconds=0.5)
        print(f"after the load: {after.requests} requests, {after.errors} errors")
        return 0 if after.errors == 0 else 1
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)


if __name__ == "__main__":
    sys.exit(main())
