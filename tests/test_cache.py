"""The findings cache key follows everything the findings depend on."""

from __future__ import annotations

from pathlib import Path

import kg.cache as cache


def test_fingerprint_covers_extractor_code_and_data():
    names = {p.name for p in cache._extraction_sources()}
    assert {"rules.py", "compare.py", "matcher.py", "acronyms.py"} <= names
    assert {"technique.ttl", "hardware.ttl", "patterns.json", "normalize.py"} <= names


def test_editing_a_rule_changes_the_fingerprint(tmp_path: Path, monkeypatch):
    rule = tmp_path / "rules.py"
    rule.write_text("X = 1\n")
    monkeypatch.setattr(cache, "_extraction_sources", lambda: [rule])
    cache.extractor_fingerprint.cache_clear()
    before = cache.extractor_fingerprint("rules.v1")
    rule.write_text("X = 2\n")
    cache.extractor_fingerprint.cache_clear()
    after = cache.extractor_fingerprint("rules.v1")
    cache.extractor_fingerprint.cache_clear()
    assert before != after


def _breakers():
    def random_bytes(path: Path) -> None:
        path.write_bytes(bytes(range(256)) * 64)

    def truncated(path: Path) -> None:
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])

    def folder(path: Path) -> None:
        path.unlink()
        (path / "inside").mkdir(parents=True)

    def bad_record(path: Path) -> None:
        import sqlite3

        db = sqlite3.connect(path)
        with db:
            db.execute("UPDATE findings SET record = '{not json'")
        db.close()

    return {"random bytes": random_bytes, "truncated": truncated, "a folder": folder,
            "bad records": bad_record}


import pytest  # noqa: E402


@pytest.mark.parametrize("damage", list(_breakers()))
def test_a_damaged_cache_is_set_aside_and_the_build_goes_on(page: Path, tmp_path: Path,
                                                           damage: str) -> None:
    """Issue 21, defect 7: a corrupt cache.sqlite failed every later build with a traceback."""
    from kg.pipeline import build

    out = tmp_path / "out"
    build([page], out, formats=["ntriples"])
    expected = (out / "findings.jsonl").read_bytes()
    _breakers()[damage](out / "cache.sqlite")
    summary = build([page], out, formats=["ntriples"])
    assert (out / "findings.jsonl").read_bytes() == expected
    if damage == "bad records":  # such a record counts as missing and is written anew
        import sqlite3

        db = sqlite3.connect(out / "cache.sqlite")
        assert all(r.startswith("{\"entities\"") for r, in db.execute("SELECT record FROM findings"))
        db.close()
    else:
        assert any("set aside" in w for w in summary.warnings), summary.warnings
    again = build([page], out, formats=["ntriples"])  # the new cache works
    assert not any("cache" in w for w in again.warnings)
    assert (out / "findings.jsonl").read_bytes() == expected
