"""Median latency of the named SPARQL queries on a large synthetic graph.

Usage:
    python benchmarks/bench_queries.py [--papers 100000] [--runs 5] [--work DIR]

Writes a corpus with ../shared/bench/make_corpus.py (kept in --work between runs), builds its
N-Triples and Oxigraph store with kg, then runs every query of queries/*.rq --runs times and
prints the median and worst latency of each (parameters at their defaults). Target (issue 4):
median < 100 ms per query.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--papers", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", default="/tmp/kg-bench")
    args = ap.parse_args()

    from kg.pipeline import build
    from kg.sparql import bind_params, list_queries, open_store, run_query

    work = Path(args.work)
    corpus = work / f"corpus-{args.papers}"
    if not corpus.exists():
        subprocess.run([sys.executable, str(MAKE_CORPUS), str(args.papers), str(corpus)],
                       check=True)
    out = work / f"build-{args.papers}"
    store_dir = out / "store"
    if not store_dir.exists():
        start = time.perf_counter()
        report = build(sorted(corpus.glob("*.txt")), out, formats=["ntriples", "store"])
        print(f"built {report.papers} papers in {time.perf_counter() - start:.1f} s: "
              f"{report.summary}")
    store = open_store(store_dir)
    count = run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", fmt="csv")
    print(f"store: {count.splitlines()[1]} triples, {args.papers} papers")
    print(f"{'query':36s} {'median ms':>10s} {'max ms':>8s} {'rows':>6s}")
    worst = 0.0
    for named in list_queries():
        times, rows = [], 0
        for _ in range(args.runs):
            start = time.perf_counter()
            out_text = run_query(store, bind_params(named, {}), fmt="tsv")
            times.append((time.perf_counter() - start) * 1000)
            rows = max(0, len(out_text.splitlines()) - 1)
        median = statistics.median(times)
        worst = max(worst, median)
        print(f"{named.name:36s} {median:10.1f} {max(times):8.1f} {rows:6d}")
    print(f"slowest median: {worst:.1f} ms (target < 100 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
