from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import kg.findings as findings
import kg.pipeline as pipeline
from kg.model import PaperFindings
from kg.pipeline import build

DATA = Path(__file__).resolve().parent / "data"
FORMATS = ["ntriples", "turtle"]
# The property-graph formats, written row by row (kg.export.tables.BlockWriter).
BLOCK_WRITERS = ["csv", "cypher", "cypher-ladybug", "gexf", "graphml", "neo4j", "parquet"]


@pytest.mark.parametrize("workers", [1, 2])
def test_pipeline_update_equals_full_rebuild(page: Path, tmp_path: Path, workers: int) -> None:
    """With 2 workers the cached findings are decoded in the worker processes."""
    formats = [*FORMATS, "jsonld", "html", "trig", *BLOCK_WRITERS]
    build([page], tmp_path / "inc", formats=formats, workers=workers)
    report = build([DATA / "arxiv.xml"], tmp_path / "inc", formats=formats, update=True,
                   workers=workers)
    build([page, DATA / "arxiv.xml"], tmp_path / "full", formats=formats, use_cache=False)
    assert report.papers == 3
    # Issue 21, defect 11: summary.json counted only the entries of the update's own files.
    for name in ("graph.nt", "graph.ttl", "graph.jsonld", "graph.html", "findings.jsonl",
                 "summary.json"):
        assert (tmp_path / "inc" / name).read_bytes() == (tmp_path / "full" / name).read_bytes()
    for name in ("neo4j", "tables"):
        assert _folder(tmp_path / "inc" / name) == _folder(tmp_path / "full" / name)
    for name in ("graph.cypher", "graph.ladybug.cypher", "graph.graphml", "graph.gexf",
                 "graph.trig"):
        assert (tmp_path / "inc" / name).read_bytes() == (tmp_path / "full" / name).read_bytes()


