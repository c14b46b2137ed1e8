"""The project's pre-render and post-render steps of a plain `quarto render` (quarto_hooks),
run on their own without Quarto: what each refuses. The whole render with Quarto is
tests/report/test_profiles.py::test_plain_quarto_render_in_the_project_gives_the_report_of_baocao_run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from test_render import PERIOD, SOURCE

import baocao
from baocao.errors import BaocaoError
from baocao.report.render import hooks as quarto_hooks
from baocao.report.render.quarto_config import QUARTO_REFERENCE_DOC


def _project(tmp_path, period: str | None = PERIOD):
    """A project folder as Quarto leaves it before post-render: the record of the execution
    (unless `period` is None) and nothing rendered yet."""
    root = tmp_path / "root"
    shutil.copytree(SOURCE.config, root / "config")
    shutil.copy(SOURCE.report_source, root / "report.qmd")
    (root / "_output").mkdir()
    if period:
        record = {"period": period, "processed_dir": "", "root": "", "overrides": "{}"}
        (root / quarto_hooks.RECORD).parent.mkdir()
        (root / quarto_hooks.RECORD).write_text(json.dumps(record), encoding="utf-8")
    return root


def test_the_report_notes_its_parameters_only_when_quarto_executes_it(tmp_path, monkeypatch):
    monkeypatch.delenv("QUARTO_PROJECT_ROOT", raising=False)
    assert quarto_hooks.note_quarto_render(PERIOD, "", "", "{}") is None  # baocao run
    monkeypatch.setenv("QUARTO_PROJECT_ROOT", str(tmp_path))
    record = quarto_hooks.note_quarto_render(PERIOD, "", "", '{"number": 7}')
    assert record == tmp_path / ".quarto" / "baocao-render.json"
    assert json.loads(record.read_text(encoding="utf-8"))["overrides"] == '{"number": 7}'


def test_pre_render_writes_the_reference_doc_and_forgets_the_last_render(tmp_path):
    root = _project(tmp_path)
    assert quarto_hooks.pre_render(root) == root / QUARTO_REFERENCE_DOC
    docx.Document(root / QUARTO_REFERENCE_DOC)  # a real DOCX
    assert not (root / quarto_hooks.RECORD).exists()


@pytest.mark.parametrize(("profile", "name"), [("public", "docx"), ("official", "html")])
def test_a_profile_publishes_only_its_own_formats(tmp_path, profile, name):
    """Quarto renders every format of _quarto.yml unless --to names one: the public page has
    no DOCX, the document to sign no HTML; the other is removed and said, not published."""
    root = _project(tmp_path)
    (root / "_output" / f"report.{name}").write_bytes(b"not published")
    said: list[str] = []
    assert quarto_hooks.post_render(root, [f"_output/report.{name}"], profile, said) == {}
    assert said == [
        f"Không xuất bản report.{name}: {quarto_hooks.PROFILE_NAMES[profile]} chỉ có "
        + ("trang web (.html)." if profile == "public" else "Word (.docx).")
    ]
    assert not (root / "_output" / f"report.{name}").exists()
    assert not (root / "_output" / PERIOD).exists() or not any(
        (root / "_output" / PERIOD).iterdir()
    )


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ('<a href="notebooks/178.html">178</a>', "liên kết tới sổ tay nội bộ"),
        # the public version of a draft (`compose.parts.draft_notice`): never published
        ('<div class="du-thao"><p><strong>DỰ THẢO</strong></p></div>', "còn là dự thảo"),
    ],
)
def test_a_page_that_may_not_be_published_is_removed_and_the_previous_one_kept(tmp_path, body, why):
    root = _project(tmp_path)
    page = root / "_output" / "report.html"
    page.write_text(f'<html lang="vi">{body}</html>', encoding="utf-8")
    previous = root / "_output" / PERIOD / f"bao-cao-{PERIOD}-cong-khai.html"
    previous.parent.mkdir()
    previous.write_text("trang cũ", encoding="utf-8")
    with pytest.raises(BaocaoError, match=why):
        quarto_hooks.post_render(root, ["_output/report.html"], "public")
    assert not page.exists()
    assert sorted(p.name for p in previous.parent.iterdir()) == [previous.name]
    assert previous.read_text(encoding="utf-8") == "trang cũ"


def test_without_the_record_the_period_is_unknown_and_said_so(tmp_path):
    root = _project(tmp_path, period=None)
    (root / "_output" / "report.html").write_text("<html></html>", encoding="utf-8")
    with pytest.raises(BaocaoError, match="chưa được chạy trong lần quarto render này"):
        quarto_hooks.post_render(root, ["_output/report.html"], "internal")


def test_one_profile_at_a_time():
    assert quarto_hooks.active_profile("") == "official"  # the group's default
    assert quarto_hooks.active_profile("public") == "public"
    with pytest.raises(BaocaoError, match="Chỉ lập được một bản báo cáo mỗi lần"):
        quarto_hooks.active_profile("internal,public")


def test_the_step_fails_in_vietnamese_with_exit_status_1(tmp_path):
    root = _project(tmp_path, period=None)
    (root / "_output" / "report.html").write_text("<html></html>", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "baocao.report.render.hooks", "post-render"],
        cwd=root,
        env={**_env(), "QUARTO_PROJECT_OUTPUT_FILES": "_output/report.html"},
        capture_output=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("Không biết báo cáo vừa lập là của kỳ nào"), done.stderr
    assert "Traceback" not in done.stderr


def _env() -> dict[str, str]:
    source = str(Path(baocao.__file__).resolve().parents[1])
    return {**os.environ, "PYTHONPATH": source, "PYTHONIOENCODING": "utf-8"}
