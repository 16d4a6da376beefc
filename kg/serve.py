"""``kg serve``: Oxigraph's own SPARQL 1.1 Protocol server, read-only, over the built store.

No home-made HTTP server: this starts the ``oxigraph serve-read-only`` binary that the
``oxigraph`` package on PyPI ships, bound to 127.0.0.1 unless told otherwise, with a query
timeout, and stops it cleanly on Ctrl-C or SIGTERM. Updates are refused by the server itself.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from kg.errors import QueryError

__all__ = ["endpoint_url", "free_port", "oxigraph_binary", "serve"]


def oxigraph_binary() -> str:
    """The ``oxigraph`` server binary of this environment."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise QueryError("the Oxigraph server is not installed: pip install oxigraph")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def endpoint_url(host: str, port: int) -> str:
    """The SPARQL query endpoint of an Oxigraph server."""
    return f"http://{host}:{port}/query"


def _wait_ready(host: str, port: int, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise QueryError(f"the Oxigraph server exited with code {proc.returncode}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise QueryError(f"the Oxigraph server did not listen on {host}:{port} within {timeout} s")


def _die_with_parent() -> None:
    """In the server's process before it starts: on Linux, ask the kernel to stop it when
    ``kg serve`` dies, even by SIGKILL, so no orphan server keeps the port and the store."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def serve(store: str | Path, *, host: str = "127.0.0.1", port: int = 7878,
          timeout_s: int = 30, on_ready: Callable[[str], None] | None = None) -> int:
    """Serve ``store`` until interrupted; returns the server's exit code.

    Parameters
    ----------
    store : path
        A store written by ``kg build`` (``exports/store``).
    host, port : str, int
        Where to listen; ``port=0`` picks a free port.
    timeout_s : int
        Longest time one query may run.
    on_ready : callable, optional
        Called with the endpoint URL once the server accepts connections.
    """
    if not Path(store).is_dir():
        raise QueryError(f"no SPARQL store at {store}: run 'kg build' first")
    port = port or free_port(host)
    cmd = [oxigraph_binary(), "serve-read-only", "--location", str(store),
           "--bind", f"{host}:{port}", "--timeout-s", str(timeout_s)]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)

    def stop(signum: int, _frame: object) -> None:
        proc.send_signal(signal.SIGTERM if signum == signal.SIGTERM else signal.SIGINT)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        _wait_ready(host, port, proc, timeout=20)
        if on_ready:
            on_ready(endpoint_url(host, port))
        code = proc.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)
    # Interrupted by the user is a clean stop.
    return 0 if code in (0, -signal.SIGINT, -signal.SIGTERM, 130, 143) else code
