"""The one exception hierarchy of kg.

Library code raises these; only ``kg.cli`` turns them into messages for people.
Messages name the file (and line, where there is one) so a user can find the bad input.
"""

from __future__ import annotations

__all__ = ["ExportError", "KGError", "ParseError", "QueryError", "VocabularyError"]


class KGError(Exception):
    """Base class of every error kg raises on purpose."""


class ParseError(KGError):
    """An input file is not in a format kg can read.

    Parameters
    ----------
    message : str
        What is wrong.
    path : str, optional
        The file.
    line : int, optional
        The 1-based line, when the problem has one.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        where = path or "<input>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")


class VocabularyError(KGError):
    """A vocabulary or pattern file under ``schemas/`` is invalid."""


class ExportError(KGError):
    """A graph cannot be written in the requested format."""


class QueryError(KGError):
    """A SPARQL query could not be parsed or run."""
