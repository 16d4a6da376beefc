"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over the built store.

aiohttp does the HTTP; this module adds the guard a public endpoint needs and nothing else:

- every query is checked before an engine sees it (``kg.queryguard``: length, nesting depth,
  ``SERVICE`` refused unless a host is allowed), so no request makes the server reach out or
  overflow a parser's stack;
- queries run in worker processes (``kg.querypool``) under a deadline and an address-space
  limit: a query past ``--timeout``, aggregates and sorts included, or whose client left, is
  stopped by killing its worker, and a worker out of memory dies alone; a query still
  running after a second runs at the lowest CPU priority, so short queries keep the cores;
- a connection that sends no request within ``request_wait_s`` is closed, idle keep-alive
  connections are closed after ``keepalive_s``, and the open-files limit is raised to its
  hard limit, so idle sockets cannot starve other clients;
- a store rebuilt by ``kg build`` is noticed and answered from at once.

Updates are refused (403): the store is rebuilt by ``kg build``. The documented prefixes
(``kg:``, ``kgid:``, ``skos:``, ...) need no PREFIX lines, as in ``kg query``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

from kg.errors import QueryError
from kg.manifest import check_output
from kg.queryguard import QueryLimits, check_query
from kg.querypool import Answer, Job, QueryPool

__all__ = ["ServeOptions", "endpoint_url", "free_port", "serve"]

_FORM = "application/x-www-form-urlencoded"
_SPARQL = "application/sparql-query"
_READ_ONLY = "this endpoint is read-only: updates are refused (the store is rebuilt by kg build)"


@dataclass(frozen=True)
class ServeOptions:
    """How the endpoint behaves; the defaults are ``kg serve``'s."""

    host: str = "127.0.0.1"
    port: int = 7878
    timeout_s: float = 30
    workers: int = 8
    memory_mb: int = 2048
    limits: QueryLimits = field(default_factory=QueryLimits)
    request_wait_s: float = 10
    keepalive_s: float = 15


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def endpoint_url(host: str, port: int) -> str:
    """The SPARQL query endpoint of a ``kg serve`` server."""
    return f"http://{host}:{port}/query"


