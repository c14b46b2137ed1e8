"""The embedded illustrative sample: filled unit workbooks for Lạng Sơn.

2020-H1 and 2021-H1 by the 11 districts (`PERIODS`); 2025-H1, the last period of the 11 districts,
and 2026-H1 by the 65 communes under the 2026 catalogue (`PERIODS_2026`). Run
`python -m baocao.sample` to (re)write `data/raw/<period>/` for all of them (`ALL_PERIODS`). The
figures are drawn with a fixed seed at realistic magnitudes; they are not real figures of any
unit, and every workbook says so (`layout.SAMPLE_MARK`).

`sample_plan(period)` is pure: it returns what the files hold (true values, and every deliberate
irregularity) so tests can compute expected results without reading the files. `write_sample`
writes the workbooks from that plan, on the same layout as the intake template.

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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from openpyxl.styles import Font
from openpyxl.workbook import Workbook

from baocao.config.catalog import Catalogue, load_catalogue
from baocao.config.paths import ProjectPaths
from baocao.config.periods import Period
from baocao.config.units import Unit, load_units
from baocao.config.versions import version_for
from baocao.intake import layout
from baocao.intake.template import (
    FIRST_ROW,
    MARK_ROW,
    build_template,
    save_reproducibly,
    template_file_name,
)

SEED = 20210705
PERIODS = ("2020-H1", "2021-H1")  # the 11 districts, 2021 catalogue
PERIODS_2026 = ("2025-H1", "2026-H1")  # the last period of the districts, the first of communes
ALL_PERIODS = PERIODS + PERIODS_2026
# Magnitudes of a period relative to 2021-H1 (a factor drawn per unit in this range).
_SCALE = {"2020-H1": (0.85, 0.95), "2025-H1": (1.05, 1.2)}

Value = int | float | None
Cell = tuple[str, str]  # (unit code, indicator code)

_MARK_FONT = Font(italic=True, bold=True, color="C00000")


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


def _round_money(amount: float) -> int:
    """Whole đồng: to 100.000 for amounts of 100 triệu and more, else to 1.000."""
    step = 100_000 if amount >= 100_000_000 else 1_000
    return max(0, int(round(amount / step)) * step)


class _Draw:
    """Random draws for one unit and period.

    A magnitude lies in its 2021-H1 range [low, high]. Its position in the range belongs to the
    unit, not the period (`position` is seeded by the unit), and a bigger unit (size > 1) tends
    towards the top of the range. Each period then scales every magnitude by a factor drawn per
    cell (2020-H1: 85–95 % of 2021-H1), so the periods compare like real ones. Shares, percents and
    small counts are fresh draws of the period (`rng`).
    """

    def __init__(
        self, position: random.Random, rng: random.Random, scale: tuple[float, float]
    ) -> None:
        self.position, self.rng, self.scale = position, rng, scale
        self.size = position.uniform(0.7, 1.3)

    def _magnitude(self, low: float, high: float) -> float:
        where = self.position.random() ** (1 / self.size)
        return (low + (high - low) * where) * self.rng.uniform(*self.scale)

    def count(self, low: float, high: float, sized: bool = True) -> int:
        value = self._magnitude(low, high) if sized else self.rng.uniform(low, high)
        return max(0, round(value))

    def money(self, low: float, high: float) -> int:
        return _round_money(self._magnitude(low, high))

    def share(self, whole: int, low: float, high: float) -> int:
        return min(whole, round(whole * self.rng.uniform(low, high)))

    def percent(self, low: float, high: float) -> float:
        return round(self.rng.uniform(low, high), 1)


def _unit_values(draw: _Draw, fixed: Callable[[str, Value], Value]) -> dict[str, Value]:
    """One unit's figures. `fixed(code, drawn)` returns a forced value, or the drawn one.

    Dependent figures (answered, settled, allocated, spent) are drawn from the values actually
    chosen, so every rule of the catalogue holds unless a forced value breaks it on purpose.
    """
    v: dict[str, Value] = {}

    def put(code: str, drawn: Value) -> Value:
        v[code] = fixed(code, drawn)
        return v[code]

    cuoc = put("tt_so_cuoc", draw.count(40, 160))
    put("tt_luot_nguoi", (cuoc or 0) * draw.count(30, 70, sized=False))
    put("tt_tin_bai", draw.count(10, 50))
    put("tt_bao_cao_y_kien", draw.count(2, 3, sized=False))
    put("dk_nguoi_uy_tin", draw.count(30, 120))

    covid = put("covid_tien_tiep_nhan", draw.money(50e6, 2.5e9)) or 0
    put("covid_tien_phan_bo", _round_money(covid * draw.rng.uniform(0.6, 0.95)))
    kind = put("covid_hien_vat_tiep_nhan", draw.money(20e6, 600e6)) or 0
    put("covid_hien_vat_phan_bo", _round_money(kind * draw.rng.uniform(0.7, 1.0)))

    put("ntm_giam_sat", draw.count(5, 25))
    put("ntm_nguoi_lay_y_kien", draw.count(200, 2000))
    put("ntm_ty_le_hai_long", draw.percent(80, 98))
    raised = put("quy_vnn_van_dong", draw.money(300e6, 2e9)) or 0
    put("quy_vnn_chi", _round_money(raised * draw.rng.uniform(0.75, 0.95)))
    new = put("nha_ddk_xay_moi", draw.count(3, 25)) or 0
    repaired = put("nha_ddk_sua_chua", draw.count(1, 12)) or 0
    per_house = draw.rng.uniform(40e6, 60e6)
    put("nha_ddk_gia_tri", _round_money((new + repaired) * per_house))
    put("cuu_tro_thien_tai", draw.money(10e6, 180e6))

    put("hvn_hoat_dong", draw.count(5, 25))
    put("hvn_mo_hinh", draw.count(0, 4, sized=False))
    put("dkst_hoat_dong", draw.count(5, 20))
    put("dkst_mo_hinh", draw.count(1, 5, sized=False))
    put("ct_hoat_dong", draw.count(5, 25))
    put("ct_mo_hinh", draw.count(1, 5, sized=False))

    petitions = put("ctri_y_kien_tap_hop", draw.count(50, 300)) or 0
    put("ctri_y_kien_tra_loi", draw.share(petitions, 0.6, 0.95))
    meetings = put("txct_hoi_nghi", draw.count(10, 40)) or 0
    put("txct_luot_nguoi", meetings * draw.count(50, 150, sized=False))
    letters = put("don_tiep_nhan", draw.count(10, 55)) or 0
    put("don_giai_quyet", draw.share(letters, 0.6, 0.95))

    put("gs_chu_tri", draw.count(3, 12))
    put("gs_tham_gia", draw.count(5, 20))
    recommendations = put("gs_kien_nghi", draw.count(10, 60)) or 0
    put("gs_kien_nghi_tiep_thu", draw.share(recommendations, 0.5, 0.9))
    put("pb_hoi_nghi", draw.count(1, 5))
    put("pb_van_ban", draw.count(3, 15))

    put("tn_to_giac", draw.count(0, 4, sized=False))
    boards = put("ttnd_so_ban", draw.count(10, 25)) or 0
    put("ttnd_giam_sat", boards * draw.count(1, 3, sized=False))
    put("gsdtcd_so_ban", draw.count(10, 25))
    put("gsdtcd_cong_trinh", draw.count(10, 60))
    put("hg_so_to", draw.count(100, 220))
    cases = put("hg_vu_tiep_nhan", draw.count(15, 50)) or 0
    put("hg_vu_thanh_cong", draw.share(cases, 0.55, 0.65))

    put("dn_hoat_dong", draw.count(0, 5, sized=False))
    put("dn_doan", draw.count(0, 3, sized=False))
    put("dn_van_ban_ky_ket", draw.count(0, 2, sized=False))

    classes = put("th_lop", draw.count(2, 8)) or 0
    put("th_luot_nguoi", classes * draw.count(40, 110, sized=False))
    put("tv_hoi_dong", draw.count(1, 3, sized=False))
    put("tv_to", draw.count(1, 5, sized=False))
    put("kt_tap_the", draw.count(5, 35))
    put("kt_ca_nhan", draw.count(10, 70))
    return v


def _commune_values(draw: _Draw, fixed: Callable[[str, Value], Value]) -> dict[str, Value]:
    """One commune's figures under the 2026 catalogue, at commune scale (a district of 2021 had
    six communes or so; one Ban Thanh tra nhân dân and one Ban Giám sát đầu tư của cộng đồng per
    commune; entrusted policy loans outstanding of tens of tỷ đồng per commune)."""
    v: dict[str, Value] = {}

    def put(code: str, drawn: Value) -> Value:
        v[code] = fixed(code, drawn)
        return v[code]

    classes = put("th_lop", draw.count(0, 2)) or 0
    put("th_luot_nguoi", classes * draw.count(40, 110, sized=False))
    put("kt_tap_the", draw.count(1, 6))
    put("kt_ca_nhan", draw.count(2, 12))

    cuoc = put("tt_so_cuoc", draw.count(7, 27))
    put("tt_luot_nguoi", (cuoc or 0) * draw.count(30, 70, sized=False))
    put("tt_tin_bai", draw.count(2, 8))
    put("tt_bao_cao_y_kien", draw.count(2, 3, sized=False))
    put("dk_nguoi_uy_tin", draw.count(5, 20))

    raised = put("quy_vnn_van_dong", draw.money(50e6, 350e6)) or 0
    put("quy_vnn_chi", _round_money(raised * draw.rng.uniform(0.75, 0.95)))
    new = put("nha_ddk_xay_moi", draw.count(0, 4)) or 0
    repaired = put("nha_ddk_sua_chua", draw.count(0, 2)) or 0
    put("nha_ddk_gia_tri", _round_money((new + repaired) * draw.rng.uniform(50e6, 70e6)))
    put("nha_tam_xoa", draw.count(2, 20))
    put("cuu_tro_thien_tai", draw.money(2e6, 30e6))
    put("hvn_hoat_dong", draw.count(1, 4))
    put("hvn_mo_hinh", draw.count(0, 1, sized=False))

    put("gs_chu_tri", draw.count(1, 2))
    put("gs_tham_gia", draw.count(1, 4))
    recommendations = put("gs_kien_nghi", draw.count(2, 10)) or 0
    put("gs_kien_nghi_tiep_thu", draw.share(recommendations, 0.5, 0.9))
    put("pb_hoi_nghi", draw.count(0, 1, sized=False))
    put("pb_van_ban", draw.count(1, 3))
    put("tn_to_giac", draw.count(0, 1, sized=False))
    put("ttnd_so_ban", 1)
    put("ttnd_giam_sat", draw.count(1, 4, sized=False))
    put("ttnd_kien_nghi", draw.count(0, 6, sized=False))
    put("ttnd_tien_thu_hoi", draw.money(0, 50e6))
    put("gsdtcd_so_ban", 1)
    put("gsdtcd_cong_trinh", draw.count(2, 10))
    put("gsdtcd_tien_giam_tru", draw.money(0, 80e6))
    put("hg_so_to", draw.count(15, 40))
    cases = put("hg_vu_tiep_nhan", draw.count(3, 8)) or 0
    put("hg_vu_thanh_cong", draw.share(cases, 0.5, 0.8))

    petitions = put("ctri_y_kien_tap_hop", draw.count(8, 50)) or 0
    put("ctri_y_kien_tra_loi", draw.share(petitions, 0.6, 0.95))
    meetings = put("txct_hoi_nghi", draw.count(2, 7)) or 0
    put("txct_luot_nguoi", meetings * draw.count(50, 150, sized=False))
    letters = put("don_tiep_nhan", draw.count(2, 9)) or 0
    put("don_giai_quyet", draw.share(letters, 0.6, 0.95))
    put("bc_hoi_nghi_hiep_thuong", draw.count(3, 5, sized=False))
    introduced = put("bc_nguoi_gioi_thieu", draw.count(25, 60)) or 0
    put("bc_nguoi_du_tieu_chuan", draw.share(introduced, 0.85, 1.0))

    put("dn_hoat_dong", draw.count(0, 1, sized=False))
    put("dn_doan", draw.count(0, 1, sized=False))
    put("dn_van_ban_ky_ket", draw.count(0, 1, sized=False))

    put("tc_hoi_vien_moi", draw.count(10, 80))
    balance = put("vay_du_no", draw.money(20e9, 90e9)) or 0
    put("vay_ho_du_no", draw.count(300, 1500))
    put("vay_no_qua_han", _round_money(balance * draw.rng.uniform(0.001, 0.01)))
    put("tc_ho_tro_gia_tri", draw.money(20e6, 300e6))
    put("tc_ho_duoc_ho_tro", draw.count(5, 60))
    return v


# The generator of each catalogue version (by its first period); others draw as in 2021.
_GENERATORS = {"2025-H2": _commune_values}


def _fallback(draw: _Draw, kind: str) -> Value:
    """A value for an indicator the generator does not know yet (added to the catalogue later)."""
    if kind == "percent":
        return draw.percent(80, 98)
    if kind == "money":
        return draw.money(10e6, 200e6)
    return draw.count(0, 20)


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


def _check(plan: SamplePlan, catalogue: Catalogue) -> None:
    """Every rule holds except where the plan breaks it on purpose (a guard on the generator)."""
    for (unit, code), value in plan.values.items():
        if value is None:
            continue
        for rule in catalogue.indicator(code).rules:
            if rule.rule == "not_above":
                other = plan.values.get((unit, rule.other))
                ok = other is None or value <= other
            elif rule.rule == "between":
                ok = rule.min <= value <= rule.max
            else:
                ok = value >= 0
            if not ok and (unit, code) not in plan.broken and (unit, code) not in plan.warnings:
                raise AssertionError(f"sample breaks {rule.rule} at {unit}/{code}: {value}")


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
    values_of = _GENERATORS.get(version or "", _unit_values)
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
        draw = _Draw(position, rng, scale)
        drawn = values_of(draw, lambda code, value, u=unit.code: fixed(u, code, value))
        models = _models(rng, parsed)
        if values_of is _commune_values:
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
                value = _fallback(draw, indicator.kind)
            plan.values[(unit.code, indicator.code)] = value
        plan.models[unit.code] = models
        plan.filled[unit.code] = (person, filled_on)
        name = odd.info_names.get(unit.code, unit.name)
        if unit.code in plan.nfd_units:
            name = unicodedata.normalize("NFD", name)
        plan.info_unit_names[unit.code] = name
        standard = template_file_name(unit, period)
        plan.file_names[unit.code] = odd.file_names.get(unit.code, standard)
    _check(plan, catalogue)
    return plan


def _fill(wb: Workbook, unit: Unit, plan: SamplePlan) -> None:
    data = wb[layout.SHEET_DATA]
    width = len(layout.DATA_COLUMNS)
    code_col = layout.DATA_COLUMNS.index(layout.COL_CODE) + 1
    value_col = layout.DATA_COLUMNS.index(layout.COL_VALUE) + 1
    note_col = layout.DATA_COLUMNS.index(layout.COL_NOTE) + 1
    for row in range(FIRST_ROW, data.max_row + 1):
        code = data.cell(row=row, column=code_col).value
        cell = (unit.code, code)
        if cell not in plan.values:
            continue
        data.cell(row=row, column=value_col, value=plan.messy.get(cell, plan.values[cell]))
        if cell in plan.notes:
            data.cell(row=row, column=note_col, value=plan.notes[cell])

    models = wb[layout.SHEET_MODELS]
    for offset, model in enumerate(plan.models[unit.code]):
        for col, name in enumerate(layout.MODEL_FIELDS, start=1):
            models.cell(row=FIRST_ROW + offset, column=col, value=model[name])

    for sheet in (data, models):
        sheet.cell(row=MARK_ROW, column=1, value=layout.SAMPLE_MARK).font = _MARK_FONT
        sheet.merge_cells(start_row=MARK_ROW, start_column=1, end_row=MARK_ROW, end_column=width)

    info = wb[layout.SHEET_INFO]
    person, filled_on = plan.filled[unit.code]
    fields = list(layout.INFO_FIELDS)
    info.cell(row=fields.index("unit") + 1, column=2, value=plan.info_unit_names[unit.code])
    info.cell(row=fields.index("filled_by") + 1, column=2, value=person)
    info.cell(row=fields.index("date") + 1, column=2, value=filled_on)
    info.cell(row=fields.index("note") + 1, column=2, value=layout.SAMPLE_MARK).font = _MARK_FONT

    if unit.code in plan.nfd_units:
        for sheet in wb.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        cell.value = unicodedata.normalize("NFD", cell.value)


def write_sample(
    period: str, out_root: Path | None = None, paths: ProjectPaths | None = None
) -> SamplePlan:
    """Write the period's sample workbooks into `out_root/<period>/`; return the plan."""
    paths = paths or ProjectPaths.default()
    plan = sample_plan(period, paths)
    catalogue = load_catalogue(paths.config, plan.period)
    units = load_units(paths.config)
    folder = Path(out_root if out_root is not None else paths.raw) / plan.period
    folder.mkdir(parents=True, exist_ok=True)
    for unit in units.for_period(plan.period):
        if unit.code in plan.missing_units:
            continue
        wb = build_template(unit, plan.period, catalogue, units.province)
        _fill(wb, unit, plan)
        save_reproducibly(wb, folder / plan.file_names[unit.code])
    return plan


def main() -> None:
    from rich.console import Console  # a Windows console shows Vietnamese through rich

    console = Console()
    paths = ProjectPaths.default()
    for period in ALL_PERIODS:
        plan = write_sample(period, paths.raw, paths)
        console.print(
            f"Đã ghi {len(plan.file_names)} tệp số liệu minh họa vào {paths.raw / period}."
        )


if __name__ == "__main__":
    main()
