"""The illustrative sample: the plan is deterministic and the files hold exactly what it says."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from baocao.config.catalog import load_catalogue
from baocao.config.periods import Period, read_written_period
from baocao.config.units import load_units
from baocao.intake import layout
from baocao.intake.template import template_file_name
from baocao.sample import write_sample
from baocao.sample_plan import ALL_PERIODS, PERIODS, PERIODS_2026, sample_plan

MESSY = "2021-H1"
CLEAN = "2020-H1"


def nfc(value):
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


@pytest.fixture(scope="module")
def out_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sample")
    for period in PERIODS:
        write_sample(period, root)
    return root


@pytest.fixture(scope="module")
def plans():
    return {period: sample_plan(period) for period in PERIODS}


def sheets(path: Path) -> dict[str, list[list]]:
    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


def data_cells(table: list[list]) -> dict[str, tuple]:
    """Indicator code -> (value cell, note cell), found below the header row."""
    header = next(i for i, row in enumerate(table) if tuple(map(nfc, row)) == layout.DATA_COLUMNS)
    at = {name: layout.DATA_COLUMNS.index(name) for name in layout.DATA_COLUMNS}
    return {
        row[at[layout.COL_CODE]]: (row[at[layout.COL_VALUE]], row[at[layout.COL_NOTE]])
        for row in table[header + 1 :]
        if row[at[layout.COL_CODE]]
    }


def test_plan_is_deterministic():
    for period in PERIODS:
        assert sample_plan(period) == sample_plan(period)
    assert sample_plan(MESSY).values != sample_plan(CLEAN).values


def test_files_match_plan(out_root, plans, paths):
    for period, plan in plans.items():
        names = {p.name for p in (out_root / period).iterdir()}
        assert names == set(plan.file_names.values())
        units = {u.code for u in load_units(paths.config).for_period(period)}
        assert set(plan.file_names) | plan.missing_units == units
    assert len(plans[MESSY].file_names) == 10
    assert len(plans[CLEAN].file_names) == 11


def test_missing_unit_has_no_file(out_root, plans):
    plan = plans[MESSY]
    assert plan.missing_units == {"189"}
    assert "189" not in plan.file_names
    assert not any(u == "189" for u, _ in plan.values)
    assert not any(p.name.startswith("189") for p in (out_root / MESSY).iterdir())


def test_values_read_back(out_root, plans, catalogue):
    for period, plan in plans.items():
        for unit, name in plan.file_names.items():
            cells = data_cells(sheets(out_root / period / name)[layout.SHEET_DATA])
            assert set(cells) == set(catalogue.codes)
            for code, (value, note) in cells.items():
                expected = plan.values[(unit, code)]
                if (unit, code) in plan.messy:
                    assert value == plan.messy[(unit, code)]
                elif expected is None:
                    assert value == ""
                else:
                    assert not isinstance(value, str), (unit, code, value)
                    assert value == expected, (unit, code)
                assert note == plan.notes.get((unit, code), "")


def test_sample_mark_on_every_sheet(out_root, plans):
    for period, plan in plans.items():
        for unit, name in plan.file_names.items():
            book = sheets(out_root / period / name)
            assert set(book) == set(layout.SHEETS)
            for sheet, table in book.items():
                texts = {nfc(cell) for row in table for cell in row}
                assert layout.SAMPLE_MARK in texts, (unit, sheet)
            info = {nfc(row[0]): row[1] for row in book[layout.SHEET_INFO]}
            assert nfc(info[layout.COL_NOTE]) == layout.SAMPLE_MARK


def test_info_sheet(out_root, plans):
    for period, plan in plans.items():
        for unit, name in plan.file_names.items():
            table = sheets(out_root / period / name)[layout.SHEET_INFO]
            info = {nfc(row[0]): row[1] for row in table}
            assert info[layout.INFO_FIELDS["unit"]] == plan.info_unit_names[unit]
            written = nfc(info[layout.INFO_FIELDS["period"]])
            assert written == Period.parse(period).label()  # in words, as the report says it
            assert read_written_period(written) == Period.parse(period)
            person, filled_on = plan.filled[unit]
            assert nfc(info[layout.INFO_FIELDS["filled_by"]]) == person
            assert info[layout.INFO_FIELDS["date"]] == filled_on


def test_models_read_back(out_root, plans):
    for period, plan in plans.items():
        for unit, name in plan.file_names.items():
            table = sheets(out_root / period / name)[layout.SHEET_MODELS]
            header = next(
                i for i, row in enumerate(table) if tuple(map(nfc, row)) == layout.MODEL_COLUMNS
            )
            written = [
                dict(zip(layout.MODEL_FIELDS, map(nfc, row), strict=True))
                for row in table[header + 1 :]
                if any(row)
            ]
            assert 1 <= len(written) <= 4
            assert written == plan.models[unit]


def test_exactly_one_broken_error_rule(plans, catalogue):
    plan = plans[MESSY]
    assert plan.broken == {("187", "hg_vu_thanh_cong"): "not_above"}
    assert plan.values[("187", "hg_vu_thanh_cong")] > plan.values[("187", "hg_vu_tiep_nhan")]
    assert plans[CLEAN].broken == {}
    for period, p in plans.items():
        for (unit, code), value in p.values.items():
            for rule in catalogue.indicator(code).rules:
                if rule.severity != "error" or value is None or (unit, code) in p.broken:
                    continue
                if rule.rule == "not_above":
                    other = p.values[(unit, rule.other)]
                    assert other is None or value <= other, (period, unit, code)
                elif rule.rule == "between":
                    assert rule.min <= value <= rule.max
                else:
                    assert value >= 0


def test_warning_case_is_text_and_above_receipts(plans):
    plan = plans[MESSY]
    cell = ("185", "covid_tien_phan_bo")
    assert plan.warnings == {cell: "not_above"}
    assert cell in plan.messy and cell not in plan.broken
    assert plan.values[cell] > plan.values[("185", "covid_tien_tiep_nhan")]


def test_messy_cases_of_2021(plans):
    plan = plans[MESSY]
    texts = set(plan.messy.values())
    assert {"1.357", "15 triệu", "1,5 tỷ", "1,5 tỉ"} <= texts
    assert any(t.endswith("đồng") and " " not in t for t in texts)
    assert any(t.endswith(" đ") for t in texts)
    assert len({unit for unit, _ in plan.messy}) >= 5
    assert plan.values[("180", "tt_luot_nguoi")] == 1357
    assert plan.values[("186", "quy_vnn_van_dong")] == 1_500_000_000
    assert plan.info_unit_names["180"] == "Trang Dinh"
    assert plan.info_unit_names["178"] == "TP. Lạng Sơn"
    assert plan.file_names["188"] != "188-loc-binh-2021-H1.xlsx"
    blanks = {cell for cell, value in plan.values.items() if value is None}
    assert len(blanks) == 2
    (unit,) = {u for u, _ in blanks}
    assert plan.values[(unit, "dn_van_ban_ky_ket")] == 0


def test_nfd_workbook(out_root, plans):
    plan = plans[MESSY]
    assert len(plan.nfd_units) == 1
    (unit,) = plan.nfd_units
    book = sheets(out_root / MESSY / plan.file_names[unit])
    texts = [cell for table in book.values() for row in table for cell in row]
    texts = [t for t in texts if isinstance(t, str) and t != nfc(t)]
    assert len(texts) > 50
    assert all(unicodedata.is_normalized("NFD", t) for t in texts)
    assert plan.info_unit_names[unit] != nfc(plan.info_unit_names[unit])
    others = [u for u in plan.file_names if u != unit]
    for other in others[:2]:
        table = sheets(out_root / MESSY / plan.file_names[other])[layout.SHEET_DATA]
        assert all(nfc(c) == c for row in table for c in row)


def test_clean_period(plans, paths):
    plan = plans[CLEAN]
    assert not (plan.messy or plan.broken or plan.warnings or plan.missing_units)
    assert not plan.nfd_units
    assert all(value is not None for value in plan.values.values())
    for unit in load_units(paths.config).for_period(CLEAN):
        assert plan.file_names[unit.code] == template_file_name(unit, CLEAN)
        assert plan.info_unit_names[unit.code] == unit.name


def test_magnitudes(plans, catalogue):
    plan = plans[MESSY]
    units = {u for u, _ in plan.values}

    def column(code):
        return [plan.values[(u, code)] for u in units if plan.values[(u, code)] is not None]

    assert all(3e8 <= v <= 2e9 for v in column("quy_vnn_van_dong"))
    assert all(10 <= v <= 40 for v in column("txct_hoi_nghi"))
    assert all(15 <= v <= 50 for v in column("hg_vu_tiep_nhan") if v != 30)
    assert all(80 <= v <= 98 for v in column("ntm_ty_le_hai_long"))
    assert all(50 <= v <= 300 for v in column("ctri_y_kien_tap_hop"))
    for unit in units:
        meetings = plan.values[(unit, "txct_hoi_nghi")]
        assert 50 * meetings <= plan.values[(unit, "txct_luot_nguoi")] <= 150 * meetings
    for (_unit, code), value in plan.values.items():
        kind = catalogue.indicator(code).kind
        if kind == "money" and value is not None:
            assert isinstance(value, int) and value % 1000 == 0
        if kind == "count" and value is not None:
            assert isinstance(value, int)
    # 2020-H1 magnitudes are 85–95 % of 2021-H1's, cell by cell (different draws).
    clean = plans[CLEAN]
    for code in ("hg_so_to", "ntm_nguoi_lay_y_kien", "quy_vnn_van_dong"):
        for unit in units:
            if (unit, code) in plan.messy:
                continue
            ratio = clean.values[(unit, code)] / plan.values[(unit, code)]
            assert 0.84 <= ratio <= 0.96, (unit, code, ratio)


def test_written_twice_identical(tmp_path, out_root, plans):
    write_sample(MESSY, tmp_path)
    for name in plans[MESSY].file_names.values():
        first, second = out_root / MESSY / name, tmp_path / MESSY / name
        assert sheets(first) == sheets(second)
        assert first.read_bytes() == second.read_bytes()


# --- 2025-H1 (the districts' last half-year) and 2026-H1 (the 65 communes) -----------------

COMMUNES = "2026-H1"
LAST_DISTRICTS = "2025-H1"


@pytest.fixture(scope="module")
def out_2026(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sample2026")
    for period in PERIODS_2026:
        write_sample(period, root)
    return root


def test_2026_plans_are_deterministic_and_differ():
    for period in PERIODS_2026:
        assert sample_plan(period) == sample_plan(period)
    assert ALL_PERIODS == PERIODS + PERIODS_2026


def test_2026_files_hold_the_plan_under_the_2026_catalogue(out_2026, paths):
    for period in PERIODS_2026:
        plan = sample_plan(period)
        catalogue = load_catalogue(paths.config, period)
        units = load_units(paths.config).for_period(period)
        assert set(plan.file_names) | plan.missing_units == {u.code for u in units}
        names = {p.name for p in (out_2026 / period).iterdir()}
        assert names == set(plan.file_names.values())
        for unit, name in plan.file_names.items():
            book = sheets(out_2026 / period / name)
            cells = data_cells(book[layout.SHEET_DATA])
            assert set(cells) == set(catalogue.codes), (period, unit)
            for code, (value, _note) in cells.items():
                expected = plan.values[(unit, code)]
                if (unit, code) in plan.messy:
                    assert value == plan.messy[(unit, code)]
                elif expected is None:
                    assert value == ""
                else:
                    assert value == expected, (period, unit, code)
            info = {nfc(row[0]): row[1] for row in book[layout.SHEET_INFO]}
            assert info[layout.INFO_FIELDS["unit"]] == plan.info_unit_names[unit]
            assert nfc(info[layout.COL_NOTE]) == layout.SAMPLE_MARK


def test_2026_commune_files_and_irregularities(paths):
    plan = sample_plan(COMMUNES)
    catalogue = load_catalogue(paths.config, COMMUNES)
    assert len(plan.file_names) == 64 and plan.missing_units == {"06637"}
    # Codes stay 5-digit strings with their leading zero, in the plan and in file names.
    assert all(len(u) == 5 and u.startswith("0") for u in plan.file_names)
    assert plan.file_names["06004"] == "06004-quoc-khanh-2026-H1.xlsx"
    assert plan.info_unit_names["06325"] == "xã Bắc Sơn"
    assert plan.info_unit_names["06124"] == "Na Sam"
    assert plan.values[("05977", "vay_du_no")] == 45_200_000_000
    assert plan.messy[("05977", "vay_du_no")] == "45,2 tỷ"
    assert plan.broken == {("06529", "vay_no_qua_han"): "not_above"}
    for (unit, code), value in plan.values.items():
        for rule in catalogue.indicator(code).rules:
            if value is None or (unit, code) in plan.broken or rule.rule != "not_above":
                continue
            other = plan.values[(unit, rule.other)]
            assert other is None or value <= other, (unit, code)
    # Commune scale: province totals of shared figures stay near the districts' of 2025-H1.
    before = sample_plan(LAST_DISTRICTS)
    for code in ("tt_so_cuoc", "hg_so_to", "quy_vnn_van_dong", "txct_hoi_nghi"):
        now = sum(v for (_u, c), v in plan.values.items() if c == code and v)
        then = sum(v for (_u, c), v in before.values.items() if c == code and v)
        assert 0.4 <= now / then <= 2.0, (code, now, then)
    # Models point to the programmes of the 2026 outline (1–7).
    programmes = {m["programme"] for rows in plan.models.values() for m in rows}
    assert programmes <= {1, 2, 3, 4, 6} and 6 in programmes


def test_2025_covid_support_has_ended():
    plan = sample_plan(LAST_DISTRICTS)
    assert len(plan.file_names) == 11
    covid = {v for (_u, c), v in plan.values.items() if c.startswith("covid_")}
    assert covid == {0}
    assert plan.info_unit_names["185"] == "Huyện Bắc Sơn"


def test_committed_sample_is_what_the_generator_writes(out_2026, paths):
    for period in PERIODS_2026:
        committed = {p.name: p.read_bytes() for p in paths.raw_period(period).iterdir()}
        written = {p.name: p.read_bytes() for p in (out_2026 / period).iterdir()}
        assert committed == written, period
