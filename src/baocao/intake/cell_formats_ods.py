"""What an .ods workbook records about its cells: number formats and error results.

In: `content.xml` and `styles.xml` of an OpenDocument spreadsheet, streamed through expat by
`safety`. Out: per table, a `SheetScan` with each number cell's format written as an Excel code
("0.0%", "#,##0", "# ?/?", "#,##0,,"), so that `shown_formats` reads .ods, .xlsx and .xls
cells alike, and its error results (`calcext:value-type="error"`, or a formula whose text
result is "#…!" / "Err:…").

A cell's format is its data style (`number:number-style`, `number:percentage-style`,
`number:currency-style`, `number:text-style` …), named by its cell style (`table:style-name`,
else the row's or the column's `table:default-cell-style-name`, else “Default”) or by the
style's parents. Styles live in content.xml (automatic) and styles.xml (common), in either
order, so cells are resolved once both are read (`OdsStyles.finish`). A percent cell whose style
cannot be told falls back to the text Calc shows (“89,3%” has 1 decimal).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from baocao.intake.cell_formats import EXCEL_ERRORS, SheetScan, local_name
from baocao.intake.layout import column_letter
from baocao.intake.limits import MAX_STYLED_CELLS

_DATA_STYLES = frozenset(
    {
        "number-style",
        "percentage-style",
        "currency-style",
        "text-style",
        "date-style",
        "time-style",
        "boolean-style",
    }
)
_NUMBER_TYPES = frozenset({"float", "percentage", "currency"})
_POSITIVE = re.compile(r"value\(\)\s*>=?\s*0$")
_MAX_COLUMNS = 1024  # column default styles kept; beyond, the last one applies
_MAX_MERGES = 10_000  # merged ranges kept per table


def _attrs(attrs: dict) -> dict:
    return {local_name(k): v for k, v in attrs.items()}


def _repeat(attrs: dict, name: str) -> int:
    try:
        return max(1, int(attrs.get(name, "1")))
    except ValueError:
        return 1


@dataclass
class _DataStyle:
    kind: str  # the element's local name: "number-style", "percentage-style" …
    decimals: int = 0
    grouping: bool = False
    factor: float = 1.0  # number:display-factor: the number shown is divided by it
    number: bool = False  # holds a number:number element
    fraction: bool = False
    scientific: bool = False
    positive: str | None = None  # the data style applied to positive numbers (style:map)

    def code(self) -> str:
        """The style as an Excel number format code."""
        if self.kind == "text-style":
            return "@"
        if self.kind in ("date-style", "time-style", "boolean-style"):
            return "General"  # calamine gives dates and times as such
        percent = "%" if self.kind == "percentage-style" else ""
        if self.fraction:
            return "# ?/?" + percent
        if self.scientific:
            return "0.00E+00"
        if not self.number:
            return "General"
        code = "#,##0" if self.grouping else "0"
        if self.decimals:
            code += "." + "0" * self.decimals
        if self.factor > 1:
            code += "," * max(1, round(math.log(self.factor, 1000)))
        return code + percent


@dataclass
class OdsStyles:
    """The data and cell styles of an .ods, and the number cells waiting for them."""

    data: dict[str, _DataStyle] = field(default_factory=dict)
    cells: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    pending: list[tuple[SheetScan, str, str, str, str]] = field(default_factory=list)

    def _data_code(self, name: str | None, depth: int = 0) -> str | None:
        style = self.data.get(name or "")
        if style is None:
            return None
        if style.positive and depth < 4:
            return self._data_code(style.positive, depth + 1) or style.code()
        return style.code()

    def format_of(self, cell_style: str) -> str | None:
        """The format code of a cell style, through its parents; None when none is named."""
        name: str | None = cell_style
        for _ in range(16):
            if name is None or name not in self.cells:
                return None
            data_style, parent = self.cells[name]
            if data_style:
                return self._data_code(data_style)
            name = parent
        return None

    def finish(self) -> None:
        """Give each number cell read its format, now that every style is known."""
        for sheet, ref, style, value_type, shown in self.pending:
            code = self.format_of(style) or "General"
            if value_type == "percentage" and "%" not in code:
                code = _percent_shown(shown)
            if code != "General":
                sheet.number_formats[ref] = code
        self.pending.clear()


def _percent_shown(shown: str) -> str:
    """A percent code with as many decimals as the text Calc shows (“89,3%” → "0.0%")."""
    match = re.search(r"[0-9](?:[.,]([0-9]+))?\s*%", shown)
    decimals = len(match[1]) if match and match[1] else 0
    return "0" + ("." + "0" * decimals if decimals else "") + "%"


def add_ods_handlers(parser, sheets: dict[str, SheetScan], styles: OdsStyles) -> None:
    """Note, from content.xml or styles.xml, the styles, and per table the number cells (their
    style, resolved by `styles.finish`) and error results."""
    state: dict = {
        "sheet": None,
        "row": 0,
        "col": 0,
        "cell": None,
        "text": "",
        "rows": 1,
        "columns": [],
        "row_style": None,
        "data": None,
    }

    def start(name, attrs):
        name = local_name(name)
        local = _attrs(attrs)
        if name in _DATA_STYLES:
            state["data"] = styles.data[local.get("name", "")] = _DataStyle(name)
        elif state["data"] is not None:
            _data_child(state["data"], name, local)
        elif name == "style" and local.get("family") == "table-cell" and "name" in local:
            styles.cells[local["name"]] = (
                local.get("data-style-name"),
                local.get("parent-style-name"),
            )
        elif name == "table":
            state["sheet"] = sheets.setdefault(local.get("name", ""), SheetScan(formats_known=True))
            state.update(row=0, columns=[])
        elif name == "table-column":
            columns = state["columns"]
            wanted = min(_repeat(local, "number-columns-repeated"), _MAX_COLUMNS - len(columns))
            columns.extend([local.get("default-cell-style-name")] * max(0, wanted))
        elif name == "table-row":
            state["rows"] = _repeat(local, "number-rows-repeated")
            state["row_style"] = local.get("default-cell-style-name")
            state["col"] = 0
        elif name in ("table-cell", "covered-table-cell"):
            state["repeat"] = _repeat(local, "number-columns-repeated")
            wide = _repeat(local, "number-columns-spanned")
            high = _repeat(local, "number-rows-spanned")
            sheet = state["sheet"]
            if (wide > 1 or high > 1) and sheet is not None and len(sheet.merged) < _MAX_MERGES:
                row, col = state["row"], state["col"]
                sheet.merged.append((row, col, row + high - 1, col + wide - 1))
            state["cell"] = (
                local.get("value-type", ""),
                next((v for k, v in attrs.items() if k.endswith("calcext:value-type")), ""),
                "formula" in local,
                local.get("style-name"),
            )
            state["text"] = ""

    def text(data):
        if state["cell"] is not None and len(state["text"]) < 64:
            state["text"] += data

    def end(name):
        name = local_name(name)
        sheet = state["sheet"]
        if name in _DATA_STYLES:
            state["data"] = None
        elif name in ("table-cell", "covered-table-cell") and state["cell"] is not None:
            value_type, calc_type, formula, style = state["cell"]
            shown = state["text"].strip()
            if sheet is not None and state["rows"] == 1:
                is_error = calc_type == "error" or (
                    formula and (shown in EXCEL_ERRORS or shown.startswith("Err:"))
                )
                for n in range(min(state["repeat"], 4)):
                    col = state["col"] + n
                    ref = f"{column_letter(min(col + 1, 16384))}{state['row'] + 1}"
                    if formula and len(sheet.formulas) < MAX_STYLED_CELLS:
                        sheet.formulas.add(ref)
                    if is_error:
                        sheet.errors[ref] = shown[:16] or "#VALUE!"
                    elif value_type in _NUMBER_TYPES:
                        cell_style = style or _default(state, col)
                        _note_number(styles, sheet, ref, cell_style, value_type, shown)
            state["col"] += state["repeat"]
            state["cell"] = None
        elif name == "table-row":
            state["row"] += state["rows"]
            state["rows"] = 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text


def _default(state: dict, col: int) -> str:
    """The style of a cell that names none: its row's default, its column's, or “Default”."""
    columns = state["columns"]
    column = columns[min(col, len(columns) - 1)] if columns else None
    return state["row_style"] or column or "Default"


def _note_number(
    styles: OdsStyles, sheet: SheetScan, ref: str, style: str, value_type: str, shown: str
) -> None:
    if len(styles.pending) < MAX_STYLED_CELLS:
        styles.pending.append((sheet, ref, style, value_type, shown))
    else:
        sheet.formats_complete = False


def _data_child(style: _DataStyle, name: str, local: dict) -> None:
    """One child element of a data style: its number, fraction, scientific number or map."""
    if name == "number":
        style.number = True
        try:
            style.decimals = max(0, int(local.get("decimal-places", "0")))
        except ValueError:
            style.decimals = 0
        style.grouping = local.get("grouping") == "true"
        try:
            style.factor = float(local.get("display-factor", "1"))
        except ValueError:
            style.factor = 1.0
    elif name == "fraction":
        style.fraction = True
    elif name == "scientific-number":
        style.scientific = True
    elif name == "map" and _POSITIVE.match(local.get("condition", "").replace(" ", "")):
        style.positive = local.get("apply-style-name")
