"""The plan of the illustrative sample: what each period's unit workbooks hold.

2020-H1 and 2021-H1 by the 11 districts (`PERIODS`); 2025-H1, the last period of the 11 districts,
and 2026-H1 by the 65 communes under the 2026 catalogue (`PERIODS_2026`). The figures are drawn
(`sample_figures`) with a fixed seed at realistic magnitudes; they are not real figures of any
unit.

`sample_plan(period)` is pure: it returns what the files hold (true values, and every deliberate
irregularity) so tests can compute expected results without reading the files; `sample` writes
the workbooks from it.

2020-H1 is clean. 2021-H1 carries the irregularities units really send (see `_IRREGULAR`):
numbers typed as text with Vietnamese separators or with words ("1,5 tỷ"), one workbook in
decomposed Unicode (NFD), unit names spelled differently, a non-standard file name, blanks beside
an explicit 0, one broken error rule, one warning, and one unit that sent nothing. 2025-H1 has a
few numbers as text and a name variant; 2026-H1 the same kinds as 2021-H1 at commune scale
("xã Bắc Sơn" in lower case, "Na Sam" without marks, old tone placement "Thuỵ").
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from baocao.config.catalog import Catalogue, load_catalogue
from baocao.config.paths import ProjectPaths
from baocao.config.periods import Period
from baocao.config.rule_kinds import Earlier, Figures, rule_holds
from baocao.config.units import load_units
from baocao.config.versions import version_for
from baocao.intake import layout
from baocao.intake.template import template_file_name
from baocao.sample_figures import (
    GENERATORS,
    Draw,
    Value,
    commune_values,
    fallback_value,
    unit_values,
)

SEED = 20210705
PERIODS = ("2020-H1", "2021-H1")  # the 11 districts, 2021 catalogue
PERIODS_2026 = ("2025-H1", "2026-H1")  # the last period of the districts, the first of communes
ALL_PERIODS = PERIODS + PERIODS_2026
# Magnitudes of a period relative to 2021-H1 (a factor drawn per unit in this range).
_SCALE = {"2020-H1": (0.85, 0.95), "2025-H1": (1.05, 1.2)}

Cell = tuple[str, str]  # (unit code, indicator code)


@dataclass
class SamplePlan:
    """What the sample files of one period hold. Keys are (unit code, indicator code)."""

    period: str
    # The true value of every cell of every unit that sent a file (None = left blank, i.e. not
    # reported). For a `broken` cell this is the value written, which breaks its rule.
    values: dict[Cell, Value] = field(default_factory=dict)
    # Units with no file at all for the period.
    missing_units: set[str] = field(default_factory=set)
    # Cells that deliberately break an error rule -> the rule name (e.g. "not_above").
    broken: dict[Cell, str] = field(default_factory=dict)
    # Cells written as text instead of a number -> the exact text in the cell.
    messy: dict[Cell, str] = field(default_factory=dict)
    # Cells that deliberately trip a warning rule -> the rule name (kept in totals).
    warnings: dict[Cell, str] = field(default_factory=dict)
    # Text written in the "Ghi chú" column of a data row.
    notes: dict[Cell, str] = field(default_factory=dict)
    # Unit code -> file name, for units that sent a file.
    file_names: dict[str, str] = field(default_factory=dict)
    # Unit code -> the unit's name exactly as written in "Thông tin" (may be NFD or a variant).
    info_unit_names: dict[str, str] = field(default_factory=dict)
    # Units whose whole workbook (every text cell, not the sheet names) is written in NFD.
    nfd_units: set[str] = field(default_factory=set)
    # Unit code -> model rows, keyed by `layout.MODEL_FIELDS`.
    models: dict[str, list[dict]] = field(default_factory=dict)
    # Unit code -> (person, date) written in "Thông tin".
    filled: dict[str, tuple[str, date]] = field(default_factory=dict)

    def unit_values(self, unit: str) -> dict[str, Value]:
        return {code: v for (u, code), v in self.values.items() if u == unit}


# --- The irregularities of 2021-H1, as (unit, indicator) -> (true value, text written) --------
# Texts keep the formats units really type; magnitudes stay realistic for a district.
_TEXTS: dict[Cell, tuple[int, str]] = {
    ("178", "quy_vnn_van_dong"): (1_250_000_000, "1.250.000.000"),
    ("180", "tt_luot_nguoi"): (1_357, "1.357"),
    ("181", "cuu_tro_thien_tai"): (15_000_000, "15 triệu"),
    ("183", "covid_tien_tiep_nhan"): (1_500_000_000, "1,5 tỉ"),
    ("184", "covid_hien_vat_tiep_nhan"): (250_000_000, "250.000.000đồng"),
    ("185", "covid_tien_phan_bo"): (410_000_000, "410.000.000 đ"),
    ("186", "quy_vnn_van_dong"): (1_500_000_000, "1,5 tỷ"),
}
# Plain numbers forced to a value (the other side of a rule, an explicit zero).
_NUMBERS: dict[Cell, int] = {
    ("185", "covid_tien_tiep_nhan"): 320_000_000,
    ("187", "hg_vu_tiep_nhan"): 30,
    ("187", "hg_vu_thanh_cong"): 45,
    ("184", "dn_van_ban_ky_ket"): 0,
}
_BLANKS: tuple[Cell, ...] = (("184", "pb_hoi_nghi"), ("184", "tv_to"))
_BROKEN: dict[Cell, str] = {("187", "hg_vu_thanh_cong"): "not_above"}
_WARNINGS: dict[Cell, str] = {("185", "covid_tien_phan_bo"): "not_above"}
_NOTES: dict[Cell, str] = {
    ("185", "covid_tien_phan_bo"): "Phân bổ cả số dư kỳ trước chuyển sang",
    ("184", "pb_hoi_nghi"): "Chưa tổng hợp được",
    ("184", "tv_to"): "Chưa tổng hợp được",
}
_INFO_NAMES = {"178": "TP. Lạng Sơn", "180": "Trang Dinh"}
_NFD_UNITS = {"182"}
_FILE_NAMES = {"188": "BC_MTTQ_LocBinh_6thang_2021.xlsx"}
_MISSING = {"189"}


@dataclass(frozen=True)
class _Irregular:
    """The irregularities planted in one period's files (see the module docstring)."""

    texts: dict[Cell, tuple[int, str]] = field(default_factory=dict)
    numbers: dict[Cell, int] = field(default_factory=dict)
    blanks: tuple[Cell, ...] = ()
    broken: dict[Cell, str] = field(default_factory=dict)
    warnings: dict[Cell, str] = field(default_factory=dict)
    notes: dict[Cell, str] = field(default_factory=dict)
    info_names: dict[str, str] = field(default_factory=dict)
    nfd_units: frozenset[str] = frozenset()
    file_names: dict[str, str] = field(default_factory=dict)
    missing: frozenset[str] = frozenset()
    zero_codes: tuple[str, ...] = ()  # indicators every unit reports as an explicit 0


