"""Each export format's build: wall time and peak memory, one format (or group) at a time.

Usage:
    python benchmarks/bench_formats.py [--papers 100000] [--formats "cypher;trig;csv,parquet"]
                                       [--workers 2] [--work /tmp/kg-bench-build]

For each group of --formats (groups separated by ";", formats within a group by ","; by
default every format alone), runs ``kg build`` of the --papers-paper benchmark corpus
(written with ../shared/bench/make_corpus.py into --work if missing) in a fresh process,
cold and without the findings cache, and prints its wall time, papers/s, peak RSS of the
main process and the disk the build takes. Every format is written paper by paper, so the
peak should not grow with the corpus the way the whole graph (~19 KB a paper) did
(docs/scaling.md).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

from bench_build import CHILD, corpus, disk_usage  # the same child and corpora

from kg.export import FORMATS


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--papers", type=int, default=100_000)
    ap.add_argument("--formats", default=";".join(FORMATS))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--work", default="/tmp/kg-bench-build")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    folder = corpus(args.papers, work)
    out = work / f"formats-{args.papers}"
    for group in (g.strip() for g in args.formats.split(";") if g.strip()):
        shutil.rmtree(out, ignore_errors=True)
        result = subprocess.run([sys.executable, "-c", CHILD, str(folder), str(out),
                                 str(args.workers), group, "no-cache"],
                                check=True, capture_output=True, text=True)
        data = json.loads(result.stdout.strip().splitlines()[-1])
        print(f"{group}: {data['total']:.1f} s = {data['papers'] / data['total']:.0f} papers/s; "
              f"peak RSS {data['peak_mb']:.0f} MB; on disk {disk_usage(out)}", flush=True)
    shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
