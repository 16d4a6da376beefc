"""Extraction alone, in one process: microseconds a paper and a digest of the findings.

Usage:
    python benchmarks/bench_extract.py [--papers 3000] [--runs 3] [--work /tmp/kg-bench-build]

Reads the first --papers papers of the 10,000-paper benchmark corpus (written with
../shared/bench/make_corpus.py into --work if missing), then extracts them --runs times with
the default extractor and prints the time a paper of each run (``findings`` and their JSON
line, as a build's workers make them). The SHA-1 of the findings lines tells two versions of
the extractor apart: a speed-up must leave it unchanged. Run two versions alternately (the
machine's speed drifts by several percent within minutes).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

from bench_build import corpus  # the same corpus, made the same way (this script's folder)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--papers", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default="/tmp/kg-bench-build")
    args = ap.parse_args()

    from kg.extract import get_extractor
    from kg.readers import read_papers

    folder = corpus(10_000, Path(args.work))
    papers = list(read_papers(sorted(folder.glob("*.txt"))))[:args.papers]
    extract = get_extractor()
    lines: list[str] = []
    for run in range(1, args.runs + 1):
        start = time.perf_counter()
        lines = [extract(paper).to_line() for paper in papers]
        took = (time.perf_counter() - start) / len(papers) * 1e6
        print(f"run {run}: {took:,.0f} us a paper ({len(papers):,} papers)")
    digest = hashlib.sha1("\n".join(lines).encode("utf-8")).hexdigest()
    print(f"findings sha1 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
