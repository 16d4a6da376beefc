"""The main job as a Python API: read listings, extract, build the graph, write exports.

``kg.cli`` is a thin layer over these functions; notebooks can call them directly.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import itertools
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from kg.build import GraphBuilder, PaperBlock, build_graph
from kg.cache import FindingsCache, paper_key
from kg.errors import ParseError
from kg.export import (
    BLOCK_WRITERS,
    DEFAULT_FORMATS,
    EXPORTERS,
    StreamedWriter,
    block_writer,
    get_exporter,
)
from kg.export.html import HtmlSample, write_html
from kg.export.rdf import builder_shared_triples, stream_triples
from kg.export.trig import TrigWriter
from kg.extract import DEFAULT_EXTRACTOR, extract_lines
from kg.fileio import atomic_open, write_lines, write_text
from kg.manifest import file_checksums
from kg.model import Paper, PaperFindings
from kg.outlock import output_lock
from kg.readers import merge_papers, read_source
from kg.spool import PaperSpool

__all__ = [
    "BuildReport",
    "build",
    "export_build",
    "extract_records",
    "findings_line",
    "html_page",
    "iter_findings",
    "load_graph",
    "read_findings_jsonl",
    "read_findings_papers",
    "read_merged",
    "write_findings_jsonl",
]

# Wraps the list of papers to extract (e.g. in a progress bar) and yields them back.
Progress = Callable[[list[Paper]], Iterable[Paper]]


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

    def to_dict(self) -> dict:
        return {"entries": self.entries, "papers": self.papers, **self.summary,
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
           source: str | None, columns: dict[str, str] | None) -> int:
    """Read every file into ``spool``; returns the number of entries read."""
    entries = 0
    for path in paths:
        for paper in read_source(path, source=source, warn=warnings.append, columns=columns):
            spool.add(paper)
            entries += 1
    return entries


def iter_findings(papers: Iterable[Paper], *, extractor: str = DEFAULT_EXTRACTOR,
                  workers: int = 1, cache: FindingsCache | None = None,
                  progress: Progress | None = None, batch: int = 1000,
                  executor: str = "local", scheduler: str | None = None,
                  ) -> Iterator[PaperFindings]:
    """The findings of each paper, in order, streamed: papers the cache holds are read from
    it, the others are extracted (in ``workers`` processes) and added to it in batches."""
    for record, _ in iter_findings_lines(papers, extractor=extractor, workers=workers,
                                         cache=cache, progress=progress, batch=batch,
                                         executor=executor, scheduler=scheduler):
        yield record


def iter_findings_lines(papers: Iterable[Paper], *, extractor: str = DEFAULT_EXTRACTOR,
                        workers: int = 1, cache: FindingsCache | None = None,
                        progress: Progress | None = None, batch: int = 1000,
                        executor: str = "local", scheduler: str | None = None,
                        ) -> Iterator[tuple[PaperFindings, str]]:
    """``iter_findings`` with each record's ``findings_line``, serialized once for both
    findings.jsonl and the cache.

    ``papers`` is read once, lazily (a ``PaperSpool`` or a list): the papers to extract are
    picked from it a little ahead of the findings handed back, so only that gap is held.
    """
    run = {"extractor": extractor, "workers": workers, "executor": executor,
           "scheduler": scheduler}
    papers = progress(papers) if progress else papers
    if cache is None:
        yield from extract_lines(papers, **run)
        return
    ahead = _CacheLookahead(papers, cache, extractor, batch)
    fresh = extract_lines(ahead.to_extract(), **run)
    while chunk := ahead.next_chunk():
        cached = cache.get_many([key for key, known in chunk if known])
        new: list[tuple[str, str]] = []
        for key, known in chunk:
            if known:
                yield cached[key]
            else:
                record, line = next(fresh)
                new.append((key, line))
                yield record, line
        cache.put_many(new)


class _CacheLookahead:
    """Reads the papers once, in chunks, for two consumers: the extraction, which wants the
    papers the cache lacks a little ahead (its window of chunks in flight), and the caller,
    which hands every paper's findings back in order.

    Why not ``itertools.tee``: it kept every paper that one side had passed and the other had
    not. With a warm cache the extraction side never runs, so a rebuild or an update held the
    whole corpus (at 100,000 papers, 700 MB peak against 484 MB cold). Here a chunk read by
    either side keeps only its keys and whether the cache holds them; the papers wait only
    while they are queued for extraction. The extraction side reads on until its window is
    full, so when new papers are sparse (an update of a few papers among many), the keys of
    the chunks it read past wait too: ~0.2 KB a paper, against a paper's few KB.
    """

    def __init__(self, papers: Iterable[Paper], cache: FindingsCache, extractor: str,
                 batch: int) -> None:
        self._papers = iter(papers)
        self._cache = cache
        self._extractor = extractor
        self._batch = batch
        self._chunks: collections.deque[list[tuple[str, bool]]] = collections.deque()
        self._queued: collections.deque[Paper] = collections.deque()

    def _read(self) -> bool:
        """Read one more chunk: its keys for the caller, its unknown papers for extraction."""
        papers = list(itertools.islice(self._papers, self._batch))
        if not papers:
            return False
        keys = [paper_key(paper, self._extractor) for paper in papers]
        known = self._cache.known(keys)
        self._chunks.append([(key, key in known) for key in keys])
        self._queued.extend(paper for paper, key in zip(papers, keys, strict=True)
                            if key not in known)
        return True

    def to_extract(self) -> Iterator[Paper]:
        """The papers the cache lacks, in input order, reading ahead only when asked."""
        while self._queued or self._read():
            while self._queued:
                yield self._queued.popleft()

    def next_chunk(self) -> list[tuple[str, bool]]:
        """The next chunk's (key, cached) pairs in input order; empty at the end."""
        if not self._chunks and not self._read():
            return []
        return self._chunks.popleft()


