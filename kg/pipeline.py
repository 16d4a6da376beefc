"""The main job as a Python API: read listings, extract, merge, and hand every paper to
the sinks of the formats asked for (``kg.export``).

``build`` and ``export_build`` run the same loop (``_run``): merge each paper's findings
(``kg.merge.GraphBuilder``), hand its block to every sink, then finish every sink with what
the papers share, or abort them all if anything fails. ``kg.cli`` is a thin layer over
these functions.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from kg.cache import FindingsCache
from kg.curation import Curation, NodeChanges, load_curation
from kg.errors import ParseError
from kg.export import DEFAULT_FORMATS, Sink, check_formats, get_format, open_sinks
from kg.export.html import HtmlSample
from kg.extract import DEFAULT_EXTRACTOR
from kg.findings import (
    Progress,
    findings_of,
    iter_findings,
    iter_findings_lines,
    read_findings_jsonl,
    read_findings_papers,
)
from kg.infra.clock import Clock, StageClock, no_clock
from kg.infra.fileio import atomic_open, write_text
from kg.infra.outlock import output_lock
from kg.infra.spool import PaperSpool
from kg.manifest import file_checksums
from kg.merge import GraphBuilder, build_graph
from kg.model import Paper, PaperFindings
from kg.readers import detect_source, merge_papers, read_source

__all__ = ["BuildReport", "build", "export_build", "extract_records", "html_page", "load_graph",
           "read_merged"]


@dataclass
class BuildReport:
    """What a build did: counts, warnings and the files written."""

    entries: int  # the listings the graph holds (the same after --update as a full build)
    papers: int
    summary: dict[str, dict[str, int]]
    warnings: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    # Temporaries a killed build had left in the output folder, removed before this one.
    swept: list[Path] = field(default_factory=list)
    read: int = 0  # entries this run read from its input files (new ones, with --update)
    dated: int = 0  # papers with a publication date (per-month views see only these)
    # The curation file's name, its changes and how many acted on the findings.
    curation: dict | None = None
    # Per source format of this run's input files: listings read, and those with a date
    # (not in summary.json, which describes the graph: an --update reads only new files).
    dated_by_source: dict[str, dict[str, int]] = field(default_factory=dict)

    def dated_sources(self) -> str:
        """"daily-papers 56 of 330, bibtex 2 of 2": dated listings of this run, by format."""
        return ", ".join(f"{name} {n['dated']} of {n['read']}"
                         for name, n in self.dated_by_source.items()) or "none read"

    def to_dict(self) -> dict:
        return {"entries": self.entries, "papers": self.papers, "dated": self.dated,
                **({"curation": self.curation} if self.curation else {}),
                **self.summary,
                "warnings": self.warnings, "files": [str(f) for f in self.files],
                "timings": {k: round(v, 3) for k, v in self.timings.items()}}


def read_merged(paths: Iterable[str | Path], *, warnings: list[str] | None = None,
                source: str | None = None, columns: dict[str, str] | None = None,
                previous: list[Paper] | None = None) -> tuple[int, list[Paper]]:
    """Read every file and merge repeated listings; returns (entries read, papers)."""
    entries = 0
    warn = warnings.append if warnings is not None else None

    def count(papers: Iterable[Paper]) -> Iterator[Paper]:
        nonlocal entries
        for paper in papers:
            entries += 1
            yield paper

    papers = merge_papers(itertools.chain(previous or [], count(
        p for path in paths for p in read_source(path, source=source, warn=warn,
                                                 columns=columns))))
    return entries, papers


def _spool(spool: PaperSpool, paths: Iterable[str | Path], *, warnings: list[str],
           source: str | None, columns: dict[str, str] | None) -> dict[str, list[int]]:
    """Read every file into ``spool``; returns, per source format, [listings read, listings
    with a publication date]."""
    read: dict[str, list[int]] = {}
    for path in paths:
        name = source or detect_source(path)
        tally = read.setdefault(name, [0, 0])
        for paper in read_source(path, source=name, warn=warnings.append, columns=columns):
            spool.add(paper)
            tally[0] += 1
            tally[1] += paper.published is not None
    return read


def extract_records(paths: Iterable[str | Path], *, warnings: list[str] | None = None,
                    extractor: str = DEFAULT_EXTRACTOR, progress: Progress | None = None,
                    source: str | None = None, columns: dict[str, str] | None = None,
                    workers: int = 1, cache: FindingsCache | None = None,
                    ) -> tuple[int, list[PaperFindings]]:
    """Read, merge and extract; returns (number of entries read, findings)."""
    entries, papers = read_merged(paths, warnings=warnings, source=source, columns=columns)
    return entries, list(iter_findings(papers, extractor=extractor, workers=workers,
                                       cache=cache, progress=progress))


CURATED_NODES = "curation.json"


def node_changes_of(directory: str | Path) -> NodeChanges | None:
    """The node names, aliases and notes a build's curation set (``curation.json`` beside
    its findings), if it had one."""
    path = Path(directory) / CURATED_NODES
    return NodeChanges.from_json(path.read_text(encoding="utf-8")) if path.is_file() else None


def _curated(directory: str | Path) -> Callable[[GraphBuilder], None] | None:
    """What to do once the findings of ``directory`` are merged: set its curated names."""
    changes = node_changes_of(directory)
    return (lambda builder: changes.apply(builder.entities)) if changes else None


def load_graph(directory: str | Path) -> nx.MultiDiGraph:
    """The graph of a previous ``kg build``, merged again from its ``findings.jsonl`` (no
    re-extraction), with the names its curation set."""
    G = build_graph(read_findings_jsonl(findings_of(directory)))
    changes = node_changes_of(directory)
    if changes:
        changes.apply({node: data for node, data in G.nodes(data=True)})
    return G


def html_page(directory: str | Path, *, max_papers: int | None = None
              ) -> tuple[nx.MultiDiGraph, str | None]:
    """The graph the HTML page of a previous build holds, and its note (``kg.export.html``):
    the findings are merged again, keeping only the papers the page shows, so a page of a
    large build never needs the whole graph in memory."""
    sample = HtmlSample(max_papers)
    builder = GraphBuilder()
    for record in read_findings_jsonl(findings_of(directory)):
        sample.add(builder.add(record))
    builder.finish()
    curated = _curated(directory)
    if curated:
        curated(builder)
    return sample.graph(builder.entities, builder.broader)


def export_build(directory: str | Path, fmt: str, out: str | Path) -> Path:
    """Write format ``fmt`` of a previous build (its ``findings.jsonl``) into ``out``, through
    the same sink and loop as a build: the same bytes, and never the whole graph in memory.

    Like a build, an export holds ``out`` (``kg.infra.outlock``): two exports, or an export and a
    build, writing into one folder at once would race each other's renames, so the second
    one raises ``OutputBusyError``; temporaries a killed export left there are removed first.
    """
    default = get_format(fmt).default_name  # an unknown name fails first
    # "kg export neo4j neo4j/": OUT already names the format's folder, so it is the target.
    target = Path(out) if Path(out).name == default else Path(out) / default
    path = findings_of(directory)
    with output_lock(out), _fewer_collections():
        _run(read_findings_jsonl(path), open_sinks({fmt: target}),
             on_merged=_curated(directory))
    return target


def build(paths: Iterable[str | Path], output: str | Path, *,
          formats: Iterable[str] = DEFAULT_FORMATS, extractor: str = DEFAULT_EXTRACTOR,
          progress: Progress | None = None, source: str | None = None,
          columns: dict[str, str] | None = None, workers: int = 1,
          update: bool = False, use_cache: bool = True, executor: str = "local",
          scheduler: str | None = None, curation: str | Path | None = None) -> BuildReport:
    """Build the graph of ``paths`` and write every format into ``output``.

    ``curation`` is a file of the user's corrections (``kg.curation``), applied to the fresh
    findings of every paper and to the merged nodes; a change naming an entity nothing holds
    fails the build and leaves the previous output as it was.

    Also writes ``findings.jsonl`` (the per-paper extraction) and ``summary.json``. Findings
    are cached in ``output/cache.sqlite`` (unless ``use_cache`` is false), so only new or
    changed papers are extracted. With ``update``, the papers of the previous build in
    ``output`` are kept and ``paths`` adds to them; the result is identical to a full build
    of all the inputs.

    The build holds ``output`` for itself (``kg.infra.outlock``): a second build into the same
    folder meanwhile raises ``OutputBusyError``, and temporaries a killed build left there are
    removed first (listed in ``BuildReport.swept``).

    One pass, paper by paper: each paper's findings go to findings.jsonl, are merged, and
    its block goes to every format's sink (``kg.export``); no format holds the whole graph.
    """
    with output_lock(output) as swept, _fewer_collections():
        report = _build(paths, Path(output), formats=formats, extractor=extractor,
                        progress=progress, source=source, columns=columns, workers=workers,
                        update=update, use_cache=use_cache, executor=executor,
                        scheduler=scheduler, curation=curation)
    report.swept = swept
    return report


def _build(paths: Iterable[str | Path], out: Path, *, formats: Iterable[str], extractor: str,
           progress: Progress | None, source: str | None, columns: dict[str, str] | None,
           workers: int, update: bool, use_cache: bool, executor: str,
           scheduler: str | None, curation: str | Path | None) -> BuildReport:
    """``build`` once the output folder is held."""
    warnings: list[str] = []
    clock = StageClock()
    formats = check_formats(formats)  # an unknown name fails before any work
    curator = load_curation(curation) if curation else None  # so does a bad curation file
    targets = {name: out / get_format(name).default_name for name in formats}
    # The merged papers wait on disk, not in memory, and come back in id order: every export
    # lists papers sorted, and entities are first seen (and named) in the same order whether
    # the papers come from one build or an update.
    with PaperSpool(out) as papers:
        with clock("read"):
            if update and (out / "findings.jsonl").is_file():
                papers.extend(read_findings_papers(out / "findings.jsonl"))
            paths = list(paths)
            by_source = _spool(papers, paths, warnings=warnings, source=source,
                               columns=columns)
            entries = sum(read for read, _ in by_source.values())
            if entries == 0 and not update:
                raise ParseError("no papers read: nothing was built (the output folder is "
                                 "untouched)", path=", ".join(map(str, paths)) or None)
        cache = (FindingsCache(out / "cache.sqlite", warn=warnings.append) if use_cache
                 else None)
        try:
            listings = 0  # the listings the graph holds: its papers' sources
            with atomic_open(out / "findings.jsonl") as handle:
                def written(findings: Iterator[tuple[PaperFindings, str]],
                            ) -> Iterator[PaperFindings]:
                    nonlocal listings
                    while True:
                        with clock("extract (waiting for workers)"):
                            item = next(findings, None)
                        if item is None:
                            return
                        record, line = item
                        if curator is not None:
                            curated = curator.apply(record)
                            if curated is not record:
                                record, line = curated, curated.to_line()
                        handle.write(line)
                        handle.write("\n")
                        listings += len(record.paper.sources)
                        yield record

                records = written(iter_findings_lines(
                    papers, extractor=extractor, workers=workers, cache=cache,
                    progress=progress, executor=executor, scheduler=scheduler))
                # The process's CPU less this thread's: the threads of the store's loader,
                # Oxigraph's bulk loader and RocksDB, and of the extraction pool.
                process_cpu, thread_cpu = time.process_time(), time.thread_time()
                builder = _run(records, open_sinks(targets, clock=clock), clock,
                               on_merged=_curator_finish(curator))
                if "store" in targets:
                    clock.timings["CPU on other threads (store, worker pool)"] = (
                        time.process_time() - process_cpu - (time.thread_time() - thread_cpu))
        finally:
            if cache is not None:
                cache.close()
    report = BuildReport(entries=listings, papers=builder.papers,
                         summary=builder.summary(), warnings=warnings, timings=clock.timings,
                         read=entries, dated=builder.dated,
                         dated_by_source={name: {"read": read, "dated": dated}
                                          for name, (read, dated) in sorted(by_source.items())})
    if builder.dated < builder.papers:
        warnings.append(
            f"only {builder.dated} of {builder.papers} papers carry a publication date: the "
            "per-month tallies, the papers-per-month queries and the page's choice of the most "
            "recent papers see only those (arXiv feeds, the Hugging Face API and tables with a "
            "date column give dates, Daily Papers pages only for some papers)")
    report.files.extend(targets.values())
    report.files.append(out / "findings.jsonl")
    _keep_node_changes(out, curator, report, warnings)
    summary = report.to_dict() | {"files": sorted(Path(f).name for f in report.files),
                                  "checksums": file_checksums(map(Path, report.files))}
    summary.pop("timings", None)  # keep summary.json identical across runs
    write_text(out / "summary.json", json.dumps(summary, indent=2, sort_keys=True) + "\n")
    report.files.append(out / "summary.json")
    return report


def _curator_finish(curator: Curation | None) -> Callable[[GraphBuilder], None] | None:
    """Once every paper is merged: check the curation's names, then set its node names."""
    if curator is None:
        return None

    def finish(builder: GraphBuilder) -> None:
        curator.check_entities()
        curator.node_changes.apply(builder.entities)

    return finish


