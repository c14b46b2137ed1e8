"""Property-based tests of the reader: whatever a file holds, reading it ends in values, an
`Issue` or an `InputError`, never another exception, and never changes the file."""

from __future__ import annotations

import datetime as dt
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from baocao.errors import InputError, Issue
from baocao.intake import layout
from baocao.intake.legacy_text import _TCVN3, detect_legacy, to_unicode
from baocao.intake.read import read_unit_workbook
from baocao.intake.safety import OLE_MAGIC, ZIP_MAGIC
from baocao.unit.clean import clean_unit

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def read_only_errors(path: Path) -> None:
    """Read `path`; an InputError is fine, any other exception fails the test."""
    before = path.read_bytes()
    try:
        read_unit_workbook(path)
    except InputError as error:
        assert error.kind.isascii() and error.message
    assert path.read_bytes() == before


@SETTINGS
@given(
    data=st.binary(max_size=2048),
    prefix=st.sampled_from([b"", ZIP_MAGIC, OLE_MAGIC, b"PK\x05\x06"]),
    suffix=st.sampled_from([".xlsx", ".xls", ".ods", ".xlsm"]),
)
def test_random_bytes_give_only_input_errors(data, prefix, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"don-vi{suffix}"
        path.write_bytes(prefix + data)
        read_only_errors(path)


@pytest.fixture(scope="module")
def real_xlsx(tmp_path_factory) -> bytes:
    from conftest import write_workbook

    path = write_workbook(
        tmp_path_factory.mktemp("real") / "u.xlsx",
        [[1, "tt_so_cuoc", "Số cuộc tuyên truyền", "cuộc", 12, ""]],
        info={"unit": "Bình Gia", "period": "2021-H1"},
        models=[[1, "Tổ hòa giải", 3, "", 20, ""]],
    )
    return path.read_bytes()


@SETTINGS
@given(st.data())
def test_a_damaged_real_workbook_gives_only_input_errors(real_xlsx, data):
    damaged = bytearray(real_xlsx)
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(damaged) - 1))
        damaged[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(len(damaged) // 2, len(damaged)))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "u.xlsx"
        path.write_bytes(bytes(damaged[:cut]))
        read_only_errors(path)


CELLS = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.text(alphabet="0123456789.,- %đkKtriệuỷ«ª¸µ¹øÕÒèéaøùâñö", max_size=15),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
)
LEGAL = st.text(max_size=30).map(
    lambda s: "".join(c for c in s if c.isprintable() and c not in "\ud800\udfff")
)


@SETTINGS
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["tt_so_cuoc", "tt_luot_nguoi", "quy_vnn_van_dong", "", "khac"]),
            LEGAL,
            CELLS,
            CELLS,
        ),
        max_size=6,
    ),
    unit=LEGAL,
    model=CELLS,
)
def test_any_cell_values_give_values_or_issues(catalogue, rows, unit, model):
    wb = Workbook()
    data = wb.active
    data.title = layout.SHEET_DATA
    try:  # openpyxl refuses control characters: Excel cannot hold them either
        data.append(list(layout.DATA_COLUMNS))
        for n, (code, label, value, note) in enumerate(rows, start=1):
            data.append([n, code, label, "", value, note])
        models = wb.create_sheet(layout.SHEET_MODELS)
        models.append(list(layout.MODEL_COLUMNS))
        models.append([1, model, model, model, model, model])
        info = wb.create_sheet(layout.SHEET_INFO)
        info.append([layout.INFO_FIELDS["unit"], unit])
    except IllegalCharacterError:
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "u.xlsx"
        wb.save(path)
        try:
            workbook = read_unit_workbook(path)
        except InputError as error:
            assert error.kind in ("empty_workbook", "sheet_missing", "header_missing")
            return
    result = clean_unit(workbook, catalogue, period="2021-H1", unit_code="181")
    assert all(isinstance(i, Issue) and i.kind.isascii() for i in result.issues)
    assert len(result.values) == len(catalogue.codes)
    for text in result.models["name"]:
        assert detect_legacy(text) is None


# --- legacy encodings --------------------------------------------------------------------------

_TO_TCVN3 = {v: k for k, v in _TCVN3.items()}


@pytest.fixture(scope="module")
def vietnamese_words(catalogue, units_2021) -> list[str]:
    texts = [i.label for i in catalogue.indicators] + [u.name for u in units_2021]
    return sorted({w for t in texts for w in t.split()})


@SETTINGS
@given(st.data())
def test_unicode_vietnamese_is_never_taken_for_a_legacy_encoding(vietnamese_words, data):
    words = data.draw(st.lists(st.sampled_from(vietnamese_words), min_size=1, max_size=8))
    text = " ".join(words)
    assert detect_legacy(text) is None
    assert detect_legacy(unicodedata.normalize("NFD", text)) is None


@SETTINGS
@given(st.data())
def test_tcvn3_text_converts_back_to_unicode(vietnamese_words, data):
    words = data.draw(st.lists(st.sampled_from(vietnamese_words), min_size=1, max_size=8))
    text = " ".join(words).lower()
    encoded = "".join(_TO_TCVN3.get(c, c) for c in text)
    assert to_unicode(encoded, "tcvn3") == text
