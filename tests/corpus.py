"""A corpus of hostile and messy unit files, built at test time: one file per case.

Each builder writes one real file into a folder and returns its path. Workbooks start from the
project's own intake template (`baocao.intake.template.build_template`, so merged section headings,
validations and protection are the real ones), filled for unit 181 Bình Gia, period 2021-H1.
.xls files are written with xlwt and .ods with odfpy (through pandas); hostile zips are made by
hand with `zipfile`. Nothing here is committed as a binary.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from baocao.config.catalog import Catalogue
from baocao.config.units import Unit
from baocao.intake import layout
from baocao.intake.template import FIRST_ROW, build_template

PERIOD = "2021-H1"
UNIT_CODE = "181"
VALUE_COL = layout.DATA_COLUMNS.index(layout.COL_VALUE) + 1  # 5, column E
CODE_COL = layout.DATA_COLUMNS.index(layout.COL_CODE) + 1
LABEL_COL = layout.DATA_COLUMNS.index(layout.COL_LABEL) + 1

# Values the "good" workbooks carry, by indicator code.
GOOD_VALUES = {"tt_so_cuoc": 12, "tt_luot_nguoi": 1357, "quy_vnn_van_dong": 1_250_000}

Builder = Callable[["Corpus", Path], Path]
CASES: dict[str, Builder] = {}


def case(name: str) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        CASES[name] = builder
        return builder

    return register


class Corpus:
    """Builds the corpus's files on demand into one folder, once each."""

    def __init__(self, folder: Path, catalogue: Catalogue, units: tuple[Unit, ...]):
        self.folder = folder
        self.catalogue = catalogue
        self.units = units
        self.unit = next(u for u in units if u.code == UNIT_CODE)
        self._built: dict[str, Path] = {}

    def path(self, name: str) -> Path:
        if name not in self._built:
            target = self.folder / name
            target.mkdir(parents=True, exist_ok=True)
            self._built[name] = CASES[name](self, target)
        return self._built[name]

    # --- helpers for builders ----------------------------------------------------------------

    def template(self, unit: Unit | None = None, values: dict | None = None) -> Workbook:
        wb = build_template(unit or self.unit, PERIOD, self.catalogue, "Lạng Sơn")
        data = wb[layout.SHEET_DATA]
        for code, value in (GOOD_VALUES if values is None else values).items():
            data.cell(row=row_of(data, code), column=VALUE_COL, value=value)
        return wb

    def save(self, wb: Workbook, folder: Path, name: str = "181-binh-gia.xlsx") -> Path:
        path = folder / name
        wb.save(path)
        return path


def row_of(ws: Worksheet, code: str) -> int:
    for row in range(FIRST_ROW, ws.max_row + 1):
        if ws.cell(row=row, column=CODE_COL).value == code:
            return row
    raise KeyError(code)


def value_ref(corpus: Corpus, code: str) -> str:
    """The value cell of `code` in the template, e.g. "E6"."""
    return f"E{row_of(corpus.template()[layout.SHEET_DATA], code)}"


