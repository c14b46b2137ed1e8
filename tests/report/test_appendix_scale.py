"""Phụ lục I at commune scale: a synthetic province of 65 units rendered once (real kernel,
pandoc, DOCX finisher), read back from the DOCX, the HTML, the Excel export and, where
LibreOffice is installed, the PDF it prints; and the tables' layout at 168 units (the largest
province) without rendering.
"""

from __future__ import annotations

import subprocess
from collections import Counter

import docx
import pytest
from browser import needs_chromium, open_page
from bs4 import BeautifulSoup
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm
from office import SOFFICE, soffice_pdf
from openpyxl import load_workbook
from test_html import browser  # noqa: F401 (a fixture)
from test_render import vn

from baocao import synthetic
from baocao.config.catalog import load_catalogue
from baocao.config.units import load_units
from baocao.report.compose import table_layout as tl
from baocao.report.compose.appendices import appendix_tables
from baocao.report.render import reports as render
from baocao.report.review.export import CODE_ROW, FIRST_UNIT_ROW, build_workbook, write_workbook
from baocao.run.aggregate import appendix_table

pytestmark = pytest.mark.slow
PERIOD = "2024-H1"  # the sample plants no irregularity in this period
SIZE = 65
MISSING = "S0003"  # sends nothing
TWIPS_PER_MM = 1440 / 25.4


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """The 65-unit province rendered once (internal DOCX and HTML) and exported to Excel."""
    tmp = tmp_path_factory.mktemp("province")
    paths = synthetic.make_province(tmp, SIZE)
    values, status = synthetic.write_processed(paths, PERIOD, missing=[MISSING])
    result = render.render_report(PERIOD, "internal", paths, tmp / "out", backend="builtin")
    catalogue = load_catalogue(paths.config)
    units = load_units(paths.config).for_period(PERIOD)
    book = build_workbook(PERIOD, catalogue, units, values, values.iloc[0:0], status)
    export = write_workbook(book, tmp / "export.xlsx")
    return {
        "tmp": tmp,
        "docx": result.outputs["docx"],
        "html": result.outputs["html"],
        "export": export,
        "catalogue": catalogue,
        "units": units,
        "values": values,
    }


def by_unit_tables(document) -> list:
    found = []
    for table in document.tables:
        caption = table._tbl.tblPr.find(qn("w:tblCaption"))
        if caption is not None and caption.get(qn("w:val")).startswith("Bảng "):
            found.append(table)
    return found


def export_figures(path, catalogue) -> list[str]:
    """Every figure of the export's Phụ lục I, printed as the report prints it."""
    sheet = load_workbook(path)["Phụ lục I"]
    codes = [c.value for c in sheet[CODE_ROW]]
    shown = []
    for row in sheet.iter_rows(min_row=FIRST_UNIT_ROW, min_col=4):
        for cell in row:
            if isinstance(cell.value, int | float):
                kind = catalogue.indicator(codes[cell.column - 1]).kind
                shown.append(vn(float(cell.value), kind))
    return shown


def pdf_tokens(source, folder) -> Counter:
    pdf = soffice_pdf(source, folder, check=True)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return Counter(text.split())


# --- DOCX ----------------------------------------------------------------------------------


def test_docx_appendix_has_units_as_rows_and_the_total_last(province):
    document = docx.Document(str(province["docx"]))
    units, catalogue = province["units"], province["catalogue"]
    tables = by_unit_tables(document)
    assert len(tables) >= len({i.section.split(".")[0] for i in catalogue.indicators})
    seen = []
    for table in tables:
        rows = table.rows
        assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
        assert [c.text for c in rows[0].cells[:2]] == ["STT", "Đơn vị"]
        assert [r.cells[1].text for r in rows[1:-1]] == [u.short for u in units]
        assert rows[-1].cells[1].text == "Tổng cộng"
        assert [r.cells[0].text for r in rows[1:-1]] == [str(n) for n in range(1, SIZE + 1)]
        seen += [c.text for c in rows[0].cells[2:]]
    expected = []
    for i in catalogue.indicators:
        unit = "triệu đồng" if i.kind == "money" else i.unit
        expected.append(f"{i.label} ({unit})")
    assert seen == expected  # every indicator once, in catalogue order


def test_docx_appendix_is_landscape_and_every_figure_fits_its_column(province):
    document = docx.Document(str(province["docx"]))
    section = document.sections[1]  # Phụ lục I
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert abs(section.page_width - Mm(297)) < Mm(0.5)
    text_mm = (section.page_width - section.left_margin - section.right_margin) / 36000
    pad = 2 * tl.CELL_MARGIN_MM
    for table in by_unit_tables(document):
        grid = [int(c.get(qn("w:w"))) / TWIPS_PER_MM for c in table._tbl.tblGrid]
        assert sum(grid) <= text_mm + 0.5
        last = len(table.rows) - 1
        for number, row in enumerate(table.rows[1:], start=1):
            for width, cell in zip(grid[2:], row.cells[2:], strict=True):
                need = tl.cell_width_mm(cell.text, tl.APPENDIX_PT, bold=number == last)
                assert need + pad <= width, (cell.text, need, width)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_pdf_shows_every_figure_of_the_export_whole(province):
    """The printed appendix, as LibreOffice lays it out: each figure of the Excel export's
    Phụ lục I is a whole token of the PDF's text (none broken over two lines)."""
    expected = Counter(export_figures(province["export"], province["catalogue"]))
    assert sum(expected.values()) > SIZE * 30
    tokens = pdf_tokens(province["docx"], province["tmp"] / "pdf")
    missing = expected - tokens
    assert not missing, dict(list(missing.items())[:10])