def _raise_open_files_limit() -> None:
    """Every connection holds a file descriptor: allow as many as the system lets us."""
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY or hard > soft:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class _RequestDeadline(asyncio.Protocol):
    """Wraps aiohttp's protocol for one connection: closes the connection when no request
    reaches the handler within ``seconds`` of connecting or of the previous answer (aiohttp
    itself closes only connections that have sent one)."""

    def __init__(self, inner: asyncio.Protocol, seconds: float,
                 registry: dict[object, _RequestDeadline]) -> None:
        self.inner, self.seconds, self.registry = inner, seconds, registry
        self.transport: asyncio.Transport | None = None
        self.timer: asyncio.TimerHandle | None = None

    def arm(self) -> None:
        self.disarm()
        if self.transport is not None and not self.transport.is_closing():
            self.timer = asyncio.get_running_loop().call_later(self.seconds, self._expire)

    def disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _expire(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.registry[transport] = self
        self.inner.connection_made(transport)
        self.arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self.disarm()
        self.registry.pop(self.transport, None)
        self.inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received()

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()


class _RefusedError(Exception):
    """A request the endpoint answers with ``status`` and ``message`` without running it."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _accepted(header: str) -> tuple[str, ...]:
    """The media types of an Accept header, best first (q-values honoured, q=0 dropped)."""
    ranked = []
    for index, part in enumerate(header.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranked.append((-quality, index, media.lower()))
    return tuple(media for _, _, media in sorted(ranked))


async def _read_query(request, limits: QueryLimits) -> tuple[str, dict[str, list[str]]]:
    """The query text and the protocol's other parameters, from GET or POST; raises
    ``_RefusedError`` when the request is malformed."""
    params = {k: list(v) for k, v in parse_qs(request.query_string).items()}
    if request.method == "POST":
        budget = limits.max_length * 4 + 4096
        body = await request.content.read(budget + 1)
        if len(body) > budget:
            raise _RefusedError(413, f"request body too large (at most {budget:,} bytes)")
        kind = request.content_type
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise _RefusedError(400, "the request body is not UTF-8") from None
        if kind == _FORM:
            for key, values in parse_qs(text).items():
                params.setdefault(key, []).extend(values)
        elif kind == _SPARQL:
            params.setdefault("query", []).append(text)
        else:
            raise _RefusedError(415, f"unsupported Content-Type {kind!r}: send {_SPARQL} "
                                     f"or {_FORM}")
    queries = params.get("query", [])
    if "update" in params:
        raise _RefusedError(403, _READ_ONLY)
    if len(queries) != 1:
        raise _RefusedError(400, "give exactly one 'query' parameter (SPARQL 1.1 Protocol)")
    return queries[0], params


def _make_handler(pool: QueryPool, options: ServeOptions,
                  connections: dict[object, _RequestDeadline]):
    async def handle(request):
        from aiohttp import web

        guard = connections.get(request.transport)
        if guard is not None:
            guard.disarm()
        try:
            answer = await _route(request, pool, options)
        finally:
            if guard is not None:
                guard.arm()
        return web.Response(status=answer.status, body=answer.body,
                            headers={"Content-Type": answer.content_type})

    return handle


async def _route(request, pool: QueryPool, options: ServeOptions) -> Answer:
    path = request.path.rstrip("/") or "/"
    if path == "/update":
        return Answer.error(403, _READ_ONLY)
    if path == "/":
        return Answer.error(200, f"kg SPARQL endpoint: send queries to {request.url.origin()}"
                                 "/query (SPARQL 1.1 Protocol, GET or POST)")
    if path != "/query":
        return Answer.error(404, f"no such resource {request.path}: the endpoint is /query")
    if request.method not in ("GET", "POST"):
        return Answer.error(405, "use GET or POST")
    try:
        text, params = await _read_query(request, options.limits)
        check_query(text, options.limits)
    except _RefusedError as err:
        return Answer.error(err.status, str(err))
    except QueryError as err:
        return Answer.error(400, str(err))
    job = Job(text, _accepted(request.headers.get("Accept", "")),
              tuple(params.get("default-graph-uri", [])),
              tuple(params.get("named-graph-uri", [])))
    return await pool.answer(job)


async def _run(store: Path, options: ServeOptions,
               on_ready: Callable[[str], None] | None, stop: asyncio.Event) -> None:
    from aiohttp import web

    def log(line: str) -> None:
        print(f"kg serve: {line}", file=sys.stderr, flush=True)

    pool = QueryPool(store, workers=options.workers, timeout_s=options.timeout_s,
                     memory_mb=options.memory_mb, warm=min(options.workers, os.cpu_count() or 2),
                     log=log)
    await pool.start()
    connections: dict[object, _RequestDeadline] = {}
    server = web.Server(_make_handler(pool, options, connections), handler_cancellation=True,
                        keepalive_timeout=options.keepalive_s, access_log=None)
    loop = asyncio.get_running_loop()
    try:
        listener = await loop.create_server(
            lambda: _RequestDeadline(server(), options.request_wait_s, connections),
            options.host, options.port, backlog=1024, reuse_address=True)
    except OSError as err:
        await pool.close()
        raise QueryError(f"cannot listen on {options.host}:{options.port}: "
                         f"{err.strerror or err}") from None
    port = listener.sockets[0].getsockname()[1]
    try:
        if on_ready:
            on_ready(endpoint_url(options.host, port))
        await stop.wait()
    finally:
        listener.close()
        await server.shutdown(2)
        await pool.close()


def serve(store: str | Path, *, host: str = "127.0.0.1", port: int = 7878,
          timeout_s: float = 30, workers: int = 8, memory_mb: int = 2048,
          limits: QueryLimits | None = None,
          on_ready: Callable[[str], None] | None = None) -> int:
    """Serve ``store`` until SIGINT or SIGTERM; returns 0 on a clean stop.

    Parameters
    ----------
    store : path
        A store written by ``kg build`` (``exports/store``).
    host, port : str, int
        Where to listen; ``port=0`` picks a free port.
    timeout_s : float
        Longest time one query may take, waiting for a free worker included.
    workers : int
        Most queries run at once, one process each (more wait for a free slot).
    memory_mb : int
        Address space of each query process (0: unbounded); the endpoint's queries use at
        most ``workers * memory_mb``.
    limits : QueryLimits, optional
        Longest and deepest query, and the hosts ``SERVICE`` may reach (none by default).
    on_ready : callable, optional
        Called with the endpoint URL once the server accepts connections.
    """
    if not Path(store).is_dir():
        raise QueryError(f"no SPARQL store at {store}: run 'kg build' first")
    for problem in check_output(Path(store).parent):
        print(f"kg serve: warning: {problem}", file=sys.stderr, flush=True)
    options = ServeOptions(host=host, port=port, timeout_s=timeout_s, workers=max(1, workers),
                           memory_mb=memory_mb, limits=limits or QueryLimits())
    _raise_open_files_limit()

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await _run(Path(store), options, on_ready, stop)

    asyncio.run(main())
    return 0
