"""The ``kg`` command line: thin commands over ``kg.pipeline`` and friends.

This is the only module that prints. Library errors (``KGError``) become click errors here.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from kg import __version__
from kg.errors import KGError

__all__ = ["cli"]


class _Choice(click.Choice):
    """A choice whose error names the closest choices ("did you mean 'turtle'?")."""

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            from kg.lookup import close_names

            options = [str(c) for c in self.choices]
            close = close_names(str(value), options, n=2)
            hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
            self.fail(f"{value!r} is not one of {', '.join(map(repr, options))}.{hint}",
                      param, ctx)


def _filled(func):
    """``func``'s docstring with the lists kept elsewhere filled in, so --help cannot drift
    from them: {PREFIXES} (kg.namespaces) and {FORMATS} (the export registry)."""
    from kg.export import FORMATS
    from kg.namespaces import PREFIXES

    prefixes = ", ".join(f"{name}:" for name in PREFIXES)
    formats = "; ".join(f"{name}: {spec.description}" for name, spec in sorted(FORMATS.items()))
    func.__doc__ = (func.__doc__ or "").replace("{PREFIXES}", prefixes).replace(
        "{FORMATS}", formats)
    return func


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except KGError as err:
        raise click.ClickException(str(err)) from err
    except OSError as err:  # a full disk, a read-only folder, a permission: name the file
        where = err.filename or "a file"
        reason = err.strerror or str(err)
        hint = " (free some space)" if err.errno == errno.ENOSPC else ""
        raise click.ClickException(f"{where}: {reason}{hint}") from err


def _progress(papers: Iterable) -> Iterator:
    """A progress bar with rate and ETA on an interactive terminal; nothing in CI logs."""
    if not sys.stderr.isatty():
        yield from papers
        return
    with click.progressbar(papers, label="Extracting", file=sys.stderr, show_pos=True,
                           show_eta=True, item_show_func=lambda p: None) as bar:
        yield from bar


INPUT_SUFFIXES = {".txt", ".xml", ".atom", ".json", ".jsonl", ".csv", ".parquet", ".bib"}


def _inputs(paths: tuple[str, ...]) -> list[str]:
    files: list[str] = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            files.extend(str(f) for f in sorted(p.iterdir())
                         if f.suffix.lower() in INPUT_SUFFIXES and not f.name.startswith("."))
        else:
            files.append(path)
    if not files:
        raise click.UsageError("no input files")
    return files


def _columns(value: str | None) -> dict[str, str] | None:
    if not value:
        return None
    try:
        return dict(item.split("=", 1) for item in value.split(","))
    except ValueError as err:
        raise click.BadParameter("use FIELD=COLUMN pairs: title=Title,abstract=Summary") from err


def _params(values: tuple[str, ...]) -> dict[str, str]:
    """ ("metric=latency", ...) -> {"metric": "latency"}."""
    out = {}
    for value in values:
        name, sep, given = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{value!r} is not NAME=VALUE", param_hint="--param")
        out[name.strip()] = given.strip()
    return out


def source_options(func):
    """--source and --columns, shared by the commands that read listings."""
    from kg.readers import SOURCES

    func = click.option("--columns", default=None,
                        help="Table columns: title=...,abstract=...,date=...,authors=...,id=...")(
        func)
    return click.option("--source", type=_Choice(sorted(SOURCES)), default=None,
                        help="Reader to use (default: chosen by file type).")(func)


@click.group()
@click.version_option(__version__, prog_name="kg")
def cli() -> None:
    """kg: a knowledge graph of the ML-systems literature.

    Example: kg build ../shared/corpus/ -o exports
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", default="exports", show_default=True,
              type=click.Path(file_okay=False), help="Directory to write the exports into.")
@click.option("--formats", default="turtle,ntriples,jsonld,html,store", show_default=True,
              help="Comma-separated export formats.")
@source_options
@click.option("--workers", default=None, type=int,
              help="Extraction processes (default: one per CPU core).")
@click.option("--update", is_flag=True,
              help="Keep the papers of the previous build in OUTPUT and add PATHS to them.")
@click.option("--no-cache", is_flag=True, help="Extract every paper again.")
@click.option("--executor", type=_Choice(["local", "dask"]), default="local",
              show_default=True, help="Where extraction runs: local processes or dask.")
@click.option("--scheduler", default=None,
              help="dask scheduler address (tcp://host:8786); default: a local cluster.")