def _rewrite_zip(source: Path, target: Path, edit: Callable[[str, bytes], bytes]) -> Path:
    """Copy a zip, passing each part's bytes through `edit(name, data)`."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, edit(info.filename, zin.read(info.filename)))
    return target


SHEET1 = "xl/worksheets/sheet1.xml"


# --- formats that must read --------------------------------------------------------------------


@case("xlsx_ok")
def _xlsx_ok(c: Corpus, folder: Path) -> Path:
    return c.save(c.template(), folder)


def _plain_rows(c: Corpus) -> list[list]:
    """The data table as plain rows: header, then the good values with code and label."""
    rows = [list(layout.DATA_COLUMNS)]
    for n, (code, value) in enumerate(GOOD_VALUES.items(), start=1):
        indicator = c.catalogue.indicator(code)
        rows.append([n, code, indicator.label, indicator.unit, value, ""])
    return rows


def _info_rows(c: Corpus) -> list[list]:
    return [[layout.INFO_FIELDS["unit"], c.unit.name], [layout.INFO_FIELDS["period"], PERIOD]]


@case("xls_ok")
def _xls_ok(c: Corpus, folder: Path) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    data = book.add_sheet(layout.SHEET_DATA)
    data.write(0, 0, layout.TITLE_DATA)
    for r, row in enumerate(_plain_rows(c), start=2):
        for col, value in enumerate(row):
            data.write(r, col, value)
    info = book.add_sheet(layout.SHEET_INFO)
    for r, row in enumerate(_info_rows(c)):
        for col, value in enumerate(row):
            info.write(r, col, value)
    path = folder / "181-binh-gia.xls"
    book.save(str(path))
    return path


@case("ods_ok")
def _ods_ok(c: Corpus, folder: Path) -> Path:
    import pandas as pd

    path = folder / "181-binh-gia.ods"
    rows = _plain_rows(c)
    with pd.ExcelWriter(path, engine="odf") as writer:
        pd.DataFrame(rows[1:], columns=rows[0]).to_excel(
            writer, sheet_name=layout.SHEET_DATA, index=False, startrow=2
        )
        pd.DataFrame(_info_rows(c)).to_excel(
            writer, sheet_name=layout.SHEET_INFO, index=False, header=False
        )
    return path


@case("xls_named_xlsx")
def _xls_named_xlsx(c: Corpus, folder: Path) -> Path:
    """A real .xls saved under an .xlsx name: read by its content."""
    path = folder / "181-binh-gia.xlsx"
    path.write_bytes(c.path("xls_ok").read_bytes())
    return path


# --- files that are not workbooks, damaged, locked or empty -------------------------------------


@case("text_named_xlsx")
def _text(c: Corpus, folder: Path) -> Path:
    path = folder / "181-binh-gia.xlsx"
    path.write_text("Đơn vị: Bình Gia; số cuộc tuyên truyền: 12", encoding="utf-8")
    return path


@case("html_named_xls")
def _html(c: Corpus, folder: Path) -> Path:
    path = folder / "181-binh-gia.xls"  # "Save as Web page" from old Excel
    path.write_text("<html><body><table><tr><td>12</td></tr></table></body></html>")
    return path


@case("docx_named_xlsx")
def _docx(c: Corpus, folder: Path) -> Path:
    path = folder / "181-binh-gia.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return path


@case("password_xlsx")
def _password(c: Corpus, folder: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    path = folder / "181-binh-gia.xlsx"
    with c.path("xlsx_ok").open("rb") as plain, path.open("wb") as locked:
        OOXMLFile(plain).encrypt("matkhau", locked)
    return path


@case("truncated_xlsx")
def _truncated(c: Corpus, folder: Path) -> Path:
    data = c.path("xlsx_ok").read_bytes()
    path = folder / "181-binh-gia.xlsx"
    path.write_bytes(data[: len(data) // 2])  # a copy interrupted half way
    return path


@case("zero_bytes")
def _zero(c: Corpus, folder: Path) -> Path:
    path = folder / "181-binh-gia.xlsx"
    path.write_bytes(b"")
    return path


@case("empty_workbook")
def _empty(c: Corpus, folder: Path) -> Path:
    return c.save(Workbook(), folder)


@case("too_large")
def _too_large(c: Corpus, folder: Path) -> Path:
    path = folder / "181-binh-gia.xlsx"
    with path.open("wb") as f:  # sparse: 25 MB on paper, nothing on disk
        f.write(b"PK\x03\x04")
        f.seek(25 * 1024 * 1024)
        f.write(b"\0")
    return path


# --- hostile zips and XML ----------------------------------------------------------------------


@case("zip_bomb_declared")
def _bomb_declared(c: Corpus, folder: Path) -> Path:
    """A real workbook whose central directory claims the sheet unpacks to 4 GB."""
    data = bytearray(c.path("xlsx_ok").read_bytes())
    name = SHEET1.encode()
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + name_len]) == name:
            struct.pack_into("<I", data, at + 24, 0xFFFF_FF00)  # uncompressed size
        at = data.find(b"PK\x01\x02", at + 4)
    path = folder / "181-binh-gia.xlsx"
    path.write_bytes(bytes(data))
    return path


@case("zip_bomb_ratio")
def _bomb_ratio(c: Corpus, folder: Path) -> Path:
    """The sheet padded with 20 MB of blanks: a few kilobytes packed, a thousand times more open."""

    def pad(name: str, data: bytes) -> bytes:
        return data + b" " * (20 * 1024 * 1024) if name == SHEET1 else data

    return _rewrite_zip(c.path("xlsx_ok"), folder / "181-binh-gia.xlsx", pad)


BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""


@case("billion_laughs")
def _laughs(c: Corpus, folder: Path) -> Path:
    """The data sheet's XML opens with the billion-laughs DTD and uses &lol9; in a cell."""

    def laugh(name: str, data: bytes) -> bytes:
        if name != SHEET1:
            return data
        body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
        return BILLION_LAUGHS + body.replace(b"<v>12</v>", b"<v>&lol9;</v>", 1)

    return _rewrite_zip(c.path("xlsx_ok"), folder / "181-binh-gia.xlsx", laugh)


