"""What loading the SPARQL store costs, by part: RocksDB on disk against Oxigraph in memory,
and with the evidence sentences left out.

Usage:
    python benchmarks/bench_store.py BUILD/graph.nt
    python benchmarks/bench_store.py BUILD/graph.nt --runs 3
    python benchmarks/bench_store.py BUILD/graph.nt --pause 0.8
    python benchmarks/bench_store.py BUILD/graph.nt --pieces 25000,100000 --runs 2

Loads the file in the build's pieces (``kg.export.rdf.LOAD_TRIPLES`` lines, as the build's
store thread does) four ways and prints CPU and wall seconds of each: into an on-disk store,
the same with every IRI validated (the build loads leniently: its writer makes the IRIs),
into an in-memory store, and into an on-disk store without the ``kg:evidence`` triples.
Holds the whole file in memory: use a 10,000-paper build (~300 MB).

With ``--pause S``, streams the file instead (any size) and loads it twice into an on-disk
store in the same chunks, then compacts (``Store.optimize``): once back to back, once with
S seconds' pause after each chunk, as when a build feeds the store at extraction's pace.
The CPU difference is the work RocksDB's background compaction does between chunks
(docs/decisions/20261201-store-compaction-yields.md).

With ``--pieces N,M``, streams the file (any size) into a fresh on-disk store in bulk loads
of N lines, then of M, alternating ``--runs`` times, and prints the CPU seconds of the loads
(RocksDB's background threads included) and of the final compaction: what the size of the
build's pieces costs.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import sys
import tempfile
import time
from pathlib import Path

from kg.export.rdf import LOAD_TRIPLES
from kg.namespaces import KG
from kg.sparql import pyoxigraph_module


def load(ox, chunks: list[bytes], path: str | None, *, lenient: bool = True
         ) -> tuple[float, float]:
    """(CPU s, wall s) of bulk-loading ``chunks`` into a store at ``path`` (memory if None),
    without re-validating IRIs (``lenient``) as the build's store thread does, or with."""
    store = ox.Store(path) if path else ox.Store()
    cpu, wall = time.process_time(), time.perf_counter()
    for chunk in chunks:
        store.bulk_load(chunk, ox.RdfFormat.N_TRIPLES, lenient=lenient)
    if path:
        store.flush()
    return time.process_time() - cpu, time.perf_counter() - wall


def chunked(lines: list[bytes]) -> list[bytes]:
    return [b"".join(lines[i:i + LOAD_TRIPLES]) for i in range(0, len(lines), LOAD_TRIPLES)]


def paced_load(ox, ntriples: Path, pause: float, piece: int = LOAD_TRIPLES
               ) -> tuple[float, float, float]:
    """(CPU s of the loads, CPU s with the final compaction, wall s) of streaming ``ntriples``
    into a fresh on-disk store in pieces of ``piece`` lines, sleeping ``pause`` s after
    each."""
    folder = tempfile.mkdtemp(prefix="kg-bench-store-")
    try:
        store = ox.Store(folder)
        cpu, wall = time.process_time(), time.perf_counter()
        with open(ntriples, "rb") as handle:
            while lines := list(itertools.islice(handle, piece)):
                store.bulk_load(b"".join(lines), ox.RdfFormat.N_TRIPLES, lenient=True)
                if pause:
                    time.sleep(pause)
        loaded = time.process_time() - cpu
        store.flush()
        store.optimize()
        result = loaded, time.process_time() - cpu, time.perf_counter() - wall
        del store
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ntriples", type=Path)
    ap.add_argument("--runs", type=int, default=1,
                    help="repeat the loads, alternating (this VM's speed drifts by the minute)")
    ap.add_argument("--pause", type=float, default=None,
                    help="compare back-to-back loading with this pause after each chunk")
    ap.add_argument("--pieces", default=None,
                    help="compare bulk loads of these many lines each, e.g. 25000,100000")
    args = ap.parse_args()
    ox = pyoxigraph_module()
    if args.pieces:
        sizes = [int(n) for n in args.pieces.split(",")]
        for _ in range(args.runs):
            for size in sizes:
                loaded, compacted, wall = paced_load(ox, args.ntriples, 0.0, size)
                print(f"pieces of {size:>9,} lines: CPU {loaded:6.1f} s loading, "
                      f"{compacted - loaded:5.1f} s compacting, {compacted:6.1f} s in all; "
                      f"wall {wall:6.1f} s")
        return 0
    if args.pause is not None:
        for pause in (0.0, args.pause):
            loaded, compacted, wall = paced_load(ox, args.ntriples, pause)
            print(f"pause {pause:4.1f} s after each {LOAD_TRIPLES:,}-line piece: CPU {loaded:6.1f}"
                  f" s loading, {compacted:6.1f} s with the final compaction; wall {wall:6.1f} s")
        return 0
    lines = args.ntriples.read_bytes().splitlines(keepends=True)
    evidence = f"<{KG}evidence>".encode()
    runs = [("on disk", chunked(lines), True, True),
            ("on disk, IRIs validated", chunked(lines), True, False),
            ("in memory", chunked(lines), False, True),
            ("on disk, no kg:evidence", chunked([x for x in lines if evidence not in x]), True,
             True)]
    print(f"{len(lines):,} triples from {args.ntriples}")
    for name, chunks, disk, lenient in runs * args.runs:
        folder = tempfile.mkdtemp(prefix="kg-bench-store-")
        try:
            cpu, wall = load(ox, chunks, folder if disk else None, lenient=lenient)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        print(f"{name:26s} CPU {cpu:6.2f} s  wall {wall:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
