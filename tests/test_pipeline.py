"""End to end: `baocao run` on the bundled sample, with real kernels, papermill, GX and pandoc.

Expected totals are computed here from the sample generator's plan (the true values it wrote,
before making them messy), independently of the pipeline's own code.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from docx import Document
from pdf_pages import pdf_text
from test_appendix_scale import SOFFICE, export_figures
from test_render import appendix_by_code

from baocao.run.aggregate import appendix_table
from baocao.run.store import read_csv
from baocao.sample_plan import sample_plan

pytestmark = pytest.mark.slow
PERIOD = "2021-H1"
# The outline's headings, in order (the start of each heading's text).
OUTLINE = [
    "Phần thứ nhất",
    "1. Chương trình 1: ",
    "1.1.",
    "1.2.",
    "2. Chương trình 2: ",
    "2.1.",
    "2.2.",
    "2.3.",
    "2.4.",
    "2.5.",
    "3. Chương trình 3: ",
    "3.1.",
    "3.2.",
    "3.3.",
    "3.4.",
    "4. Chương trình 4: ",
    "5. Chương trình 5: ",
    "6. Đánh giá chung",
    "6.1.",
    "6.2.",
    "6.3.",
    "Phần thứ hai",
    "Phụ lục I",
    "Phụ lục II",
]


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def run(project, tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    raw_before = tree_digest(project.raw)
    env = {
        **os.environ,
        "BAOCAO_PROCESSED_DIR": str(out / "processed"),
        "BAOCAO_OUTPUT_DIR": str(out / "output"),
        "COLUMNS": "200",
        "BAOCAO_PDF": "1",  # the PDF of the DOCX to sign, where LibreOffice is installed
    }
    completed = subprocess.run(
        [sys.executable, "-m", "baocao", "run", "--period", PERIOD],
        env=env,
        cwd=out,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return {
        "stdout": completed.stdout,
        "processed": out / "processed" / PERIOD,
        "output": out / "output" / PERIOD,
        "raw_before": raw_before,
    }


def expected_totals(catalogue, units) -> dict[str, float]:
    plan = sample_plan(PERIOD)
    kept = {
        cell: value
        for cell, value in plan.values.items()
        if value is not None and cell[0] not in plan.missing_units and cell not in plan.broken
    }
    totals = {}
    for indicator in catalogue.indicators:
        figures = {
            u.code: kept[(u.code, indicator.code)]
            for u in units
            if (u.code, indicator.code) in kept
        }
        if indicator.total_method == "weighted_mean":
            weights = {u: kept.get((u, indicator.total_weight)) for u in figures}
            weighted = {u: v for u, v in figures.items() if weights[u]}
            total = sum(v * weights[u] for u, v in weighted.items()) / sum(
                weights[u] for u in weighted
            )
        else:
            total = sum(figures.values()) if figures else math.nan
        totals[indicator.code] = total
    return totals


def test_raw_data_is_never_written(run, project):
    assert tree_digest(project.raw) == run["raw_before"]


def test_each_total_equals_the_sum_of_the_generators_values(run, catalogue, units_2021):
    table = appendix_table(read_csv(run["processed"] / "values.csv"), catalogue, units_2021)
    expected = expected_totals(catalogue, units_2021)
    for code, total in zip(table["code"], table["total"], strict=True):
        assert total == pytest.approx(expected[code], rel=1e-12, nan_ok=True), code


def test_only_the_rule_breaking_unit_is_flagged_and_the_missing_one_not_submitted(run):
    plan = sample_plan(PERIOD)
    status = read_csv(run["processed"] / "status.csv").set_index("unit_code")
    broken_units = {unit for unit, _ in plan.broken}
    assert set(status.index[status["state"] == "có lỗi"]) == broken_units
    assert set(status.index[status["state"] == "chưa nộp"]) == plan.missing_units
    assert (status.loc[sorted(broken_units), "errors"] >= 1).all()
    assert "chưa nộp" in run["stdout"] and "có lỗi" in run["stdout"]


def test_each_unit_keeps_its_executed_notebook_for_review(run):
    plan = sample_plan(PERIOD)
    notebooks = {p.stem for p in (run["output"] / "notebooks").glob("*.ipynb")}
    assert notebooks == set(plan.file_names) - plan.missing_units


def test_each_unit_notebook_page_is_a_reviewers_page(run):
    """The real notebook, run by papermill in a warm kernel: the page shows the notebook's
    Vietnamese text and its tables (no index column), never code, the isolation cell or the
    parameters (another unit's defaults, papermill's escaped names); the executed .ipynb keeps
    the code and names the unit with its diacritics."""
    page = run["output"] / "notebooks" / "181.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    text = soup.get_text()
    for code in ("import", "Isolation", "reset_selective", "unit_name", "review.", "Parameters"):
        assert code not in text, code
    assert "Thành phố Lạng Sơn" not in text and "\\x" not in text and "\\u" not in text
    header = soup.find("table", class_="thong-tin-so-tay")
    rows = {tr.th.get_text(): tr.td.get_text() for tr in header.find_all("tr")}
    assert rows["Đơn vị"] == "Huyện Bình Gia (mã 181)"
    assert rows["Kỳ báo cáo"] == "6 tháng đầu năm 2021"
    assert rows["Tệp số liệu"] == sample_plan(PERIOD).file_names["181"]
    assert rows["Chạy lúc"].endswith("(giờ Việt Nam)")
    tables = soup.find_all("table", class_="bang-so-tay")
    assert len(tables) == 4  # read, figures, issues, files written
    for table in tables:
        first_header = table.find("thead").find("th").get_text()
        assert first_header in ("Mục", "Mã", "Mức độ", "Tệp"), first_header
    assert "1. Đọc bảng tính" in text
    executed = (run["output"] / "notebooks" / "181.ipynb").read_text(encoding="utf-8")
    assert 'unit_name = \\"Huyện Bình Gia\\"' in executed and "reset_selective" in executed


def test_the_command_prints_where_the_reports_are(run):
    docx, html = (
        run["output"] / f"bao-cao-{PERIOD}.docx",
        run["output"] / f"bao-cao-{PERIOD}-noi-bo.html",
    )
    assert docx.is_file() and html.is_file()
    flat = run["stdout"].replace("\n", "")
    assert str(docx) in flat and str(html) in flat
    # and where the analysts' text came from (no Word document in the sample: the Markdown)
    assert "Nội dung viết tay lấy từ các tệp Markdown trong narrative/2021-H1" in " ".join(
        run["stdout"].split()
    )
    # in Vietnamese: each file by its role, the backend, no identifiers
    assert f"Văn bản để ký, Word (.docx): {docx}" in flat
    assert f"Dự thảo rà soát nội bộ, trang web (.html): {html}" in flat
    assert f"Trang công khai, trang web (.html): {run['output']}" in flat
    assert "DỰ THẢO" not in flat  # the sample's narrative is complete
    assert "Báo cáo (lập bằng bộ dựng sẵn có):" in flat or "(lập bằng Quarto)" in flat
    english = re.findall(r"\b(internal|public|builtin|quarto)\b", run["stdout"])
    assert english == [] and "(manifest)" not in run["stdout"]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_the_pdf_of_the_docx_to_sign_is_written_checked_and_listed(run):
    """LibreOffice's PDF of the finished DOCX, beside it, listed in the run's closing table
    and in the manifest with a digest that another conversion of the same DOCX reproduces."""
    from pypdf import PdfReader

    from baocao.report.review.pdf_check import pdf_problems

    pdf = run["output"] / f"bao-cao-{PERIOD}.pdf"
    assert pdf_problems(pdf) == []
    reader = PdfReader(str(pdf))
    assert len(reader.pages) > 20
    first = " ".join(reader.pages[0].extract_text().split())
    assert "BÁO CÁO" in first and "Lạng Sơn, ngày 05 tháng 7 năm 2021" in first
    assert f"Văn bản để ký, PDF (.pdf): {pdf}" in run["stdout"].replace("\n", "")
    manifest = json.loads((run["output"] / "manifest.json").read_text(encoding="utf-8"))
    assert pdf.name in manifest["report_text"]


def in_order(texts: list[str]) -> list[str]:
    """The outline headings found, in the order of the outline, each after the previous one."""
    found, position = [], 0
    texts = [" ".join(t.split()) for t in texts]  # HTML wraps long headings onto lines
    for prefix in OUTLINE:
        for index in range(position, len(texts)):
            if texts[index].startswith(prefix):
                found.append(prefix)
                position = index + 1
                break
    return found


def totals_shown(catalogue) -> dict[str, str]:
    from baocao.base.numbers import format_number

    expected = expected_totals(catalogue, units_2021_list())
    shown = {}
    for i in catalogue.indicators:
        total = expected[i.code]
        if math.isnan(total):
            continue
        if i.kind == "money":  # Phụ lục I shows money in triệu đồng, one decimal
            shown[i.code] = format_number(total / 1_000_000, 1)
        else:
            shown[i.code] = format_number(total, decimals=0 if i.whole else 1, trim=not i.whole)
    return shown


def units_2021_list():
    from baocao.config.paths import ProjectPaths
    from baocao.config.units import load_units

    return load_units(ProjectPaths.default().config).for_period(PERIOD)


def test_docx_has_the_outline_in_order_and_the_appendix_totals(run, catalogue):
    document = Document(str(run["output"] / f"bao-cao-{PERIOD}.docx"))
    headings = [p.text.strip() for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert in_order(headings) == OUTLINE
    appendix = [
        [[c.text.strip() for c in row.cells] for row in t.rows]
        for t in document.tables
        if t.rows[-1].cells[1].text.strip() == "Tổng cộng"
    ]
    by_code = appendix_by_code(appendix, catalogue, units_2021_list())
    for code, shown in totals_shown(catalogue).items():
        assert by_code[code]["total"] == shown, code


def test_html_has_the_outline_in_order_and_the_appendix_totals(run, catalogue):
    soup = BeautifulSoup(
        (run["output"] / f"bao-cao-{PERIOD}-noi-bo.html").read_text(encoding="utf-8"),
        "html.parser",
    )
    assert soup.html.get("lang") == "vi"
    headings = [h.get_text(" ", strip=True) for h in soup.find_all(["h1", "h2", "h3", "h4"])]
    assert in_order(headings) == OUTLINE
    appendix = [
        [
            [" ".join(c.get_text(" ").split()) for c in tr.find_all(["td", "th"])]
            for tr in t.find_all("tr")
        ]
        for t in soup.find_all("table")
        if t.caption and t.caption.get_text().startswith("Bảng ")
    ]
    by_code = appendix_by_code(appendix, catalogue, units_2021_list())
    for code, shown in totals_shown(catalogue).items():
        assert by_code[code]["total"] == shown, code


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_printed_appendix_shows_every_figure_of_the_export_whole(run, catalogue):
    """The run's PDF of the 11 districts' DOCX (LibreOffice): each figure of the Excel export's
    Phụ lục I is a whole token of the PDF's text."""
    expected = Counter(export_figures(run["output"] / f"bao-cao-{PERIOD}-so-lieu.xlsx", catalogue))
    assert sum(expected.values()) > 10 * 30
    tokens = Counter(pdf_text(run["output"] / f"bao-cao-{PERIOD}.pdf").split())
    missing = expected - tokens
    assert not missing, dict(list(missing.items())[:10])