@case("far_cell")
def _far_cell(c: Corpus, folder: Path) -> Path:
    wb = c.template()
    wb[layout.SHEET_DATA]["XFD1048576"] = "x"  # Ctrl+End lands a million rows down
    return c.save(wb, folder)


# --- layout changes ----------------------------------------------------------------------------


@case("sheet_renamed_no_table")
def _no_table(c: Corpus, folder: Path) -> Path:
    wb = Workbook()
    wb.active.title = "Trang tính 1"
    wb.active["A1"] = "Báo cáo 6 tháng"
    return c.save(wb, folder)


@case("merged_cells")
def _merged(c: Corpus, folder: Path) -> Path:
    """Section headings merged across the row (the template's own), plus two indicators'
    value cells merged into one."""
    wb = c.template(values={"tt_so_cuoc": 12})
    data = wb[layout.SHEET_DATA]
    first = row_of(data, "tt_so_cuoc")
    data.merge_cells(
        start_row=first, start_column=VALUE_COL, end_row=first + 1, end_column=VALUE_COL
    )
    return c.save(wb, folder)


@case("extra_columns")
def _extra_columns(c: Corpus, folder: Path) -> Path:
    wb = c.template()
    data = wb[layout.SHEET_DATA]
    data.insert_cols(4)  # a column "Ghi chú của huyện" between the label and the unit
    data.cell(row=4, column=4, value="Ghi chú của huyện")
    data.cell(row=4, column=9, value="Cột thêm")
    return c.save(wb, folder)


@case("hidden_rows")
def _hidden_rows(c: Corpus, folder: Path) -> Path:
    wb = c.template()
    data = wb[layout.SHEET_DATA]
    data.row_dimensions[row_of(data, "tt_luot_nguoi")].hidden = True
    return c.save(wb, folder)


@case("hidden_data_sheet")
def _hidden_data_sheet(c: Corpus, folder: Path) -> Path:
    wb = c.template()
    wb.active = 1
    wb[layout.SHEET_DATA].sheet_state = "hidden"
    return c.save(wb, folder)


@case("hidden_decoy_sheet")
def _hidden_decoy(c: Corpus, folder: Path) -> Path:
    """The data sheet renamed "Sheet1"; a hidden older copy, placed first, must be ignored."""
    wb = c.template()
    wb[layout.SHEET_DATA].title = "Sheet1"
    old = wb.copy_worksheet(wb["Sheet1"])
    old.title = "Bản cũ"
    old.cell(row=row_of(old, "tt_so_cuoc"), column=VALUE_COL, value=999)
    old.sheet_state = "hidden"
    wb.move_sheet(old, offset=-len(wb.sheetnames) + 1)
    return c.save(wb, folder)


@case("code_column_deleted")
def _code_deleted(c: Corpus, folder: Path) -> Path:
    wb = c.template()
    wb[layout.SHEET_DATA].delete_cols(CODE_COL)
    return c.save(wb, folder)


@case("rows_reordered")
def _reordered(c: Corpus, folder: Path) -> Path:
    """Two indicators of different sections swap rows, code, label and value together."""
    wb = c.template()
    data = wb[layout.SHEET_DATA]
    a, b = row_of(data, "tt_so_cuoc"), row_of(data, "quy_vnn_van_dong")
    for col in range(1, len(layout.DATA_COLUMNS) + 1):
        first, second = data.cell(row=a, column=col), data.cell(row=b, column=col)
        first.value, second.value = second.value, first.value
    return c.save(wb, folder)


RELABELLED = "Số buổi tuyên truyền"  # the catalogue says "Số cuộc tuyên truyền"


