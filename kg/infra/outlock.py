"""One build (or export) at a time per output folder, and what a killed one left behind swept away.

A build writes its temporaries beside its outputs (``fileio.atomic_open``'s ``.NAME.*.tmp``
files, the paper spool ``.kg-spool-*``, the half-built store ``.store.*``) so that each lands
with an atomic rename. A build killed by SIGKILL cannot delete them, and at 10^5 papers they
weigh gigabytes. Holding an exclusive lock on ``OUTPUT/.kg-build.lock`` for the whole build
proves that no other build is using the folder: whatever temporaries are there are stale,
and are removed before this build starts. A second build into the same folder meanwhile
gets a clear error instead of racing the first one's renames.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from kg.errors import KGError

try:  # POSIX; elsewhere builds run unlocked and nothing is swept
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

__all__ = ["LOCK_NAME", "OutputBusyError", "output_lock", "stale_temporaries"]

LOCK_NAME = ".kg-build.lock"
# ".graph.nt.k2j4_x9a.tmp" (mkstemp's 8 random characters), ".kg-spool-…", ".store.…",
# ".store.old": only names kg itself gives its temporaries.
_TEMP_FILE = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")
_TEMP_DIR = re.compile(r"^\.(?:kg-spool-.+|store\..+)$")


class OutputBusyError(KGError):
    """Another build holds the output folder."""


def stale_temporaries(directory: Path) -> list[Path]:
    """kg's temporaries in ``directory`` and in its sub-folders one level down (shards, the
    property-graph exports), sorted."""
    found: list[Path] = []
    folders = [directory, *(p for p in directory.iterdir()
                            if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))]
    for folder in folders:
        for entry in folder.iterdir():
            if entry.is_symlink():
                continue
            if entry.is_dir() and folder == directory and _TEMP_DIR.match(entry.name):
                found.append(entry)
            elif entry.is_file() and _TEMP_FILE.match(entry.name):
                found.append(entry)
    return sorted(found)


@contextlib.contextmanager
def output_lock(directory: str | Path) -> Iterator[list[Path]]:
    """Hold the build lock of ``directory`` (created if missing) and sweep its stale
    temporaries; yields the paths removed.

    Raises
    ------
    OutputBusyError
        When another build is writing to ``directory``.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover
        yield []
        return
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            raise OutputBusyError(f"{folder}: another kg build or export is writing here"
                             f"{f' (pid {holder})' if holder else ''}; wait for it, or "
                             f"write into another folder") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        removed = stale_temporaries(folder)
        for path in removed:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
        yield removed
    finally:
        os.close(fd)  # closing the descriptor releases the lock
