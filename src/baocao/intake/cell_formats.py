"""What a workbook's XML says about its cells that calamine does not: the .xlsx and .ods scans.

In: the parts of a file that `safety` streams through expat. Out: per sheet, a `SheetScan`
(formulas without a saved result, Excel error values, each cell's number format, hidden rows,
how far the cells reach), gathered in the file's `FileScan`.

What each format records, and so what is detected:
- .xlsx/.xlsm: number formats and error values per cell, as above.
- .ods: each number cell's format (its data style, written as an Excel code) and error results
  (`calcext:value-type="error"`, or a formula whose text result is "#…!" / "Err:…"): see
  `cell_formats_ods`.
- .xls (BIFF8, read with olefile): number formats (XF and FORMAT records) and error values
  (BOOLERR records, and FORMULA records whose saved result is an error), per cell: see
  `cell_formats_xls`.
- .xlsb, and .xls older than Excel 97 (BIFF5): not read here; number formats are unknown, so
  a 0 < x ≤ 1 in a percent row is refused as ambiguous, and an error value reads as an empty
  cell unless calamine gives its text (e.g. "#DIV/0!"), which `intake` recognises.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from baocao.intake.layout import column_letter, column_number
from baocao.intake.limits import MAX_STYLED_CELLS

# Excel's error values, as the file stores them.
EXCEL_ERRORS = (
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#N/A",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
    "#FIELD!",
    "#BLOCKED!",
    "#CONNECT!",
    "#BUSY!",
    "#UNKNOWN!",
    "#PYTHON!",
)
# Excel's built-in number formats (ECMA-376 §18.8.30) that a cell may name by id alone.
BUILTIN_FORMATS = {
    0: "General",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)',
    8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    37: "#,##0 ;(#,##0)",
    38: "#,##0 ;[Red](#,##0)",
    39: "#,##0.00;(#,##0.00)",
    40: "#,##0.00;[Red](#,##0.00)",
    48: "##0.0E+0",
    49: "@",
}


@dataclass
class SheetScan:
    """What the XML of one .xlsx sheet says that calamine does not."""

    formulas_without_value: set[str] = field(default_factory=set)  # cell references
    # Cells holding a formula (up to MAX_STYLED_CELLS): a result is no figure the unit typed.
    formulas: set[str] = field(default_factory=set)
    # .ods: merged ranges, 0-based (first row, first col, last row, last col); calamine has none
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)  # 1-based row numbers
    max_row: int = 0  # 1-based extent of the cells holding a value or a formula
    max_col: int = 0
    far_cell: str = ""  # a cell of the last used row
    far_right_cell: str = ""  # a cell of the last used column
    errors: dict[str, str] = field(default_factory=dict)  # cell reference -> "#DIV/0!" ...
    styles: dict[str, int] = field(default_factory=dict)  # cell reference -> style index
    number_formats: dict[str, str] = field(default_factory=dict)  # .ods: cell -> format code
    formats_known: bool = False  # the format records number formats (see the module's notes)
    default_format: str = "General"  # the format of a cell with no style of its own
    formats_complete: bool = True  # False when the sheet had too many styled cells to keep


@dataclass
class FileScan:
    """The checked bytes of a file and what was learnt on the way."""

    data: bytes
    format: str  # "xlsx", "xlsb", "ods" or "xls"
    sheets: dict[str, SheetScan] = field(default_factory=dict)  # by sheet name (.xlsx, .ods)
    cell_formats: tuple[str, ...] = ()  # .xlsx: number format code of each cellXfs style

    def number_format(self, sheet: SheetScan, ref: str) -> str | None:
        """The number format code of a cell ("General", "0%", "#,##0" ...); None when the file
        format does not record it (.xls, .xlsb) or it could not be kept."""
        if not sheet.formats_known:
            return None
        if ref in sheet.number_formats:
            return sheet.number_formats[ref]
        style = sheet.styles.get(ref)
        if style is None:
            return sheet.default_format if sheet.formats_complete else None
        if style < len(self.cell_formats):
            return self.cell_formats[style]
        return "General"


def local_name(name: str) -> str:
    """An XML name without its namespace: "x:c" and "{ns}c" as expat gives them → "c"."""
    return name.rpartition(":")[2]


def add_sheet_handlers(parser, scan: SheetScan) -> None:
    """Set an expat `parser`'s handlers to note, while it reads one sheet's XML of an .xlsx,
    into `scan`: formulas without a result, error values, each cell's style, hidden rows and
    how far the cells reach."""
    # A formula's result is its <v>; an empty <v> (as openpyxl writes) is no result, unless the
    # cell is typed as text (t="str"), whose result may be the empty string.
    state = {
        "row": 0,
        "col": 0,
        "ref": "",
        "f": False,
        "v": False,
        "in_v": False,
        "str": False,
        "err": False,
        "text": "",
    }

    def text(data):
        if state["in_v"] and data.strip():
            state["v"] = True
        if state["in_v"] and state["err"] and len(state["text"]) < 64:
            state["text"] += data

    def start(name, attrs):
        name = local_name(name)
        if name == "c":
            ref = attrs.get("r")
            row, col = state["row"], state["col"] + 1
            if ref:
                letters = ref.rstrip("0123456789")
                try:
                    col = column_number(letters)
                    row = int(ref[len(letters) :])
                except ValueError:
                    pass
            state.update(col=col, row=row, ref=f"{column_letter(min(col, 16384))}{row}")
            state["f"] = state["v"] = False
            state["str"] = attrs.get("t") in ("str", "s", "inlineStr")
            state["err"] = attrs.get("t") == "e"
            state["text"] = ""
            style = attrs.get("s")
            if style and style != "0" and style.isdigit():
                if len(scan.styles) < MAX_STYLED_CELLS:
                    scan.styles[state["ref"]] = int(style)
                else:
                    scan.formats_complete = False
        elif name == "f":
            state["f"] = True
        elif name == "v":
            state["in_v"] = True
            state["v"] = state["v"] or state["str"]
        elif name == "is":
            state["v"] = True
        elif name == "row":
            try:
                state["row"] = int(attrs.get("r", state["row"] + 1))
            except ValueError:
                state["row"] += 1
            state["col"] = 0
            if attrs.get("hidden") in ("1", "true"):
                scan.hidden_rows.add(state["row"])

    def end(name):
        name = local_name(name)
        if name == "v":
            state["in_v"] = False
        if name != "c" or not (state["f"] or state["v"]):
            return
        if state["f"] and not state["v"]:
            scan.formulas_without_value.add(state["ref"])
        if state["f"] and len(scan.formulas) < MAX_STYLED_CELLS:
            scan.formulas.add(state["ref"])
        if state["err"] and state["v"]:
            scan.errors[state["ref"]] = state["text"].strip()[:16] or "#VALUE!"
        if state["row"] > scan.max_row:
            scan.far_cell = state["ref"]  # the cell that last pushed the used area down
        if state["col"] > scan.max_col:
            scan.far_right_cell = state["ref"]  # ... and to the right
        scan.max_row = max(scan.max_row, state["row"])
        scan.max_col = max(scan.max_col, state["col"])

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text


# Sections of styles.xml, in order: a <numFmt> counts only under <numFmts>, an <xf> only under
# <cellXfs> (cellStyleXfs and dxfs hold the same element names).
_STYLE_SECTIONS = frozenset(
    {
        "numFmts",
        "fonts",
        "fills",
        "borders",
        "cellStyleXfs",
        "cellXfs",
        "cellStyles",
        "dxfs",
        "tableStyles",
        "colors",
        "extLst",
    }
)


def cell_style_formats(elements: list[tuple[str, dict]]) -> tuple[str, ...]:
    """The number format code of each cell style (`<cellXfs>` order) of a styles.xml, from its
    elements as (local name, attributes) in document order."""
    custom: dict[int, str] = {}
    formats: list[str] = []
    section = ""
    for name, attrs in elements:
        if name in _STYLE_SECTIONS:
            section = name
        elif name == "numFmt" and section == "numFmts":
            try:
                custom[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "General")
            except ValueError:
                continue
        elif name == "xf" and section == "cellXfs":
            try:
                number = int(attrs.get("numFmtId", "0"))
            except ValueError:
                number = 0
            formats.append(custom.get(number) or BUILTIN_FORMATS.get(number, "General"))
    return tuple(formats)
