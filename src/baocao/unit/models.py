"""The unit's models sheet (“Mô hình”) as rows: one row per model it lists.

Pure: takes the workbook `intake` read, returns a frame of `MODEL_COLUMNS` (the layout's model
fields, with the group a model is filed under reduced to its number) and warnings for a number
that is not one of the catalogue version's (`programme_numbers`), the group named as the
period's outline names it ("chương trình", "mục"); reads no file.
"""

from __future__ import annotations

import re

import pandas as pd

from baocao.base.numbers import format_number
from baocao.config.catalog import Catalogue
from baocao.config.outline import DEFAULT_GROUP
from baocao.errors import Issue
from baocao.intake import layout
from baocao.intake.read import UnitWorkbook
from baocao.intake.workbook import text_of

MODEL_COLUMNS = ("period", "unit_code", *layout.MODEL_FIELDS, "sheet", "cell")
_PROGRAMME = re.compile(r"^\D*(\d+)\D*$")
DEFAULT_PROGRAMMES = ("1", "2", "3", "4", "5")
# Models one unit may list in a period (the template prepares 20 rows): more is junk pasted
# into the sheet, which would fill the report's Phụ lục II; the rest is one warning.
MAX_MODELS = 100


def programme_numbers(catalogue: Catalogue) -> tuple[str, ...]:
    """The programme numbers a model may name: the leading numbers of the catalogue's sections."""
    heads = {section.split(".")[0] for section in catalogue.sections}
    return tuple(sorted((h for h in heads if h.isdigit()), key=int))


def clean_models(
    workbook: UnitWorkbook,
    *,
    period: str,
    unit_code: str,
    programmes: tuple[str, ...] = DEFAULT_PROGRAMMES,
    group: str = DEFAULT_GROUP,
) -> tuple[pd.DataFrame, list[Issue]]:
    """The models sheet as rows; `programmes` are the numbers the catalogue version's sections
    start with (1–5 in 2021, 1–7 from 2025-H2): any other is a warning, naming the number as
    the period's outline names its groups (`group`, `Outline.group_word`: "chương trình",
    "mục"), and left blank. Only the first `MAX_MODELS` models are read; the rest is one
    warning with their count."""
    records, issues = [], []
    shown = f"{programmes[0]} đến {programmes[-1]}" if programmes else "1 đến 5"
    over = workbook.model_rows[MAX_MODELS:]
    if over:
        issues.append(_over_limit(over, workbook.models_sheet))
    for model in workbook.model_rows[:MAX_MODELS]:
        fields = {name: text_of(value) for name, value in model.fields.items()}
        programme = _PROGRAMME.match(fields["programme"] or "")
        if programme and programme.group(1).lstrip("0") not in programmes:
            programme = None
        if fields["programme"] and not programme:
            issues.append(
                Issue(
                    "warning",
                    "model_programme",
                    f"Mô hình “{fields['name']}” (dòng {model.row_number}): {group} "
                    f"“{fields['programme']}” không phải số từ {shown}.",
                    sheet=workbook.models_sheet,
                    cell=model.first_ref,
                )
            )
        fields["programme"] = programme.group(1).lstrip("0") if programme else ""
        records.append(
            {
                "period": period,
                "unit_code": unit_code,
                **fields,
                "sheet": workbook.models_sheet,
                "cell": model.first_ref,
            }
        )
    return pd.DataFrame.from_records(records, columns=list(MODEL_COLUMNS)), issues


def _over_limit(over, sheet: str | None) -> Issue:
    first, last = over[0], over[-1]
    count = format_number(len(over))
    return Issue(
        "warning",
        "models_over_limit",
        f"Trang “{sheet}” có thêm {count} mô hình sau mô hình thứ {MAX_MODELS}, từ dòng "
        f"{first.row_number} đến dòng {last.row_number}: các dòng này không được đọc (một đơn "
        f"vị ghi tối đa {MAX_MODELS} mô hình một kỳ). Hãy xóa các dòng thừa, chỉ giữ các mô "
        "hình thật của đơn vị, rồi gửi lại.",
        sheet=sheet,
        cell=first.first_ref,
    )
