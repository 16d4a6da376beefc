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
