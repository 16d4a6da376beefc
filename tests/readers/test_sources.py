"""Every reader on small files in its API's documented format, and merging across sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import ParseError
from kg.readers import detect_source, read_papers, read_source

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(("name", "source"), [
    ("arxiv.xml", "arxiv"), ("hf_daily.json", "hf"), ("papers.csv", "table"),
    ("papers.jsonl", "table"), ("refs.bib", "bibtex"),
])
def test_sources_detected_by_file_type(name: str, source: str) -> None:
    assert detect_source(DATA / name) == source


def test_sources_arxiv_atom_fields() -> None:
    first, second = read_source(DATA / "arxiv.xml")
    assert first.arxiv_id == "2503.01234" and first.id == "arxiv-2503-01234"
    assert first.title == ("FastServe: Low-Latency LLM Serving with Speculative Decoding on "
                           "NVIDIA H100 GPUs")
    assert first.authors == ("Ada Lovelace", "Alan Turing", "Grace Hopper")
    assert first.categories == ("cs.DC", "cs.LG")
    assert (first.published, first.updated, first.doi) == ("2025-03-03", "2025-03-13",
                                                          "10.1234/fastserve.2025")
    assert first.sources[0].page == "v2"
    assert second.abstract.startswith("We apply structured pruning")


def test_sources_hf_api_fields_and_bad_record_warns() -> None:
    warnings: list[str] = []
    papers = list(read_source(DATA / "hf_daily.json", warn=warnings.append))
    assert [p.arxiv_id for p in papers] == ["2503.01234", "2503.09999"]
    assert papers[0].upvotes == 42 and papers[0].organization == "ACME Research"
    assert papers[0].authors == ("Ada Lovelace", "Alan Turing")
    assert len(warnings) == 1 and "record 3" in warnings[0]


def test_sources_csv_with_column_names_found_and_bad_row_warns() -> None:
    warnings: list[str] = []
    papers = list(read_source(DATA / "papers.csv", warn=warnings.append))
    assert [p.title for p in papers] == ["Sparse Attention Kernels for Jetson Orin",
                                         "Federated LoRA Tuning on Smartphones"]
    assert papers[0].authors == ("Alice Smith", "Bob Jones") and papers[0].arxiv_id
    assert papers[1].authors == ("Carol White", "Dan Brown")
    assert papers[1].published == "2023-01-01"
    assert warnings and "papers.csv:3" in warnings[0]


def test_sources_jsonl_bad_line_warns_and_keeps_the_rest() -> None:
    warnings: list[str] = []
    papers = list(read_source(DATA / "papers.jsonl", warn=warnings.append))
    assert len(papers) == 2
    assert any("papers.jsonl:2" in w for w in warnings)


def test_sources_table_columns_are_configurable(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Name,Text\nA paper on GPUs,We run on GPUs.\n")
    with pytest.raises(ParseError, match="no title/abstract column"):
        list(read_source(path))
    (paper,) = read_source(path, columns={"title": "Name", "abstract": "Text"})
    assert paper.title == "A paper on GPUs"


def test_sources_parquet(tmp_path: Path) -> None:
    import pandas as pd

    path = tmp_path / "t.parquet"
    pd.DataFrame({"title": ["Q on TPUs"], "abstract": ["We quantize on TPUs."],
                  "authors": [["A", "B"]]}).to_parquet(path)
    (paper,) = read_source(path)
    assert paper.authors == ("A", "B")


def test_sources_bibtex_fields_and_missing_title_warns() -> None:
    warnings: list[str] = []
    papers = list(read_source(DATA / "refs.bib", warn=warnings.append))
    assert [p.title for p in papers][1] == (
        "TVM: An Automated End-to-End Optimizing Compiler for Deep Learning")
    assert papers[0].arxiv_id == "2503.01234" and papers[0].doi == "10.1234/fastserve.2025"
    assert papers[0].authors == ("Lovelace, Ada", "Turing, Alan", "Hopper, Grace")
    assert warnings and "notitle" in warnings[0]


def test_sources_hostile_xml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa">'
                    '<!ENTITY b "&a;&a;&a;&a;">]><feed xmlns="http://www.w3.org/2005/Atom">'
                    "<title>&b;</title></feed>")
    with pytest.raises(ParseError, match="bomb.xml"):
        list(read_source(path))


def test_sources_same_paper_from_three_sources_is_one_paper(page: Path) -> None:
    papers = read_papers([page, DATA / "arxiv.xml", DATA / "hf_daily.json", DATA / "refs.bib"])
    fastserve = [p for p in papers if p.title.startswith("FastServe")]
    assert len(fastserve) == 1
    merged = fastserve[0]
    assert merged.id == "arxiv-2503-01234"
    assert merged.upvotes == 42 and merged.doi == "10.1234/fastserve.2025"
    assert len(merged.authors) == 3 and merged.categories == ("cs.DC", "cs.LG")
    assert {Path(s.path).name for s in merged.sources} == {"page.txt", "arxiv.xml",
                                                           "hf_daily.json", "refs.bib"}
    # Daily Papers page (2 papers) + 1 more arXiv + 1 more HF + TVM from BibTeX.
    assert len(papers) == 5


def test_sources_bad_dates_warn_and_are_dropped(tmp_path: Path) -> None:
    """Issue 21, defect 8: '"not-a-date"^^xsd:date' was written and failed the SHACL shapes."""
    import json

    hf = tmp_path / "hf.json"
    hf.write_text(json.dumps([
        {"paper": {"id": "2401.00001", "title": "A", "summary": "Text one.",
                   "publishedAt": "not-a-date"}},
        {"paper": {"id": "2401.00002", "title": "B", "summary": "Text two.",
                   "publishedAt": "2024-02-30T00:00:00Z"}},
        {"paper": {"id": "2401.00003", "title": "C", "summary": "Text three.",
                   "publishedAt": "2024-02-29T00:00:00Z"}}]), encoding="utf-8")
    table = tmp_path / "papers.csv"
    table.write_text("title,abstract,date\nD,Text four.,2024-13-01\nE,Text five.,2023\n",
                     encoding="utf-8")
    warnings: list[str] = []
    papers = {p.title: p for p in read_papers([hf, table], warn=warnings.append)}
    assert [papers[t].published for t in "ABCDE"] == [None, None, "2024-02-29", None,
                                                      "2023-01-01"]
    assert len(warnings) == 3 and all("is not a date" in w for w in warnings)
    assert any("'not-a-date'" in w and str(hf) in w for w in warnings)
    assert any(f"{table}:2" in w for w in warnings)


def test_sources_hostile_json_gives_errors_not_tracebacks(tmp_path: Path) -> None:
    """Issue 21, defect 7: deep nesting, NaN/Infinity counts and lone surrogates raised
    RecursionError, ValueError and UnicodeEncodeError."""
    import json

    from kg.infra.fileio import write_lines

    deep = tmp_path / "deep.json"
    deep.write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    with pytest.raises(ParseError, match="deep.json: JSON nested too deep"):
        read_papers([deep])
    lines = tmp_path / "papers.jsonl"
    lines.write_text(json.dumps({"title": "One", "abstract": "Text one."}) + "\n"
                     + "[" * 5000 + "]" * 5000 + "\n"
                     + '{"title": "Two \\ud800", "abstract": "Text two."}\n', encoding="utf-8")
    warnings: list[str] = []
    papers = read_papers([lines], warn=warnings.append)
    assert [p.title for p in papers] == ["One", "Two \ufffd"]
    assert warnings == [f"{lines}:2: JSON nested too deep to read; skipped"]
    hf = tmp_path / "hf.json"
    hf.write_text('[{"paper": {"id": "2401.00003", "title": "C", "summary": "x y", '
                  '"upvotes": NaN, "authors": "Ann"}}, {"paper": {"id": "2401.00004", '
                  '"title": "D \\udc00", "summary": "x y", "upvotes": Infinity}}]',
                  encoding="utf-8")
    papers = read_papers([hf])
    assert [(p.title, p.upvotes, p.authors) for p in papers] == [("C", None, ()),
                                                                ("D \ufffd", None, ())]
    write_lines(tmp_path / "out.jsonl", [json.dumps(p.to_dict(), ensure_ascii=False)
                                         for p in papers])  # every string is UTF-8 now


def test_sources_table_columns_typos_name_the_closest(tmp_path: Path) -> None:
    """A --columns field kg does not know, or a column the file lacks, is answered with the
    closest name (issue 25); a missing optional column is a warning and its known spelling
    is read instead."""
    with pytest.raises(ParseError, match=r"unknown field 'titel'; did you mean 'title'\?"):
        list(read_source(DATA / "papers.csv", columns={"titel": "Title"}))
    with pytest.raises(ParseError, match=r"papers.csv.*no column 'Titel' for title; did you "
                                         r"mean 'Title'\? \(columns: Title, Summary,"):
        list(read_source(DATA / "papers.csv", columns={"title": "Titel"}))
    warnings: list[str] = []
    papers = list(read_source(DATA / "papers.csv", columns={"date": "Publishd"},
                              warn=warnings.append))
    assert papers[0].published == "2024-11-02"  # read from "Published", a known spelling
    assert any("no column 'Publishd' for date; did you mean 'Published'?" in w
               for w in warnings)


def test_sources_csv_bad_row_is_skipped_without_shifting_columns(tmp_path: Path) -> None:
    """Issue 21, defect 11: an extra field shifted columns, an unclosed quote lost rows."""
    table = tmp_path / "papers.csv"
    table.write_text('title,abstract,date\nGood one,We run LoRA on GPUs.,2024-01-01\n'
                     'Shifted,Text here.,2024-01-02,EXTRA\nThird,"Unclosed quote,2024-01-03\n'
                     'Fourth,"More text, over\ntwo lines.",2024-01-04\n', encoding="utf-8")
    warnings: list[str] = []
    papers = read_papers([table], warn=warnings.append)
    assert [(p.title, p.abstract, p.published) for p in papers] == [
        ("Good one", "We run LoRA on GPUs.", "2024-01-01"),
        ("Fourth", "More text, over two lines.", "2024-01-04")]
    assert [w.split(": ")[0] for w in warnings] == [f"{table}:3", f"{table}:4"]


def test_sources_empty_inputs_warn_and_build_nothing(tmp_path: Path) -> None:
    """Issue 21, defect 11: an empty .bib or a header-only CSV wrote an empty graph, rc 0."""
    from kg.pipeline import build

    header_only = tmp_path / "papers.csv"
    header_only.write_text("title,abstract\n", encoding="utf-8")
    empty = tmp_path / "refs.bib"
    empty.write_text("", encoding="utf-8")
    warnings: list[str] = []
    assert read_papers([header_only, empty], warn=warnings.append) == []
    assert warnings == [f"{header_only}: no papers in this file",
                        f"{empty}: no papers in this file"]
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.nt").write_text("previous\n", encoding="utf-8")
    with pytest.raises(ParseError, match="no papers read: nothing was built"):
        build([header_only, empty], out)
    assert (out / "graph.nt").read_text(encoding="utf-8") == "previous\n"


def test_sources_bibtex_extra_brace_warns_of_lost_fields(tmp_path: Path) -> None:
    """Issue 21, defect 11: an extra '}' in BibTeX dropped the abstract without a word."""
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{a1,\n  title = {First paper on LoRA}},\n"
                   "  abstract = {We run LoRA on GPUs.},\n  year = {2024}\n}\n"
                   "@article{a2,\n  title = {Second paper},\n"
                   "  abstract = {We quantize models on FPGAs.},\n}\n", encoding="utf-8")
    warnings: list[str] = []
    papers = read_papers([bib], warn=warnings.append)
    assert [p.title for p in papers] == ["First paper on LoRA", "Second paper"]
    assert len(warnings) == 1 and warnings[0].startswith(f"{bib}:2: fields outside any entry")
    assert "We run LoRA on GPUs." in warnings[0]


def test_sources_utf16_is_read_and_a_fifo_is_named_for_what_it_is(tmp_path: Path) -> None:
    """Issue 21, defect 11: UTF-16 was called "binary", a FIFO "no such file"."""
    import os

    table = tmp_path / "papers.csv"
    table.write_text("title,abstract\nÜber LoRA,We run LoRA on GPUs.\n", encoding="utf-16")
    assert [p.title for p in read_papers([table])] == ["Über LoRA"]
    fifo = tmp_path / "papers.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(ParseError, match="not a regular file"):
        read_papers([fifo])
    with pytest.raises(ParseError, match="no such file"):
        read_papers([tmp_path / "missing.csv"])


def test_sources_oversized_abstract_is_cut_with_a_warning(tmp_path: Path) -> None:
    """Issue 21: a documented per-paper size limit, with a warning naming the paper."""
    import json

    from kg.readers import MAX_TEXT_CHARS

    lines = tmp_path / "papers.jsonl"
    huge = "We run LoRA on GPUs. " * 10_000
    lines.write_text(json.dumps({"title": "Huge", "abstract": huge}) + "\n"
                     + json.dumps({"title": "Small", "abstract": "We quantize."}) + "\n",
                     encoding="utf-8")
    warnings: list[str] = []
    papers = {p.title: p for p in read_papers([lines], warn=warnings.append)}
    assert len(papers["Huge"].abstract) <= MAX_TEXT_CHARS
    assert papers["Huge"].abstract.startswith("We run LoRA on GPUs.")
    assert papers["Small"].abstract == "We quantize."
    assert len(warnings) == 1 and warnings[0].startswith(f"{lines}:1: abstract of 209,999")
