from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

DATA = Path(__file__).resolve().parent / "data"

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_cli_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_cli_every_command_is_documented(command: str) -> None:
    assert f"kg {command}" in (ROOT / "docs" / "cli.md").read_text()


def test_cli_build_writes_the_exports(page: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(page), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 distinct papers" in result.output
    for name in ("graph.ttl", "graph.nt", "graph.jsonld", "graph.html", "findings.jsonl",
                 "summary.json"):
        assert (out / name).stat().st_size > 0
    assert "graph.html" in result.output
    assert "Timings" not in result.output


def test_cli_build_timings_name_each_stage(page: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(page), "-o", str(tmp_path / "out"),
                                      "--formats", "ntriples,turtle,store", "--timings"])
    assert result.exit_code == 0, result.output
    shown = dict(line.strip().rsplit(": ", 1) for line in result.output.splitlines()
                 if line.startswith("  ") and ": " in line)
    for stage in ("read", "merge", "format + write ntriples", "write turtle",
                  "finish store (load tail, compact)"):
        assert float(shown[stage]) >= 0


def test_cli_extract_follows_the_scorer_contract(page: Path, tmp_path: Path) -> None:
    out = tmp_path / "pred.jsonl"
    result = CliRunner().invoke(cli, ["extract", str(page), "--format", "jsonl", "-o", str(out)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 2
    for record in records:
        assert {"id", "title", "entities", "relations"} <= set(record)
        ids = {e["id"] for e in record["entities"]} | {record["id"]}
        for entity in record["entities"]:
            assert entity["type"] in {"Technique", "Model", "Hardware", "Metric", "Dataset"}
            assert isinstance(entity["label"], str) and isinstance(entity["aliases"], list)
        for relation in record["relations"]:
            assert relation["type"] in {"proposes", "uses", "targets", "measures",
                                        "evaluated_on", "outperforms"}
            assert relation["source"] in ids and relation["target"] in ids
            assert relation["evidence"]["sentence"]


def test_cli_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello\n")
    result = CliRunner().invoke(cli, ["build", str(path), "-o", str(tmp_path / "o")])
    assert result.exit_code != 0
    assert "notes.txt" in result.output


@pytest.mark.slow
def test_cli_build_sample_corpus(corpus_files: list[Path], tmp_path: Path) -> None:
    import rdflib

    from kg.namespaces import KG

    result = CliRunner().invoke(cli, ["build", *map(str, corpus_files), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Read 378 entries from 5 files: 319 distinct papers." in result.output
    rdf_graph = rdflib.Graph().parse(tmp_path / "graph.ttl", format="turtle")
    assert len(set(rdf_graph.subjects(rdflib.RDF.type, KG.Paper))) == 319
    for predicate in (KG.uses, KG.targets, KG.outperforms, KG.measures, KG.proposes,
                      KG.evaluatedOn):
        assert next(rdf_graph.triples((None, predicate, None)), None) is not None
    for cls in (KG.Technique, KG.Hardware, KG.Metric, KG.Model, KG.Dataset):
        assert next(rdf_graph.subjects(rdflib.RDF.type, cls), None) is not None


def test_cli_html_focus_writes_a_page(page: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(page), "-o", str(tmp_path),
                               "--formats", "turtle"]).exit_code == 0
    result = runner.invoke(cli, ["html", "--focus", "KV cache", "--graph", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "focus-kv-cache.html").stat().st_size > 0


def test_cli_html_focus_unknown_name_suggests_close_ones(page: Path, tmp_path: Path) -> None:
    """A mistyped --focus names the closest concepts (issue 25)."""
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(page), "-o", str(tmp_path),
                               "--formats", "turtle"]).exit_code == 0
    result = runner.invoke(cli, ["html", "--focus", "KV cahce", "--graph", str(tmp_path)])
    assert result.exit_code != 0
    assert "no node is named 'KV cahce'; did you mean 'KV cache'" in result.output


def test_cli_build_says_how_many_papers_are_dated(tmp_path: Path) -> None:
    """The build says how many papers carry a date and which inputs gave them, and warns
    that per-month views see only those (issue 25); summary.json holds the counts."""
    table = tmp_path / "papers.csv"
    table.write_text("title,abstract\nAn Undated Paper on GPUs,We run LoRA on GPUs.\n")
    result = CliRunner().invoke(cli, ["build", str(DATA / "refs.bib"), str(table), "-o",
                                      str(tmp_path / "out"), "--formats", "turtle"])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert 0 < summary["dated"] < summary["papers"] == 3
    assert (f"Dated: {summary['dated']} of 3 papers have a publication date (this run's "
            f"listings with a date, by source: bibtex {summary['dated']} of 2, table 0 of 1)"
            ) in result.output
    assert f"only {summary['dated']} of {summary['papers']} papers carry a publication date" \
        in result.output


def test_cli_export_into_a_folder_named_as_the_format(page: Path, tmp_path: Path,
                                                      monkeypatch) -> None:
    """``kg export neo4j neo4j/`` writes the bundle into neo4j/, not neo4j/neo4j/ (issue
    25); another folder name gets the format's folder inside it."""
    runner = CliRunner()
    out = tmp_path / "exports"
    assert runner.invoke(cli, ["build", str(page), "-o", str(out), "--formats",
                               "turtle"]).exit_code == 0
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["export", "neo4j", "neo4j/", "--graph", str(out)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "neo4j" / "nodes_Paper.csv").is_file()
    assert not (tmp_path / "neo4j" / "neo4j").exists()
    assert runner.invoke(cli, ["export", "neo4j", "bundle", "--graph", str(out)]).exit_code == 0
    assert (tmp_path / "bundle" / "neo4j" / "nodes_Paper.csv").is_file()


def test_cli_html_max_papers_writes_a_sample_page(page: Path, tmp_path: Path) -> None:
    """``kg html --max-papers 1`` holds the most recent paper and says it is a sample."""
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(page), "-o", str(tmp_path),
                               "--formats", "ntriples"]).exit_code == 0
    out = tmp_path / "one.html"
    result = runner.invoke(cli, ["html", "--max-papers", "1", "--graph", str(tmp_path),
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Showing the 1 most recent of 2 papers" in text
    nodes = json.loads(re.search(r"const NODES = (\[.*?\]);\n", text).group(1))
    assert [n["kind"] for n in nodes].count("Paper") == 1


def test_cli_full_disk_and_unwritable_output_name_the_file(page, tmp_path, monkeypatch) -> None:
    """Issue 21, defect 7: a full disk or an output folder that cannot be written gave a
    traceback that did not name the folder."""
    import errno
    import os

    from click.testing import CliRunner

    from kg.cli import cli

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(page), "-o", str(blocker)])
    assert result.exit_code in (1, 2) and "not-a-folder" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, OSError)

    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", str(page), "-o", str(out)]).exit_code == 0
    before = (out / "graph.nt").read_bytes()
    real_replace = os.replace

    def full(src, dst, *args, **kwargs):
        if str(dst).endswith("graph.nt"):
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", full)
    result = CliRunner().invoke(cli, ["build", str(page), "-o", str(out), "--no-cache"])
    assert result.exit_code == 1
    assert f"{out / 'graph.nt'}: No space left on device (free some space)" in result.output
    monkeypatch.setattr(os, "replace", real_replace)
    assert (out / "graph.nt").read_bytes() == before