_COVID = (
    "covid_tien_tiep_nhan",
    "covid_hien_vat_tiep_nhan",
    "covid_tien_phan_bo",
    "covid_hien_vat_phan_bo",
)
_IRREGULAR = {
    "2021-H1": _Irregular(
        texts=_TEXTS,
        numbers=_NUMBERS,
        blanks=_BLANKS,
        broken=_BROKEN,
        warnings=_WARNINGS,
        notes=_NOTES,
        info_names=_INFO_NAMES,
        nfd_units=frozenset(_NFD_UNITS),
        file_names=_FILE_NAMES,
        missing=frozenset(_MISSING),
    ),
    # The districts' last half-year: Covid-19 support has ended (explicit zeros).
    "2025-H1": _Irregular(
        texts={
            ("181", "quy_vnn_van_dong"): (1_350_000_000, "1,35 tỷ"),
            ("186", "tt_luot_nguoi"): (4_820, "4.820"),
        },
        zero_codes=_COVID,
        info_names={"185": "Huyện Bắc Sơn", "183": "H. Cao Loc"},
    ),
    # The communes' first half-year: codes are 5-digit strings with a leading zero.
    "2026-H1": _Irregular(
        texts={
            ("06124", "quy_vnn_van_dong"): (150_000_000, "150 triệu"),
            ("05977", "vay_du_no"): (45_200_000_000, "45,2 tỷ"),
            ("06211", "tt_luot_nguoi"): (1_250, "1.250"),
            ("06463", "ttnd_tien_thu_hoi"): (12_500_000, "12.500.000 đ"),
        },
        numbers={
            ("06529", "vay_du_no"): 2_000_000_000,
            ("06529", "vay_no_qua_han"): 2_500_000_000,
            ("06400", "dn_van_ban_ky_ket"): 0,
        },
        blanks=(("06400", "pb_hoi_nghi"),),
        broken={("06529", "vay_no_qua_han"): "not_above"},
        notes={("06400", "pb_hoi_nghi"): "Chưa tổng hợp được"},
        info_names={
            "06325": "xã Bắc Sơn",
            "06124": "Na Sam",
            "06187": "P. Kỳ Lừa",
            "06148": "Xã Thuỵ Hùng",
        },
        nfd_units=frozenset({"06001"}),
        file_names={"06613": "BC_MTTQ_xa_DinhLap_6thang_2026.xlsx"},
        missing=frozenset({"06637"}),
    ),
}
# Phụ lục II programmes of the 2026 outline for the sample's models (numbered by 2021's).
_PROGRAMMES_2026 = {1: 2, 2: 3, 3: 4, 4: 6, 5: 1}

