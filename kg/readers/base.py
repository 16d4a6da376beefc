"""What every reader shares: safe opening of text files with clear errors."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.errors import ParseError

__all__ = ["MAX_FILE_BYTES", "Warn", "parse_json", "read_text", "text_lines"]

# Called with a message naming file and line for each malformed record a reader skips.
Warn = Callable[[str], None]

# A listing of 100,000 abstracts is ~150 MB; a larger single file is almost surely a mistake.
MAX_FILE_BYTES = 512 * 1024 * 1024


def read_text(path: str | Path) -> str:
    """The UTF-8 text of ``path``, refusing directories, binaries and oversized files."""
    p = Path(path)
    if not p.exists():
        raise ParseError("no such file", path=str(path))
    if not p.is_file():
        kind = "a folder" if p.is_dir() else "not a regular file (a pipe, socket or device)"
        raise ParseError(f"{kind}, not a listing to read", path=str(path))
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ParseError(f"file is {size} bytes, over the {MAX_FILE_BYTES} byte limit",
                         path=str(path))
    data = p.read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # a UTF-16 byte order mark
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise ParseError(f"not UTF-16 text ({err.reason})", path=str(path)) from err
    if b"\x00" in data[:65536]:
        raise ParseError("binary file (contains NUL bytes), not a text listing", path=str(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ParseError(f"not UTF-8 text ({err.reason})", path=str(path), line=line) from err


_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_constant(_name: str) -> None:
    """NaN, Infinity and -Infinity are not JSON: read them as a missing value."""
    return None


def _clean_strings(data: Any) -> Any:
    """``data`` with every lone surrogate (a ``\\ud800`` escape, which no UTF-8 file can
    hold) replaced by U+FFFD; walked without recursion."""
    stack = [data]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else (
            enumerate(node) if isinstance(node, list) else ())
        for key, value in list(items):
            if isinstance(value, str):
                if _SURROGATE.search(value):
                    node[key] = _SURROGATE.sub("\ufffd", value)
            elif isinstance(value, dict | list):
                stack.append(value)
        if isinstance(node, dict):
            for key in [k for k in node if _SURROGATE.search(k)]:
                node[_SURROGATE.sub("\ufffd", key)] = node.pop(key)
    return data


def parse_json(text: str, *, path: str, line: int | None = None) -> Any:
    """``json.loads`` for input files: ``ParseError`` naming file and line when the text is
    not JSON or is nested too deep to read; NaN and Infinity read as None; lone surrogates
    become U+FFFD, so every string can be written as UTF-8."""
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        where = err.lineno if line is None else line
        raise ParseError(f"not JSON ({err.msg})", path=path, line=where) from None
    except RecursionError:
        raise ParseError("JSON nested too deep to read", path=path, line=line) from None
    if isinstance(data, str):
        return _SURROGATE.sub("\ufffd", data)
    return _clean_strings(data)


def text_lines(text: str) -> list[str]:
    """The lines of a text file: split at LF, CRLF or CR only. ``str.splitlines`` also splits
    at U+2028, U+2029, NEL, vertical tab and form feed, which may sit inside a title; line
    numbers in messages then match what an editor shows."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
