"""Phụ lục I's totals recomputed straight from the raw workbooks, with openpyxl and the YAML of
config/indicators.yml: an independent check of intake, clean, validate and aggregate (none of
which is imported here; a rule's bounds come from the registry of rule kinds, where each kind is
written once). It knows only what a careful reader of the files would: the header
row, each cell's saved value and number format, the row's “Đơn vị tính”, the texts the sample
writes (“15 triệu”, “1,5 tỉ”, “250.000.000đồng”), and the catalogue's error rules.
"""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path

import yaml
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

SCALE_WORDS = {"": 1, "d": 1, "dong": 1, "trieu": 10**6, "ty": 10**9, "ti": 10**9}


def fold(text: str) -> str:
    text = unicodedata.normalize("NFD", str(text).lower()).replace("đ", "d")
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("\u0111", "d")
    return unicodedata.normalize("NFC", text)


def compact(text: str) -> str:
    return re.sub(r"[\s.]", "", fold(text.replace("%", "phần trăm")))


def catalogue_yaml(config: Path) -> dict:
    return yaml.safe_load((config / "indicators.yml").read_text(encoding="utf-8"))


def parse_text(text: str) -> float:
    """A number as the sample's units type it: “1.250.000.000”, “1,5 tỷ”, “410.000.000 đ”."""
    match = re.fullmatch(r"([0-9.]+)(?:,([0-9]+))?\s*([^\d]*)", text.strip())
    assert match, text
    whole = match.group(1).replace(".", "")
    number = float(f"{whole}.{match.group(2) or 0}")
    word = fold(match.group(3)).replace(" ", "").replace(".", "")
    for scale, factor in SCALE_WORDS.items():
        if scale and word.startswith(scale):
            rest = word[len(scale) :]
            if rest in ("", "dong", "d"):
                return number * factor
    assert word in SCALE_WORDS, text
    return number * SCALE_WORDS[word]


def read_unit(path: Path, data: dict) -> dict[str, float | None]:
    """indicator code -> value as the unit sees it; None if blank or an Excel error."""
    kinds = {i["code"]: i for i in data["indicators"]}
    scales = {compact(k): v for k, v in data["units_of_measure"]["money_scales"].items()}
    book = load_workbook(path, data_only=True)
    sheet = next(s for s in book if unicodedata.normalize("NFC", s.title) == "Số liệu")
    header = next(
        row
        for row in sheet.iter_rows(max_row=30)
        if any(unicodedata.normalize("NFC", str(c.value)) == "Mã chỉ tiêu" for c in row)
    )
    column = {
        unicodedata.normalize("NFC", str(c.value)): c.column for c in header if c.value is not None
    }
    values: dict[str, float | None] = {}
    for r in range(header[0].row + 1, sheet.max_row + 1):
        code = sheet.cell(r, column["Mã chỉ tiêu"]).value
        if code not in kinds:
            continue
        cell = sheet[f"{get_column_letter(column['Số liệu'])}{r}"]
        unit = unicodedata.normalize("NFC", sheet.cell(r, column["Đơn vị tính"]).value or "")
        value = cell.value
        if value is None or (isinstance(value, str) and value.startswith("#")):
            values[code] = None  # blank, or an Excel error value (#DIV/0! ...)
            continue
        if isinstance(value, str):
            number = parse_text(value)
        else:
            number = float(f"{float(value):.15g}")  # Excel's 15 significant digits
            if "%" in cell.number_format:
                number = float(f"{number * 100:.15g}")
        if kinds[code]["kind"] == "money":
            number *= scales.get(compact(unit), 1)
        values[code] = number
    return values


def breaks_an_error_rule(code: str, values: dict, data: dict) -> bool:
    """Whether the unit's figure `code` breaks one of its error rules, as the registry of rule
    kinds (`baocao.config.rule_kinds`: each kind's bounds) tells from the YAML's rule."""
    from baocao.config.catalog import Rule
    from baocao.config.rule_kinds import Figures, rule_holds, rule_kind

    indicator = next(i for i in data["indicators"] if i["code"] == code)
    rules = list(data["kinds"][indicator["kind"]].get("rules", [])) + indicator.get("rules", [])
    own = {c: v for c, v in values.items() if v is not None}
    for raw in rules:
        if raw.get("severity", "error") != "error":
            continue
        rule = Rule(raw["rule"], "error", **rule_kind(raw["rule"]).parse(raw, "test"))
        if not rule_holds(rule, code, Figures(own=own)):
            return True
    return False


def totals(folder: Path, config: Path) -> dict[str, float]:
    """Indicator code -> Phụ lục I total over the workbooks of `folder` (NaN: none counted)."""
    data = catalogue_yaml(config)
    units = []
    for path in sorted(folder.glob("*.xls*")):
        values = read_unit(path, data)
        kept = {
            code: v
            for code, v in values.items()
            if v is not None and not breaks_an_error_rule(code, values, data)
        }
        units.append(kept)
    result = {}
    for indicator in data["indicators"]:
        code = indicator["code"]
        present = [u for u in units if code in u]
        total = indicator.get("total") or {}
        if not present:
            result[code] = math.nan
        elif total.get("method") == "weighted_mean":
            weighted = [u for u in present if u.get(total["weight"], 0) > 0]
            if weighted:
                result[code] = sum(u[code] * u[total["weight"]] for u in weighted) / sum(
                    u[total["weight"]] for u in weighted
                )
            else:
                result[code] = sum(u[code] for u in present) / len(present)
        else:
            result[code] = sum(u[code] for u in present)
    return result


def shown_in_appendix(totals: dict[str, float], config: Path) -> dict[str, str]:
    """Label -> the total as Phụ lục I prints it (money in triệu đồng with exactly one decimal,
    "1.500,0"; percentages with up to one)."""
    from baocao.base.numbers import (
        format_number,  # the report's number writing, not its reading
    )

    data = catalogue_yaml(config)
    shown = {}
    for indicator in data["indicators"]:
        total = totals.get(indicator["code"], math.nan)
        if math.isnan(total):
            continue
        if indicator["kind"] == "money":
            shown[indicator["label"]] = format_number(total / 1_000_000, 1)
        elif indicator["kind"] == "count":
            shown[indicator["label"]] = format_number(total, 0)
        else:
            shown[indicator["label"]] = format_number(total, 1, trim=True)
    return shown


def appendix_totals_in_docx(docx: Path) -> dict[str, str]:
    """Label -> the “Tổng cộng” row's cell of Phụ lục I, read back with python-docx. Phụ lục I
    is a run of tables with units as rows, the province total as the last row, and indicators
    as columns headed "label (unit of measure)"."""
    from docx import Document

    document = Document(str(docx))
    shown = {}
    for table in document.tables:
        if len(table.rows) < 2 or table.rows[-1].cells[1].text.strip() != "Tổng cộng":
            continue
        header = [cell.text.strip() for cell in table.rows[0].cells]
        total = [cell.text.strip() for cell in table.rows[-1].cells]
        for heading, value in zip(header[2:], total[2:], strict=True):
            label = heading.rsplit(" (", 1)[0] if heading.endswith(")") else heading
            shown[" ".join(label.split())] = value
    assert shown, f"no table of Phụ lục I in {docx}"
    return shown
