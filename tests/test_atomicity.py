"""A build killed halfway leaves the previous exports whole and readable."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import rdflib

pytestmark = pytest.mark.slow


def _readable(out: Path) -> None:
    rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    rdflib.Graph().parse(out / "graph.nt", format="nt")
    json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    assert (out / "graph.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines():
        json.loads(line)


def test_atomicity_sigkill_mid_build_leaves_whole_files(corpus_files: list[Path],
                                                        page: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    base = [sys.executable, "-m", "kg", "build", "-o", str(out), "--formats",
            "turtle,ntriples,jsonld,html"]
    subprocess.run([*base, str(page)], check=True, capture_output=True)
    before = (out / "graph.nt").read_bytes()
    first = (out / "graph.ttl").stat().st_mtime_ns
    proc = subprocess.Popen([*base, *map(str, corpus_files)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if (out / "graph.ttl").stat().st_mtime_ns != first:
            break  # the first export is in place; the others are being written now
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    _readable(out)
    import sqlite3

    cache = sqlite3.connect(out / "cache.sqlite")  # the cache survives the kill
    assert cache.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    after = (out / "graph.nt").read_bytes()
    assert after == before or after.count(b"\n") > before.count(b"\n")
