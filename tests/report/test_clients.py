"""The DOCX as a real office suite sees it: LibreOffice opens it and converts it to PDF.

(The HTML's real client, headless Chromium, is exercised in tests/report/test_html.py.)
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from test_render import PERIOD, make_paths, write_processed

from baocao.report.render.reports import render_report

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
]


def convert(source, to: str, out_dir, profile_dir) -> None:
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile_dir}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(out_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )


def test_libreoffice_opens_the_docx_and_converts_it_to_pdf(tmp_path):
    paths = make_paths(tmp_path)
    write_processed(paths.processed)
    docx = render_report(PERIOD, "internal", paths, tmp_path / "out").outputs["docx"]
    profile = tmp_path / "lo-profile"
    convert(docx, "pdf", tmp_path / "pdf", profile)
    pdf = tmp_path / "pdf" / f"{docx.stem}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000

    convert(docx, "txt:Text (encoded):UTF8", tmp_path / "txt", profile)
    text = (tmp_path / "txt" / f"{docx.stem}.txt").read_text(encoding="utf-8-sig")
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BÁO CÁO", "Nơi nhận:", "Phụ lục I"):
        assert words in text
