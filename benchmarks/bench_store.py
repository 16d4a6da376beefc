"""What loading the SPARQL store costs, by part: RocksDB on disk against Oxigraph in memory,
and with the evidence sentences left out.

Usage:
    python benchmarks/bench_store.py BUILD/graph.nt

Loads the file in the build's chunks (``kg.export.rdf.CHUNK_TRIPLES`` lines, as the build's
store thread does) three ways and prints CPU and wall seconds of each: into an on-disk store,
into an in-memory store, and into an on-disk store without the ``kg:evidence`` triples.
Holds the whole file in memory: use a 10,000-paper build (~300 MB).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from kg.export.rdf import CHUNK_TRIPLES
from kg.namespaces import KG
from kg.sparql import _pyoxigraph


def load(ox, chunks: list[bytes], path: str | None) -> tuple[float, float]:
    """(CPU s, wall s) of bulk-loading ``chunks`` into a store at ``path`` (memory if None)."""
    store = ox.Store(path) if path else ox.Store()
    cpu, wall = time.process_time(), time.perf_counter()
    for chunk in chunks:
        store.bulk_load(chunk, ox.RdfFormat.N_TRIPLES)
    if path:
        store.flush()
    return time.process_time() - cpu, time.perf_counter() - wall


def chunked(lines: list[bytes]) -> list[bytes]:
    return [b"".join(lines[i:i + CHUNK_TRIPLES]) for i in range(0, len(lines), CHUNK_TRIPLES)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ntriples", type=Path)
    args = ap.parse_args()
    ox = _pyoxigraph()
    lines = args.ntriples.read_bytes().splitlines(keepends=True)
    evidence = f"<{KG}evidence>".encode()
    runs = [("on disk", chunked(lines), True), ("in memory", chunked(lines), False),
            ("on disk, no kg:evidence", chunked([x for x in lines if evidence not in x]), True)]
    print(f"{len(lines):,} triples from {args.ntriples}")
    for name, chunks, disk in runs:
        folder = tempfile.mkdtemp(prefix="kg-bench-store-")
        try:
            cpu, wall = load(ox, chunks, folder if disk else None)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        print(f"{name:26s} CPU {cpu:6.2f} s  wall {wall:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
