"""The registry of output formats (report/render/formats.py): one entry adds a format."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from test_render import PERIOD, make_paths, write_processed

from baocao.errors import BaocaoError
from baocao.report.render import formats
from baocao.report.render import reports as render
from baocao.report.render.output_files import output_names, report_files


def test_the_registry_holds_todays_formats_and_names():
    assert list(formats.REGISTRY) == ["docx", "html", "pdf"]
    assert formats.REGISTRY["pdf"].derived_from == "docx"  # LibreOffice's, from the DOCX
    # Each document named by its role: the one to sign keeps the plain name (the PDF is off
    # in tests: conftest).
    assert output_names(PERIOD, "official") == {"docx": "bao-cao-2021-H1.docx"}
    assert output_names(PERIOD, "internal") == {
        "docx": "bao-cao-2021-H1-noi-bo.docx",
        "html": "bao-cao-2021-H1-noi-bo.html",
    }
    assert report_files(PERIOD, "public") == ["bao-cao-2021-H1-cong-khai.html"]
    assert formats.labels() == {
        "docx": "Word (.docx)",
        "html": "trang web (.html)",
        "pdf": "PDF (.pdf)",
    }


def refuse_empty(job, profile: str, path: Path) -> None:
    """The toy format's check: an empty text is not published."""
    if not path.read_text(encoding="utf-8").strip():
        raise BaocaoError(f"Tệp {job.names[profile]['txt']} trống.")


@pytest.fixture
def plain_text():
    """A toy format registered for the test only: the public report as plain text."""
    toy = {"name": "txt", "suffix": ".txt", "label": "văn bản (.txt)", "profiles": ("public",)}
    entry = formats.register_format(
        formats.OutputFormat(**toy, pandoc_to="plain", check=refuse_empty)
    )
    yield entry
    del formats.REGISTRY["txt"]


@pytest.mark.slow
def test_one_registry_entry_adds_a_format_to_the_builtin_render(tmp_path, plain_text):
    assert output_names(PERIOD, "public") == {
        "html": "bao-cao-2021-H1-cong-khai.html",
        "txt": "bao-cao-2021-H1-cong-khai.txt",
    }
    assert "bao-cao-2021-H1-cong-khai.txt" in report_files(PERIOD, "public")
    assert formats.labels()["txt"] == "văn bản (.txt)"
    paths = make_paths(tmp_path)
    write_processed(paths.processed)
    result = render.render_report(PERIOD, "public", paths, tmp_path / "out", backend="builtin")
    assert list(result.outputs) == ["html", "txt"]
    text = result.outputs["txt"]
    assert text.name == "bao-cao-2021-H1-cong-khai.txt"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "bao-cao-2021-H1-cong-khai.html",
        "bao-cao-2021-H1-cong-khai.txt",
    ]  # published under its name, nothing staged left behind
    plain = text.read_text(encoding="utf-8")
    assert "<" not in plain
    html = result.outputs["html"].read_text(encoding="utf-8")
    headings = [
        unescape(re.sub(r"<[^>]+>", "", h)).strip()
        for h in re.findall(r'<h[12](?![^>]*class="title")[^>]*>(.*?)</h[12]>', html, flags=re.S)
    ]
    headings = [h for h in headings if h and h != "Mục lục"]
    assert len(headings) >= 3  # the outline's parts and sections (not the title block)
    folded = " ".join(plain.split()).casefold()
    for heading in headings:
        assert " ".join(heading.split()).casefold() in folded