@click.option("--timings", is_flag=True,
              help="Also print the seconds each stage took (read, extraction, merge, each "
                   "format, the store).")
@click.option("--curation", default=None, type=click.Path(exists=True, dir_okay=False),
              help="Your corrections (YAML or CSV: reject, merge, rename, retype, alias, add "
                   "edges), applied to every build; see docs/curation.md.")
def build(paths: tuple[str, ...], output: str, formats: str, source: str | None,
          columns: str | None, workers: int | None, update: bool, no_cache: bool,
          executor: str, scheduler: str | None, timings: bool, curation: str | None) -> None:
    """Build the knowledge graph of PATHS (listing files or folders) into a directory.

    Reads Daily Papers pages (.txt), arXiv API Atom (.xml), Hugging Face API JSON (.json),
    JSONL/CSV/Parquet tables and BibTeX (.bib); the same paper from several files is one node.

    Writes graph.ttl, graph.nt, graph.jsonld, graph.html, the SPARQL store (store/),
    findings.jsonl and summary.json.

    Example: kg build ../shared/corpus/*.txt -o exports
    """
    from kg.pipeline import build as run_build

    files = _inputs(paths)
    with _errors():
        report = run_build(files, output, formats=[f for f in formats.split(",") if f],
                              progress=_progress, source=source, columns=_columns(columns),
                              workers=workers or os.cpu_count() or 1, update=update,
                              use_cache=not no_cache, executor=executor,
                              scheduler=scheduler, curation=curation)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if report.swept:
        click.echo(f"Removed {len(report.swept)} temporaries an interrupted build had left "
                   f"in {output}.", err=True)
    if update:
        click.echo(f"Read {report.read} entries from {len(files)} files; the graph holds "
                   f"{report.entries} entries: {report.papers} distinct papers.")
    else:
        click.echo(f"Read {report.read} entries from {len(files)} files: "
                   f"{report.papers} distinct papers.")
    click.echo(f"Dated: {report.dated} of {report.papers} papers have a publication date "
               f"(this run's listings with a date, by source: {report.dated_sources()}).")
    click.echo("Nodes: " + ", ".join(f"{k} {v}" for k, v in report.summary["nodes"].items()))
    click.echo("Edges: " + ", ".join(f"{k} {v}" for k, v in report.summary["edges"].items()))
    if report.curation:
        click.echo(f"Curation: {report.curation['applied']} of {report.curation['changes']} "
                   f"changes in {report.curation['file']} acted on the findings.")
    click.echo(f"Warnings: {len(report.warnings)}")
    if timings:
        click.echo("Timings (main thread's seconds per stage; CPU-s on other threads):")
        for stage, seconds in report.timings.items():
            click.echo(f"  {stage}: {seconds:.2f}")
    click.echo("Wrote:")
    for path in report.files:
        click.echo(f"  {path}")
    html = Path(output) / "graph.html"
    if html.exists():
        click.echo(f"Open {html.resolve().as_uri()} in a browser to explore the graph.")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "fmt", type=_Choice(["jsonl"]), default="jsonl",
              show_default=True, help="Output format (the scorer's JSONL contract).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="File to write; standard output when omitted.")
@source_options
def extract(paths: tuple[str, ...], fmt: str, output: str | None, source: str | None,
            columns: str | None) -> None:
    """Extract entities and relations per paper, one JSON object per line.

    The records follow the contract of ../shared/eval/README.md (id, title, entities,
    relations) and add evidence, offsets, rule names and the paper's metadata.

    Example: kg extract ../shared/corpus/*.txt --format jsonl -o pred.jsonl
    """
    from kg.findings import findings_line, write_findings_jsonl
    from kg.pipeline import extract_records

    warnings: list[str] = []
    with _errors():
        _, findings = extract_records(_inputs(paths), warnings=warnings, source=source,
                                      columns=_columns(columns))
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    if output:
        with _errors():
            write_findings_jsonl(findings, output)
    else:
        for record in findings:
            click.echo(findings_line(record))


@cli.command(name="eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--corpus", "corpus", multiple=True, type=click.Path(exists=True),
              help="Listing files or folders to extract from (default: ../shared/corpus).")
@click.option("--scorer", type=click.Path(exists=True, dir_okay=False), default=None,
              help="score.py to run (default: score.py beside GOLD).")
