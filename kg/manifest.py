"""Which build an output folder holds: checksums in summary.json, checked on open.

``kg build`` renames each file into place as it is finished and writes ``summary.json`` last,
with the SHA-256 of every regular file it wrote. A build killed between two renames leaves
each file whole but the set mixed (a new graph.nt beside the old summary.json); comparing
the files with the checksums tells a complete set from a mixed one. The store, a database
folder whose bytes differ from build to build, is not checksummed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

__all__ = ["check_output", "file_checksums"]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def file_checksums(paths: Iterable[Path]) -> dict[str, str]:
    """``{file name: SHA-256}`` of the regular files among ``paths``, sorted by name."""
    return {p.name: _sha256(p) for p in sorted(paths, key=lambda p: p.name) if p.is_file()}


def check_output(folder: str | Path) -> list[str]:
    """What is wrong with the build in ``folder``: files missing or changed since its
    summary.json was written (a mixed set from a killed build, or an edit). Empty when the
    set is whole or when there is no summary.json to check against."""
    folder = Path(folder)
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    problems = []
    for name, expected in sorted((summary.get("checksums") or {}).items()):
        path = folder / name
        if not path.is_file():
            problems.append(f"{path}: listed in summary.json but missing")
        elif _sha256(path) != expected:
            problems.append(f"{path}: not the file summary.json lists (another build's, or "
                            f"edited); rebuild with kg build")
    return problems
