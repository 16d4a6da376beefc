"""SPARQL over the built graph: an embedded Oxigraph store persisted next to the exports.

``write_store(G, directory)`` bulk-loads the graph's N-Triples and the ontology into a
pyoxigraph store (RocksDB on disk), so ``kg query`` answers without a server and stays fast as
the graph grows (rdflib's SPARQL engine is orders of magnitude slower past ~10^5 triples).
``run_query`` returns results in the standard SPARQL 1.1 result formats (JSON, CSV, TSV) or as a
readable table. The documented prefixes (``kg:``, ``kgid:``, ``skos:``, ``dcterms:``, ...) may
be used without declaring them. Named queries live in ``queries/*.rq``.

Not supported: updates (the store is rebuilt by ``kg build``), and RDF-star.
"""

from __future__ import annotations

import difflib
import os
import queue
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import networkx as nx

from kg.errors import QueryError
from kg.namespaces import PREFIXES
from kg.queryguard import QueryLimits, check_query, explain_syntax_error

__all__ = ["NamedQuery", "StoreWriter", "list_queries", "open_store", "resolve_query", "run_query",
           "run_query_at",
           "write_store"]

FORMATS = ("table", "json", "csv", "tsv")


def _pyoxigraph():
    try:
        import pyoxigraph
    except ImportError as err:  # pragma: no cover - a core dependency
        raise QueryError("SPARQL needs pyoxigraph: pip install pyoxigraph") from err
    return pyoxigraph


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
    extraction needs: loading a 100,000-paper graph.nt chunk by chunk with pauses took 159.7
    CPU-s, without pauses 84.9 (``benchmarks/bench_store.py --pause 0.8``: compaction falls
    behind and merges more files at once). At the
    lowest priority compaction only gets what the build leaves idle, catches up in larger
    merges, and ``finish`` compacts everything anyway: the store's CPU in a 100,000-paper
    build fell from 135 to 84 s, the build from 166 to 143 s (docs/scaling.md). The nice
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
    bounded, so at most a few chunks wait in memory. One bulk load per ~100,000-line chunk
    keeps the loader near 200 MB; one load of a whole large file held ~1 GB per million
    triples.
    """

    QUEUED_CHUNKS = 2

    def __init__(self, directory: str | Path) -> None:
        self.ox = _pyoxigraph()
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
            # lookup then reads one file instead of many, which made selective queries 5-10x
            # faster on a 100,000-paper store (docs/scaling.md).
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
    """Build the store of ``G`` (plus the ontology) in ``directory``, replacing any old one.

    (``kg build`` feeds its ``StoreWriter`` while it writes the N-Triples and Turtle instead:
    see ``kg.pipeline``.)
    """
    from kg.export.rdf import write_rdf

    writer = StoreWriter(directory)
    try:
        write_rdf(G, on_chunk=writer.feed)
    except BaseException:
        writer.abort()
        raise
    writer.finish()


def open_store(directory: str | Path):
    """Open a store written by ``write_store``, read-only."""
    path = Path(directory)
    if not path.is_dir():
        raise QueryError(f"no SPARQL store at {path}: run 'kg build' first")
    try:
        return _pyoxigraph().Store.read_only(str(path))
    except OSError as err:
        raise QueryError(f"cannot open the SPARQL store at {path}: {err}") from err


@dataclass(frozen=True)
class NamedQuery:
    """A query of the library: its name (file stem), the question it answers, its text."""

    name: str
    question: str
    text: str


def list_queries() -> list[NamedQuery]:
    """Every named query of ``queries/*.rq``, sorted by name."""
    folder = resources.files("kg") / "queries"
    out = []
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".rq"):
            text = item.read_text(encoding="utf-8")
            m = re.search(r"^#\s*question:\s*(.+)$", text, re.M)
            out.append(NamedQuery(item.name[:-3], m.group(1).strip() if m else "", text))
    return out


def resolve_query(query: str) -> str:
    """A query's text from a named query, a ``.rq`` file, or the query itself."""
    for named in list_queries():
        if named.name == query:
            return named.text
    if query.endswith(".rq") or (len(query) < 256 and "\n" not in query and Path(query).is_file()):
        try:
            return Path(query).read_text(encoding="utf-8")
        except OSError as err:
            raise QueryError(f"cannot read query file {query}: {err}") from err
    if re.fullmatch(r"[A-Za-z][\w-]*", query.strip()) and not _KEYWORD.match(query.strip()):
        names = [named.name for named in list_queries()]
        close = difflib.get_close_matches(query.strip().lower(), names, n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else (
            " (kg query --list shows them)")
        raise QueryError(f"no named query {query.strip()!r}{hint}")
    return query


# A bare word that starts a SPARQL query form rather than naming a query.
_KEYWORD = re.compile(r"(?i)(SELECT|ASK|CONSTRUCT|DESCRIBE|PREFIX|BASE)$")


def _short(term) -> str:
    ox = _pyoxigraph()
    if isinstance(term, ox.NamedNode):
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if term.value.startswith(ns) and re.fullmatch(r"[\w./-]*", term.value[len(ns):]):
                return f"{prefix}:{term.value[len(ns):]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term) if term is not None else ""


def _table(variables: list[str], rows: list[list[str]], width: int = 60) -> str:
    rows = [[v if len(v) <= width else v[: width - 1] + "…" for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(variables)]
    line = "  ".join(h.ljust(w) for h, w in zip(variables, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def run_query(store, query: str, *, fmt: str = "table",
              limits: QueryLimits | None = None) -> str:
    """Run ``query`` (SELECT, ASK, CONSTRUCT or DESCRIBE) and format its results.

    The query is checked first (``kg.queryguard``): too long or too deeply nested, or a
    ``SERVICE`` to a host ``limits`` does not allow, and it does not run.

    Raises
    ------
    QueryError
        With the parser's message and position when the query is invalid, or the check's.
    """
    ox = _pyoxigraph()
    if fmt not in FORMATS:
        raise QueryError(f"unknown result format '{fmt}' (known: {', '.join(FORMATS)})")
    check_query(query, limits)
    try:
        results = store.query(query, prefixes=dict(PREFIXES))
    except SyntaxError as err:
        reason = explain_syntax_error(query, str(err), PREFIXES)
        raise QueryError(f"invalid SPARQL: {reason}") from err
    except OSError as err:
        raise QueryError(f"query failed: {err}") from err
    if isinstance(results, ox.QueryBoolean):
        value = bool(results)
        if fmt == "table":
            return "true" if value else "false"
        return results.serialize(format=_result_format(fmt)).decode("utf-8")
    if isinstance(results, ox.QueryTriples):
        # CONSTRUCT and DESCRIBE give a graph: N-Triples, whatever the table/JSON choice.
        return "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in results)
    if fmt == "table":
        variables = [v.value for v in results.variables]
        rows = [[_short(solution[v]) for v in variables] for solution in results]
        return _table(variables, rows)
    return results.serialize(format=_result_format(fmt)).decode("utf-8")


def run_query_at(directory: str | Path, query: str, fmt: str = "table",
                 limits: QueryLimits | None = None) -> str:
    """``run_query`` over the store in ``directory``: what ``kg query`` runs, in a process of
    its own (``kg.querypool.run_bounded``)."""
    return run_query(open_store(directory), query, fmt=fmt, limits=limits)


def _result_format(fmt: str):
    ox = _pyoxigraph()
    return {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV,
            "tsv": ox.QueryResultsFormat.TSV}[fmt]