@click.option("--show", type=int, default=0, help="List misses and false hits for N papers.")
@click.option("--ids", default=None,
              help="Score only these gold papers: a range or list, e.g. s080-s159 or s000-s039.")
@click.option("--calibrate", is_flag=True,
              help="Measure each edge family's precision on GOLD and write the confidence "
                   "table instead of scoring.")
@click.option("--table", "table_path", default=None, type=click.Path(dir_okay=False),
              help="Where --calibrate writes (default: schemas/confidence.json, which the "
                   "extractor reads).")
def eval_cmd(gold: str, corpus: tuple[str, ...], scorer: str | None, show: int,
             ids: str | None, calibrate: bool, table_path: str | None) -> None:
    """Extract the corpus and score it against hand-annotated GOLD with the shared scorer,
    then say how many gold names the vocabularies hold. With --calibrate, measure instead the
    precision of each family of edges (the confidence every edge carries) and print how
    well it is calibrated, in-sample and cross-validated.

    Example: kg eval ../shared/eval/dev.jsonl --ids s080-s159

    Example: kg eval ../shared/eval/dev.jsonl --calibrate
    """
    import json
    import subprocess
    import tempfile

    from kg.evaluation import read_gold, select_gold, vocabulary_coverage
    from kg.findings import write_findings_jsonl
    from kg.pipeline import extract_records
    from kg.vocab import load_vocabulary

    sources = corpus or (str(Path(gold).resolve().parent.parent / "corpus"),)
    script = scorer or str(Path(gold).resolve().parent / "score.py")
    with _errors():
        rows = read_gold(gold)
        if ids:
            try:
                rows = select_gold(rows, ids)
            except ValueError as err:
                raise click.BadParameter(str(err), param_hint="--ids") from None
            if not rows:
                raise click.BadParameter(f"no gold paper has an id in {ids!r}",
                                         param_hint="--ids")
        if calibrate:
            _calibrate(rows, sources, script, gold, table_path)
            return
        _, findings = extract_records(_inputs(sources))
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "pred.jsonl"
        write_findings_jsonl(findings, pred)
        gold_file = gold
        if ids:
            gold_file = str(Path(tmp) / "gold.jsonl")
            Path(gold_file).write_text("".join(json.dumps(r) + "\n" for r in rows),
                                       encoding="utf-8")
        args = [sys.executable, script, gold_file, str(pred)] + (
            ["--show", str(show)] if show else [])
        result = subprocess.run(args, capture_output=True, text=True, check=False)
    click.echo(result.stdout, nl=False)
    if result.returncode != 0:
        raise click.ClickException(f"scorer failed: {result.stderr.strip()}")
    coverage = vocabulary_coverage(rows, load_vocabulary())
    click.echo("gold names the vocabularies hold: " + ", ".join(
        f"{c.kind} {c.share:.2f} ({c.held}/{c.total})" for c in coverage))


def _calibrate(rows: list[dict], sources: tuple[str, ...], script: str, gold: str,
               table_path: str | None) -> None:
    """``kg eval --calibrate``: write the confidence table and print its reliability."""
    from kg import calibration
    from kg.extract.confidence import _table_path, load_calibration
    from kg.infra.fileio import write_text
    from kg.pipeline import read_merged

    _, papers = read_merged(_inputs(sources))
    report = calibration.run(rows, papers, calibration.load_scorer(script))
    target = Path(table_path) if table_path else _table_path()
    write_text(target, calibration.table_json(report.table, gold=Path(gold).name,
                                              papers=report.papers))
    load_calibration.cache_clear()
    click.echo(f"Labelled {report.edges} edges of {report.papers} gold papers; wrote {target} "
               f"({sum(k.count('|') >= 4 for k in report.table)} families).")
    for name, bins in (("in-sample", report.in_sample),
                       ("cross-validated, two folds", report.cross_validated)):
        worst = max(abs(b.mean_confidence - b.precision) for b in bins)
        click.echo(f"\nReliability ({name}; largest gap {worst:.3f}):\n"
                   + calibration.bins_markdown(bins))


@cli.command(name="mcp")
@click.option("--graph", "graph_dir", default="exports", show_default=True,
              type=click.Path(file_okay=False), help="The output folder of a kg build.")
@click.option("--store", default=None, type=click.Path(file_okay=False),
              help="Its SPARQL store (default: GRAPH/store).")
