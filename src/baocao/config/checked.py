"""Warnings the analyst has checked: `config/checked-<kỳ>.yml`, her own file under version control.

In: the file (a YAML list, written by hand or by `baocao mark-checked`). Out: `CheckedEntry`s,
and `checked_state(findings, entries, unit_code)`: the findings (a unit's issues, or a frame of
many units' findings) with `checked_note` set on each warning an entry matches. Everything that shows or counts findings (the run's table, the
units' status, the review draft's annex, feedback files, the status page) asks here, so a
finding checked once stays checked everywhere.

A finding's identity is the unit's code, its check (`Issue.kind`, e.g. "rule_not_above"), its
place (the cell, or the indicator's code) and what was seen (the figure, `Issue.value`; for a
finding about no figure, its message). When the unit sends another figure the entry no longer
matches: the warning is open again. Only warnings can be checked: an error is fixed by the
unit, never by a note. Each entry:

    - unit: "185"                 # the unit's code, in quotes
      check: rule_not_above       # the finding's kind, as `baocao mark-checked` writes it
      cell: E14                   # or `indicator: covid_tien_phan_bo` (either may be given)
      value: 410000000            # the figure seen (or `message:` for a finding without one)
      note: "Đã xác minh qua điện thoại với huyện"
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from baocao.errors import ConfigError, Issue

ENTRY_KEYS = ("unit", "check", "sheet", "cell", "indicator", "value", "message", "note")


def checked_path(config_dir: Path, period: str) -> Path:
    """`config/checked-<period>.yml` (it need not exist)."""
    return Path(config_dir) / f"checked-{period}.yml"


def _text(value: object) -> str:
    return unicodedata.normalize("NFC", " ".join(str(value).split()))


@dataclass(frozen=True)
class CheckedEntry:
    """One checked finding (see the module's text)."""

    unit: str
    check: str
    note: str
    sheet: str | None = None
    cell: str | None = None
    indicator: str | None = None
    value: float | None = None
    message: str | None = None

    def matches(self, unit_code: str, issue: Issue) -> bool:
        """Whether this entry is `issue` of `unit_code`, seen with the same figure."""
        if (self.unit, self.check) != (str(unit_code), issue.kind):
            return False
        if self.sheet and _text(self.sheet) != _text(issue.sheet or ""):
            return False
        if self.cell and self.cell.upper() != str(issue.cell or "").upper():
            return False
        if self.indicator and self.indicator != issue.indicator_code:
            return False
        if not (self.cell or self.indicator):
            return False
        if issue.value is not None:
            return self.value is not None and math.isclose(
                self.value, float(issue.value), rel_tol=1e-12, abs_tol=1e-9
            )
        return self.message is not None and _text(self.message) == _text(issue.message)


def _entry(raw: object, where: str) -> CheckedEntry:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: mỗi mục phải là một bảng (unit, check, cell, value, note).")
    unknown = [str(k) for k in raw if k not in ENTRY_KEYS]
    if unknown:
        raise ConfigError(
            f"{where}: khóa {', '.join(unknown)} không dùng được (chỉ có {', '.join(ENTRY_KEYS)})."
        )
    unit = raw.get("unit")
    if not isinstance(unit, str) or not unit.strip():
        raise ConfigError(
            f'{where}, khóa unit: mã đơn vị phải được đặt trong dấu ngoặc kép, ví dụ unit: "185".'
        )
    for key in ("check", "note"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ConfigError(f"{where}: thiếu khóa {key} (một dòng chữ).")
    if not (raw.get("cell") or raw.get("indicator")):
        raise ConfigError(f"{where}: cần khóa cell (ô, ví dụ E14) hoặc indicator (mã chỉ tiêu).")
    value = raw.get("value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ConfigError(f"{where}, khóa value: “{value}” phải là một số, không có dấu ngoặc kép.")
    if value is None and not raw.get("message"):
        raise ConfigError(f"{where}: cần khóa value (số liệu đã thấy) hoặc message (nội dung).")
    return CheckedEntry(
        unit=unit.strip(),
        check=raw["check"].strip(),
        note=_text(raw["note"]),
        sheet=raw.get("sheet"),
        cell=str(raw["cell"]).strip() if raw.get("cell") else None,
        indicator=raw.get("indicator"),
        value=None if value is None else float(value),
        message=raw.get("message"),
    )


def parse_checked(text: str, source: str) -> tuple[CheckedEntry, ...]:
    """The entries of a checked file's text; ConfigError (Vietnamese, naming `source` and the
    entry) when it is not a list of entries as the module's text shows."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", dòng {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{source}{line}: không đọc được (YAML sai cú pháp).") from None
    if data is None:
        return ()
    if not isinstance(data, list):
        raise ConfigError(f"{source}: phải là một danh sách, mỗi mục bắt đầu bằng “- unit: …”.")
    return tuple(_entry(raw, f"{source}, mục {n}") for n, raw in enumerate(data, start=1))


def load_checked(config_dir: Path, period: str) -> tuple[CheckedEntry, ...]:
    """The period's checked findings (none when the file does not exist)."""
    path = checked_path(config_dir, period)
    if not path.is_file():
        return ()
    return parse_checked(path.read_text(encoding="utf-8"), f"config/{path.name}")


def checked_state(findings, entries: Iterable[CheckedEntry] | Path, unit_code: str = ""):
    """The findings with `checked_note` set on each warning an entry matches (the entry's
    note), every other one open (`checked_note` None). `findings`: a unit's `Issue`s (give its
    `unit_code`), or a frame of findings of many units with a `unit_code` column (as
    `report.compose.data.read_issues` gives; a copy with a `checked_note` column is returned).
    `entries` may be the checked file's path. After a run the units' statuses
    (`data/processed/<kỳ>/units/<mã>.status.json`) already carry the notes on their issues."""
    if isinstance(entries, Path):
        entries = (
            parse_checked(entries.read_text(encoding="utf-8"), entries.name)
            if entries.is_file()
            else ()
        )
    entries = tuple(entries)
    if hasattr(findings, "to_dict"):  # a frame of many units' findings
        frame = findings.copy()
        frame["checked_note"] = [
            _note(_issue_of(record), entries, str(record.get("unit_code")))
            for record in frame.to_dict("records")
        ]
        return frame
    return tuple(replace(i, checked_note=_note(i, entries, unit_code)) for i in findings)


def _note(issue: Issue, entries: tuple[CheckedEntry, ...], unit_code: str) -> str | None:
    if issue.severity != "warning":
        return None
    return next((e.note for e in entries if e.matches(unit_code, issue)), None)


def _issue_of(record: dict) -> Issue:
    """A frame row of findings as an `Issue` (missing cells are NaN or None)."""

    def given(key: str):
        value = record.get(key)
        return None if value is None or (isinstance(value, float) and math.isnan(value)) else value

    value = given("value")
    return Issue(
        severity=str(record.get("severity")),
        kind=str(record.get("kind")),
        message=str(given("message") or ""),
        sheet=given("sheet"),
        cell=given("cell"),
        indicator_code=given("indicator_code"),
        value=None if value is None else float(value),
    )


def unmatched(
    entries: Iterable[CheckedEntry], issues_by_unit: dict[str, Iterable[Issue]]
) -> list[CheckedEntry]:
    """The entries that match no warning any more (its figure changed, or it is gone)."""
    return [
        e
        for e in entries
        if not any(
            i.severity == "warning" and e.matches(code, i)
            for code, issues in issues_by_unit.items()
            for i in issues
        )
    ]
