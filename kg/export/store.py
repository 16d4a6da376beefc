"""The SPARQL store as an export: an Oxigraph store (RocksDB on disk) loaded from N-Triples.

``StoreWriter`` loads chunks of N-Triples on a background thread while the build writes the
other RDF formats (``kg.export.rdf.RdfSink`` feeds it), then adds the ontology, compacts, and
swaps the new store in whole. ``kg.sparql`` opens and queries it.
"""

from __future__ import annotations

import os
import queue
import shutil
import tempfile
import threading
from importlib import resources
from pathlib import Path

import networkx as nx

from kg.errors import QueryError
from kg.sparql import pyoxigraph_module

__all__ = ["LOW_PRIORITY", "StoreWriter", "write_store"]

# Background threads of RocksDB (the store's engine), by the names it gives them:
# "rocksdb:low" compacts, "rocksdb:high" flushes.
_ROCKSDB_THREADS = "rocksdb:"
LOW_PRIORITY = 19  # the nice value the build gives them


def _lower_compaction_priority(done: set[int]) -> None:
    """Give RocksDB's background threads in this process the lowest CPU priority (Linux only:
    elsewhere, nothing is done). ``done`` holds the threads already lowered.

    Why: each chunk a build feeds the store is ingested as new files, and RocksDB compacts them
    in the background as soon as a few are there. A build feeds chunks for minutes, so at
    normal priority compaction keeps rewriting the growing indexes between chunks, on the cores
    extraction needs, and loading with pauses between chunks costs far more CPU than without
    (``benchmarks/bench_store.py --pause``). At the lowest priority compaction only gets
    what the build leaves idle, catches up in larger merges, and ``finish`` compacts
    everything anyway (the figures are in docs/scaling.md). The nice
    value is per thread on Linux, so only these threads are slowed. Unprivileged users cannot
    raise it back: the threads are RocksDB's process-wide pool, so other stores opened later
    by the same process compact at low priority too (they still get every idle core).
    """
    tasks = Path("/proc/self/task")
    if not tasks.is_dir():
        return
    for task in tasks.iterdir():
        tid = int(task.name)
        if tid in done:
            continue
        try:
            if (task / "comm").read_text().startswith(_ROCKSDB_THREADS):
                os.setpriority(os.PRIO_PROCESS, tid, LOW_PRIORITY)
                done.add(tid)
        except (OSError, ValueError):
            continue  # the thread ended meanwhile, or the system refuses: a matter of speed


class StoreWriter:
    """Builds the store of ``directory`` from N-Triples chunks on a background thread, and
    swaps it in whole on ``finish`` (a killed build leaves the previous store readable).

    Why a thread: pyoxigraph's bulk loader releases the GIL, so the store loads on one core
    while the exporter produces the next chunks (and the Turtle) on another. The queue is
    bounded, so at most a few chunks wait in memory. One bulk load per chunk keeps the loader's
    memory bounded; one load of a whole large file grows with the file.
    """

    QUEUED_CHUNKS = 8  # of kg.export.rdf.LOAD_TRIPLES lines: two writer chunks

    def __init__(self, directory: str | Path) -> None:
        self.ox = pyoxigraph_module()
        self.target = Path(directory)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.", dir=self.target.parent))
        self.store = self.ox.Store(str(self.tmp))
        self.queue: queue.Queue[bytes | None] = queue.Queue(maxsize=self.QUEUED_CHUNKS)
        self.error: BaseException | None = None
        self.reniced: set[int] = set()  # RocksDB threads whose priority was lowered
        self.thread = threading.Thread(target=self._load, name="kg-store-loader", daemon=True)
        self.thread.start()

    def _load(self) -> None:
        while (chunk := self.queue.get()) is not None:
            if self.error is None:  # after a failure, drain so that feed() never blocks
                try:
                    # lenient: skip re-validating every IRI. kg's writer makes them all
                    # from slugs, hashes and fixed namespaces and escapes every literal
                    # (kg.export.rdf); tests parse its output strictly (rdflib, rapper,
                    # Oxigraph). Validation was ~12% of the store's CPU (docs/scaling.md).
                    self.store.bulk_load(chunk, self.ox.RdfFormat.N_TRIPLES, lenient=True)
                    _lower_compaction_priority(self.reniced)
                except BaseException as err:  # re-raised in the caller's thread
                    self.error = err

    def feed(self, chunk: bytes) -> None:
        """Queue one chunk of complete N-Triples lines."""
        self._raise()
        self.queue.put(chunk)

    def _raise(self) -> None:
        if self.error is not None:
            raise QueryError(f"loading the SPARQL store failed: {self.error}") from self.error

    def finish(self) -> None:
        """Load the ontology, compact, and replace the old store by the new one."""
        self.queue.put(None)
        self.thread.join()
        try:
            self._raise()
            ontology = resources.files("kg") / "schemas" / "kg.ttl"
            self.store.bulk_load(ontology.read_bytes(), self.ox.RdfFormat.TURTLE)
            self.store.flush()
            # Compact the files the chunked loads wrote into one sorted run per index: every
            # lookup then reads one file instead of many (selective queries gain most:
            # docs/scaling.md).
            self.store.optimize()
            del self.store
            old = self.target.with_name(f".{self.target.name}.old")
            if self.target.exists():
                os.replace(self.target, old)
            os.replace(self.tmp, self.target)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def abort(self) -> None:
        """Stop loading and remove the half-built store; the old one stays."""
        self.error = self.error or QueryError("aborted")
        self.queue.put(None)
        self.thread.join()
        self.store = None
        shutil.rmtree(self.tmp, ignore_errors=True)


def write_store(G: nx.MultiDiGraph, directory: str | Path) -> None:
    """Build the store of ``G`` (plus the ontology) in ``directory``, replacing any old one."""
    from kg.export import write_format

    write_format(G, "store", directory)
