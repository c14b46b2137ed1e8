"""The figures of the illustrative sample: one unit's values, drawn at realistic magnitudes.

In: a unit's random draws (`Draw`, seeded by `sample_plan`) and `fixed(code, drawn)`, which
returns a value the plan forces or the drawn one. Out: the unit's figures by indicator code, in
đồng, % or counts, drawn per catalogue version (`GENERATORS`: the districts of 2021, the
communes of the 2026 catalogue) so that every rule of the catalogue holds unless a forced value
breaks it on purpose. Pure: reads and writes no file.
"""

from __future__ import annotations

import random
from collections.abc import Callable

Value = int | float | None


def _round_money(amount: float) -> int:
    """Whole đồng: to 100.000 for amounts of 100 triệu and more, else to 1.000."""
    step = 100_000 if amount >= 100_000_000 else 1_000
    return max(0, int(round(amount / step)) * step)


class Draw:
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


def unit_values(draw: Draw, fixed: Callable[[str, Value], Value]) -> dict[str, Value]:
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


def commune_values(draw: Draw, fixed: Callable[[str, Value], Value]) -> dict[str, Value]:
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


# The generator of each catalogue version (by its first period): `GENERATORS.get(first,
# unit_values)(draw, fixed)` gives a unit's figures; versions not listed draw as in 2021.
GENERATORS = {"2025-H2": commune_values}


def fallback_value(draw: Draw, kind: str) -> Value:
    """A value for an indicator the generator does not know yet (added to the catalogue later)."""
    if kind == "percent":
        return draw.percent(80, 98)
    if kind == "money":
        return draw.money(10e6, 200e6)
    return draw.count(0, 20)
