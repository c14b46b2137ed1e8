"""The `Thông tin` sheet of a unit's workbook: what the unit declares about its file.

In: an open workbook (or, for `read_declared_unit`, a file's path). Out: the declared fields
(`layout.INFO_FIELDS`: unit, period, who filled it in, date, note) with their cells; the
declared unit's name and cell, which `discover` matches against the unit list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from baocao.base.keys import match_key
from baocao.errors import Issue
from baocao.intake import layout
from baocao.intake.workbook import OpenedWorkbook, SheetTexts, cell_ref, open_checked, text_of


def read_info(
    opened: OpenedWorkbook, issues: list[Issue] | None = None
) -> dict[str, tuple[Any, str]]:
    """The `Thông tin` sheet's fields (`layout.INFO_FIELDS` key → (raw value, cell)): label in
    any column, its value in the next non-empty cell; {} without the sheet. Legacy-encoded text
    is converted, with a warning appended to `issues`."""
    sheet = opened.find_sheet(layout.SHEET_INFO)
    if sheet is None:
        return {}
    texts = SheetTexts(sheet, issues if issues is not None else [])
    labels = {match_key(label): key for key, label in layout.INFO_FIELDS.items()}
    info: dict[str, tuple[Any, str]] = {}
    for r, row in enumerate(opened.rows(sheet)):
        for c, value in enumerate(row):
            key = labels.get(match_key(text_of(value)))
            if key and key not in info:
                for c2 in range(c + 1, len(row)):
                    if text_of(row[c2]):
                        ref = cell_ref(r, c2)
                        info[key] = (texts.raw(row[c2], ref), ref)
                        break
    return info


def read_declared_unit(path: Path) -> tuple[str, str] | None:
    """The unit name written in `Thông tin` and its cell, or None (raises `InputError`)."""
    with open_checked(Path(path)) as opened:
        value = read_info(opened).get("unit")
    if value is None or not text_of(value[0]):
        return None
    return text_of(value[0]), value[1]


def read_declared_period(path: Path) -> tuple[str, str] | None:
    """The period written in `Thông tin` (as written) and its cell, or None (raises
    `InputError`); `config.periods.read_written_period` tells which period it is."""
    with open_checked(Path(path)) as opened:
        value = read_info(opened).get("period")
    if value is None or not text_of(value[0]):
        return None
    return text_of(value[0]), value[1]
