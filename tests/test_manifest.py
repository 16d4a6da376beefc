"""summary.json names the build a folder holds (issue 21, defect 10)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from kg.manifest import check_output
from kg.pipeline import build


def test_a_mixed_output_set_is_told_from_a_whole_one(page: Path, tmp_path: Path) -> None:
    """A build killed between two renames left graph.nt of one build beside summary.json of
    another, each file whole; nothing could tell."""
    one, two = tmp_path / "one", tmp_path / "two"
    build([page], one, formats=["ntriples", "turtle"])
    assert check_output(one) == []
    summary = json.loads((one / "summary.json").read_text(encoding="utf-8"))
    assert set(summary["checksums"]) == {"findings.jsonl", "graph.nt", "graph.ttl"}
    single = tmp_path / "single.txt"
    single.write_text(page.read_text(encoding="utf-8").split("\n\nQuantized Inference")[0]
                      + "\n", encoding="utf-8")
    build([single], two, formats=["ntriples", "turtle"])
    shutil.copy(two / "graph.nt", one / "graph.nt")  # the new file, the old summary
    assert check_output(one) == [f"{one / 'graph.nt'}: not the file summary.json lists "
                                 "(another build's, or edited); rebuild with kg build"]
    (one / "graph.ttl").unlink()
    assert len(check_output(one)) == 2


def test_rebuilds_keep_summary_byte_identical(page: Path, tmp_path: Path) -> None:
    build([page], tmp_path / "a", formats=["ntriples"])
    build([page], tmp_path / "b", formats=["ntriples"])
    assert ((tmp_path / "a" / "summary.json").read_bytes()
            == (tmp_path / "b" / "summary.json").read_bytes())