@case("relabelled")
def _relabelled(c: Corpus, folder: Path) -> Path:
    wb = c.template()
    data = wb[layout.SHEET_DATA]
    row = row_of(data, "tt_so_cuoc")
    data.cell(row=row, column=CODE_COL).value = None
    data.cell(row=row, column=LABEL_COL, value=RELABELLED)
    return c.save(wb, folder)


@case("duplicate_rows")
def _duplicate(c: Corpus, folder: Path) -> Path:
    wb = c.template()
    data = wb[layout.SHEET_DATA]
    row = data.max_row + 1
    data.cell(row=row, column=CODE_COL, value="tt_so_cuoc")
    data.cell(row=row, column=VALUE_COL, value=15)
    return c.save(wb, folder)


# --- cell contents -----------------------------------------------------------------------------


@case("negative")
def _negative(c: Corpus, folder: Path) -> Path:
    return c.save(c.template(values={**GOOD_VALUES, "tt_so_cuoc": -5}), folder)


WORDS = {
    "tt_so_cuoc": "không",
    "tt_luot_nguoi": "-",
    "tt_tin_bai": "x",
    "tt_bao_cao_y_kien": "chưa có",
    "dk_nguoi_uy_tin": "nhiều lắm",
}


@case("words_in_numbers")
def _words(c: Corpus, folder: Path) -> Path:
    return c.save(c.template(values=WORDS), folder)


@case("date_in_number")
def _date(c: Corpus, folder: Path) -> Path:
    wb = c.template(values={"tt_so_cuoc": dt.date(2021, 3, 12)})
    return c.save(wb, folder)


@case("formula_uncached")
def _formula_uncached(c: Corpus, folder: Path) -> Path:
    """openpyxl, like many tools other than Excel, saves formulas without their result."""
    wb = c.template(values={"tt_so_cuoc": "=5+7"})
    return c.save(wb, folder)


@case("formula_cached")
def _formula_cached(c: Corpus, folder: Path) -> Path:
    """As Excel saves it: the formula and its last result."""

    def cache(name: str, data: bytes) -> bytes:
        return (
            data.replace(b"<f>5+7</f><v></v>", b"<f>5+7</f><v>12</v>").replace(
                b"<f>5+7</f>", b"<f>5+7</f><v>12</v>"
            )
            if name == SHEET1
            else data
        )

    return _rewrite_zip(c.path("formula_uncached"), folder / "181-binh-gia.xlsx", cache)


@case("nfd_text")
def _nfd(c: Corpus, folder: Path) -> Path:
    import unicodedata

    wb = c.template()
    data = wb[layout.SHEET_DATA]
    row = row_of(data, "tt_so_cuoc")
    data.cell(row=row, column=CODE_COL).value = None
    label = data.cell(row=row, column=LABEL_COL)
    label.value = unicodedata.normalize("NFD", label.value)
    return c.save(wb, folder)


TCVN3_LABEL = "Sè cuéc tuyªn truyÒn"  # "Số cuộc tuyên truyền" typed with .VnTime
VNI_MODEL = "Toå hoøa giaûi ñieåm"  # "Tổ hòa giải điểm" typed with VNI-Times
GARBLED_MODEL = "Mô hình ®ªm ÿþ ñ"  # neither Unicode nor a legacy encoding


@case("legacy_text")
def _legacy(c: Corpus, folder: Path) -> Path:
    wb = c.template()
    data = wb[layout.SHEET_DATA]
    row = row_of(data, "tt_so_cuoc")
    data.cell(row=row, column=CODE_COL).value = None
    data.cell(row=row, column=LABEL_COL, value=TCVN3_LABEL)
    data.cell(row=row_of(data, "tt_tin_bai"), column=VALUE_COL, value="kh«ng")  # TCVN3 "không"
    models = wb[layout.SHEET_MODELS]
    models.cell(row=FIRST_ROW, column=2, value=VNI_MODEL)
    models.cell(row=FIRST_ROW, column=3, value=3)
    models.cell(row=FIRST_ROW + 1, column=2, value="Dân vận khéo")
    models.cell(row=FIRST_ROW + 2, column=2, value=GARBLED_MODEL)
    return c.save(wb, folder)


# --- Thông tin naming another unit or period ---------------------------------------------------


@case("other_unit")
def _other_unit(c: Corpus, folder: Path) -> Path:
    other = next(u for u in c.units if u.code == "180")
    wb = c.template(unit=other)  # Thông tin says Tràng Định; the file is Bình Gia's
    return c.save(wb, folder)


