"""Checking the whole configuration of a period before anything runs (`baocao check-config`).

Every file of `config/` that the period uses is read the way the pipeline reads it: the unit
list in force, the catalogue, the outline and the report settings of the period's versions (every
value's type: `settings_types`). Each problem is one Vietnamese sentence naming the file and the
key at fault; the check collects them all instead of stopping at the first. Checks that span
versions: an indicator code keeps its meaning (kind and unit of measure) in every catalogue
version, and within a period's unit list every name, short name and alias points to its own
unit only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from baocao.config.catalog import Catalogue, load_catalogue
from baocao.config.checked import CheckedEntry, load_checked
from baocao.config.names import resolve_unit
from baocao.config.outline import Outline, load_outline
from baocao.config.paths import ProjectPaths
from baocao.config.periods import Period
from baocao.config.settings import ReportSettings, load_report_settings
from baocao.config.settings_types import report_settings_problems
from baocao.config.units import UnitList, load_units
from baocao.config.versions import VERSIONED, config_versions, version_for, versioned_texts
from baocao.errors import BaocaoError

T = TypeVar("T")


@dataclass
class ConfigCheck:
    """What the check found for one period: the problems, and what is in force when none."""

    period: str
    problems: list[str] = field(default_factory=list)
    units: UnitList | None = None
    catalogue: Catalogue | None = None
    outline: Outline | None = None
    settings: ReportSettings | None = None
    files: dict[str, Path] = field(default_factory=dict)  # name → the version's file
    checked: tuple[CheckedEntry, ...] = ()  # config/checked-<period>.yml

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> list[str]:
        """The configuration in force, one line each, in Vietnamese."""
        lines = []
        if self.units is not None:
            lines.append(
                f"Danh sách đơn vị: {len(self.units.units)} đơn vị"
                f"{' cấp ' + self.units.level if self.units.level else ''} "
                f"(config/units.yml, danh sách từ {self.units.first})."
            )
        if self.catalogue is not None:
            lines.append(
                f"Danh mục chỉ tiêu: {len(self.catalogue.indicators)} chỉ tiêu "
                f"({self._file('indicators')})."
            )
        if self.outline is not None:
            note = " — đề cương minh họa" if self.outline.illustrative else ""
            lines.append(
                f"Đề cương: {len(self.outline.sections)} mục ({self._file('outline')}){note}."
            )
        if self.catalogue is not None:
            across = [
                i.code
                for i in self.catalogue.indicators
                if any(r.scope == "period" for r in i.rules)
            ]
            if across:
                lines.append(
                    f"Quy tắc so sánh với kỳ trước và với các đơn vị khác: {len(across)} chỉ tiêu "
                    f"({', '.join(across)})."
                )
        if self.settings is not None:
            lines.append(f"Thiết lập báo cáo: {self._file('report')}.")
        if self.checked:
            lines.append(
                f"Cảnh báo đã kiểm tra: {len(self.checked)} mục (config/checked-{self.period}.yml)."
            )
        return lines

    def _file(self, name: str) -> str:
        path = self.files.get(name)
        return f"config/{path.name}" if path else f"config/{name}.yml"


def _attempt(problems: list[str], action: Callable[[], T]) -> T | None:
    try:
        return action()
    except BaocaoError as error:
        problems.append(error.message)
        return None


def _ambiguous_names(unit_list: UnitList, source: str) -> list[str]:
    """Every name, short name or alias of the list that does not lead back to its own unit."""
    problems = []
    for unit in unit_list.units:
        for text in (unit.name, unit.short, *unit.aliases):
            found = resolve_unit(text, unit_list.units)
            if found is not None and found.code == unit.code:
                continue
            what = (
                "trùng với tên của đơn vị khác" if found is None else f"chỉ về đơn vị {found.code}"
            )
            problems.append(
                f"{source}, danh sách từ {unit_list.first}, đơn vị {unit.code}: tên “{text}” "
                f"{what}; hãy sửa tên hoặc bỏ tên đó khỏi aliases."
            )
    return problems


def _codes_keep_meaning(config_dir: Path) -> list[str]:
    """An indicator code means one thing in every catalogue version: same kind, same unit of
    measure, and the same `scales_with_unit_list` (whether it follows the unit list)."""
    problems = []
    seen: dict[str, tuple[str, str, bool, str]] = {}  # code → (kind, unit, scales, file)
    for version in config_versions(config_dir, "indicators"):
        catalogue = load_catalogue(config_dir, version.first)
        for indicator in catalogue.indicators:
            before = seen.get(indicator.code)
            mine = (indicator.kind, indicator.unit, indicator.scales_with_unit_list)
            if before is None:
                seen[indicator.code] = (*mine, version.path.name)
                continue
            here = f"config/{version.path.name}, chỉ tiêu {indicator.code}"
            if before[:2] != mine[:2]:
                problems.append(
                    f"{here}: mã này đã dùng trong config/{before[3]} với loại {before[0]}, đơn "
                    f"vị tính “{before[1]}”; một mã giữ nguyên ý nghĩa qua các phiên bản — chỉ "
                    "tiêu mới cần mã mới."
                )
            elif before[2] != mine[2]:
                problems.append(
                    f"{here}, khóa scales_with_unit_list: config/{before[3]} ghi "
                    f"{str(before[2]).lower()}, phiên bản này ghi {str(mine[2]).lower()}; chỉ tiêu "
                    "có theo số đơn vị hay không là ý nghĩa của mã, hãy ghi giống nhau ở mọi "
                    "phiên bản."
                )
    return problems


def _earlier_has_data(paths: ProjectPaths, earlier: str) -> str | None:
    """Where the same period a year earlier has data (its raw folder with files, or its
    processed figures), as a path to show; None when it has none."""
    raw = paths.raw_period(earlier)
    if raw.is_dir() and any(p.is_file() and not p.name.startswith(".") for p in raw.iterdir()):
        return str(raw)
    processed = paths.processed_period(earlier)
    if processed.is_dir() and any(processed.glob("*.csv")):
        return str(processed)
    return None


def _earlier_problems(
    config_dir: Path, period: str, paths: ProjectPaths, known: list[str]
) -> list[str]:
    """The comparison with the same period a year earlier needs that period's unit list and
    catalogue version when it has data (the run processes it, the report compares with it).
    A problem already `known` (a file both periods read) is not said again."""
    earlier = str(Period.parse(period).same_period_last_year())
    where = _earlier_has_data(paths, earlier)
    if where is None:
        return []
    problems: list[str] = []
    units = _attempt(problems, lambda: load_units(config_dir))
    if units is not None:
        _attempt(problems, lambda: units.list_for(earlier))
    _attempt(problems, lambda: load_catalogue(config_dir, earlier))
    intro = (
        f"Kỳ {period} so sánh với cùng kỳ {earlier}, đã có số liệu ({where}), nên cấu hình "
        f"của kỳ {earlier} cũng phải đúng: "
    )
    return [intro + problem for problem in problems if problem not in known]


def _add_up_problems(check: ConfigCheck, period: str) -> list[str]:
    """`add_up_parts` of the period must name units of its list."""
    codes = {unit.code for unit in check.units.units}
    return [
        f"{check.files.get('report', 'config/report.yml')}, periods → “{period}”, khóa "
        f"add_up_parts: mã “{code}” không phải mã đơn vị của kỳ {period} (config/units.yml); "
        "hãy ghi mã của đơn vị gửi thành nhiều tệp mà anh/chị quyết định cộng số liệu."
        for code in check.settings.for_period(period).add_up_parts
        if code not in codes
    ]


def _locks_problems(config_dir: Path, period: str, check: ConfigCheck) -> list[str]:
    """`config/locks-<period>.yml` (`run.locks`, written by `baocao chot`) must be readable and
    name units of the period's list."""
    from baocao.config.versions import read_yaml

    path = Path(config_dir) / f"locks-{period}.yml"
    if not path.is_file():
        return []
    problems: list[str] = []
    data = _attempt(problems, lambda: read_yaml(path))
    if problems:
        return problems
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        return [
            f"{path}: phải là bảng theo mã đơn vị (và “all” cho cả kỳ); hãy khôi phục bản "
            "trong git hoặc ghi lại bằng lệnh baocao chot."
        ]
    codes = {unit.code for unit in check.units.units} if check.units is not None else set()
    return [
        f"{path}: mã “{code}” không phải mã đơn vị của kỳ {period} (config/units.yml); hãy mở "
        f"khóa bằng lệnh baocao mo-khoa hoặc sửa mã."
        for code in data
        if code != "all" and codes and str(code).partition("_phan")[0] not in codes
    ]


