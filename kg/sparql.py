"""SPARQL over the built graph: an embedded Oxigraph store persisted next to the exports.

The store is a pyoxigraph store (RocksDB on disk) written by the build
(``kg.export.store``), so ``kg query`` answers without a server and stays fast as the graph
grows (rdflib's SPARQL engine is orders of magnitude slower past ~10^5 triples).
``run_query`` returns results in the standard SPARQL 1.1 result formats (JSON, CSV, TSV) or as a
readable table. The documented prefixes (``kg:``, ``kgid:``, ``skos:``, ``dcterms:``, ...) may
be used without declaring them. Named queries live in ``queries/*.rq``.

Not supported: updates (the store is rebuilt by ``kg build``), and RDF-star.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from kg.errors import QueryError
from kg.lookup import close_names, did_you_mean
from kg.namespaces import PREFIXES
from kg.queryguard import QueryLimits, check_query, explain_syntax_error

__all__ = ["NamedQuery", "bind_params", "date_coverage", "list_queries", "named_query",
           "open_store", "pyoxigraph_module", "resolve_query", "run_query", "run_query_at",
           "sparql_string"]

FORMATS = ("table", "json", "csv", "tsv")


def pyoxigraph_module():
    try:
        import pyoxigraph
    except ImportError as err:  # pragma: no cover - a core dependency
        raise QueryError("SPARQL needs pyoxigraph: pip install pyoxigraph") from err
    return pyoxigraph


def open_store(directory: str | Path):
    """Open a store a build wrote (``kg.export.store``), read-only."""
    path = Path(directory)
    if not path.is_dir():
        raise QueryError(f"no SPARQL store at {path}: run 'kg build' first")
    try:
        return pyoxigraph_module().Store.read_only(str(path))
    except OSError as err:
        raise QueryError(f"cannot open the SPARQL store at {path}: {err}") from err


@dataclass(frozen=True)
class NamedQuery:
    """A query of the library: its name (file stem), the question it answers, its text, and
    its parameters (name -> (default value, what it is)), declared in the file as
    ``# param: metric = throughput  the metric's name or an alias`` and written ``$metric``
    in the query."""

    name: str
    question: str
    text: str
    params: dict[str, tuple[str, str]] = field(default_factory=dict)
    # ``# needs: dates``: the answer counts only papers with a publication date.
    needs_dates: bool = False


_PARAM = re.compile(r"^#\s*param:\s*(\w+)\s*=\s*(\S+)\s*(.*)$", re.M)


def list_queries() -> list[NamedQuery]:
    """Every named query of ``queries/*.rq``, sorted by name."""
    folder = resources.files("kg") / "queries"
    out = []
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".rq"):
            text = item.read_text(encoding="utf-8")
            m = re.search(r"^#\s*question:\s*(.+)$", text, re.M)
            params = {p.group(1): (p.group(2), p.group(3).strip()) for p in _PARAM.finditer(text)}
            needs_dates = re.search(r"^#\s*needs:\s*dates\b", text, re.M) is not None
            out.append(NamedQuery(item.name[:-3], m.group(1).strip() if m else "", text, params,
                                  needs_dates))
    return out


def named_query(name: str) -> NamedQuery | None:
    """The named query called ``name``, if there is one."""
    return next((q for q in list_queries() if q.name == name), None)


def date_coverage(directory: str | Path) -> tuple[int, int]:
    """(papers with a publication date, papers) in the store at ``directory``."""
    store = open_store(directory)
    answer = run_query(store, "SELECT (COUNT(?d) AS ?dated) (COUNT(?p) AS ?papers) WHERE { "
                              "?p a kg:Paper OPTIONAL { ?p dcterms:issued ?d } }", fmt="csv")
    dated, papers = answer.splitlines()[1].split(",")
    return int(dated), int(papers)


def sparql_string(value: str) -> str:
    """``value`` as a SPARQL string literal, quotes, backslashes and line breaks escaped."""
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r"))
    return f'"{escaped}"'


def bind_params(named: NamedQuery, values: dict[str, str]) -> str:
    """``named``'s text with each ``$param`` replaced by a string literal: the value given,
    else the default. A parameter the query does not declare is an error naming those it
    does."""
    unknown = sorted(set(values) - set(named.params))
    if unknown:
        takes = (f"it takes {', '.join(sorted(named.params))}" if named.params
                 else "it takes none")
        raise QueryError(f"named query {named.name!r} has no parameter {unknown[0]!r} ({takes})")
    text = named.text
    for name, (default, _) in named.params.items():
        literal = sparql_string(values.get(name, default))
        text = re.sub(rf"\${name}\b", literal.replace("\\", "\\\\"), text)
    return text


def resolve_query(query: str, params: dict[str, str] | None = None) -> str:
    """A query's text from a named query (its ``$params`` bound from ``params`` or their
    defaults), a ``.rq`` file, or the query itself."""
    for named in list_queries():
        if named.name == query:
            return bind_params(named, params or {})
    if params:
        raise QueryError("--param applies to named queries only (kg query --list shows them)")
    if query.endswith(".rq") or (len(query) < 256 and "\n" not in query and Path(query).is_file()):
        try:
            return Path(query).read_text(encoding="utf-8")
        except OSError as err:
            raise QueryError(f"cannot read query file {query}: {err}") from err
    if re.fullmatch(r"[A-Za-z][\w-]*", query.strip()) and not _KEYWORD.match(query.strip()):
        names = [named.name for named in list_queries()]
        hint = did_you_mean(close_names(query.strip(), names, n=3)) or (
            " (kg query --list shows them)")
        raise QueryError(f"no named query {query.strip()!r}{hint}")
    return query


# A bare word that starts a SPARQL query form rather than naming a query.
_KEYWORD = re.compile(r"(?i)(SELECT|ASK|CONSTRUCT|DESCRIBE|PREFIX|BASE)$")


def _short(term) -> str:
    ox = pyoxigraph_module()
    if isinstance(term, ox.NamedNode):
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if term.value.startswith(ns) and re.fullmatch(r"[\w./-]*", term.value[len(ns):]):
                return f"{prefix}:{term.value[len(ns):]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term) if term is not None else ""


def _table(variables: list[str], rows: list[list[str]], width: int = 60) -> str:
    rows = [[v if len(v) <= width else v[: width - 1] + "…" for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(variables)]
    line = "  ".join(h.ljust(w) for h, w in zip(variables, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def run_query(store, query: str, *, fmt: str = "table",
              limits: QueryLimits | None = None) -> str:
    """Run ``query`` (SELECT, ASK, CONSTRUCT or DESCRIBE) and format its results.

    The query is checked first (``kg.queryguard``): too long or too deeply nested, or a
    ``SERVICE`` to a host ``limits`` does not allow, and it does not run.

    Raises
    ------
    QueryError
        With the parser's message and position when the query is invalid, or the check's.
    """
    ox = pyoxigraph_module()
    if fmt not in FORMATS:
        raise QueryError(f"unknown result format '{fmt}' (known: {', '.join(FORMATS)})")
    check_query(query, limits)
    try:
        results = store.query(query, prefixes=dict(PREFIXES))
    except SyntaxError as err:
        reason = explain_syntax_error(query, str(err), PREFIXES)
        raise QueryError(f"invalid SPARQL: {reason}") from err
    except OSError as err:
        raise QueryError(f"query failed: {err}") from err
    if isinstance(results, ox.QueryBoolean):
        value = bool(results)
        if fmt == "table":
            return "true" if value else "false"
        return results.serialize(format=_result_format(fmt)).decode("utf-8")
    if isinstance(results, ox.QueryTriples):
        # CONSTRUCT and DESCRIBE give a graph: N-Triples, whatever the table/JSON choice.
        return "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in results)
    if fmt == "table":
        variables = [v.value for v in results.variables]
        rows = [[_short(solution[v]) for v in variables] for solution in results]
        return _table(variables, rows)
    return results.serialize(format=_result_format(fmt)).decode("utf-8")


def run_query_at(directory: str | Path, query: str, fmt: str = "table",
                 limits: QueryLimits | None = None) -> str:
    """``run_query`` over the store in ``directory``: what ``kg query`` runs, in a process of
    its own (``kg.querypool.run_bounded``)."""
    return run_query(open_store(directory), query, fmt=fmt, limits=limits)


def _result_format(fmt: str):
    ox = pyoxigraph_module()
    return {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV,
            "tsv": ox.QueryResultsFormat.TSV}[fmt]