@case("other_period")
def _other_period(c: Corpus, folder: Path) -> Path:
    wb = c.template()
    info = wb[layout.SHEET_INFO]
    info.cell(row=list(layout.INFO_FIELDS).index("period") + 1, column=2, value="2020-H1")
    return c.save(wb, folder)


def reopen(path: Path) -> Workbook:
    """The workbook as openpyxl reads it back (to check what a builder wrote)."""
    return load_workbook(io.BytesIO(path.read_bytes()))


# --- issue 8: cells read as the unit sees them in Excel ------------------------------------------
# Each example is an edit of the 2021-H1 template (cells as the issue names them), applied with
# openpyxl, then, for what openpyxl cannot write (error values, binary noise), in the sheet XML.

PERCENT_CELL = "E20"  # ntm_ty_le_hai_long
MONEY_UNIT_CELL, MONEY_CELL = "D21", "E21"  # quy_vnn_van_dong
ERROR_CELLS = {"E6": ("1/0", "#DIV/0!"), "E7": ("#REF!+1", "#REF!"), "E8": ("NA()", "#N/A")}
# A whole number Excel shows, stored with binary noise beyond its 15 significant digits.
NOISE_CELLS = {"E19": "1471.9999999999998", "E13": "1637200000.0000002"}
NOISE_SHOWN = {"E19": 1472, "E13": 1_637_200_000}
PERIOD_IN_WORDS = "6 tháng đầu năm 2021"


def apply_examples(wb: Workbook, examples: set[str]) -> Workbook:
    """The issue's examples, by name: percent, million, errors, noise, period_words."""
    data = wb[layout.SHEET_DATA]
    if "percent" in examples:
        data[PERCENT_CELL].value = 0.85
        data[PERCENT_CELL].number_format = "0%"
    if "million" in examples:
        data[MONEY_UNIT_CELL].value = "triệu đồng"
        data[MONEY_CELL].value = 15
    if "errors" in examples:
        for ref, (formula, _error) in ERROR_CELLS.items():
            data[ref].value = f"={formula}"
    if "noise" in examples:
        for ref, shown in NOISE_SHOWN.items():
            data[ref].value = shown
    if "period_words" in examples:
        info = wb[layout.SHEET_INFO]
        info.cell(
            row=list(layout.INFO_FIELDS).index("period") + 1, column=2
        ).value = PERIOD_IN_WORDS
    return wb


def _cell_xml(data: bytes, ref: str, inner: str, cell_type: str | None) -> bytes:
    """Replace the content (and type) of cell `ref` in a sheet's XML, keeping its style."""
    import re

    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"([^>]*?)(/>|>.*?</c>)', re.S)
    match = pattern.search(data)
    assert match, ref
    attrs = re.sub(rb'\s+t="[^"]*"', b"", match.group(1))
    kind = f' t="{cell_type}"'.encode() if cell_type else b""
    new = b'<c r="' + ref.encode() + b'"' + attrs + kind + b">" + inner.encode() + b"</c>"
    return data[: match.start()] + new + data[match.end() :]


def finish_examples_xml(source: Path, target: Path, examples: set[str]) -> Path:
    """Write, as Excel saves them, the error values and the noisy numbers of the examples."""

    def edit(name: str, data: bytes) -> bytes:
        if name != SHEET1:
            return data
        if "errors" in examples:
            for ref, (formula, error) in ERROR_CELLS.items():
                inner = f"<f>{formula.replace('&', '&amp;')}</f><v>{error}</v>"
                data = _cell_xml(data, ref, inner, "e")
        if "noise" in examples:
            for ref, stored in NOISE_CELLS.items():
                data = _cell_xml(data, ref, f"<v>{stored}</v>", "n")
        return data

    return _rewrite_zip(source, target, edit)


def _example(c: Corpus, folder: Path, examples: set[str]) -> Path:
    wb = apply_examples(c.template(values={}), examples)
    plain = c.save(wb, folder, "plain.xlsx")
    path = finish_examples_xml(plain, folder / "181-binh-gia.xlsx", examples)
    plain.unlink()
    return path


for _name in ("percent", "million", "errors", "noise", "period_words"):
    CASES[f"example_{_name}"] = lambda c, folder, n=_name: _example(c, folder, {n})
CASES["example_all"] = lambda c, folder: _example(
    c, folder, {"percent", "million", "errors", "noise", "period_words"}
)