# --- Models: (name, programme, effect) ----------------------------------------------------------
_MODELS = (
    (
        "Mô hình “Khu dân cư không có tội phạm”",
        3,
        "Không phát sinh vụ việc phức tạp về an ninh, trật tự trên địa bàn",
    ),
    ("Tổ hòa giải điểm", 3, "Hòa giải thành các mâu thuẫn nhỏ ngay tại thôn, không để kéo dài"),
    (
        "Mô hình “Dân vận khéo” trong xây dựng nông thôn mới",
        2,
        "Nhân dân hiến đất, góp công làm đường bê tông nội đồng",
    ),
    (
        "Mô hình “Tuyến đường hoa, đường tự quản”",
        2,
        "Các hộ tự trồng và chăm sóc hoa dọc đường liên thôn",
    ),
    ("Mô hình “Thắp sáng đường quê”", 2, "Lắp đặt hệ thống đèn chiếu sáng đường thôn"),
    (
        "Mô hình “Phân loại rác thải tại nguồn”",
        2,
        "Giảm lượng rác thải phải thu gom, khu dân cư sạch đẹp hơn",
    ),
    (
        "Mô hình “Tủ sách pháp luật tại nhà văn hóa thôn”",
        1,
        "Nhân dân được tiếp cận văn bản pháp luật, nâng cao ý thức chấp hành",
    ),
    (
        "Mô hình “Người có uy tín tham gia tuyên truyền pháp luật”",
        1,
        "Người có uy tín vận động đồng bào dân tộc thực hiện tốt chính sách, pháp luật",
    ),
    (
        "Mô hình “Đối thoại giữa người đứng đầu cấp ủy, chính quyền với nhân dân”",
        3,
        "Kịp thời giải đáp kiến nghị của nhân dân ngay tại hội nghị",
    ),
    (
        "Mô hình “Ban Thanh tra nhân dân hoạt động hiệu quả”",
        3,
        "Phát hiện và kiến nghị khắc phục sai sót trong thực hiện chính sách ở cơ sở",
    ),
    (
        "Mô hình “Kết nghĩa cụm dân cư hai bên biên giới”",
        4,
        "Tăng cường giao lưu, hữu nghị với nhân dân vùng biên giới",
    ),
    (
        "Mô hình “Tổ tư vấn cơ sở”",
        5,
        "Tư vấn cho Ban công tác Mặt trận về các vấn đề phát sinh ở khu dân cư",
    ),
    (
        "Mô hình “Chi hội sản xuất, kinh doanh giỏi giúp hộ nghèo”",
        2,
        "Hỗ trợ giống, vốn và kỹ thuật giúp hộ nghèo phát triển kinh tế",
    ),
    ("Mô hình “Tiếng kẻng an ninh”", 2, "Nhân dân chủ động phát hiện, tố giác tội phạm"),
)
_PEOPLE = (
    "Hoàng Thị Lan",
    "Nông Văn Hải",
    "Lương Thị Thu",
    "Vi Văn Thắng",
    "Lộc Thị Hạnh",
    "Hà Văn Minh",
    "Lăng Thị Nga",
    "Triệu Văn Bình",
    "Chu Thị Mai",
    "Mông Văn Tùng",
    "Nguyễn Thị Hoa",
    "Dương Văn Khánh",
)


def _models(rng: random.Random, period: Period) -> list[dict]:
    first, last = {"H1": (1, 6), "H2": (7, 12), None: (1, 12)}[period.half]
    picks = rng.sample(_MODELS, rng.randint(1, 4))
    rows = []
    for number, (name, programme, effect) in enumerate(picks, start=1):
        rows.append(
            dict(
                zip(
                    layout.MODEL_FIELDS,
                    (
                        number,
                        name,
                        programme,
                        f"Tháng {rng.randint(first, last)}/{period.year}",
                        rng.randint(20, 400),
                        effect,
                    ),
                    strict=True,
                )
            )
        )
    return rows


