"""The public page a province publishes, read in a real browser (Playwright on Debian's chromium).

For both sample periods — 2021-H1 (11 districts) and 2026-H1 (65 communes) — a copy of the
project gets the sample's figures and models, a run id, and a narrative with every section of
the outline written, and its public page is rendered once per session with the built-in backend
(tests/report/public_render.py, fixture `public_page_renders`). One browser session per page measures it at 1280
px and 390 px (tests/report/browser.py) and the tests below assert on those measurements:

* the top of the page is the signed document's header: parent and issuing body, "Số: …" and
  place and date from the report settings, above the title and the table of contents;
* at 1280 px every column of Phụ lục I is in view without scrolling (a table may be wider than
  the text column, never than the window);
* at 390 px the unit's name stays in view while the figures scroll, and every unit is seen
  with a figure beside it;
* no sticky row hides a row (hit tests scrolled through every table);
* Phụ lục II's programme rows span the table;
* nothing of the tool or the run is on the page.

The Quarto-rendered public page (tests/report/quarto_renders.py) gets the same checks at 1280
px. Screenshots go to $BAOCAO_SCREENSHOTS when set.
"""

from __future__ import annotations

import pytest
from browser import DESKTOP, PHONE, chromium, needs_chromium, read_public_page, shots_folder
from conftest import requires_quarto
from public_render import RUN_ID

from baocao.config.settings import load_report_settings
from baocao.config.units import load_units
from baocao.report.compose import titles

pytestmark = [pytest.mark.slow, needs_chromium]
PERIODS = {"2021-H1": 11, "2026-H1": 65}  # period -> units in its list
TOOL_WORDS = ("baocao", RUN_ID, "mã lần chạy", "công cụ")


@pytest.fixture(scope="module")
def public_pages(public_page_renders, tmp_path_factory):
    """{period: (paths, page, measurements)}: each period's public page (rendered once per
    session, tests/conftest.py) read in one browser."""
    shots = shots_folder(tmp_path_factory.mktemp("shots"))
    with chromium() as browser:
        return {
            period: (paths, page, read_public_page(browser, page, shots, f"builtin-{period}"))
            for period in PERIODS
            for paths, page in [public_page_renders(period)]
        }


def expected_header(paths, period: str) -> dict[str, str]:
    settings = load_report_settings(paths.config, period)
    return {
        "parent": settings.parent_body,
        "issuing": settings.issuing_body,
        "number": titles.document_number(settings, period),
        "nation": titles.NATION,
        "motto": titles.MOTTO,
        "date": titles.place_and_date(settings, period),
        "titleText": f"{titles.TITLE} {titles.subject_line(period, settings)}",
        "pageTitle": titles.report_title(period, settings),
    }


def assert_header_on_top(header: dict, expected: dict, toc_below: bool = True) -> None:
    assert {key: header[key] for key in expected} == expected
    assert header["header"]["top"] < 120, "the header opens the page"
    assert header["header"]["bottom"] <= header["title"]["top"] + 1
    assert header["title"]["bottom"] <= header["firstHeading"]["top"]
    if toc_below and header["toc"] is not None:
        assert header["title"]["bottom"] <= header["toc"]["top"] + 1
    assert header["pageWidth"] <= header["window"], "the page is wider than the window"


def assert_all_columns_in_view(tables: list[dict]) -> None:
    assert tables, "Phụ lục I has tables by unit"
    for table in tables:
        assert not table["scrolls"], f"{table['caption']}: scrolls sideways at 1280 px"
        assert table["headsOutside"] == 0, f"{table['caption']}: columns cut off"
        assert not table["captionOutside"], f"{table['caption']}: caption cut off"
        assert table["left"] >= 0 and table["right"] <= DESKTOP


def assert_rows_seen(rows: list[dict], tables: int) -> None:
    assert len(rows) == tables
    for table in rows:
        assert table["count"] == 0, f"{table['caption']}: {table['problems']}"


@pytest.mark.parametrize("period", PERIODS)
def test_the_signed_documents_header_opens_the_page(public_pages, period):
    paths, _, measured = public_pages[period]
    expected = expected_header(paths, period)
    assert_header_on_top(measured[DESKTOP]["header"], expected)
    desktop = measured[DESKTOP]["header"]
    # Side by side on a desktop, as on paper: the bodies at the left, the nation at the right.
    assert desktop["left"]["right"] <= desktop["right"]["left"]
    assert abs(desktop["left"]["top"] - desktop["right"]["top"]) < 2
    phone = measured[PHONE]["header"]
    assert {key: phone[key] for key in expected} == expected
    assert phone["header"]["top"] < 120 and phone["pageWidth"] <= PHONE


@pytest.mark.parametrize("period", PERIODS)
def test_every_appendix_column_is_in_view_on_a_desktop(public_pages, period):
    tables = public_pages[period][2][DESKTOP]["tables"]
    assert_all_columns_in_view(tables)
    units = load_units(public_pages[period][0].config).for_period(period)
    assert len(units) == PERIODS[period]
    assert all(row["rows"] == len(units) + 1 for row in public_pages[period][2][DESKTOP]["rows"])


@pytest.mark.parametrize("period", PERIODS)
def test_on_a_phone_the_unit_stays_in_view_beside_a_figure(public_pages, period):
    measured = public_pages[period][2][PHONE]
    assert any(table["scrolls"] for table in measured["rows"]), "a phone scrolls the figures"
    assert_rows_seen(measured["rows"], len(measured["tables"]))


@pytest.mark.parametrize("period", PERIODS)
def test_no_sticky_row_hides_a_row(public_pages, period):
    measured = public_pages[period][2][DESKTOP]
    assert_rows_seen(measured["rows"], len(measured["tables"]))


@pytest.mark.parametrize("period", PERIODS)
def test_programme_rows_span_phu_luc_ii(public_pages, period):
    for width in (DESKTOP, PHONE):
        found = public_pages[period][2][width]["programmes"]
        assert found["tables"] == 1 and found["rows"], "Phụ lục II lists models by programme"
        for row in found["rows"]:
            assert row["cells"] == 2, row  # the number, then the title across the table
            assert abs(row["fromFirst"]) < 2 and abs(row["toRight"]) < 2, row


@pytest.mark.parametrize("period", PERIODS)
def test_nothing_of_the_tool_or_the_run_on_the_page(public_pages, period):
    _, page, measured = public_pages[period]
    html = page.read_text(encoding="utf-8")
    assert RUN_ID not in html
    for width in (DESKTOP, PHONE):
        text = measured[width]["text"].casefold()
        assert [w for w in TOOL_WORDS if w in text] == []
        assert "baocao" not in measured[width]["header"]["pageTitle"].casefold()
    assert measured["log"].errors == []
    assert [r for r in measured["log"].requests if not r.startswith(("file:", "data:"))] == []


@requires_quarto
@pytest.mark.quarto
def test_quarto_public_page_has_the_header_and_every_column_in_view(backend_renders, tmp_path):
    paths, results = backend_renders  # the shared render (tests/report/quarto_renders.py)
    page = results["quarto"].files["public"]["html"]
    period = "2021-H1"
    with chromium() as browser:
        measured = read_public_page(browser, page, shots_folder(tmp_path), "quarto-2021-H1")
    # Quarto keeps its table of contents beside the text, not under the title.
    assert_header_on_top(measured[DESKTOP]["header"], expected_header(paths, period), False)
    assert_all_columns_in_view(measured[DESKTOP]["tables"])
    for width in (DESKTOP, PHONE):
        assert_rows_seen(measured[width]["rows"], len(measured[width]["tables"]))