@case("percent_on_count")
def _percent_on_count(c: Corpus, folder: Path) -> Path:
    """A count cell styled as percent: the unit sees "1200%", not 12."""
    wb = c.template()
    data = wb[layout.SHEET_DATA]
    cell = data.cell(row=row_of(data, "tt_so_cuoc"), column=VALUE_COL)
    cell.number_format = "0%"
    return c.save(wb, folder)


@case("unit_of_measure_other")
def _unit_other(c: Corpus, folder: Path) -> Path:
    """A count row whose ĐVT says money; a count row whose ĐVT is an accepted synonym."""
    wb = c.template()
    data = wb[layout.SHEET_DATA]
    data.cell(row=row_of(data, "tt_so_cuoc"), column=VALUE_COL - 1, value="triệu đồng")
    data.cell(row=row_of(data, "tt_luot_nguoi"), column=VALUE_COL - 1, value="Lượt")
    return c.save(wb, folder)


@case("no_info_sheet")
def _no_info(c: Corpus, folder: Path) -> Path:
    wb = c.template()
    del wb[layout.SHEET_INFO]
    return c.save(wb, folder)


@case("ods_percent_and_error")
def _ods_percent_and_error(c: Corpus, folder: Path) -> Path:
    """An .ods as LibreOffice saves a percent cell and a formula error."""
    import re

    plain = c.path("ods_ok")
    calcext = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"

    def edit(name: str, data: bytes) -> bytes:
        if name != "content.xml":
            return data
        text = data.decode()
        if "xmlns:calcext" not in text:
            text = text.replace(
                "<office:document-content ",
                f'<office:document-content xmlns:calcext="{calcext}" ',
                1,
            )
        # The second row becomes the percent row, typed 85% (stored 0.85, as LibreOffice does).
        text = text.replace("tt_luot_nguoi", "ntm_ty_le_hai_long")
        text = text.replace(
            'office:string-value="lượt người"><text:p>lượt người</text:p>',
            'office:string-value="%"><text:p>%</text:p>',
        )
        text = re.sub(
            r'<table:table-cell office:value-type="float" office:value="1357"[^>]*>'
            r"<text:p>1357</text:p></table:table-cell>",
            '<table:table-cell office:value-type="percentage" office:value="0.85">'
            "<text:p>85%</text:p></table:table-cell>",
            text,
        )
        # tt_so_cuoc: a formula whose result is an error.
        text = re.sub(
            r'<table:table-cell office:value-type="float" office:value="12"[^>]*>'
            r"<text:p>12</text:p></table:table-cell>",
            '<table:table-cell table:formula="of:=1/0" office:value-type="float" '
            'office:value="0" calcext:value-type="error"><text:p>#DIV/0!</text:p>'
            "</table:table-cell>",
            text,
            count=1,
        )
        return text.encode()

    return _rewrite_zip(plain, folder / "181-binh-gia.ods", edit)


@case("xls_percent_and_errors")
def _xls_percent_and_errors(c: Corpus, folder: Path) -> Path:
    """An Excel 97–2003 file: a percent typed into a percent cell, and two error values."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    data = book.add_sheet(layout.SHEET_DATA)
    data.write(0, 0, layout.TITLE_DATA)
    rows = [
        list(layout.DATA_COLUMNS),
        [1, "tt_so_cuoc", "Số cuộc tuyên truyền", "cuộc", None, ""],
        [2, "tt_luot_nguoi", "Số lượt người tham dự các buổi tuyên truyền", "lượt người", None, ""],
        [3, "ntm_ty_le_hai_long", "Tỷ lệ người dân hài lòng", "%", None, ""],
    ]
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row):
            if value is not None:
                data.write(r, col, value)
    data.row(3).set_cell_error(VALUE_COL - 1, "#DIV/0!")  # E4
    data.row(4).set_cell_error(VALUE_COL - 1, 0x2A)  # E5: #N/A
    data.write(5, VALUE_COL - 1, 0.85, xlwt.easyxf(num_format_str="0%"))  # E6
    info = book.add_sheet(layout.SHEET_INFO)
    for r, row in enumerate(_info_rows(c)):
        for col, value in enumerate(row):
            info.write(r, col, value)
    path = folder / "181-binh-gia.xls"
    book.save(str(path))
    return path