def test_values_csv_is_tidy_with_source_cells(run, catalogue):
    values = pd.read_csv(run["processed"] / "values.csv", dtype=str)
    assert list(values.columns) == [
        "period",
        "unit_code",
        "indicator_code",
        "value",
        "reported",
        "included",
        "source_file",
        "sheet",
        "cell",
    ]
    reported = values[values["reported"] == "True"]
    assert reported["cell"].str.match(r"^[A-Z]+\d+$").all()
    assert set(values["indicator_code"]) == set(catalogue.codes)


def docx_text(path: Path) -> str:
    document = Document(str(path))
    cells = (c.text for t in document.tables for row in t.rows for c in row.cells)
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


def test_the_run_id_is_in_the_documents_properties_never_on_a_page(run):
    manifest = json.loads((run["output"] / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["run_id"]) == 12
    assert manifest["inputs"]["raw"] and manifest["reused_units"] == []
    assert manifest["draft"] == {"missing": [], "not_published": {}}
    for name in (f"bao-cao-{PERIOD}.docx", f"bao-cao-{PERIOD}-noi-bo.docx"):
        properties = Document(str(run["output"] / name)).core_properties
        assert properties.identifier == manifest["run_id"]
        assert "baocao" in properties.comments and manifest["run_id"] in properties.comments
        assert manifest["run_id"] not in docx_text(run["output"] / name)
    for name in (f"bao-cao-{PERIOD}-noi-bo.html", f"bao-cao-{PERIOD}-cong-khai.html"):
        page = (run["output"] / name).read_text(encoding="utf-8")
        assert manifest["run_id"] not in page and "mã lần chạy" not in page


def test_the_document_to_sign_holds_only_what_its_recipients_read(run):
    """The complete sample narrative: a final document (no DỰ THẢO) with the report, its
    restricted sub-part (the signed report goes to superiors) and the appendices, and none of
    the analyst's material, which the internal draft keeps (issue 20)."""
    signed = docx_text(run["output"] / f"bao-cao-{PERIOD}.docx")
    internal = docx_text(run["output"] / f"bao-cao-{PERIOD}-noi-bo.docx")
    analysts = (
        "Tình hình tiếp nhận số liệu của các đơn vị",  # the validation annex
        "(bản nội bộ, không công bố)",
        "Chưa có nội dung",
        "Theo đề cương, mục này cần nêu",
    )
    for text in analysts[:2]:
        assert text not in signed and text in internal, text
    for text in analysts[2:]:
        assert text not in signed and text not in internal, text
    assert "DỰ THẢO" not in signed
    assert "Các vụ việc có dấu hiệu tham nhũng, lãng phí đã theo dõi" in signed
    assert Document(
        str(run["output"] / f"bao-cao-{PERIOD}.docx")
    ).core_properties.content_status == ("Văn bản để ký")


def test_a_draft_keeps_the_earlier_public_page_and_says_what_is_missing(run, project, tmp_path):
    """The sample rerun (every unit reused) with one section of its narrative emptied: the
    document to sign is marked DỰ THẢO and names the section, the run lists it, and no public
    page is published: the earlier run's stays, and the manifest says it is that run's."""
    shutil.copytree(run["processed"].parent, tmp_path / "processed")
    shutil.copytree(run["output"].parent, tmp_path / "output")
    root = tmp_path / "root"
    for folder in ("config", "notebooks", "narrative"):
        shutil.copytree(project.root / folder, root / folder)
    for source in (project.report_source, project.root / "requirements.lock"):
        shutil.copy(source, root / source.name)
    (root / "narrative" / PERIOD / "nhiem-vu-5.md").write_text(" \n", encoding="utf-8")
    output = tmp_path / "output" / PERIOD
    public = output / f"bao-cao-{PERIOD}-cong-khai.html"
    before = public.read_bytes()
    env = {
        **os.environ,
        "BAOCAO_ROOT": str(root),
        "BAOCAO_RAW_DIR": str(project.raw),
        "BAOCAO_PROCESSED_DIR": str(tmp_path / "processed"),
        "BAOCAO_OUTPUT_DIR": str(tmp_path / "output"),
        "COLUMNS": "250",
    }
    command = [sys.executable, "-m", "baocao", "run", "--period", PERIOD]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert public.read_bytes() == before
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["draft"]["not_published"] == {public.name: "lần chạy trước"}
    [missing] = manifest["draft"]["missing"]
    assert (
        missing.startswith("Mục “5. Tăng cường củng cố tổ chức") and "chưa có nội dung" in missing
    )
    assert "public" not in manifest["rendered_profiles"]
    said = " ".join(done.stdout.split())
    assert f"Văn bản để ký là DỰ THẢO; còn thiếu: – {missing}" in said
    kept = "không xuất bản lần này vì văn bản để ký còn là dự thảo; giữ nguyên trang của lần"
    assert f"{kept} chạy trước: {public}" in said
    signed = [p.text for p in Document(str(output / f"bao-cao-{PERIOD}.docx")).paragraphs]
    assert signed[:3] == ["DỰ THẢO", "Còn thiếu:", missing]


def test_every_appendix_total_recomputed_from_the_raw_workbooks_matches_the_docx(run, project):
    from recompute import appendix_totals_in_docx, shown_in_appendix, totals

    expected = shown_in_appendix(totals(project.raw_period(PERIOD), project.config), project.config)
    shown = appendix_totals_in_docx(run["output"] / f"bao-cao-{PERIOD}.docx")
    assert len(expected) >= 50
    assert {label: shown.get(label) for label in expected} == expected


# Libraries a rerun with nothing changed has no use for: they are what made it slow (issue 11).
HEAVY = ("pandas", "openpyxl", "docx", "nbformat", "nbclient", "great_expectations", "matplotlib")


def test_rerun_with_nothing_changed_imports_no_heavy_library(run):
    out = run["processed"].parent.parent
    env = {
        **os.environ,
        "BAOCAO_PROCESSED_DIR": str(out / "processed"),
        "BAOCAO_OUTPUT_DIR": str(out / "output"),
    }
    last = sorted((out / "processed" / ".cache" / "last").rglob("*.json"))
    written = {p: p.stat().st_mtime_ns for p in last}
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "baocao", "run", "--period", PERIOD],
        env=env,
        cwd=out,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    manifest = json.loads((run["output"] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rendered_profiles"] == [] and manifest["timings"]["render"] == {}
    imported = {
        line.split("|")[-1].strip()
        for line in completed.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert not sorted(name for name in imported if name.split(".")[0] in HEAVY)
    assert "baocao.report.review.pages" not in imported  # no notebook ran: no page to make
    assert len(last) >= 11 and {p: p.stat().st_mtime_ns for p in last} == written
