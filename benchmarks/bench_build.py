"""End-to-end build throughput, per-stage timings and peak memory, with an rdflib comparison.

Usage:
    python benchmarks/bench_build.py [--sizes 10000,100000] [--workers 2] [--work DIR]
                                     [--rdflib-size 10000] [--formats ntriples,turtle,store]
                                     [--no-cache] [--no-store-alone] [--no-warm]

For each size, writes a corpus with ../shared/bench/make_corpus.py (kept in --work), runs
``kg build`` (read, extract, merge, write N-Triples + Turtle + Oxigraph store) in a fresh
process, and prints papers/s, per-stage seconds and peak RSS. Then, at --rdflib-size, times
rdflib's own ``Graph.serialize`` of the same graph (Turtle and N-Triples) against kg's
writers and prints the ratio. After each build it loads that build's graph.nt into a fresh
store alone and prints the CPU per paper (all, extraction, store) and the throughput the CPU
allows on this machine's cores (skip with --no-store-alone), and the disk each build
takes. Then it builds the same corpus again into a fresh folder that holds only the cold
build's findings cache, so no paper is extracted: that warm build's CPU per paper is what
everything but extraction costs (reading, merging, writing, the store), and its speed is
what a ``kg build --update`` of mostly known papers, or a build whose extraction runs on a
cluster, can reach at most (skip with --no-warm). --formats and --no-cache make builds
larger than the disk holds in full possible (a million papers: ``--sizes 1000000 --formats
ntriples,store --no-cache --no-store-alone --no-warm --rdflib-size 0``). Targets (issue 7):
>= 2,000 papers/s at 100,000 papers, <= 1.5 GB peak, time per paper at 100,000 within 1.2x
of that at 10,000.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from kg.pipeline import build
corpus, out, workers, formats = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
start = time.perf_counter()
report = build(sorted(Path(corpus).glob("*.txt")), out, formats=formats.split(","),
               workers=workers, use_cache=sys.argv[5] == "cache")
total = time.perf_counter() - start
own, kids = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                  resource.RUSAGE_CHILDREN))
print(json.dumps({"papers": report.papers, "total": total, "timings": report.timings,
                  "peak_mb": own.ru_maxrss / 1024, "worker_peak_mb": kids.ru_maxrss / 1024,
                  "cpu_main": own.ru_utime + own.ru_stime,
                  "cpu_workers": kids.ru_utime + kids.ru_stime,
                  "sys_main": own.ru_stime, "sys_workers": kids.ru_stime}))
"""


# The store alone: the build's graph.nt bulk-loaded into a fresh store in the build's pieces
# (what the build's store thread does), so its CPU is known apart from everything else.
STORE_CHILD = r"""
import itertools, json, resource, shutil, sys
from kg.export.rdf import LOAD_TRIPLES
from kg.export.store import StoreWriter
nt, target = sys.argv[1], sys.argv[2]
shutil.rmtree(target, ignore_errors=True)
writer = StoreWriter(target)
with open(nt, "rb") as handle:
    while lines := list(itertools.islice(handle, LOAD_TRIPLES)):
        writer.feed(b"".join(lines))
writer.finish()
shutil.rmtree(target, ignore_errors=True)
own = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"cpu": own.ru_utime + own.ru_stime}))
"""


def cpu_budget(size: int, data: dict, work: Path, cores: int) -> None:
    """Where the CPU goes per paper, and the throughput it allows on ``cores`` cores."""
    result = subprocess.run([sys.executable, "-c", STORE_CHILD,
                             str(work / f"build-{size}" / "graph.nt"),
                             str(work / f"store-alone-{size}")],
                            check=True, capture_output=True, text=True)
    store = json.loads(result.stdout.strip().splitlines()[-1])["cpu"] / data["papers"] * 1e3
    total = (data["cpu_main"] + data["cpu_workers"]) / data["papers"] * 1e3
    extract = data["cpu_workers"] / data["papers"] * 1e3
    print(f"  CPU per paper: {total:.2f} ms in all (extraction {extract:.2f} ms in the "
          f"workers; the store, loaded alone from graph.nt, {store:.2f} ms). On {cores} cores "
          f"the CPU bounds the build at {cores / total * 1e3:.0f} papers/s, the extraction "
          f"alone at {cores / extract * 1e3:.0f} papers/s, the store alone at "
          f"{cores / store * 1e3:.0f} papers/s; 2,000 papers/s allows "
          f"{cores / 2000 * 1e3:.2f} ms.")


