"""The bundled pandoc run directly: a conversion, and pandoc's own message when one fails."""

from __future__ import annotations

import pytest

from baocao.errors import BaocaoError
from baocao.report import render_builtin
from baocao.report.pandoc import run_pandoc


def test_a_conversion_writes_its_target(tmp_path):
    source = tmp_path / "a.md"
    source.write_text("# Phần thứ nhất\n\nSố cuộc: 1.234.\n", encoding="utf-8")
    run_pandoc(str(source), str(tmp_path / "a.html"), from_format="markdown", to="html5", args=[])
    html = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert "<h1" in html and "Phần thứ nhất" in html and "1.234" in html


def test_a_failed_conversion_says_what_pandoc_said(tmp_path):
    source = tmp_path / "hong.ipynb"
    source.write_text("{ không phải JSON", encoding="utf-8")
    with pytest.raises(RuntimeError) as failed:
        run_pandoc(str(source), str(tmp_path / "x.html"), from_format="ipynb", to="html5", args=[])
    assert str(failed.value) and not (tmp_path / "x.html").exists()


def test_the_report_conversion_fails_with_a_vietnamese_message(tmp_path):
    source = tmp_path / "report.md"
    source.write_text("Nội dung.\n", encoding="utf-8")
    with pytest.raises(BaocaoError, match="Pandoc không chuyển được báo cáo sang DOCX"):
        # a reference document that does not exist: pandoc refuses
        render_builtin._pandoc(
            source, "docx", tmp_path / "r.docx", ["--reference-doc", str(tmp_path / "khong.docx")]
        )