def extract_records(paths: Iterable[str | Path], *, warnings: list[str] | None = None,
                    extractor: str = DEFAULT_EXTRACTOR, progress: Progress | None = None,
                    source: str | None = None, columns: dict[str, str] | None = None,
                    workers: int = 1, cache: FindingsCache | None = None,
                    ) -> tuple[int, list[PaperFindings]]:
    """Read, merge and extract; returns (number of entries read, findings)."""
    entries, papers = read_merged(paths, warnings=warnings, source=source, columns=columns)
    return entries, list(iter_findings(papers, extractor=extractor, workers=workers,
                                       cache=cache, progress=progress))


def findings_line(record: PaperFindings) -> str:
    """One line of the ``kg extract`` contract (see ../shared/eval/README.md)."""
    return record.to_line()


def write_findings_jsonl(findings: Iterable[PaperFindings], path: str | Path) -> None:
    """The ``kg extract`` contract: one JSON object per paper."""
    write_lines(path, (findings_line(f) for f in findings))


def read_findings_jsonl(path: str | Path) -> Iterator[PaperFindings]:
    """Read back what ``write_findings_jsonl`` wrote."""
    return _read_records(path, PaperFindings.from_dict)


def read_findings_papers(path: str | Path) -> Iterator[Paper]:
    """The papers of a ``findings.jsonl``, without building their findings: an update reads
    every earlier paper back to merge it with the new listings, and their entities and
    relations come from the cache instead."""
    return _read_records(path, lambda data: Paper.from_dict(data["paper"]) if "paper" in data
                         else PaperFindings.from_dict(data).paper)


