from __future__ import annotations

from pathlib import Path

from kg.infra.spool import PaperSpool
from kg.readers import merge_papers, read_source

DATA = Path(__file__).resolve().parents[1] / "data"


def test_spool_merges_like_merge_papers_and_reads_back_in_id_order(page: Path,
                                                                    tmp_path: Path) -> None:
    listings = [p for path in (page, DATA / "papers.csv", DATA / "refs.bib", DATA / "arxiv.xml")
                for p in read_source(path)]
    expected = sorted(merge_papers(listings), key=lambda p: p.id)
    assert len(expected) < len(listings)  # the page lists one paper twice
    with PaperSpool(tmp_path) as spool:
        spool.extend(listings)
        assert len(spool) == len(expected)
        assert list(spool) == expected
        assert list(spool) == expected  # iterable again
        files = list(tmp_path.glob(".kg-spool-*/papers.sqlite"))
        assert len(files) == 1
    assert not list(tmp_path.glob(".kg-spool-*"))  # removed on close


def test_spool_two_passes_may_interleave(page: Path, tmp_path: Path) -> None:
    with PaperSpool(tmp_path) as spool:
        spool.extend(read_source(page))
        first, second = iter(spool), iter(spool)
        a = next(first)
        assert next(second) == a
        assert [p.id for p in first] == [p.id for p in second]