@click.option("--http", "http", is_flag=True,
              help="Serve streamable HTTP at http://HOST:PORT/mcp instead of stdio.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (--http).")
@click.option("--port", default=8765, show_default=True, type=int, help="Port (--http).")
@click.option("--timeout", "timeout_s", default=30, show_default=True, type=float,
              help="Longest time one SPARQL query may take (s).")
@click.option("--memory-mb", default=2048, show_default=True, type=click.IntRange(0),
              help="Address space of each SPARQL query process in MB (0: unbounded).")
def mcp_cmd(graph_dir: str, store: str | None, http: bool, host: str, port: int,
            timeout_s: float, memory_mb: int) -> None:
    """Serve the built graph to AI assistants as a read-only MCP server (stdio, or
    streamable HTTP with --http): tools to search concepts, describe a concept or paper,
    find papers for a technique x hardware x metric, list comparisons, run the named
    queries and read-only SPARQL.

    Example: kg mcp --graph exports
    """
    from kg.mcp_server import make_server

    with _errors():
        server = make_server(graph_dir, store=store, timeout_s=timeout_s,
                             memory_mb=memory_mb)
    if http:
        click.echo(f"MCP endpoint: http://{host}:{port}/mcp", err=True)
        server.run("streamable-http", host=host, port=port)
    else:
        server.run("stdio")


@cli.group()
def vocab() -> None:
    """Grow the vocabularies with the names your corpus uses.

    Example: kg vocab suggest ../shared/corpus/ -o vocab-draft.ttl
    """


@vocab.command(name="suggest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", default="vocab-draft.ttl", show_default=True,
              type=click.Path(dir_okay=False), help="The SKOS draft to write.")
@click.option("--min-papers", default=1, show_default=True, type=click.IntRange(1),
              help="Suggest only names at least this many papers use.")
@click.option("--show", default=20, show_default=True, type=click.IntRange(0),
              help="How many suggestions to print.")
@source_options
def vocab_suggest_cmd(paths: tuple[str, ...], output: str, min_papers: int, show: int,
                      source: str | None, columns: str | None) -> None:
    """List the names extraction found in PATHS that no vocabulary holds (typed guess, paper
    count, an example sentence), most used first, and write them as a SKOS draft to review
    and add to schemas/vocab/.

    Example: kg vocab suggest ../shared/corpus/ -o vocab-draft.ttl --min-papers 2
    """
    from kg.infra.fileio import write_text
    from kg.pipeline import extract_records
    from kg.suggest import draft_turtle, suggest

    files = _inputs(paths)
    with _errors():
        _, findings = extract_records(files, source=source, columns=_columns(columns))
        found = suggest(findings, min_papers=min_papers)
        write_text(output, draft_turtle(found, source=", ".join(paths)))
    click.echo(f"{len(found)} names no vocabulary holds, used by at least {min_papers} "
               f"paper{'s' if min_papers > 1 else ''}; the draft is {output}.")
    for item in found[:show]:
        example = item.example if len(item.example) <= 70 else item.example[:69] + "…"
        click.echo(f"{item.support:5d}  {item.type:9s}  {item.label[:40]:40s}  {example}")


@cli.group()
def fetch() -> None:
    """Fetch new papers from arXiv or Hugging Face, saving the raw responses.

    Example: kg fetch arxiv --query "cat:cs.DC AND abs:GPU" --max 200 -o raw/
    """


@fetch.command(name="arxiv")
@click.option("--query", required=True, help="arXiv API search_query, e.g. 'cat:cs.LG'.")
@click.option("--max", "max_results", default=100, show_default=True, type=int)
@click.option("-o", "--output", default="raw", show_default=True,
              type=click.Path(file_okay=False), help="Folder for the saved responses.")
@click.option("--base-url", default=None, help="API endpoint (a mirror, or a test server).")
@click.option("--delay", default=3.0, show_default=True, type=float,
              help="Seconds between requests (arXiv asks for at least 3).")
def fetch_arxiv_cmd(query: str, max_results: int, output: str, base_url: str | None,
                    delay: float) -> None:
    """Save arXiv API results for a query; then build them with kg build OUTPUT.

    Example: kg fetch arxiv --query "cat:cs.AR" --max 300 -o raw/
    """
    from kg.fetch import ARXIV_API, fetch_arxiv

    with _errors():
        files = fetch_arxiv(query, max_results, output, base_url=base_url or ARXIV_API,
                            delay=max(delay, 0.0))
    for path in files:
        click.echo(f"Saved {path}")