def run_build(folder: Path, out: Path, workers: int, formats: str, cache: bool) -> dict:
    """One ``kg build`` in a fresh process: its report, wall time, peak RSS and CPU."""
    result = subprocess.run([sys.executable, "-c", CHILD, str(folder), str(out), str(workers),
                             formats, "cache" if cache else "no-cache"],
                            check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def warm_build(size: int, folder: Path, work: Path, workers: int, formats: str) -> None:
    """The same build again with every paper's findings cached: what all but extraction costs.

    Only the cold build's cache.sqlite is copied into the fresh output folder, so the build
    reads, merges and writes everything anew but extracts nothing.
    """
    out = work / f"warm-{size}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    shutil.copyfile(work / f"build-{size}" / "cache.sqlite", out / "cache.sqlite")
    data = run_build(folder, out, workers, formats, cache=True)
    cpu = (data["cpu_main"] + data["cpu_workers"]) / data["papers"] * 1e3
    cores = os.cpu_count() or 1
    print(f"  warm (every paper's findings cached, nothing extracted): {data['total']:.1f} s = "
          f"{data['papers'] / data['total']:.0f} papers/s; peak RSS {data['peak_mb']:.0f} MB; "
          f"CPU {cpu:.2f} ms a paper ({data['cpu_main']:.0f} s main + "
          f"{data['cpu_workers']:.0f} s workers), which bounds all but extraction at "
          f"{cores / cpu * 1e3:.0f} papers/s on {cores} cores")
    shutil.rmtree(out, ignore_errors=True)


def disk_usage(folder: Path) -> str:
    """The size of each file (or folder) a build wrote, and their total, in MB."""
    sizes = {path.name: sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
             if path.is_dir() else path.stat().st_size for path in sorted(folder.iterdir())}
    parts = ", ".join(f"{name} {size / 2**20:,.0f}" for name, size in sizes.items()
                      if size >= 2**20)
    return f"{sum(sizes.values()) / 2**20:,.0f} MB ({parts})"


def corpus(size: int, work: Path) -> Path:
    folder = work / f"corpus-{size}"
    if not folder.exists():
        subprocess.run([sys.executable, str(MAKE_CORPUS), str(size), str(folder)], check=True,
                       stdout=subprocess.DEVNULL)
    return folder


def rdflib_ratio(size: int, work: Path, workers: int) -> None:
    from kg.export.rdf import to_rdflib, write_ntriples, write_turtle
    from kg.extract import extract_papers
    from kg.merge import build_graph
    from kg.readers import read_papers

    G = build_graph(extract_papers(read_papers(sorted(corpus(size, work).glob("*.txt"))),
                                   workers=workers))
    out = work / "ratio"
    out.mkdir(exist_ok=True)
    start = time.perf_counter()
    write_ntriples(G, out / "kg.nt")
    write_turtle(G, out / "kg.ttl")
    ours = time.perf_counter() - start
    start = time.perf_counter()
    rdf_graph = to_rdflib(G)
    rdf_graph.serialize(out / "rdflib.ttl", format="turtle")
    rdf_graph.serialize(out / "rdflib.nt", format="nt")
    theirs = time.perf_counter() - start
    print(f"rdflib Graph.serialize (Turtle + N-Triples) at {size} papers: {theirs:.1f} s; "
          f"kg's writers: {ours:.1f} s; rdflib/kg = {theirs / ours:.1f}x")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--work", default="/tmp/kg-bench-build")
    ap.add_argument("--rdflib-size", type=int, default=10000)
    ap.add_argument("--formats", default="ntriples,turtle,store",
                    help="what the builds write (the target's: all three)")
    ap.add_argument("--no-cache", action="store_true",
                    help="build without the findings cache (cache.sqlite)")
    ap.add_argument("--no-store-alone", action="store_true",
                    help="skip loading each graph.nt into a store alone (the CPU budget)")
    ap.add_argument("--no-warm", action="store_true",
                    help="skip the second build from the first one's findings cache")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    per_paper = {}
    for size in (int(s) for s in args.sizes.split(",")):
        folder = corpus(size, work)
        # Cold builds: a previous run's findings cache would skip extraction entirely.
        shutil.rmtree(work / f"build-{size}", ignore_errors=True)
        data = run_build(folder, work / f"build-{size}", args.workers, args.formats,
                         cache=not args.no_cache)
        per_paper[size] = data["total"] / data["papers"]
        stages = ", ".join(f"{k} {v:.1f}s" for k, v in data["timings"].items())
        print(f"{size} papers: {data['total']:.1f} s = {data['papers'] / data['total']:.0f} "
              f"papers/s; peak RSS {data['peak_mb']:.0f} MB (largest worker "
              f"{data['worker_peak_mb']:.0f} MB); CPU {data['cpu_main']:.0f} s in the main "
              f"process (store thread included) + {data['cpu_workers']:.0f} s in the workers "
              f"(of which in the kernel: {data['sys_main']:.1f} s + {data['sys_workers']:.1f} s); "
              f"{stages}")
        print(f"  on disk: {disk_usage(work / f'build-{size}')}")
        if not args.no_store_alone and "ntriples" in args.formats.split(","):
            cpu_budget(size, data, work, os.cpu_count() or 1)
        if not args.no_warm and not args.no_cache:
            warm_build(size, folder, work, args.workers, args.formats)
    sizes = sorted(per_paper)
    if len(sizes) > 1:
        print(f"time per paper at {sizes[-1]} / at {sizes[0]}: "
              f"{per_paper[sizes[-1]] / per_paper[sizes[0]]:.2f}x (target <= 1.2x)")
    if args.rdflib_size:
        rdflib_ratio(args.rdflib_size, work, args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
