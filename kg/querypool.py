"""SPARQL queries run in worker processes that can be stopped.

Oxigraph cancels a streamed SELECT at its timeout, but an aggregate or a sort over a cross
product computes to the end first, whatever the timeout, and may grow without bound. So a
query runs in a worker process that holds the store open read-only, under an address-space
limit; a query still running at its deadline, or whose client went away, is ended by killing
its worker, and a new worker takes its place. A worker that runs out of memory dies alone.

A pool also notices when ``kg build`` has replaced the store (the store folder is a new
directory then): workers of the old store are replaced by workers of the new one as they
come free, so answers never come from a deleted store.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
import sys
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from kg.errors import QueryError
from kg.namespaces import PREFIXES

__all__ = ["Answer", "Job", "QueryPool", "QueryWorker", "StoreIdentity", "negotiate",
           "run_bounded"]

# Media types a worker can write, first one the default, per kind of result.
SOLUTION_TYPES = ("application/sparql-results+json", "application/sparql-results+xml",
                  "text/csv", "text/tab-separated-values")
GRAPH_TYPES = ("application/n-triples", "text/turtle", "application/rdf+xml",
               "application/n-quads", "application/trig")
_ALIASES = {"application/json": "application/sparql-results+json",
            "application/xml": "application/sparql-results+xml",
            "text/plain": "application/n-triples"}


@dataclass(frozen=True)
class Job:
    """One query for a worker: its text and the media types the client accepts, best first
    (empty: the defaults)."""

    query: str
    accept: tuple[str, ...] = ()
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """What to send back: an HTTP status, a media type and the body."""

    status: int
    content_type: str
    body: bytes

    @classmethod
    def error(cls, status: int, message: str) -> Answer:
        return cls(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode())


def negotiate(accept: tuple[str, ...], offered: tuple[str, ...]) -> str | None:
    """The first of ``accept`` (best first) that ``offered`` holds; the first offered one
    when the client accepts anything; None when nothing fits."""
    if not accept:
        return offered[0]
    for media in accept:
        media = _ALIASES.get(media, media)
        if media in offered:
            return media
        if media in ("*/*", "application/*", "text/*"):
            kind = media.split("/")[0]
            return next((o for o in offered if kind == "*" or o.startswith(kind)), offered[0])
    return None


@dataclass(frozen=True)
class StoreIdentity:
    """Which store folder a worker opened: ``kg build`` swaps a new directory into place, so
    a rebuilt store has a new inode."""

    inode: int
    device: int

    @classmethod
    def of(cls, store: Path) -> StoreIdentity | None:
        try:
            st = os.stat(store)
        except OSError:
            return None
        return cls(st.st_ino, st.st_dev)


# ---------------------------------------------------------------------------------------------
# The worker process


def _process_context(preload: list[str] | None = None):
    """Where worker processes come from: a fork server where there is one (a fresh process
    without the caller's threads, forked in ~15 ms), else spawned interpreters."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if preload and hasattr(context, "set_forkserver_preload"):
        context.set_forkserver_preload(preload)
    return context


def _limit_memory(memory_mb: int) -> None:
    if memory_mb > 0:
        import resource

        limit = memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _die_with_parent() -> None:
    """On Linux, ask the kernel to kill this worker when its parent dies, even mid-query."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def _worker_main(store: str, conn: Connection, memory_mb: int) -> None:
    """Open the store, say so, then answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    _die_with_parent()
    import pyoxigraph as ox

    try:
        db = ox.Store.read_only(store)
    except OSError as err:
        conn.send(Answer.error(503, f"cannot open the SPARQL store at {store}: {err}"))
        return
    _limit_memory(memory_mb)
    conn.send(None)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = _answer(ox, db, job)
        except MemoryError:
            answer = Answer.error(500, "the query ran out of memory")
        conn.send(answer)


def _answer(ox, db, job: Job) -> Answer:
    """Run ``job`` on the store ``db`` and serialize its result as the client asked."""
    try:
        result = db.query(job.query, prefixes=dict(PREFIXES),
                          default_graph=[ox.NamedNode(g) for g in job.default_graphs] or None,
                          named_graphs=[ox.NamedNode(g) for g in job.named_graphs] or None)
    except SyntaxError as err:
        from kg.queryguard import explain_syntax_error

        reason = explain_syntax_error(job.query, str(err), PREFIXES)
        return Answer.error(400, f"invalid SPARQL query: {reason}")
    except (OSError, ValueError, TypeError) as err:
        return Answer.error(400 if isinstance(err, ValueError) else 500,
                            f"the query failed: {err}")
    if isinstance(result, ox.QueryTriples):
        media = negotiate(job.accept, GRAPH_TYPES)
        if media is None:
            return Answer.error(406, "a graph result is served as " + ", ".join(GRAPH_TYPES))
        fmt = ox.RdfFormat.from_media_type(media)
    else:
        media = negotiate(job.accept, SOLUTION_TYPES)
        if media is None:
            return Answer.error(406, "solutions are served as " + ", ".join(SOLUTION_TYPES))
        fmt = ox.QueryResultsFormat.from_media_type(media)
    try:
        body = result.serialize(format=fmt)
    except (OSError, ValueError) as err:
        return Answer.error(500, f"the query failed: {err}")
    charset = "; charset=utf-8" if media.startswith("text/") else ""
    return Answer(200, media + charset, bytes(body))


# ---------------------------------------------------------------------------------------------
# The server side


@dataclass
class QueryWorker:
    """A worker process and the pipe to it, for one store generation."""

    process: multiprocessing.process.BaseProcess
    conn: Connection
    generation: int
    niced: bool = False

    @classmethod
    def start(cls, context, store: Path, memory_mb: int, generation: int,
              wait_s: float = 60) -> QueryWorker:
        """Start a worker and wait until its store is open."""
        ours, theirs = context.Pipe()
        process = context.Process(target=_worker_main, args=(str(store), theirs, memory_mb),
                                  name="kg-query-worker", daemon=True)
        process.start()
        theirs.close()
        worker = cls(process, ours, generation)
        if not ours.poll(wait_s):
            worker.kill()
            raise QueryError(f"a query worker did not open the store {store} within {wait_s} s")
        try:
            first = ours.recv()
        except EOFError:
            worker.kill()
            raise QueryError(f"a query worker exited while opening the store {store}") from None
        if isinstance(first, Answer):
            worker.kill()
            raise QueryError(first.body.decode().strip())
        return worker

    async def acall(self, job: Job, timeout_s: float) -> Answer:
        """Run ``job`` without blocking the event loop. At the deadline, or when the awaiting
        task is cancelled (its client left), the worker is killed."""
        loop = asyncio.get_running_loop()
        self.conn.send(job)
        ready = loop.create_future()
        fd = self.conn.fileno()
        loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
        try:
            await asyncio.wait_for(ready, timeout_s)
        except BaseException:
            self.kill()
            raise
        finally:
            loop.remove_reader(fd)
        return await asyncio.to_thread(self._receive)

    def _receive(self) -> Answer:
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            self.process.join(5)
            code = self.process.exitcode
            self.kill()
            raise WorkerDiedError(code) from None

    def lower_priority(self) -> None:
        """Give the worker's process the lowest CPU priority (it cannot be raised again)."""
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, self.process.pid, 19)
            self.niced = True

    @property
    def alive(self) -> bool:
        return self.process.is_alive() and not self.conn.closed

    def kill(self) -> None:
        """Stop the worker at once, whatever it is doing."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        with contextlib.suppress(OSError):
            self.conn.close()


class WorkerDiedError(Exception):
    """A worker exited mid-query (out of memory, or killed); ``code`` is its exit code."""

    def __init__(self, code: int | None) -> None:
        super().__init__(f"query worker exited with code {code}")
        self.code = code


@dataclass
class QueryPool:
    """At most ``workers`` queries at once over ``store``, each in a process of its own,
    bounded by ``timeout_s`` seconds (waiting for a free slot included) and ``memory_mb`` of
    address space (0: no bound). ``warm`` processes start with the pool, more on demand (about
    15 ms each), and idle ones are kept for the next queries.

    A query still running after ``slow_s`` seconds has its process's CPU priority lowered
    (nice 19) and the process is retired after it: short queries keep the cores while an
    expensive one runs out its time.

    ``await pool.answer(job)`` gives an ``Answer`` whatever happens: 503 when the query ran
    out of time or no slot came free, 500 when its worker died (memory), 400 for a bad
    query.
    """

    store: Path
    workers: int = 8
    timeout_s: float = 30
    memory_mb: int = 2048
    warm: int = 2
    slow_s: float = 1.0
    log: object = None  # a callable taking one line, or None
    _slots: asyncio.Semaphore | None = field(default=None, repr=False)
    _idle: list[QueryWorker] = field(default_factory=list, repr=False)
    _context: object = field(default=None, repr=False)
    _identity: StoreIdentity | None = field(default=None, repr=False)
    _generation: int = 0

    async def start(self) -> None:
        """Start the warm workers; raises ``QueryError`` when the store cannot be opened."""
        self.store = Path(self.store)
        if not self.store.is_dir():
            raise QueryError(f"no SPARQL store at {self.store}: run 'kg build' first")
        self._context = _process_context(preload=["pyoxigraph", "kg.querypool"])
        self._identity = StoreIdentity.of(self.store)
        self._slots = asyncio.Semaphore(self.workers)
        warm = max(1, min(self.warm, self.workers))
        self._idle = list(await asyncio.gather(*(self._spawn() for _ in range(warm))))

    async def _spawn(self) -> QueryWorker:
        return await asyncio.to_thread(QueryWorker.start, self._context, self.store,
                                       self.memory_mb, self._generation)

    def _notice_rebuild(self) -> None:
        now = StoreIdentity.of(self.store)
        if now is not None and now != self._identity:
            self._identity = now
            self._generation += 1
            self._say(f"the store at {self.store} was rebuilt: answering from the new one")

    def _say(self, line: str) -> None:
        if callable(self.log):
            self.log(line)

    async def _take(self) -> QueryWorker:
        """An idle worker of the current store, or a new one."""
        self._notice_rebuild()
        while self._idle:
            worker = self._idle.pop()
            if worker.generation == self._generation and worker.alive:
                return worker
            worker.kill()
        return await self._spawn()

    def _give_back(self, worker: QueryWorker) -> None:
        keep = (worker.alive and not worker.niced and worker.generation == self._generation
                and len(self._idle) < self.workers)
        if keep:
            self._idle.append(worker)
        else:
            worker.kill()

    async def answer(self, job: Job) -> Answer:
        """Run ``job`` within the pool's timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_s
        try:
            await asyncio.wait_for(self._slots.acquire(), self.timeout_s)
        except TimeoutError:
            return Answer.error(503, f"{self.workers} queries stayed running for "
                                     f"{self.timeout_s:g} s; try again later")
        worker = None
        try:
            worker = await self._take()
            slow = loop.call_later(self.slow_s, worker.lower_priority)
            try:
                return await worker.acall(job, max(0.1, deadline - loop.time()))
            finally:
                slow.cancel()
        except TimeoutError:
            self._say(f"query stopped after {self.timeout_s:g} s")
            return Answer.error(503, f"query timed out after {self.timeout_s:g} s")
        except WorkerDiedError as died:
            self._say(f"query worker died ({died.code}); the next query gets a new one")
            limit = f" ({self.memory_mb} MB)" if self.memory_mb else ""
            return Answer.error(500, f"the query ran out of memory{limit} or crashed its "
                                     "worker; the endpoint goes on")
        except QueryError as err:
            return Answer.error(503, str(err))
        finally:
            if worker is not None:
                self._give_back(worker)
            self._slots.release()

    async def close(self) -> None:
        """Stop every idle worker (busy ones are stopped by their own queries' ends)."""
        for worker in self._idle:
            worker.kill()
        self._idle.clear()


