"""Atomic file output: write to a temporary name in the same directory, then rename.

A build killed halfway leaves the previous exports whole: readers never see a half-written file.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

__all__ = ["DropBehindFile", "atomic_open", "discard", "write_lines", "write_text"]


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success it replaces ``path`` atomically.

    The file drops its pages from the page cache as it grows (``DropBehindFile``)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        raw = DropBehindFile(fd, "w")
        buffered = io.BufferedWriter(raw, buffer_size=1 << 20)
        handle: IO = buffered if "b" in mode else io.TextIOWrapper(
            buffered, encoding="utf-8", newline="\n", write_through=False)
        with handle:
            yield handle
            handle.flush()
            os.fsync(raw.fileno())
            raw.drop_all()
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class DropBehindFile(io.FileIO):
    """A file written once, front to back, that asks the kernel to drop its pages from the
    page cache every ``WINDOW`` bytes (``posix_fadvise(DONTNEED)``: writeback of the dirty
    pages starts, and those already on disk are freed).

    Why: a build writes gigabytes it does not read back. Left in the cache, every page of
    it is a fresh page of memory for the kernel to find, which on this project's VM costs
    far more than the write (measured in docs/scaling.md). It also keeps exports from evicting what
    else the machine had cached. Small files (under one window) are left alone.
    """

    WINDOW = 16 << 20

    def __init__(self, fd: int, mode: str = "w") -> None:
        super().__init__(fd, mode)
        self._written = 0
        self._mark = 0  # bytes written at the last advice

    def write(self, data) -> int:
        n = super().write(data) or 0
        self._written += n
        if self._written - self._mark >= self.WINDOW:
            # From the start each time: the newest pages are still dirty (the advice starts
            # their writeback), and are freed by a later advice. Advising a range whose
            # pages are gone costs little (measured with the whole file each time).
            self._fadvise(0, self._written)
            self._mark = self._written
        return n

    def drop_all(self) -> None:
        """After ``fsync``: every page is clean and can go."""
        if self._written >= self.WINDOW:
            self._fadvise(0, 0)

    def _fadvise(self, offset: int, length: int) -> None:
        advise = getattr(os, "posix_fadvise", None)  # not on macOS or Windows
        if advise is not None:
            with contextlib.suppress(OSError):
                advise(self.fileno(), offset, length, os.POSIX_FADV_DONTNEED)


def discard(stack: contextlib.ExitStack, error: BaseException | None = None) -> None:
    """Close ``stack``'s ``atomic_open`` files as if ``error`` had been raised inside them:
    their temporaries are removed and the files they would have replaced stay as they were."""
    error = error or RuntimeError("aborted")
    with contextlib.suppress(BaseException):
        stack.__exit__(type(error), error, error.__traceback__)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_open(path) as handle:
        handle.write(text)


def write_lines(path: str | Path, lines: Iterable[str]) -> None:
    """Write lines (each without its newline) to ``path`` atomically."""
    with atomic_open(path) as handle:
        for line in lines:
            handle.write(line)
            handle.write("\n")
