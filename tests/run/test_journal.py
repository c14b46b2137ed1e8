"""A journal the next run cannot follow (another period's, another version's, damaged): it is
set aside, never a crash on every later run (issue 17's review). Real folders and files."""

from __future__ import annotations

import json

import pytest

from baocao.config.paths import ProjectPaths
from baocao.run.generations import journal_path, repair

PERIOD = "2021-H1"


@pytest.mark.parametrize(
    "journal",
    [
        {"period": PERIOD, "moves": [{"root": "x", "from": "a"}]},  # it crashed every run
        {"period": PERIOD, "moves": [{"root": "output", "from": 3, "to": "b"}]},
        {"period": PERIOD, "moves": "all"},
        {"period": PERIOD, "moves": [["output", "a", "b"]]},
        {"period": "2020-H1", "moves": [{"root": "output", "from": "a.docx", "to": "b.docx"}]},
        {"period": PERIOD, "moves": [{"root": "output", "from": "../a.docx", "to": "b.docx"}]},
        {"period": PERIOD, "moves": [{"root": "output", "from": "a.docx", "to": "/b.docx"}]},
        [1, 2],
    ],
)
def test_a_journal_that_cannot_be_followed_is_set_aside(tmp_path, journal):
    paths = ProjectPaths(
        root=tmp_path / "root",
        raw=tmp_path / "raw",
        processed=tmp_path / "p",
        output=tmp_path / "o",
    )
    outside = tmp_path / "a.docx"  # what a journal pointing out of its root would move
    outside.write_text("giữ", encoding="utf-8")
    (paths.output / "a.docx").parent.mkdir(parents=True)
    (paths.output / "a.docx").write_text("giữ", encoding="utf-8")
    paths.processed.mkdir()
    journal_path(paths, PERIOD).write_text(json.dumps(journal), encoding="utf-8")
    assert repair(paths, PERIOD) == []
    assert not journal_path(paths, PERIOD).exists()
    assert outside.read_text(encoding="utf-8") == "giữ"
    assert (paths.output / "a.docx").read_text(encoding="utf-8") == "giữ"
    assert not (paths.output / "b.docx").exists() and not (tmp_path / "b.docx").exists()