def check_config(config_dir: Path, period: str, paths: ProjectPaths | None = None) -> ConfigCheck:
    """Check every configuration file `period` uses; never raises for a configuration problem.
    With the project's `paths`, also the unit list and catalogue of the same period a year
    earlier when that period has data (the comparison reads it with them).

    Raises `BaocaoError` only when `period` itself is not a period."""
    config_dir = Path(config_dir)
    period = str(Period.parse(period))
    check = ConfigCheck(period)
    problems = check.problems
    versions_ok = True
    for name in VERSIONED:
        if _attempt(problems, lambda n=name: config_versions(config_dir, n)) is None:
            versions_ok = False
            continue
        version = _attempt(problems, lambda n=name: version_for(config_dir, n, period))
        if version is not None:
            check.files[name] = version.path
    units = _attempt(problems, lambda: load_units(config_dir))
    if units is not None:
        check.units = _attempt(problems, lambda: units.list_for(period))
        if check.units is not None:
            problems.extend(_ambiguous_names(check.units, str(config_dir / "units.yml")))
    if "indicators" in check.files:
        check.catalogue = _attempt(problems, lambda: load_catalogue(config_dir, period))
    if check.catalogue is not None and "outline" in check.files:
        check.outline = _attempt(
            problems, lambda: load_outline(config_dir, check.catalogue, period)
        )
    if "report" in check.files:
        texts = _attempt(problems, lambda: versioned_texts(config_dir, "report", period))
        typed = _attempt(problems, lambda: report_settings_problems(texts)) if texts else None
        problems.extend(typed or [])
        if typed == []:
            check.settings = _attempt(problems, lambda: load_report_settings(config_dir, period))
    if check.settings is not None and check.units is not None:
        problems.extend(_add_up_problems(check, period))
    problems.extend(_locks_problems(config_dir, period, check))
    check.checked = _attempt(problems, lambda: load_checked(config_dir, period)) or ()
    if check.units is not None:
        codes = {u.code for u in check.units.units}
        problems.extend(
            f"config/checked-{period}.yml, mục {n}: đơn vị “{e.unit}” không có trong danh sách "
            f"đơn vị của kỳ {period}."
            for n, e in enumerate(check.checked, start=1)
            if e.unit not in codes
        )
    if versions_ok:
        problems.extend(_attempt(problems, lambda: _codes_keep_meaning(config_dir)) or [])
    if paths is not None:
        problems.extend(_earlier_problems(config_dir, period, paths, known=problems))
    # A file read by two checks (the catalogue of the period, all versions) says it once.
    check.problems = list(dict.fromkeys(problems))
    return check