# --- HTML ----------------------------------------------------------------------------------


def test_html_appendix_scrolls_links_units_and_ends_with_the_total(province):
    soup = BeautifulSoup(province["html"].read_text(encoding="utf-8"), "html.parser")
    tables = [
        t for t in soup.find_all("table") if t.caption and t.caption.get_text().startswith("Bảng ")
    ]
    assert len(tables) == len(by_unit_tables(docx.Document(str(province["docx"]))))
    for table in tables:
        assert table.parent["class"] == ["table-scroll", "wide"]
        assert [th.get_text(strip=True) for th in table.thead.find_all("th")][:2] == [
            "STT",
            "Đơn vị",
        ]
        body = table.tbody.find_all("tr")
        assert len(body) == SIZE + 1
        assert body[-1].find_all("td")[1].get_text(strip=True) == "Tổng cộng"
        links = [a["href"] for a in table.tbody.find_all("a")]
        assert links == [f"notebooks/{u.code}.html" for u in province["units"] if u.code != MISSING]


def test_html_submission_annex_lists_who_needs_attention_not_every_unit(province):
    soup = BeautifulSoup(province["html"].read_text(encoding="utf-8"), "html.parser")
    text = " ".join(soup.get_text(" ").split())
    assert "Đơn vị chưa nộp tệp số liệu (1): Xã Thử Nghiệm 3." in text
    assert f"Đã tiếp nhận tệp số liệu của {SIZE - 1}/{SIZE} đơn vị" in text
    long_tables = [t for t in soup.find_all("table") if len(t.find_all("tr")) > SIZE / 2]
    assert all(t.caption and t.caption.get_text().startswith("Bảng ") for t in long_tables)


# --- Excel export --------------------------------------------------------------------------


def test_export_has_the_report_grouping_and_frozen_panes(province):
    sheet = load_workbook(province["export"])["Phụ lục I"]
    assert sheet.freeze_panes == "D4"
    bands = [c.value for c in sheet[1] if c.value]
    document = docx.Document(str(province["docx"]))
    captions = [
        t._tbl.tblPr.find(qn("w:tblCaption")).get(qn("w:val")) for t in by_unit_tables(document)
    ]
    assert bands == captions
    names = [sheet.cell(row=r, column=3).value for r in range(FIRST_UNIT_ROW, sheet.max_row + 1)]
    assert names == [*(u.short for u in province["units"]), "Tổng cộng"]


# --- 168 units, the largest province: the layout alone ------------------------------------


def test_168_units_every_table_fits_a_landscape_page(tmp_path):
    paths = synthetic.make_province(tmp_path, 168)
    values, _ = synthetic.write_processed(paths, PERIOD)
    catalogue = load_catalogue(paths.config)
    units = load_units(paths.config).for_period(PERIOD)
    tables = appendix_tables(appendix_table(values, catalogue, units), units, catalogue)
    room = tl.landscape_text_width_mm()
    assert sum(len(t.codes) for t in tables) == len(catalogue.indicators)
    for table in tables:
        assert sum(table.widths_mm) <= room + 1e-6, table.caption
        assert len(table.rows) == 168 + 1 and table.rows[-1][1] == "Tổng cộng"
        for c, width in enumerate(table.widths_mm[2:], start=2):
            for row in table.rows:
                assert tl.cell_width_mm(row[c], tl.APPENDIX_PT, bold=True) + tl.cell_pad_mm() <= (
                    width + 1e-6
                )


@needs_chromium
def test_html_appendix_keeps_its_header_in_view_and_hides_no_row_in_chromium(province, request):
    """Scrolled down inside its box, a table of 65 units still shows its header row at the top;
    the province's total is not pinned over the rows (it stays last, below them); the page
    itself never gets wider than the window."""
    chromium = request.getfixturevalue("browser")  # test_html's headless Chromium
    tab, _ = open_page(chromium, province["html"])
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    geometry = tab.evaluate(
        "(() => { const b = document.querySelector('.table-scroll.wide');"
        " b.scrollTop = 600;"
        " const box = b.getBoundingClientRect();"
        " const head = b.querySelector('thead th').getBoundingClientRect();"
        " const rows = b.querySelectorAll('tbody tr');"
        " const total = rows[rows.length - 1].querySelector('td').getBoundingClientRect();"
        " return {scrolled: b.scrollTop, tall: b.scrollHeight > b.clientHeight,"
        " headTop: head.top - box.top, totalBelow: total.top - box.bottom}; })()",
    )
    assert geometry["tall"] and geometry["scrolled"] > 0
    assert abs(geometry["headTop"]) < 2  # the header row sits at the top of the box
    assert geometry["totalBelow"] > 0  # the total row waits below, after the last unit
