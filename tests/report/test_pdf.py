"""The PDF of the DOCX to sign: when it is written, how it is checked, what the run says
without LibreOffice. (LibreOffice's own PDF of the sample is read in tests/test_pipeline.py and,
page by page for its layout, in tests/test_pipeline_2026.py.)
"""

from __future__ import annotations

import os
import stat
from datetime import datetime
from pathlib import Path

import matplotlib
import pytest
from matplotlib.figure import Figure
from test_render import PERIOD, make_paths, write_processed

from baocao.errors import BaocaoError
from baocao.report.programs.libreoffice import MISSING
from baocao.report.render import reports as render
from baocao.report.render.formats import SIGNED_PROFILE, unavailable_notes
from baocao.report.render.output_files import output_names
from baocao.report.review.pdf_check import pdf_problems
from baocao.run.manifest import pdf_digest


def write_pdf(path: Path, text: str = "", date: str = "2021-07-05") -> Path:
    """A one-page PDF (matplotlib, TrueType fonts: its text can be read back)."""
    figure = Figure(figsize=(8.27, 11.69))
    if text:
        figure.text(0.1, 0.9, text, fontsize=14)
    metadata = {"CreationDate": datetime.fromisoformat(date)}
    with matplotlib.rc_context({"pdf.fonttype": 42}):
        figure.savefig(path, format="pdf", metadata=metadata)
    return path


def test_without_libreoffice_no_pdf_is_asked_for_and_the_run_says_how_to_get_one(
    monkeypatch, tmp_path
):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice, no libreoffice
    monkeypatch.setenv("BAOCAO_PDF", "1")
    assert "pdf" not in output_names(PERIOD, SIGNED_PROFILE)
    assert unavailable_notes(("official", "public")) == [MISSING]
    assert "LibreOffice" in MISSING and "Lưu dưới dạng > PDF" in MISSING
    assert unavailable_notes(("internal", "public")) == []  # only the document to sign has one
    monkeypatch.setenv("BAOCAO_PDF", "0")  # turned off: nothing to say
    assert unavailable_notes(("official",)) == []


def test_with_libreoffice_the_signed_profile_writes_the_pdf(monkeypatch, tmp_path):
    soffice = tmp_path / "soffice"
    soffice.write_text("#!/bin/sh\n", encoding="utf-8")
    soffice.chmod(soffice.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("BAOCAO_PDF", "1")
    assert output_names(PERIOD, SIGNED_PROFILE)["pdf"] == f"bao-cao-{PERIOD}.pdf"
    assert "pdf" not in output_names(PERIOD, "public")
    assert unavailable_notes(("internal", "public")) == []


def test_a_pdf_without_text_or_that_is_no_pdf_is_refused(tmp_path):
    good = write_pdf(tmp_path / "good.pdf", "BÁO CÁO Kết quả công tác Mặt trận 6 tháng đầu năm")
    assert pdf_problems(good) == []
    blank = write_pdf(tmp_path / "blank.pdf")
    assert "không có chữ đọc được" in pdf_problems(blank)[0]
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot a pdf at all")
    assert pdf_problems(broken)[0].startswith("không đọc được tệp PDF")


def test_the_pdf_digest_ignores_what_every_conversion_changes(tmp_path):
    first = write_pdf(tmp_path / "a.pdf", "Báo cáo", "2021-07-05T10:00:00")
    second = write_pdf(tmp_path / "b.pdf", "Báo cáo", "2026-12-07T17:00:00")
    other = write_pdf(tmp_path / "c.pdf", "Báo cáo khác", "2021-07-05T10:00:00")
    assert first.read_bytes() != second.read_bytes()
    assert pdf_digest(first) == pdf_digest(second) != pdf_digest(other)


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for LibreOffice")
def test_a_refused_pdf_keeps_the_previous_report_whole(monkeypatch, tmp_path):
    """A LibreOffice that writes a PDF without text: the render is refused in Vietnamese, and
    the report already in the folder (DOCX, HTML, PDF) stays as it was, with no leftover."""
    blank = write_pdf(tmp_path / "blank.pdf")
    programs = tmp_path / "bin"
    programs.mkdir()
    soffice = programs / "soffice"
    soffice.write_text(
        "#!/bin/sh\n# writes a PDF without text, as a LibreOffice missing its fonts might\n"
        'while [ $# -gt 0 ]; do case "$1" in --outdir) out="$2"; shift;; *.docx) src="$1";; '
        "esac; shift; done\n"
        f'mkdir -p "$out" && cp "{blank}" "$out/$(basename "$src" .docx).pdf"\n',
        encoding="utf-8",
    )
    soffice.chmod(soffice.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{programs}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("BAOCAO_PDF", "1")
    paths = make_paths(tmp_path)
    write_processed(paths.processed)
    out = tmp_path / "out"
    out.mkdir()
    before = {}
    for name in output_names(PERIOD, "official").values():
        (out / name).write_text(f"bản trước: {name}", encoding="utf-8")
        before[name] = (out / name).read_text(encoding="utf-8")
    with pytest.raises(BaocaoError) as refused:
        render.render_report(PERIOD, "official", paths, out, backend="builtin")
    assert f"Không xuất bản tệp PDF bao-cao-{PERIOD}.pdf" in refused.value.message
    assert "không có chữ đọc được" in refused.value.message
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == before


def test_a_pdf_not_made_again_is_removed_not_left_beside_the_new_document(monkeypatch, tmp_path):
    """A run that renders the document to sign without its PDF (LibreOffice gone, or
    BAOCAO_PDF=0) removes the earlier run's PDF, which no longer matches it, and says so."""
    from baocao.report.render.formats import remove_unmade

    old = tmp_path / f"bao-cao-{PERIOD}.pdf"
    old.write_bytes(b"%PDF-1.7 earlier run")
    monkeypatch.setenv("BAOCAO_PDF", "0")
    assert remove_unmade(PERIOD, ("internal", "public"), tmp_path) == []  # not theirs
    assert old.exists()
    (note,) = remove_unmade(PERIOD, ("official",), tmp_path)
    assert not old.exists() and f"Đã xóa tệp {old.name}" in note
    old.write_bytes(b"%PDF-1.7 earlier run")
    monkeypatch.setenv("BAOCAO_PDF", "1")
    monkeypatch.setenv("PATH", str(tmp_path))  # no LibreOffice either
    assert len(remove_unmade(PERIOD, ("official",), tmp_path)) == 1 and not old.exists()