def test_cli_choices_suggest_the_closest(tmp_path: Path) -> None:
    """A mistyped format names the closest ones (issue 25)."""
    result = CliRunner().invoke(cli, ["export", "turtl", str(tmp_path)])
    assert result.exit_code == 2
    assert "Did you mean 'turtle'?" in result.output
    result = CliRunner().invoke(cli, ["query", "paper-count", "--format", "jsn"])
    assert "Did you mean 'json'?" in result.output


def test_cli_help_lists_every_format_and_prefix() -> None:
    """--help is filled from the registry and kg.namespaces, so it cannot omit one (issue
    25: kg export --help omitted ntriples-shards, kg query --help half the prefixes)."""
    from kg.export import FORMATS
    from kg.namespaces import PREFIXES

    runner = CliRunner()
    export_help = " ".join(runner.invoke(cli, ["export", "--help"]).output.split())
    for name, spec in FORMATS.items():
        assert f"{name}: {' '.join(spec.description.split())}" in export_help
    for command in ("query", "serve"):
        text = " ".join(runner.invoke(cli, [command, "--help"]).output.split())
        assert ", ".join(f"{p}:" for p in PREFIXES) in text


def test_cli_query_params(tmp_path: Path) -> None:
    """--param binds a named query's parameter; a wrong one names those it takes."""
    runner = CliRunner()
    result = runner.invoke(cli, ["query", "comparisons-for-metric", "--param", "metrc=x",
                                 "--store", str(tmp_path)])
    assert result.exit_code == 1
    assert "has no parameter 'metrc' (it takes metric)" in result.output
    result = runner.invoke(cli, ["query", "paper-count", "--param", "nonsense"])
    assert result.exit_code == 2 and "is not NAME=VALUE" in result.output
    listing = runner.invoke(cli, ["query", "--list"]).output
    assert "--param metric=... the metric's name" in listing


def test_cli_date_based_query_says_when_it_is_partial(tmp_path: Path) -> None:
    """A named query that counts only dated papers says how many carry a date, on standard
    error, when some do not (issue 25)."""
    table = tmp_path / "papers.csv"
    table.write_text("title,abstract\nAn Undated Paper on GPUs,We run LoRA on GPUs.\n")
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(DATA / "refs.bib"), str(table), "-o",
                               str(tmp_path / "out"), "--formats", "store"]).exit_code == 0
    store = str(tmp_path / "out" / "store")
    result = runner.invoke(cli, ["query", "proposed-systems", "--store", store])
    assert result.exit_code == 0, result.output
    assert "note: only 2 of 3 papers carry a publication date; this answer counts only those" \
        in result.output
    result = runner.invoke(cli, ["query", "top-hardware", "--store", store])
    assert "note:" not in result.output
    assert "(counts only papers with a publication date)" in runner.invoke(
        cli, ["query", "--list"]).output
