from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import ParseError
from kg.readers import merge_papers, read_papers, read_source
from kg.readers.daily_papers import parse_daily_papers


def test_daily_papers_reads_entries_and_metadata(page: Path) -> None:
    papers = list(read_source(page))
    assert len(papers) == 3
    first, second = papers[0], papers[1]
    assert first.title.startswith("FastServe:")
    assert first.author_count == 7
    assert first.upvotes == 4
    # "Feb 9" has no year: the page's year is one after the latest year printed (2023).
    assert first.published == "2024-02-09"
    assert second.organization == "ACME Research"
    assert second.published == "2023-11-02"
    assert second.upvotes is None
    assert first.sources[0].line == 13


def test_daily_papers_page_year_override(page: Path) -> None:
    papers = list(parse_daily_papers(page.read_text().splitlines(), page_year=2030))
    assert papers[0].published == "2030-02-09"


def test_daily_papers_same_paper_twice_is_one_paper(page: Path) -> None:
    papers = read_papers([page])
    assert len(papers) == 2
    assert [s.line for s in papers[0].sources] == [13, 29]


def test_daily_papers_malformed_entry_warns_and_keeps_neighbours(tmp_path: Path) -> None:
    text = ("Daily Papers\nbyAK and the research community\n\nMar 1\n\n"
            "Good Title One\n\nThis abstract is long enough to be an abstract. It has two sentences.\n\n"
            "A title with no abstract\n\n"
            "Good Title Two\n\nAnother abstract that is long enough to be read. Second sentence here.\n")
    path = tmp_path / "bad.txt"
    path.write_text(text)
    warnings: list[str] = []
    papers = list(read_source(path, warn=warnings.append))
    assert [p.title for p in papers] == ["Good Title One", "Good Title Two"]
    assert len(warnings) == 1
    assert f"{path}:10" in warnings[0]


def test_daily_papers_not_a_page_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some notes\nnothing else\n")
    with pytest.raises(ParseError, match="notes.txt"):
        list(read_source(path))


def test_daily_papers_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x00\x00\x00binary")
    with pytest.raises(ParseError, match="binary"):
        list(read_source(path))


def test_daily_papers_non_utf8_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"Daily Papers\nbyAK and the research community\n\xe9t\xe9\n")
    with pytest.raises(ParseError, match=r"latin1.txt:3"):
        list(read_source(path))


@pytest.mark.slow
def test_daily_papers_sample_corpus(corpus_files: list[Path]) -> None:
    warnings: list[str] = []
    entries = [p for f in corpus_files for p in read_source(f, warn=warnings.append)]
    papers = merge_papers(entries)
    assert len(entries) == 378
    assert len(papers) == 319
    assert warnings == []
    assert sum(1 for p in papers if len(p.sources) > 1) > 0
    assert sum(1 for p in papers if p.author_count) == 52
    assert {p.organization for p in papers if p.organization} >= {"Qualcomm", "Meta Research"}
    dated = [p for p in papers if p.published]
    assert len(dated) == 56
    assert all(p.published[:4].isdigit() for p in dated)


def test_daily_papers_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:  # a sparse 1 GB file: instant, and takes no disk
        handle.truncate(1024 ** 3)
    with pytest.raises(ParseError, match=r"huge.txt.*over the .* byte limit"):
        list(read_source(path))


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c"])
def test_daily_papers_unicode_line_separator_in_a_title_does_not_split_it(
        page: Path, separator: str) -> None:
    """Issue 21, defect 11: str.splitlines broke a title at U+2028, NEL, VT or FF."""
    text = page.read_text(encoding="utf-8").replace(
        "Quantized Inference on Microcontrollers",
        f"Quantized Inference{separator}on Microcontrollers")
    page.write_text(text, encoding="utf-8")
    papers = read_papers([page])
    assert len(papers) == 2
    assert "Quantized Inference on Microcontrollers" in {p.title for p in papers}
