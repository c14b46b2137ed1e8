"""The cache's record of what each unit was last made of."""

from __future__ import annotations

from baocao.run.cache import Cache


def test_a_damaged_record_is_rewritten_not_a_stop(tmp_path):
    cache = Cache(tmp_path / ".cache")
    record = tmp_path / ".cache" / "last" / "2021-H1" / "178.json"
    record.parent.mkdir(parents=True)
    record.write_bytes(b"\xff\xfe\x00garbage")  # not UTF-8: a crash once stopped every run
    cache.remember("2021-H1", "178", {"workbook": "abc"})
    assert cache.last_parts("2021-H1", "178") == {"workbook": "abc"}
    written = record.stat().st_mtime_ns
    cache.remember("2021-H1", "178", {"workbook": "abc"})  # unchanged: left alone
    assert record.stat().st_mtime_ns == written