# ---------------------------------------------------------------------------------------------
# One bounded call, for the command line


def _bounded_main(conn: Connection, memory_mb: int, fn, args: tuple) -> None:
    _die_with_parent()
    _limit_memory(memory_mb)
    try:
        result = (True, fn(*args))
    except Exception as err:  # sent back and raised again in the caller
        result = (False, err)
    conn.send(result)


def run_bounded(fn, args: tuple, *, timeout_s: float, memory_mb: int, what: str = "query"):
    """``fn(*args)`` in a process of its own, stopped after ``timeout_s`` seconds (0: never)
    and bounded by ``memory_mb`` of address space (0: unbounded); its exceptions are raised
    here. A timeout or a process that dies raises ``QueryError`` with a message."""
    context = _process_context()
    ours, theirs = context.Pipe(duplex=False)
    process = context.Process(target=_bounded_main, args=(theirs, memory_mb, fn, args),
                              name=f"kg-{what}", daemon=True)
    process.start()
    theirs.close()
    try:
        if not ours.poll(timeout_s or None):
            raise QueryError(f"{what} timed out after {timeout_s:g} s (raise --timeout)")
        try:
            ok, value = ours.recv()
        except (EOFError, OSError):
            process.join(5)
            limit = f" ({memory_mb} MB; raise --memory-mb)" if memory_mb else ""
            raise QueryError(f"{what} ran out of memory{limit} or crashed (exit code "
                             f"{process.exitcode})") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        ours.close()
    if not ok:
        raise value
    return value
