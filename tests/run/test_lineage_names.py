"""Files named by the unit list before 1/7/2025, and one commune sent in parts by its old communes.

Real workbooks: the intake template (`build_template`) of the 2026 catalogue, its `Thông tin`
unit cell (B1) overwritten with openpyxl as an office would write it, in a tmp raw folder read by
the real `discover` (and `validate`'s `check_workbook`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from baocao.config.catalog import load_catalogue
from baocao.config.lineage import old_units, read_name, settle
from baocao.config.paths import ProjectPaths
from baocao.config.units import load_units
from baocao.intake import layout
from baocao.intake.template import build_template
from baocao.run.discover import discover
from baocao.unit.checks import check_workbook

PERIOD = "2026-H1"
NQ = "Nghị quyết số 1672/NQ-UBTVQH15"


@pytest.fixture(scope="module")
def units(project):
    return load_units(project.config).for_period(PERIOD)


@pytest.fixture(scope="module")
def catalogue_2026(project):
    return load_catalogue(project.config, PERIOD)


@pytest.fixture
def raw(tmp_path, project):
    """A tmp project view whose raw folder for 2026-H1 is empty (files are added by tests)."""
    (tmp_path / "raw" / PERIOD).mkdir(parents=True)
    return ProjectPaths(project.root, tmp_path / "raw", tmp_path / "p", tmp_path / "o")


def template_file(paths, units, catalogue, name: str, written: str, unit_code: str = "06001"):
    """The 2026 template of `unit_code`, `Thông tin` saying `written`, saved as `name`."""
    unit = next(u for u in units if u.code == unit_code)
    book = build_template(unit, PERIOD, catalogue, "Lạng Sơn")
    book[layout.SHEET_INFO]["B1"] = written
    path = paths.raw_period(PERIOD) / name
    book.save(path)
    return path


def found(paths, units):
    jobs, rejected = discover(PERIOD, paths, units)
    return {j.path.name: j for j in jobs}, {j.path.name: j for j in rejected}


# --- kind 1: an old unit's name ----------------------------------------------------------------


def test_that_khe_file_saying_chi_lang_is_set_aside_naming_both(raw, units, catalogue_2026):
    # The example: the old Xã Chi Lăng of Tràng Định is now part of Thất Khê (06040); the new
    # Xã Chi Lăng is 06463. Neither gets the file until the office says which it is.
    template_file(raw, units, catalogue_2026, "06040-that-khe-2026-H1.xlsx", "Xã Chi Lăng", "06040")
    jobs, rejected = found(raw, units)
    assert jobs == {}
    [issue] = rejected["06040-that-khe-2026-H1.xlsx"].issues
    assert (issue.severity, issue.kind, issue.cell) == ("error", "unit_conflict", "B1")
    for words in ("Xã Chi Lăng (mã 06463)", "Xã Thất Khê (mã 06040", "mã 06034, H. Tràng Định"):
        assert words in issue.message
    assert "hãy ghi “Xã Thất Khê”" in issue.message and "bắt đầu bằng mã 06463" in issue.message


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Xã Khánh Long", "06001"),
        ("xa Cao Minh", "06001"),
        ("Thị trấn Thất Khê", "06040"),  # an old town: wholly inside one commune
        ("Thị trấn Bắc Sơn", "06325"),
        ("Phường Chi Lăng", "05983"),  # the old ward of TP Lạng Sơn, now Lương Văn Tri
    ],
)
def test_an_old_unit_wholly_in_one_commune_means_it_with_a_warning_citing_nq_1672(
    raw, units, catalogue_2026, written, code
):
    template_file(raw, units, catalogue_2026, "bao-cao-mttq.xlsx", written)
    jobs, rejected = found(raw, units)
    assert rejected == {}
    job = jobs["bao-cao-mttq.xlsx"]
    assert job.unit.code == code
    [issue] = job.issues
    assert (issue.severity, issue.kind, issue.cell) == ("warning", "old_unit_name", "B1")
    assert NQ in issue.message and f"“{written}”" in issue.message
    assert f"{job.unit.name} (mã {code})" in issue.message


def test_an_old_name_in_the_file_name_alone_identifies_the_commune(raw, units, catalogue_2026):
    path = template_file(raw, units, catalogue_2026, "x.xlsx", "")
    path.rename(path.with_name("BC_XaKhanhLong_2026.xlsx"))
    jobs, _ = found(raw, units)
    job = jobs["BC_XaKhanhLong_2026.xlsx"]
    assert job.unit.code == "06001" and job.old == "Xã Khánh Long"
    assert job.issues[0].kind == "old_unit_name" and job.issues[0].cell is None


def test_an_old_name_agreeing_with_the_file_name_is_the_commune(raw, units, catalogue_2026):
    template_file(raw, units, catalogue_2026, "06040-that-khe.xlsx", "Thị trấn Thất Khê", "06040")
    jobs, _ = found(raw, units)
    assert jobs["06040-that-khe.xlsx"].unit.code == "06040"


def test_the_new_chi_lang_writing_its_own_name_with_its_code_is_no_issue(
    raw, units, catalogue_2026
):
    template_file(raw, units, catalogue_2026, "06463-chi-lang.xlsx", "Xã Chi Lăng", "06463")
    jobs, _ = found(raw, units)
    assert (jobs["06463-chi-lang.xlsx"].unit.code, jobs["06463-chi-lang.xlsx"].issues) == (
        "06463",
        [],
    )


@pytest.mark.parametrize(
    ("written", "name", "code"),
    [
        # Communes whose name is also an old unit's elsewhere, written as offices write it:
        # the Front's name before the unit's, the district after it, or the code without its
        # leading zero. The Thông tin names the commune, so the file is its (no false alarm).
        ("UBMTTQ xã Chi Lăng", "ChiLang_2026.xlsx", "06463"),
        ("MTTQ Xã Mẫu Sơn - huyện Lộc Bình", "BC 6 thang Xa Mau Son.xlsx", "06541"),
        ("Ủy ban MTTQ Việt Nam xã Cao Lộc", "bao cao cao loc 2026.xlsx", "06211"),
        ("6481", "Xa_ChienThang.xlsx", "06481"),
        ("BAN THƯỜNG TRỰC UBMTTQ XÃ TÂN THÀNH, TỈNH LẠNG SƠN", "TanThanh_2026.xlsx", "06445"),
    ],
)
def test_a_commune_sharing_an_old_name_written_as_offices_do_is_no_issue(
    raw, units, catalogue_2026, written, name, code
):
    template_file(raw, units, catalogue_2026, name, written, code)
    jobs, rejected = found(raw, units)
    assert rejected == {}
    assert (jobs[name].unit.code, jobs[name].issues) == (code, [])


def test_an_old_name_after_the_fronts_name_is_read_through_the_lineage(raw, units, catalogue_2026):
    template_file(raw, units, catalogue_2026, "bc.xlsx", "UBMTTQ xã Khánh Long, huyện Văn Lãng")
    jobs, _ = found(raw, units)
    assert (jobs["bc.xlsx"].unit.code, jobs["bc.xlsx"].old) == ("06001", "Xã Khánh Long")
    [issue] = jobs["bc.xlsx"].issues
    assert issue.kind == "old_unit_name" and NQ in issue.message


def test_every_old_unit_name_resolves_by_the_lineage(units):
    """The kind, not the example: each old unit of units.yml's lineage, written alone, is the
    commune it lies wholly in when its name fits no other unit; else it is never given to one."""
    checked = 0
    for old in old_units(units):
        reading = read_name(old.name, units)
        settled = settle(reading, None)
        if len(reading.candidates) == 1:
            assert settled.unit.code == old.new.code, old
            checked += 1
        else:
            assert settled.unit is None and settled.findings[0][0] == "error", old
    assert checked > 150


def test_every_current_name_that_is_also_an_old_unit_elsewhere_needs_the_file_name(units):
    collisions = [u for u in units if read_name(u.name, units).old]
    assert {"06463", "06445", "06079"} <= {u.code for u in collisions}
    for unit in collisions:
        alone = settle(read_name(unit.name, units), None)
        assert alone.unit is None and alone.findings[0][1] == "unit_ambiguous", unit
        with_code = settle(read_name(unit.name, units), read_name(unit.code, units))
        assert with_code.unit.code == unit.code and with_code.findings == [], unit


def test_a_near_miss_hint_uses_the_lineage_first(raw, units, catalogue_2026):
    template_file(raw, units, catalogue_2026, "bao-cao.xlsx", "Xã Khánh Lonh")
    _, rejected = found(raw, units)
    [issue] = rejected["bao-cao.xlsx"].issues
    assert issue.kind == "unknown_unit"
    assert "gần giống: Xã Đoàn Kết (có Xã Khánh Long cũ)," in issue.message


def test_a_near_miss_hint_sets_aside_the_fronts_name(raw, units, catalogue_2026):
    template_file(raw, units, catalogue_2026, "bao-cao.xlsx", "UBMTTQ xã Khánh Lonh")
    _, rejected = found(raw, units)
    [issue] = rejected["bao-cao.xlsx"].issues
    assert "gần giống: Xã Đoàn Kết (có Xã Khánh Long cũ)," in issue.message


def test_validate_reads_an_old_name_through_the_lineage(raw, units, catalogue_2026, project):
    history = load_units(project.config)

    def check(path: Path):
        return check_workbook(
            path, catalogue_2026, period=PERIOD, units_of=history.for_period, unit_history=history
        )

    old = check(template_file(raw, units, catalogue_2026, "a.xlsx", "Xã Khánh Long"))
    [issue] = [i for i in old.issues if i.kind == "old_unit_name"]
    assert issue.severity == "warning" and "Xã Đoàn Kết (mã 06001)" in issue.message
    assert NQ in issue.message
    assert not [i for i in old.issues if i.kind in ("unknown_unit", "unit_mismatch")]
    # As an office writes it, the Front's name before and the district after: the same one
    # warning, never a second saying the name is not in the list (a file sent by mistake).
    written = "UBMTTQ Xã Cường Lợi - huyện Đình Lập"
    framed = check(template_file(raw, units, catalogue_2026, "c.xlsx", written, "06637"))
    [issue] = [i for i in framed.issues if i.kind != "no_figures"]  # the template is blank
    assert issue.kind == "old_unit_name" and "Xã Cường Lợi thuộc Xã Châu Sơn" in issue.message
    both = check(template_file(raw, units, catalogue_2026, "b.xlsx", "Xã Chi Lăng", "06463"))
    [issue] = [i for i in both.issues if i.kind == "unit_ambiguous"]
    assert "Xã Thất Khê" in issue.message and "06463-….xlsx" in issue.message


# --- kind 2: one commune sent as files of its old communes --------------------------------------


def test_doan_ket_sent_by_khanh_long_and_cao_minh_is_incomplete(raw, units, catalogue_2026):
    # The example: no file from Đoàn Kết itself. Neither part is published as the commune.
    template_file(raw, units, catalogue_2026, "khanh-long-2026-H1.xlsx", "Xã Khánh Long")
    template_file(raw, units, catalogue_2026, "cao-minh-2026-H1.xlsx", "Xã Cao Minh")
    jobs, rejected = found(raw, units)
    assert jobs == {}
    assert set(rejected) == {"khanh-long-2026-H1.xlsx", "cao-minh-2026-H1.xlsx"}
    for job in rejected.values():
        assert job.unit.code == "06001"
        [part] = [i for i in job.issues if i.kind == "unit_in_parts"]
        assert part.severity == "error"
        for words in ("(Xã Khánh Long)", "(Xã Cao Minh)", "gửi một tệp chung"):
            assert words in part.message


def test_the_communes_own_file_beside_a_part_is_also_incomplete(raw, units, catalogue_2026):
    # Its own kind: which file is the whole commune is unsure (the report and status say so).
    template_file(raw, units, catalogue_2026, "06001-doan-ket.xlsx", "Xã Đoàn Kết")
    template_file(raw, units, catalogue_2026, "khanh-long.xlsx", "Xã Khánh Long")
    jobs, rejected = found(raw, units)
    assert jobs == {}
    assert all("unit_own_and_part" in [i.kind for i in job.issues] for job in rejected.values())


def test_a_part_resent_twice_is_a_resent_file_not_parts(raw, units, catalogue_2026):
    template_file(raw, units, catalogue_2026, "khanh-long.xlsx", "Xã Khánh Long")
    template_file(raw, units, catalogue_2026, "khanh-long (2).xlsx", "Xã Khánh Long")
    jobs, rejected = found(raw, units)
    assert jobs["khanh-long (2).xlsx"].unit.code == "06001"
    assert [i.kind for i in rejected["khanh-long.xlsx"].issues][-1] == "duplicate_unit_file"


@pytest.fixture
def adding(tmp_path, project):
    """A tmp project whose 2026-H1 configuration adds up the parts of 06001 and 06625."""
    root = tmp_path / "root"
    shutil.copytree(project.config, root / "config")
    report = root / "config" / "report-2025-H2.yml"
    text = report.read_text(encoding="utf-8")
    dated = '    date: "2026-07-06"'
    assert dated in text
    report.write_text(
        text.replace(dated, dated + '\n    add_up_parts: ["06001", "06625"]'), encoding="utf-8"
    )
    (tmp_path / "raw" / PERIOD).mkdir(parents=True)
    return ProjectPaths(root, tmp_path / "raw", tmp_path / "p", tmp_path / "o")


@pytest.mark.parametrize(
    ("files", "why"),
    [
        # The commune's own file is the whole: adding a part to it counts the part twice.
        ((("06001-doan-ket.xlsx", "Xã Đoàn Kết"), ("khanh-long.xlsx", "Xã Khánh Long")), "hai lần"),
        # A part resent beside the original: adding both counts it twice.
        (
            (
                ("khanh-long.xlsx", "Xã Khánh Long"),
                ("khanh-long (2).xlsx", "Xã Khánh Long"),
                ("cao-minh.xlsx", "Xã Cao Minh"),
            ),
            "Xã Khánh Long có hơn một tệp",
        ),
    ],
)
def test_parts_are_never_added_up_when_a_figure_would_count_twice(
    adding, units, catalogue_2026, files, why
):
    code = files[0][0][:5] if files[0][0][0].isdigit() else "06001"
    for name, written in files:
        template_file(adding, units, catalogue_2026, name, written, code)
    jobs, rejected = found(adding, units)
    assert jobs == {}
    assert set(rejected) == {name for name, _ in files}
    for job in rejected.values():
        [held] = [i for i in job.issues if i.kind in ("unit_in_parts", "unit_own_and_part")]
        assert held.severity == "error" and "add_up_parts" in held.message and why in held.message
        assert job.unit.code == code and "added_up_parts" not in [i.kind for i in job.issues]


def test_the_communes_own_file_beside_a_part_is_named_as_the_whole(raw, units, catalogue_2026):
    template_file(raw, units, catalogue_2026, "06001-doan-ket.xlsx", "Xã Đoàn Kết")
    template_file(raw, units, catalogue_2026, "khanh-long.xlsx", "Xã Khánh Long")
    _, rejected = found(raw, units)
    [held] = [i for i in rejected["khanh-long.xlsx"].issues if i.kind == "unit_own_and_part"]
    assert "tệp “06001-doan-ket.xlsx” ghi là của cả Xã Đoàn Kết" in held.message
    assert "“khanh-long.xlsx” (Xã Khánh Long)" in held.message
    assert "không có một tệp chung" not in held.message


def test_an_old_name_in_both_places_is_one_warning(raw, units, catalogue_2026):
    template_file(raw, units, catalogue_2026, "khanh-long-2026-H1.xlsx", "Xã Khánh Long")
    jobs, _ = found(raw, units)
    [issue] = jobs["khanh-long-2026-H1.xlsx"].issues
    assert (issue.kind, issue.cell) == ("old_unit_name", "B1")


def test_held_parts_are_not_said_to_be_summed_up_for_the_commune(raw, units, catalogue_2026):
    template_file(raw, units, catalogue_2026, "khanh-long-2026-H1.xlsx", "Xã Khánh Long")
    template_file(raw, units, catalogue_2026, "cao-minh-2026-H1.xlsx", "Xã Cao Minh")
    _, rejected = found(raw, units)
    for job in rejected.values():
        assert [i.kind for i in job.issues] == ["unit_in_parts"]
        assert "được tổng hợp cho" not in job.issues[0].message


def test_an_old_unit_split_between_communes_is_no_communes_even_with_its_code(
    adding, units, catalogue_2026
):
    # Only part of the old Bính Xá went into Kiên Mộc (the rest into Đình Lập): its figures are
    # neither's, whatever the file name says; Kiên Mộc's own file is used alone, not added to it.
    template_file(adding, units, catalogue_2026, "06625-kien-moc.xlsx", "Xã Kiên Mộc", "06625")
    template_file(adding, units, catalogue_2026, "06625-binh-xa.xlsx", "Xã Bính Xá", "06625")
    jobs, rejected = found(adding, units)
    assert (jobs["06625-kien-moc.xlsx"].unit.code, jobs["06625-kien-moc.xlsx"].issues) == (
        "06625",
        [],
    )
    [issue] = rejected["06625-binh-xa.xlsx"].issues
    assert (issue.severity, issue.cell) == ("error", "B1")
    for words in ("được chia cho Xã Đình Lập (mã 06613), Xã Kiên Mộc (mã 06625)", NQ):
        assert words in issue.message
