"""What every reader shares: safe opening of text files with clear errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kg.errors import ParseError

__all__ = ["MAX_FILE_BYTES", "Warn", "read_text"]

# Called with a message naming file and line for each malformed record a reader skips.
Warn = Callable[[str], None]

# A listing of 100,000 abstracts is ~150 MB; a larger single file is almost surely a mistake.
MAX_FILE_BYTES = 512 * 1024 * 1024


def read_text(path: str | Path) -> str:
    """The UTF-8 text of ``path``, refusing directories, binaries and oversized files."""
    p = Path(path)
    if not p.is_file():
        raise ParseError("no such file", path=str(path))
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ParseError(f"file is {size} bytes, over the {MAX_FILE_BYTES} byte limit",
                         path=str(path))
    data = p.read_bytes()
    if b"\x00" in data[:65536]:
        raise ParseError("binary file (contains NUL bytes), not a text listing", path=str(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ParseError(f"not UTF-8 text ({err.reason})", path=str(path), line=line) from err