def test_pipeline_cache_skips_papers_already_extracted(page: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Papers the cache holds reach the workers with their line and are decoded, not
    extracted; only new papers are extracted."""
    import kg.extract

    seen: list[str] = []
    real = kg.extract.RulesExtractor.__call__

    def counting(self, paper):
        seen.append(paper.id)
        return real(self, paper)

    monkeypatch.setattr(kg.extract.RulesExtractor, "__call__", counting)
    build([page], tmp_path, formats=FORMATS)
    assert len(seen) == 2
    first = (tmp_path / "graph.nt").read_bytes()
    build([page], tmp_path, formats=FORMATS)
    assert len(seen) == 2  # nothing extracted again
    assert (tmp_path / "graph.nt").read_bytes() == first
    build([page, DATA / "papers.csv"], tmp_path, formats=FORMATS)
    assert len(seen) == 4  # only the two new papers


def test_pipeline_parallel_extraction_gives_identical_output(page: Path,
                                                             tmp_path: Path) -> None:
    build([page, DATA / "papers.csv", DATA / "refs.bib"], tmp_path / "one", formats=FORMATS,
          workers=1, use_cache=False)
    build([page, DATA / "papers.csv", DATA / "refs.bib"], tmp_path / "two", formats=FORMATS,
          workers=2, use_cache=False)
    for name in ("graph.nt", "graph.ttl", "findings.jsonl"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_pipeline_cache_is_a_consistent_sqlite_database(page: Path, tmp_path: Path) -> None:
    build([page], tmp_path, formats=FORMATS)
    db = sqlite3.connect(tmp_path / "cache.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == 2


@pytest.mark.slow
def test_pipeline_dask_executor_gives_identical_output(page: Path, tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    inputs = [page, DATA / "papers.csv", DATA / "refs.bib"]
    build(inputs, tmp_path / "local", formats=FORMATS, use_cache=False)
    build(inputs, tmp_path / "dask", formats=FORMATS, use_cache=False, executor="dask",
          workers=2)
    for name in ("graph.nt", "graph.ttl", "findings.jsonl"):
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes()


def test_pipeline_streamed_formats_need_no_graph_and_match_it(page: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               ) -> None:
    """Every format is written while papers are merged, without the whole graph; asking for
    more formats at once (TriG) changes none of the others' bytes."""
    import networkx as nx

    inputs = [page, DATA / "papers.csv", DATA / "refs.bib"]
    build(inputs, tmp_path / "both", formats=[*FORMATS, "ntriples-shards", "trig"],
          use_cache=False)
    made: list[object] = []
    real = nx.MultiDiGraph.__init__

    def spy(self, *args, **kwargs):
        made.append(self)
        real(self, *args, **kwargs)

    monkeypatch.setattr(nx.MultiDiGraph, "__init__", spy)
    report = build(inputs, tmp_path / "streamed",
                   formats=[*FORMATS, "ntriples-shards", "trig", *BLOCK_WRITERS],
                   use_cache=False)
    assert made == []  # no whole graph was built
    for name in ("graph.nt", "graph.ttl", "findings.jsonl", "nt-shards/graph-00000.nt"):
        assert ((tmp_path / "both" / name).read_bytes()
                == (tmp_path / "streamed" / name).read_bytes())
    assert (tmp_path / "both" / "graph.trig").is_file()
    assert report.summary["nodes"]["Paper"] == report.papers
    assert "extract (waiting for workers)" in report.timings


def test_pipeline_export_streams_a_previous_build(page: Path, tmp_path: Path) -> None:
    """``kg export`` of a streamed format reads findings.jsonl back into the same bytes."""
    from kg.pipeline import export_build
    from kg.sparql import open_store

    build([page, DATA / "papers.csv"], tmp_path / "b", formats=[*FORMATS, "jsonld"])
    for fmt, name in (("ntriples", "graph.nt"), ("turtle", "graph.ttl"),
                      ("jsonld", "graph.jsonld")):
        path = export_build(tmp_path / "b", fmt, tmp_path / "x")
        assert path == tmp_path / "x" / name
        assert path.read_bytes() == (tmp_path / "b" / name).read_bytes()
    store = open_store(export_build(tmp_path / "b", "store", tmp_path / "x"))
    lines = (tmp_path / "b" / "graph.nt").read_text(encoding="utf-8").splitlines()
    assert len(store) >= len(lines)  # the graph, plus the ontology loaded beside it
    with pytest.raises(Exception, match="kg build"):
        export_build(tmp_path / "nothing", "ntriples", tmp_path / "y")


def test_pipeline_build_collects_garbage_less_often_and_restores(page: Path, tmp_path: Path,
                                                                 monkeypatch) -> None:
    import gc

    seen = []
    inner = pipeline._build

    def spy(*args, **kwargs):
        seen.append(gc.get_threshold())
        return inner(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_build", spy)
    before = gc.get_threshold()
    build([page], tmp_path / "out", formats=["ntriples"])
    assert seen[0][0] == 200_000 and seen[0][1:] == before[1:]
    assert gc.get_threshold() == before


def test_pipeline_times_each_stage_apart(page: Path, tmp_path: Path) -> None:
    """The build's timings name each stage (issue 7: the next bottleneck must be visible),
    not one lump for everything done while the workers extract: merging, producing the
    triples, each format written, and the store's CPU on its own threads."""
    import time

    start = time.perf_counter()
    report = build([page, DATA / "papers.csv"], tmp_path / "b",
                   formats=[*FORMATS, "store"], use_cache=False)
    wall = time.perf_counter() - start
    stages = {"read", "extract (waiting for workers)", "merge", "tallies", "triples",
              "format + write ntriples", "write turtle", "store (waiting for the loader)",
              "finish store (load tail, compact)", "CPU on other threads (store, worker pool)"}
    assert stages <= set(report.timings)
    assert all(seconds >= 0 for seconds in report.timings.values())
    # The main thread's stages are its own time: nested ones (merging inside producing the
    # triples) are counted once, so together they fit in the build's wall time.
    assert sum(report.timings[s] for s in stages - {"CPU on other threads (store, worker pool)"}) <= wall
    no_store = build([page], tmp_path / "n", formats=["turtle"], use_cache=False)
    assert "write turtle" in no_store.timings
    assert not {"format + write ntriples", "CPU on other threads (store, worker pool)"} & set(
        no_store.timings)


@pytest.mark.slow
def test_pipeline_dask_cluster_started_as_docs_say(page: Path, tmp_path: Path) -> None:
    """docs/scaling.md's cluster recipe, on loopback: a ``dask scheduler`` and a ``dask
    worker`` started as programs, and ``kg build --executor dask --scheduler ADDRESS``; the
    findings and RDF equal a local build's."""
    import json
    import os
    import signal
    import subprocess
    import sys
    import time

    pytest.importorskip("dask.distributed")
    dask_cli = Path(sys.executable).parent / "dask"
    if not dask_cli.exists():
        pytest.skip("the dask command is not installed beside this Python")
    address_file = tmp_path / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL,
             "start_new_session": True}
    scheduler = subprocess.Popen([str(dask_cli), "scheduler", "--host", "127.0.0.1",
                                  "--port", "0", "--no-dashboard",
                                  "--scheduler-file", str(address_file)], **quiet)
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not address_file.exists() or not address_file.read_text().strip():
            assert time.monotonic() < deadline, "the dask scheduler did not start"
            time.sleep(0.2)
        address = json.loads(address_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        worker = subprocess.Popen([str(dask_cli), "worker", address, "--nthreads", "1",
                                   "--no-dashboard", "--host", "127.0.0.1"], **quiet)
        from dask.distributed import Client

        with Client(address, timeout=60) as client:  # fail here, not hang in the build
            client.wait_for_workers(1, timeout=60)
        inputs = [page, DATA / "papers.csv"]
        build(inputs, tmp_path / "local", formats=FORMATS, use_cache=False)
        build(inputs, tmp_path / "cluster", formats=FORMATS, use_cache=False,
              executor="dask", scheduler=address)
        for name in ("graph.nt", "graph.ttl", "findings.jsonl"):
            assert ((tmp_path / "local" / name).read_bytes()
                    == (tmp_path / "cluster" / name).read_bytes())
    finally:
        for process in (worker, scheduler):
            if process is not None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


def test_pipeline_findings_papers_are_the_findings_papers(page: Path, tmp_path: Path) -> None:
    """An update reads the earlier papers alone; they are the papers of the full records,
    and a broken line is an error naming the file and line."""
    from kg.errors import ParseError

    build([page, DATA / "papers.csv"], tmp_path / "b", formats=["ntriples"])
    path = tmp_path / "b" / "findings.jsonl"
    papers = list(findings.read_findings_papers(path))
    assert papers == [f.paper for f in findings.read_findings_jsonl(path)] and len(papers) > 2
    path.write_text(path.read_text(encoding="utf-8") + "{not json\n", encoding="utf-8")
    with pytest.raises(ParseError, match=rf"findings.jsonl.*{len(papers) + 1}"):
        list(findings.read_findings_papers(path))


def _folder(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())}


def _output(path: Path) -> dict[str, bytes]:
    """A file's bytes, or a folder's files' bytes by name."""
    return _folder(path) if path.is_dir() else {path.name: path.read_bytes()}


@pytest.mark.parametrize("fmt", sorted([*BLOCK_WRITERS, "trig"]))
def test_pipeline_property_graph_formats_stream_the_same_bytes(page: Path, tmp_path: Path,
                                                               fmt: str) -> None:
    """Each format written paper by paper (no whole graph) equals the one written from the
    whole graph, ``kg export``'s, and that of a build writing every format at once."""
    from kg.export import FORMATS, write_export
    from kg.pipeline import export_build, load_graph

    inputs = [page, DATA / "papers.csv", DATA / "refs.bib", DATA / "arxiv.xml"]
    name = FORMATS[fmt].default_name
    build(inputs, tmp_path / "streamed", formats=[fmt, "ntriples"], use_cache=False)
    build(inputs, tmp_path / "with-graph", formats=sorted({*BLOCK_WRITERS, "html", "trig"}),
          use_cache=False)
    streamed = _output(tmp_path / "streamed" / name)
    assert streamed and all(streamed.values())
    every = _output(tmp_path / "with-graph" / name)  # csv and parquet share tables/
    assert {file: every.get(file) for file in streamed} == streamed
    whole = write_export(load_graph(tmp_path / "streamed"), fmt, tmp_path / "whole")
    assert _output(whole) == streamed
    assert _output(export_build(tmp_path / "streamed", fmt, tmp_path / "x")) == streamed


@pytest.mark.parametrize("fmt", sorted([*BLOCK_WRITERS, "trig"]))
def test_pipeline_failed_build_leaves_property_graph_files_whole(page: Path, tmp_path: Path,
                                                                 monkeypatch, fmt: str) -> None:
    """A build that fails after a property-graph format began keeps the previous files
    whole and leaves no temporary files beside them."""
    import kg.export.tables
    import kg.export.trig
    from kg.export import FORMATS

    target = tmp_path / FORMATS[fmt].default_name
    build([page], tmp_path, formats=[fmt, "ntriples"], use_cache=False)
    before = _output(target)
    listing = sorted(p.name for p in tmp_path.rglob("*"))

    def broken(self, entities, broader):
        raise RuntimeError("disk full")

    monkeypatch.setattr(kg.export.tables.RowStream, "finish", broken)
    monkeypatch.setattr(kg.export.trig, "shared_triples", lambda shared: broken(0, 0, 0))
    with pytest.raises(RuntimeError, match="disk full"):
        build([page, DATA / "papers.csv"], tmp_path, formats=[fmt, "ntriples"],
              use_cache=False)
    assert _output(target) == before
    assert sorted(p.name for p in tmp_path.rglob("*")) == listing


def test_pipeline_times_each_sink_apart(page: Path, tmp_path: Path) -> None:
    """Each format's sink is a stage of its own, paper by paper and at its end, not hidden
    in producing the triples or in merging; formats of one sink share its stage."""
    report = build([page, DATA / "papers.csv"], tmp_path / "b",
                   formats=["ntriples", "turtle", "trig", "csv", "graphml"], use_cache=False)
    for stage in ("write trig", "write csv", "write graphml"):
        assert report.timings[stage] > 0
        assert f"{stage} (its end)" in report.timings
    assert "write ntriples, turtle (its end)" in report.timings
    plain = build([page, DATA / "papers.csv"], tmp_path / "n", formats=["ntriples"],
                  use_cache=False)
    assert "write trig" not in plain.timings


def _papers(count: int, abstract: str = "We run FlashAttention on NVIDIA H100 GPUs.") -> list:
    from kg.ids import paper_id
    from kg.model import Paper

    return [Paper(id=paper_id(f"Paper {i}"), title=f"Paper {i}", abstract=f"{abstract} ({i})")
            for i in range(count)]


@pytest.mark.parametrize("workers", [1, 2])
def test_pipeline_findings_come_in_order_from_cache_and_extraction(tmp_path: Path,
                                                                    workers: int) -> None:
    """Cached and new papers interleave (every third one cached, chunks of 4): each record
    comes back in input order, the cached ones as stored, the others freshly extracted, and
    only those are added to the cache."""
    from kg.cache import FindingsCache, paper_key
    from kg.extract import DEFAULT_EXTRACTOR, get_extractor

    papers = _papers(40)
    extract = get_extractor()
    cache = FindingsCache(tmp_path / "cache.sqlite")
    stored = {}
    for paper in papers[::3]:
        # A cached line that extraction would not give, so the test tells the two apart.
        line = PaperFindings(paper).to_line()
        stored[paper.id] = line
        cache.put_many([(paper_key(paper, DEFAULT_EXTRACTOR), line)])
    out = list(findings.iter_findings_lines(iter(papers), cache=cache, batch=4,
                                            workers=workers))
    assert [record.paper.id for record, _ in out] == [paper.id for paper in papers]
    for paper, (record, line) in zip(papers, out, strict=True):
        assert line == stored.get(paper.id, extract(paper).to_line())
        assert record.to_line() == line
    assert len(cache.known([paper_key(p, DEFAULT_EXTRACTOR) for p in papers])) == 40


def test_pipeline_warm_cache_does_not_hold_the_corpus(tmp_path: Path) -> None:
    """With every paper cached, nothing is extracted, and the papers already handed back are
    not kept: a rebuild or an update of a large corpus holds a chunk, not the corpus.
    (``itertools.tee`` did keep them all: 400 abstracts of 100 KB, 40 MB.)"""
    import tracemalloc

    from kg.cache import FindingsCache, paper_key
    from kg.extract import DEFAULT_EXTRACTOR

    cache = FindingsCache(tmp_path / "cache.sqlite")
    count = 400

    def papers():  # made one at a time: only what the pipeline keeps stays alive
        for i in range(count):
            yield from _papers(1, f"{i} " + "x" * 100_000)

    cache.put_many((paper_key(paper, DEFAULT_EXTRACTOR), PaperFindings(paper).to_line())
                   for paper in papers())
    tracemalloc.start()
    try:
        records = findings.iter_findings_lines(papers(), cache=cache, batch=10, workers=2)
        for _ in range(count - 20):
            next(records)
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held < 10 * 2**20, f"{held / 2**20:.0f} MB held after {count - 20} papers"