@fetch.command(name="hf")
@click.option("--date", required=True, help="YYYY-MM-DD")
@click.option("-o", "--output", default="raw", show_default=True,
              type=click.Path(file_okay=False), help="Folder for the saved response.")
@click.option("--base-url", default=None, help="API endpoint (a mirror, or a test server).")
def fetch_hf_cmd(date: str, output: str, base_url: str | None) -> None:
    """Save the Hugging Face Daily Papers of a date as JSON.

    Example: kg fetch hf --date 2025-03-12 -o raw/
    """
    from kg.fetch import HF_API, fetch_hf

    with _errors():
        path = fetch_hf(date, output, base_url=base_url or HF_API)
    click.echo(f"Saved {path}")


@cli.command(name="export")
@click.argument("fmt", metavar="FORMAT",
                type=_Choice(sorted(__import__("kg.export", fromlist=["FORMATS"])
                                         .FORMATS)))
@click.argument("out", type=click.Path())
@click.option("--graph", "graph_dir", default="exports", show_default=True,
              type=click.Path(file_okay=False), help="The output folder of a kg build.")
@_filled
def export_cmd(fmt: str, out: str, graph_dir: str) -> None:
    """Write the built graph in FORMAT into the folder OUT (for graph databases and tools),
    under the format's file name (graph.ttl, neo4j/, tables/, ...); an OUT that already has
    that name is written itself (kg export neo4j neo4j/ writes neo4j/).

    Formats (name: what it writes): {FORMATS}.

    Example: kg export neo4j neo4j-import/ --graph exports
    """
    from kg.pipeline import export_build

    with _errors():
        path = export_build(graph_dir, fmt, out)
    click.echo(f"Wrote {path}")


@cli.command()
@click.option("--focus", default=None, help="Only the part of the graph around this node.")
@click.option("--hops", default=2, show_default=True, type=int, help="Radius of --focus.")
@click.option("--graph", "graph_dir", default="exports", show_default=True,
              type=click.Path(file_okay=False), help="The output folder of a kg build.")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False),
              help="Page to write (default: graph.html, or focus-<name>.html with --focus).")
@click.option("--max-nodes", default=1500, show_default=True, type=int,
              help="Nodes drawn at first on large graphs; the rest come in on demand.")
@click.option("--max-papers", default=None, type=int,
              help="Papers the page holds, the most recent [default: 5000].")
def html(focus: str | None, hops: int, graph_dir: str, output: str | None,
         max_nodes: int, max_papers: int | None) -> None:
    """Write the interactive HTML page of the built graph, or of part of it.

    Example: kg html --focus "speculative decoding" --hops 2
    """
    from kg.export.html import focus_subgraph, write_html
    from kg.ids import slug
    from kg.pipeline import html_page, load_graph

    with _errors():
        note = None
        if focus:  # the neighbourhood is found in the whole graph
            G = focus_subgraph(load_graph(graph_dir), focus, hops=hops)
        else:
            G, note = html_page(graph_dir, max_papers=max_papers)
        name = output or str(Path(graph_dir) / (f"focus-{slug(focus)}.html" if focus
                                                else "graph.html"))
        write_html(G, name, max_nodes=max_nodes, max_papers=max_papers, note=note,
                   title=f"kg: around {focus}" if focus else "kg: ML-systems knowledge graph")
    click.echo(f"Wrote {name} ({G.number_of_nodes()} nodes, {G.number_of_edges()} edges). "
               f"Open {Path(name).resolve().as_uri()}")


@cli.command()
@click.argument("name")
@click.option("--graph", "graph_dir", default="exports", show_default=True,
              type=click.Path(file_okay=False), help="The output folder of a kg build.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(0),
              help="Lines per group of relations (0: all).")
def show(name: str, graph_dir: str, limit: int) -> None:
    """Describe one concept or paper of the built graph: type, aliases, hierarchy, its papers
    or relations grouped by type with the evidence sentence, and its comparisons.

    NAME is a concept's name or alias (any case), or a paper's title, id or arXiv id.

    Example: kg show LoRA
    """
    from kg.pipeline import load_graph
    from kg.show import describe

    with _errors():
        click.echo(describe(load_graph(graph_dir), name, limit=limit))


@cli.command()
@click.argument("query", required=False)
@click.option("--store", default="exports/store", show_default=True,
              type=click.Path(file_okay=False), help="The store kg build wrote.")