def _read_records(path: str | Path, parse: Callable[[dict], PaperFindings | Paper]) -> Iterator:
    from kg.errors import ParseError

    with open(path, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield parse(json.loads(line))
            except (ValueError, KeyError, TypeError) as err:
                raise ParseError(f"not a kg findings record: {err}", path=str(path),
                                 line=lineno) from err


def _findings_of(directory: str | Path) -> Path:
    """The findings.jsonl of a previous build, or a clear error that there is none."""
    from kg.errors import KGError

    path = Path(directory) / "findings.jsonl"
    if not path.is_file():
        raise KGError(f"no {path}: run 'kg build ... -o {directory}' first")
    return path


def _replay(path: Path, consume: Callable[[PaperBlock], None]) -> GraphBuilder:
    """Merge a findings.jsonl again, handing each paper's block to ``consume``: the formats
    written paper by paper are exported from a build this way, without the whole graph."""
    builder = GraphBuilder()
    for record in read_findings_jsonl(path):
        consume(builder.add(record))
    builder.finish()
    return builder


def load_graph(directory: str | Path) -> nx.MultiDiGraph:
    """The graph of a previous ``kg build``, rebuilt from its ``findings.jsonl`` (no
    re-extraction)."""
    return build_graph(read_findings_jsonl(_findings_of(directory)))


def html_page(directory: str | Path, *, max_papers: int | None = None
              ) -> tuple[nx.MultiDiGraph, str | None]:
    """The graph the HTML page of a previous build holds, and its note (``kg.export.html``):
    the findings are read back through a ``GraphBuilder`` that keeps only the papers the page
    shows, so a page of a large build never needs the whole graph in memory."""
    sample = HtmlSample(max_papers)
    builder = _replay(_findings_of(directory), sample.add)
    return sample.graph(builder.entities, builder.broader)


def export_build(directory: str | Path, fmt: str, out: str | Path) -> Path:
    """Write format ``fmt`` of a previous build (its ``findings.jsonl``) into ``out``.

    The streamed formats (N-Triples, Turtle, JSON-LD, shards, the store) are written as the
    findings are read back, without the whole graph in memory, the HTML page from the
    papers it holds (``html_page``), TriG and the property-graph formats (``BLOCK_WRITERS``)
    paper by paper: no format needs the whole graph.

    Like a build, an export holds ``out`` (``kg.outlock``): two exports, or an export and a
    build, writing into one folder at once would race each other's renames, so the second
    one raises ``OutputBusyError``; temporaries a killed export left there are removed first.
    """
    get_exporter(fmt)  # an unknown name fails first
    path = _findings_of(directory)
    with output_lock(out), _fewer_collections():
        if fmt == "html":
            page, note = html_page(directory)
            target = Path(out) / "graph.html"
            write_html(page, target, note=note)
            return target
        if fmt in BLOCK_WRITERS:  # paper by paper, as a build writes it
            writer = block_writer(fmt, out)
            try:
                builder = _replay(path, writer.add)
            except BaseException as err:
                writer.abort(err)
                raise
            writer.finish(builder.entities, builder.broader)
            return Path(out) / EXPORTERS[fmt][1]
        if fmt == "trig":
            trig = TrigWriter(Path(out) / "graph.trig")
            try:
                builder = _replay(path, trig.add)
            except BaseException as err:
                trig.abort(err)
                raise
            trig.finish(builder_shared_triples(builder))
            return Path(out) / "graph.trig"
        files = _write_streamed(stream_triples(read_findings_jsonl(path)), [fmt], Path(out),
                                _Clock())
    return files[fmt]


def build(paths: Iterable[str | Path], output: str | Path, *,
          formats: Iterable[str] = DEFAULT_FORMATS, extractor: str = DEFAULT_EXTRACTOR,
          progress: Progress | None = None, source: str | None = None,
          columns: dict[str, str] | None = None, workers: int = 1,
          update: bool = False, use_cache: bool = True, executor: str = "local",
          scheduler: str | None = None) -> BuildReport:
    """Build the graph of ``paths`` and write every format into ``output``.

    Also writes ``findings.jsonl`` (the per-paper extraction) and ``summary.json``. Findings
    are cached in ``output/cache.sqlite`` (unless ``use_cache`` is false), so only new or
    changed papers are extracted. With ``update``, the papers of the previous build in
    ``output`` are kept and ``paths`` adds to them; the result is identical to a full build
    of all the inputs.

    The build holds ``output`` for itself (``kg.outlock``): a second build into the same
    folder meanwhile raises ``OutputBusyError``, and temporaries a killed build left there are
    removed first (listed in ``BuildReport.swept``).

    One pass: each paper's findings go to findings.jsonl, are merged into the graph and
    written to the streamed formats (N-Triples, Turtle, JSON-LD, shards, the store) as they
    arrive, so those formats never need the whole graph in memory; the HTML page keeps only
    the papers it shows (``kg.export.html.HtmlSample``), and TriG and the property-graph
    formats (Neo4j, Cypher, GraphML, GEXF, the tables: ``kg.export.BLOCK_WRITERS``) are
    written paper by paper. No format holds the whole graph.
    """
    with output_lock(output) as swept, _fewer_collections():
        report = _build(paths, Path(output), formats=formats, extractor=extractor,
                        progress=progress, source=source, columns=columns, workers=workers,
                        update=update, use_cache=use_cache, executor=executor,
                        scheduler=scheduler)
    report.swept = swept
    return report


def _build(paths: Iterable[str | Path], out: Path, *, formats: Iterable[str], extractor: str,
           progress: Progress | None, source: str | None, columns: dict[str, str] | None,
           workers: int, update: bool, use_cache: bool, executor: str,
           scheduler: str | None) -> BuildReport:
    """``build`` once the output folder is held."""
    warnings: list[str] = []
    clock = _Clock()
    formats = list(formats)
    for name in formats:
        get_exporter(name)  # an unknown name fails before any work
    builder = GraphBuilder()
    # Every format streams: the page is made from the papers it holds, kept as they pass;
    # TriG and the property-graph formats are written paper by paper.
    sample = HtmlSample() if "html" in formats else None
    writers: dict[str, StreamedWriter] = {}  # opened once the corpus is read
    trig: TrigWriter | None = None
    consumers = [sample.add] if sample is not None else []

    def on_block(block: PaperBlock) -> None:
        with clock("write paper by paper (html, trig, property graphs)"):
            for consume in consumers:
                consume(block)
    # The merged papers wait on disk, not in memory, and come back in id order: every export
    # lists papers sorted, and entities are first seen (and named) in the same order whether
    # the papers come from one build or an update.
    with PaperSpool(out) as papers:
        with clock("read"):
            if update and (out / "findings.jsonl").is_file():
                papers.extend(read_findings_papers(out / "findings.jsonl"))
            paths = list(paths)
            entries = _spool(papers, paths, warnings=warnings, source=source, columns=columns)
            if entries == 0 and not update:
                raise ParseError("no papers read: nothing was built (the output folder is "
                                 "untouched)", path=", ".join(map(str, paths)) or None)
        cache = (FindingsCache(out / "cache.sqlite", warn=warnings.append) if use_cache
                 else None)
        try:
            for name in formats:
                if name in BLOCK_WRITERS:
                    writers[name] = block_writer(name, out)
                    consumers.append(writers[name].add)
            if "trig" in formats:
                trig = TrigWriter(out / "graph.trig")
                consumers.append(trig.add)
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
                        handle.write(line)
                        handle.write("\n")
                        listings += len(record.paper.sources)
                        yield record

                records = written(iter_findings_lines(
                    papers, extractor=extractor, workers=workers, cache=cache,
                    progress=progress, executor=executor, scheduler=scheduler))
                if STREAMED_FORMATS.intersection(formats):
                    files = _write_streamed(stream_triples(
                        records, builder, clock=clock,
                        on_block=on_block if consumers else None), formats, out, clock)
                else:
                    with clock("merge"):
                        for record in records:
                            on_block(builder.add(record))
                        builder.finish()
                    files = {}
                for name, writer in writers.items():
                    with clock(f"write {name} (its end)"):
                        writer.finish(builder.entities, builder.broader)
                    files[name] = out / EXPORTERS[name][1]
                if trig is not None:
                    with clock("write trig (its end)"):
                        trig.finish(builder_shared_triples(builder))
                    files["trig"] = out / "graph.trig"
        except BaseException as err:
            for writer in writers.values():
                writer.abort(err)
            if trig is not None:
                trig.abort(err)
            raise
        finally:
            if cache is not None:
                cache.close()
    report = BuildReport(entries=listings, papers=builder.papers,
                         summary=builder.summary(), warnings=warnings, timings=clock.timings,
                         read=entries)
    if sample is not None:
        with clock("write html"):
            page, note = sample.graph(builder.entities, builder.broader)
            write_html(page, out / "graph.html", note=note)
        files["html"] = out / "graph.html"
    report.files.extend(files[name] for name in formats)
    report.files.append(out / "findings.jsonl")
    summary = report.to_dict() | {"files": sorted(Path(f).name for f in report.files),
                                  "checksums": file_checksums(map(Path, report.files))}
    summary.pop("timings", None)  # keep summary.json identical across runs
    write_text(out / "summary.json", json.dumps(summary, indent=2, sort_keys=True) + "\n")
    report.files.append(out / "summary.json")
    return report


@contextlib.contextmanager
def _fewer_collections(threshold: int = 200_000) -> Iterator[None]:
    """Run Python's cyclic garbage collector less often while building.

    Why: a build allocates millions of short-lived containers (findings, triples, chunks of
    100,000 triples that live until written), and with the default young-generation
    threshold (700) the collector ran 23,205 times in the main process of a 100,000-paper
    build (N-Triples and Turtle, no store) and took 28.4 of its 135.7 CPU seconds, a share
    growing with the corpus (17% at 10,000 papers, 21% at 100,000). With 200,000 it ran 5
    times (0.6 s) and the main process used 101.7 s. kg's records hold no reference cycles
    (reference counting frees them as soon as they are written), so collecting less often
    only delays freeing the rare cyclic garbage. The forked extraction workers inherit it.
    """
    before = gc.get_threshold()
    gc.set_threshold(threshold, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


class _Clock:
    """Seconds spent per stage, summed over every time the stage is entered, a nested
    stage's time counted for it and not for the stage around it. Extraction, merging and
    writing interleave paper by paper (workers extract meanwhile), so each stage is timed
    where the main thread spends it."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._nested: list[float] = []  # per open stage: seconds spent in nested stages

    @contextlib.contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        self._nested.append(0.0)
        try:
            yield
        finally:
            elapsed = time.perf_counter() - start
            own = elapsed - self._nested.pop()
            if self._nested:
                self._nested[-1] += elapsed
            self.timings[stage] = self.timings.get(stage, 0.0) + own


# Formats written from each paper's block as it is merged (kg.build.PaperBlock), not from
# the triples: the page's sample of the papers and the property-graph formats.
BLOCK_FORMATS = frozenset(["html", *BLOCK_WRITERS])
_STREAMED = {"ntriples": "graph.nt", "turtle": "graph.ttl", "jsonld": "graph.jsonld",
             "ntriples-shards": "nt-shards"}
STREAMED_FORMATS = frozenset([*_STREAMED, "store"])


def _write_streamed(triples: Iterator, formats: list[str], out: Path,
                    clock: _Clock) -> dict[str, Path]:
    """Consume ``triples`` (``stream_triples``, which merges the papers as it goes) into the
    streamed formats asked for: N-Triples, Turtle, JSON-LD and shards in one pass, the store
    loading on its own thread meanwhile. Returns the paths written by format."""
    from kg.export.rdf import write_triples
    from kg.sparql import StoreWriter

    streamed = {name: out / file for name, file in _STREAMED.items() if name in formats}
    loader = StoreWriter(out / "store") if "store" in formats else None
    # The process's CPU less this thread's: the store's loader thread, the threads Oxigraph's
    # bulk loader and RocksDB start, and the worker pool's threads, which pickle papers out
    # and unpickle findings in (~0.1 ms a paper; the store is the rest).
    process_cpu, thread_cpu = time.process_time(), time.thread_time()
    try:
        # The stages interleave chunk by chunk; each is timed where the main thread spends
        # it (``write_triples``, ``stream_triples``). The store loads on its own thread: its
        # CPU there is reported apart, and its tail (last chunks, ontology, compaction) too.
        write_triples(triples, ntriples=streamed.get("ntriples"),
                      turtle=streamed.get("turtle"), jsonld=streamed.get("jsonld"),
                      shards=streamed.get("ntriples-shards"),
                      on_chunk=loader.feed if loader else None, clock=clock)
    except BaseException:
        if loader is not None:
            loader.abort()
        raise
    if loader is not None:
        with clock("finish store (load tail, compact)"):
            loader.finish()
        clock.timings["CPU on other threads (store, worker pool)"] = (
            time.process_time() - process_cpu - (time.thread_time() - thread_cpu))
        streamed["store"] = out / "store"
    return streamed