def _keep_node_changes(out: Path, curator: Curation | None, report: BuildReport,
                       warnings: list[str]) -> None:
    """Save the curated node names beside the findings (``kg export`` and ``kg html``
    apply them), or remove a previous build's; say which changes acted on nothing."""
    path = out / CURATED_NODES
    if curator is None:
        path.unlink(missing_ok=True)
        return
    write_text(path, curator.node_changes.to_json())
    report.files.append(path)
    report.curation = {"file": Path(curator.path).name, "changes": len(curator.changes),
                       "applied": len(curator.changes) - len(curator.unmatched())}
    for change in curator.unmatched():
        warnings.append(f"{change.path}:{change.line}: {change.action} changed nothing (no "
                        "paper's findings match it)")


def _run(records: Iterable[PaperFindings], sinks: list[tuple[tuple[str, ...], Sink]],
         clock: Clock = no_clock, *,
         on_merged: Callable[[GraphBuilder], None] | None = None) -> GraphBuilder:
    """The build loop: merge each record, hand its block to every sink, then finish every
    sink with what the papers share (``on_merged`` may still change the merged nodes, or
    raise). If anything fails, every sink not yet finished is aborted (its previous output
    stays) and the error goes on."""
    builder = GraphBuilder()
    stages = [(f"write {', '.join(names)}", sink) for names, sink in sinks]
    pending = list(stages)
    try:
        for record in records:
            with clock("merge"):
                block = builder.add(record)
            for stage, sink in stages:
                with clock(stage):
                    sink.add(block)
        with clock("merge"):
            builder.finish()
            if on_merged is not None:
                on_merged(builder)
            shared = builder.shared()
        while pending:  # a sink whose finish fails discards its own output
            stage, sink = pending.pop(0)
            with clock(f"{stage} (its end)"):
                sink.finish(shared)
    except BaseException as err:
        for _, sink in pending:
            sink.abort(err)
        raise
    return builder


@contextlib.contextmanager
def _fewer_collections(threshold: int = 200_000) -> Iterator[None]:
    """Run Python's cyclic garbage collector less often while building.

    Why: a build allocates millions of short-lived containers (findings, triples, chunks of
    triples that live until written), and with the default young-generation threshold (700)
    the collector runs thousands of times and takes a share of the main process's CPU that
    grows with the corpus (docs/scaling.md). kg's records hold no reference cycles
    (reference counting frees them as soon as they are written), so collecting less often
    only delays freeing the rare cyclic garbage. The forked extraction workers inherit it.
    """
    before = gc.get_threshold()
    gc.set_threshold(threshold, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
