"""The output lock: one build per folder, and a killed build's temporaries swept away."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.infra.outlock import LOCK_NAME, OutputBusyError, output_lock, stale_temporaries
from kg.pipeline import build, export_build


def _litter(out: Path) -> list[Path]:
    """What a SIGKILLed build leaves: a spool, a half-built store, atomic-write temporaries."""
    (out / "nt-shards").mkdir(parents=True)
    made = [out / ".kg-spool-3ovx1a2b", out / ".store.k2j4x9ab", out / ".graph.nt.k2j4_x9a.tmp",
            out / "nt-shards" / ".graph-00000.nt.abcdefgh.tmp"]
    for path in made[:2]:
        path.mkdir()
        (path / "data").write_bytes(b"x" * 10)
    for path in made[2:]:
        path.write_bytes(b"half")
    return sorted(made)


def test_stale_temporaries_names_only_kg_temporaries(tmp_path: Path) -> None:
    made = _litter(tmp_path)
    keep = [tmp_path / "graph.nt", tmp_path / ".hidden", tmp_path / "notes.tmp",
            tmp_path / "store", tmp_path / ".git"]
    keep[0].write_text("")
    keep[1].write_text("")
    keep[2].write_text("")
    keep[3].mkdir()
    keep[4].mkdir()
    (keep[4] / ".x.abcdefgh.tmp").write_text("")  # hidden folders are not looked into
    assert stale_temporaries(tmp_path) == made


def test_build_sweeps_temporaries_of_a_killed_build(page: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    made = _litter(out)
    report = build([page], out, formats=["ntriples", "ntriples-shards", "store"])
    assert report.swept == made
    assert not any(path.exists() for path in made)
    assert (out / "graph.nt").stat().st_size > 0
    assert (out / "store").is_dir()
    assert build([page], out, formats=["ntriples"]).swept == []


def test_second_build_into_a_held_folder_fails_clearly(page: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with output_lock(out):
        with pytest.raises(OutputBusyError, match=rf"{out}: another kg build or export is writing here "
                                             rf"\(pid {os.getpid()}\)"):
            build([page], out, formats=["ntriples"])
    assert not (out / "graph.nt").exists()
    build([page], out, formats=["ntriples"])  # released on exit
    assert (out / "graph.nt").exists()


@pytest.mark.parametrize("fmt", ["ntriples", "graphml"])  # streamed, and from the whole graph
def test_export_into_a_held_folder_fails_and_sweeps_after(page: Path, tmp_path: Path,
                                                          fmt: str) -> None:
    built, out = tmp_path / "built", tmp_path / "out"
    build([page], built, formats=["ntriples"])
    with output_lock(out):
        made = _litter(out)  # temporaries of the export holding the folder
        with pytest.raises(OutputBusyError, match="another kg build or export is writing here"):
            export_build(built, fmt, out)
    assert all(path.exists() for path in made)  # the holder's files are left alone
    path = export_build(built, fmt, out)
    assert path.stat().st_size > 0
    assert not any(path.exists() for path in made)


@pytest.mark.slow
def test_sigkilled_build_leaves_nothing_behind_after_the_next(corpus_files: list[Path],
                                                              tmp_path: Path) -> None:
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "kg", "build", "-o", str(out), "--formats",
           "ntriples,turtle,store", "--no-cache", *map(str, corpus_files)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if list(out.glob(".store.*")):
            break  # spool, store and atomic temporaries are all open now
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    left = stale_temporaries(out)
    assert any(p.name.startswith(".kg-spool-") for p in left)  # what the kill left
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    assert f"Removed {len(left)} temporaries an interrupted build had left" in done.stderr
    assert stale_temporaries(out) == []
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [LOCK_NAME]
