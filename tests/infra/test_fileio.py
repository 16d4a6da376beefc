"""Atomic, drop-behind file output (``kg.infra.fileio``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import kg.infra.fileio
from kg.infra.fileio import DropBehindFile, atomic_open


@pytest.fixture
def advice(monkeypatch) -> list[tuple[int, int, int]]:
    calls: list[tuple[int, int, int]] = []
    real = os.posix_fadvise

    def record(fd: int, offset: int, length: int, how: int) -> None:
        calls.append((offset, length, how))
        real(fd, offset, length, how)

    monkeypatch.setattr(kg.infra.fileio.os, "posix_fadvise", record)
    monkeypatch.setattr(DropBehindFile, "WINDOW", 1000)
    return calls


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="no posix_fadvise here")
@pytest.mark.parametrize("mode", ["w", "wb"])
def test_fileio_large_file_drops_its_pages_as_it_grows(tmp_path: Path, advice, mode) -> None:
    """Every window written, the pages so far are advised away (their writeback starts, the
    clean ones go); after the final fsync, the whole file. The bytes are all there."""
    piece = "x" * 300 if mode == "w" else b"x" * 300
    with atomic_open(tmp_path / "big", mode) as handle:
        for _ in range(20):
            handle.write(piece)
            handle.flush()
    assert (tmp_path / "big").read_bytes() == b"x" * 6000
    dont = os.POSIX_FADV_DONTNEED
    assert advice[-1] == (0, 0, dont)
    growing = advice[:-1]
    assert [how for _, _, how in growing] == [dont] * len(growing)
    assert [length for _, length, _ in growing] == [1200, 2400, 3600, 4800, 6000]
    assert all(offset == 0 for offset, _, _ in growing)


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="no posix_fadvise here")
def test_fileio_small_file_keeps_its_pages(tmp_path: Path, advice) -> None:
    with atomic_open(tmp_path / "small") as handle:
        handle.write("y" * 999)
    assert advice == []
    assert (tmp_path / "small").read_text() == "y" * 999


def test_fileio_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("old")
    with pytest.raises(RuntimeError), atomic_open(tmp_path / "out") as handle:
        handle.write("new" * 100_000)
        raise RuntimeError("killed")
    assert (tmp_path / "out").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