@click.option("--format", "fmt", type=_Choice(["table", "json", "csv", "tsv"]),
              default="table", show_default=True, help="SPARQL 1.1 result format, or a table.")
@click.option("--list", "list_", is_flag=True, help="List the named queries and exit.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A named query's parameter (repeatable; --list shows them).")
@click.option("--allow-service", "service_hosts", multiple=True, metavar="HOST",
              help="Let SERVICE clauses reach HOST (repeatable); refused otherwise.")
@click.option("--timeout", "timeout_s", default=120, show_default=True, type=float,
              help="Stop the query after this many seconds (0: never).")
@click.option("--memory-mb", default=2048, show_default=True, type=click.IntRange(0),
              help="Address space the query may use in MB (0: unbounded).")
@_filled
def query(query: str | None, store: str, fmt: str, list_: bool, params: tuple[str, ...],
          service_hosts: tuple[str, ...], timeout_s: float, memory_mb: int) -> None:
    """Run a SPARQL query (text, a .rq file or a named query) over the built graph.

    The documented prefixes need no PREFIX lines: {PREFIXES}.

    Example: kg query "SELECT (COUNT(*) AS ?n) WHERE { ?p a kg:Paper }"

    Example: kg query comparisons-for-metric --param metric=latency
    """
    from kg.queryguard import QueryLimits
    from kg.querypool import run_bounded
    from kg.sparql import date_coverage, list_queries, named_query, resolve_query, run_query_at

    if list_:
        for named in list_queries():
            click.echo(f"{named.name:36s} {named.question}")
            for name, (default, what) in named.params.items():
                click.echo(f"{'':36s}   --param {name}=... {what} (default: {default})")
            if named.needs_dates:
                click.echo(f"{'':36s}   (counts only papers with a publication date)")
        return
    if not query:
        raise click.UsageError("give a query, a .rq file or a named query (see --list)")
    with _errors():
        text = resolve_query(query, _params(params))
        limits = QueryLimits.allowing(service_hosts)
        answer = run_bounded(run_query_at, (store, text, fmt, limits), timeout_s=timeout_s,
                             memory_mb=memory_mb)
        click.echo(answer.rstrip("\n"))
        asked = named_query(query)
        if asked is not None and asked.needs_dates:
            dated, papers = date_coverage(store)
            if dated < papers:  # on standard error: the answer on standard output stays clean
                click.echo(f"note: only {dated} of {papers} papers carry a publication date; "
                           "this answer counts only those", err=True)


@cli.command()
@click.option("--store", default="exports/store", show_default=True,
              type=click.Path(file_okay=False), help="The store kg build wrote.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=7878, show_default=True, type=int, help="0 picks a free port.")
@click.option("--timeout", "timeout_s", default=30, show_default=True, type=float,
              help="Longest time one query may take, aggregates and sorts included (s).")
@click.option("--workers", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Most queries run at once, one process each; more wait their turn.")
@click.option("--memory-mb", default=2048, show_default=True, type=click.IntRange(0),
              help="Address space of each query process in MB (0: unbounded).")
@click.option("--allow-service", "service_hosts", multiple=True, metavar="HOST",
              help="Let SERVICE clauses reach HOST (repeatable); refused otherwise.")
@_filled
def serve(store: str, host: str, port: int, timeout_s: float, workers: int, memory_mb: int,
          service_hosts: tuple[str, ...]) -> None:
    """Serve the built graph as a read-only SPARQL 1.1 endpoint at /query.

    The first line printed is the endpoint URL. A query that is too long, nested too deep,
    names a SERVICE host not allowed, runs past --timeout or past --memory-mb gets an error
    status and the server goes on. The documented prefixes need no PREFIX lines: {PREFIXES}. A store
    rebuilt by kg build is answered from at once. Stop with Ctrl-C or SIGTERM.

    Example: kg serve --port 7878
    """
    from kg.queryguard import QueryLimits
    from kg.serve import serve as run_server

    def ready(url: str) -> None:
        click.echo(f"SPARQL endpoint: {url}")
        sys.stdout.flush()

    with _errors():
        code = run_server(store, host=host, port=port, timeout_s=timeout_s, workers=workers,
                          memory_mb=memory_mb, limits=QueryLimits.allowing(service_hosts),
                          on_ready=ready)
    sys.exit(code)