def _check(plan: SamplePlan, catalogue: Catalogue, earlier: SamplePlan | None = None) -> None:
    """Every rule holds except where the plan breaks it on purpose (a guard on the generator),
    those comparing with other units and with `earlier` (the same period a year earlier,
    where it has the same units) included: each kind's bounds, from the registry."""
    across: dict[str, dict[str, float]] = {}
    for (unit, code), value in plan.values.items():
        if value is not None:
            across.setdefault(code, {})[unit] = float(value)
    for unit in plan.file_names:
        own = {c: float(v) for c, v in plan.unit_values(unit).items() if v is not None}
        mine = ()
        if earlier is not None:
            before = {c: float(v) for c, v in earlier.unit_values(unit).items() if v is not None}
            label = Period.parse(earlier.period).label()
            mine = (Earlier("same_period_last_year", label, before),)
        figures = Figures(own=own, unit=unit, across=across, earlier=mine)
        for code in own:
            for rule in catalogue.indicator(code).rules:
                if rule_holds(rule, code, figures):
                    continue
                if (unit, code) not in plan.broken and (unit, code) not in plan.warnings:
                    raise AssertionError(f"sample breaks {rule.rule} at {unit}/{code}: {own[code]}")


def sample_plan(period: str, paths: ProjectPaths | None = None) -> SamplePlan:
    """The sample's content for one period, computed without reading or writing any file."""
    paths = paths or ProjectPaths.default()
    parsed = Period.parse(period)
    period = str(parsed)
    catalogue = load_catalogue(paths.config, period)
    unit_list = load_units(paths.config).list_for(period)
    units = unit_list.units
    # Each catalogue version has its generator: the 2026 catalogue is drawn at commune scale.
    version = version_for(paths.config, "indicators", period).first
    values_of = GENERATORS.get(version or "", unit_values)
    odd = _IRREGULAR.get(period, _Irregular())
    scale = _SCALE.get(period, (1.0, 1.0))
    plan = SamplePlan(period=period)

    forced: dict[Cell, Value] = {}
    forced.update({cell: value for cell, (value, _text) in odd.texts.items()})
    forced.update(odd.numbers)
    forced.update({cell: None for cell in odd.blanks})
    plan.messy = {cell: text for cell, (_value, text) in odd.texts.items()}
    plan.broken = dict(odd.broken)
    plan.warnings = dict(odd.warnings)
    plan.notes = dict(odd.notes)
    plan.missing_units = set(odd.missing)
    plan.nfd_units = set(odd.nfd_units)

    def fixed(unit: str, code: str, value: Value) -> Value:
        if code in odd.zero_codes:
            return 0
        return forced.get((unit, code), value)

    for unit in units:
        position = random.Random(f"{SEED}:unit:{unit.code}")
        rng = random.Random(f"{SEED}:{period}:{unit.code}")
        draw = Draw(position, rng, scale)
        drawn = values_of(draw, lambda code, value, u=unit.code: fixed(u, code, value))
        models = _models(rng, parsed)
        if values_of is commune_values:
            for model in models:
                model["programme"] = _PROGRAMMES_2026[model["programme"]]
        person = rng.choice(_PEOPLE)
        end_month = 12 if parsed.half in ("H2", None) else 6
        filled_on = date(parsed.year, end_month, rng.randint(18, 28))
        if unit.code in plan.missing_units:
            continue
        for indicator in catalogue.indicators:
            value = drawn.get(indicator.code)
            if indicator.code not in drawn:
                value = fallback_value(draw, indicator.kind)
            plan.values[(unit.code, indicator.code)] = value
        plan.models[unit.code] = models
        plan.filled[unit.code] = (person, filled_on)
        name = odd.info_names.get(unit.code, unit.name)
        if unit.code in plan.nfd_units:
            name = unicodedata.normalize("NFD", name)
        plan.info_unit_names[unit.code] = name
        standard = template_file_name(unit, period)
        plan.file_names[unit.code] = odd.file_names.get(unit.code, standard)
    _check(plan, catalogue, _earlier_plan(parsed, paths))
    return plan


def _earlier_plan(period: Period, paths: ProjectPaths) -> SamplePlan | None:
    """The sample of the same period a year earlier, when the sample has it and its units are
    the same list (a district's figures never compare with a commune's)."""
    earlier = str(period.same_period_last_year())
    units = load_units(paths.config)
    if earlier not in ALL_PERIODS or units.list_for(earlier) != units.list_for(str(period)):
        return None
    return sample_plan(earlier, paths)
