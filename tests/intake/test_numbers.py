"""Reading Vietnamese numbers from cells and writing them back into the report."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from baocao.base.numbers import format_change, format_money, format_number, format_percent
from baocao.intake.numbers import MAX_FIGURE, NumberParseError, Parsed, parse_value


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# (raw cell value, kind, expected value, whether a note is expected)
READS = [
    # blanks: not reported, never 0
    (None, "count", None, False),
    ("", "money", None, False),
    ("   ", "count", None, False),
    ("\u00a0\u00a0", "percent", None, False),
    ("\u200b", "count", None, False),
    # Vietnamese separators
    ("1.250.000", "money", 1_250_000, False),
    ("1.357", "count", 1357, False),
    ("1.357", "money", 1357, False),
    ("1 250 000", "money", 1_250_000, False),
    ("1\u00a0250\u00a0000", "money", 1_250_000, False),
    (" 42 ", "count", 42, False),
    ("0", "count", 0, False),
    ("007", "count", 7, False),
    ("12,0", "count", 12, False),
    ("1,5", "percent", 1.5, False),
    ("85,5", "percent", 85.5, False),
    ("85,5%", "percent", 85.5, False),
    ("85,5 %", "percent", 85.5, False),
    ("100", "percent", 100.0, False),
    ("1.250.000,5", "percent", 1_250_000.5, False),
    ("85.5", "percent", 85.5, True),
    ("85.25%", "percent", 85.25, True),
    ("1.250", "percent", 1250.0, False),  # three digits after a dot: thousands, by the rule
    # money units
    ("15 triệu", "money", 15_000_000, True),
    ("15triệu", "money", 15_000_000, True),
    ("15 TRIỆU", "money", 15_000_000, True),
    ("15 trieu", "money", 15_000_000, True),
    ("15 tr", "money", 15_000_000, True),
    ("15 tr.", "money", 15_000_000, True),
    ("12 tr.đ", "money", 12_000_000, True),
    ("12,75 triệu đồng", "money", 12_750_000, True),
    ("1,5 tỷ", "money", 1_500_000_000, True),
    ("1,5 tỉ", "money", 1_500_000_000, True),
    ("1,5 ty", "money", 1_500_000_000, True),
    ("1,5 Tỷ đồng", "money", 1_500_000_000, True),
    (nfd("1,5 tỷ"), "money", 1_500_000_000, True),
    (nfd("2.500.000đồng"), "money", 2_500_000, True),
    ("2.500.000đồng", "money", 2_500_000, True),
    ("1.250.000 đ", "money", 1_250_000, True),
    ("1.250.000đ", "money", 1_250_000, True),
    ("1.250.000 VNĐ", "money", 1_250_000, True),
    ("1.250.000 vnd", "money", 1_250_000, True),
    ("1.250.000 dong", "money", 1_250_000, True),
    ("500 nghìn", "money", 500_000, True),
    ("500 ngàn", "money", 500_000, True),
    ("500 ngan", "money", 500_000, True),
    ("500 nghin", "money", 500_000, True),
    ("500k", "money", 500_000, True),
    ("500 K", "money", 500_000, True),
    ("1,2345678 tỷ", "money", 1_234_567_800, True),
    ("0,0000001 tỷ", "money", 100, True),
    # a unit of measure after a count is dropped, with a note
    ("12 căn", "count", 12, True),
    ("1.357 lượt người", "count", 1357, True),
    (nfd("12 căn"), "count", 12, True),
    # dashes and zero words
    ("-", "count", 0, True),
    ("–", "money", 0, True),
    ("—", "count", 0, True),
    ("-", "percent", 0.0, True),
    ("không", "count", 0, True),
    ("Không", "money", 0, True),
    (nfd("không"), "count", 0, True),
    # words meaning not reported
    ("x", "count", None, True),
    ("X", "money", None, True),
    ("chưa có", "count", None, True),
    ("Chưa báo cáo", "money", None, True),
    ("k/c", "count", None, True),
    ("K/C", "count", None, True),
    ("không có số liệu", "percent", None, True),
    (nfd("chưa có"), "count", None, True),
    ("n/a", "money", None, True),
    ("N/A", "count", None, True),
    # negatives are read; rules reject them later
    ("-5", "count", -5, False),
    ("- 5", "count", -5, False),
    ("(5)", "count", -5, False),
    ("(1.250.000 đ)", "money", -1_250_000, True),
    ("-1,5 tỷ", "money", -1_500_000_000, True),
    ("-2,5", "percent", -2.5, False),
    # numbers stored as numbers
    (1357, "count", 1357, False),
    (1250000.0, "money", 1_250_000, False),
    (1.357, "count", 1357, True),
    (12.345, "money", 12_345, True),
    (-1.357, "count", -1357, True),
    (-5, "count", -5, False),
    (85, "percent", 85.0, False),
    (85.5, "percent", 85.5, False),
    (0.855, "percent", 0.855, True),  # maybe an Excel percent-formatted cell: flagged, kept
    (0, "percent", 0.0, False),
]


@pytest.mark.parametrize(("raw", "kind", "expected", "noted"), READS)
def test_parse_value(raw, kind, expected, noted):
    parsed = parse_value(raw, kind)
    assert parsed.value == expected
    assert (parsed.note is not None) == noted
    if expected is not None:
        assert type(parsed.value) is (float if kind == "percent" else int)


def test_blank_is_not_zero():
    assert parse_value("", "count").value is None
    assert parse_value("-", "count").value == 0
    assert parse_value("x", "count").value is None


def test_notes_quote_what_was_written():
    assert parse_value("-", "count").note == "“-” được hiểu là 0."
    assert parse_value("x", "count").note == "“x” được hiểu là không báo cáo."
    assert "căn" in parse_value("12 căn", "count").note
    assert "1.357" in parse_value(1.357, "count").note
    # money whose unit was read from words is listed for review, with the amount in đồng
    assert parse_value("15 triệu", "money").note == "“15 triệu” được hiểu là 15.000.000 đồng."
    assert "1.500.000.000 đồng" in parse_value("1,5 tỷ", "money").note
    assert "2.500.000 đồng" in parse_value("2.500.000đồng", "money").note
    assert "-1.500.000.000 đồng" in parse_value("-1,5 tỷ", "money").note


@pytest.mark.parametrize("kind", ["count", "money"])
def test_lone_dot_group_is_thousands_for_whole_kinds(kind):
    assert parse_value("1.357", kind) == Parsed(1357)


# (raw cell value, kind, a fragment the reason must contain)
REJECTS = [
    ("abc", "money", "không phải là số"),
    ("abc", "count", "không phải là số"),
    ("mười hai", "count", "không phải là số"),
    ("đ 500", "money", "không phải là số"),
    ("...", "count", "không phải là số"),
    ("1.5", "count", "không đúng cách ghi số"),
    ("1.35 tỷ", "money", "không đúng cách ghi số"),
    ("1,250,000", "money", "không đúng cách ghi số"),
    ("1,250.50", "percent", "không đúng cách ghi số"),
    ("12 5", "count", "không đúng cách ghi số"),
    ("1.2345", "percent", "không đúng cách ghi số"),
    ("(-5)", "count", "không đúng cách ghi số"),
    ("1,5", "count", "phải là số nguyên"),
    ("1,250", "count", "1.250"),  # English thousands: the reason shows the Vietnamese form
    ("1,5", "money", "không phải số đồng nguyên"),
    ("1,5 đồng", "money", "không phải số đồng nguyên"),
    ("0,0001 nghìn đồng", "money", "không phải số đồng nguyên"),
    ("5%", "count", "dấu %"),
    ("5 %", "money", "dấu %"),
    ("15 triệu", "count", "số lượng"),
    ("2 nghìn", "count", "số lượng"),
    ("2k", "count", "số lượng"),
    ("12 đồng", "count", "số lượng"),
    ("12 căn2", "count", "không phải là số"),
    ("3O", "count", "số 0 hoặc số 1 gõ nhầm"),  # 30 typed with a letter O: not read as 3
    ("1l", "count", "số 0 hoặc số 1 gõ nhầm"),
    ("2 OO", "count", "số 0 hoặc số 1 gõ nhầm"),
    ("15 triệu", "percent", "tỷ lệ"),
    ("85 phần trăm", "percent", "tỷ lệ"),
    ("12 abc", "money", "không hiểu đơn vị"),
    ("1" * 400, "count", "quá nhiều chữ số"),
    (1.5, "count", "phải là số nguyên"),
    (1.35, "money", "không phải số đồng nguyên"),
    (0.5, "count", "phải là số nguyên"),
    (1.2345, "count", "phải là số nguyên"),
    (1234.567, "count", "phải là số nguyên"),
    (True, "count", "đúng/sai"),
    (False, "percent", "đúng/sai"),
    (dt.date(2021, 3, 1), "count", "ngày tháng"),
    (dt.datetime(2021, 3, 1, 8, 30), "money", "ngày tháng"),
    (dt.time(8, 30), "count", "giờ"),
    (dt.timedelta(hours=3), "count", "giờ"),
    (float("nan"), "percent", "hữu hạn"),
    (float("inf"), "count", "hữu hạn"),
    (float("-inf"), "money", "hữu hạn"),
    (10**400, "percent", "quá lớn"),
    ([1, 2], "count", "không đọc được"),
]


@pytest.mark.parametrize(("raw", "kind", "fragment"), REJECTS)
def test_parse_value_rejects(raw, kind, fragment):
    with pytest.raises(NumberParseError) as caught:
        parse_value(raw, kind)
    reason = caught.value.reason
    assert fragment in reason
    assert reason == unicodedata.normalize("NFC", reason)
    assert str(caught.value) == reason


# --- which number counts: the one shown or the one stored (see parse_value) ------------------


@pytest.mark.parametrize(
    ("stored", "scale", "expected"),
    [
        (1.5, 10**9, 1_500_000_000),  # "#,##0" shows 2: 2 tỷ would invent 500 triệu
        (1584.1, 10**6, 1_584_100_000),  # shows 1.584: 100 triệu would be lost
        (0.4, 10**6, 400_000),  # shows 0
        (12.75, 10**6, 12_750_000),
        (15, 10**6, 15_000_000),
        (2.5, 1000, 2_500),
    ],
)
def test_a_scaled_money_row_reads_the_stored_number_not_the_rounded_display(
    stored, scale, expected
):
    parsed = parse_value(stored, "money", number_format="#,##0", scale=scale)
    assert parsed.value == expected and type(parsed.value) is int
    if stored != int(stored):
        assert "Excel hiển thị" in parsed.note and format_number(expected) in parsed.note


def test_a_scaled_money_amount_below_one_dong_is_rounded_to_whole_dong_with_a_note():
    parsed = parse_value(1.2345678, "money", number_format="General", scale=10**6)
    assert parsed.value == 1_234_568 and "1.234.568 đồng" in parsed.note


def test_money_in_dong_and_counts_read_the_whole_number_shown():
    assert parse_value(1_250_000.4, "money", number_format="#,##0").value == 1_250_000
    assert parse_value(12.4, "count", number_format="#,##0").value == 12


@pytest.mark.parametrize("code", ["# ?/?", "# ??/??", "?/4", "0 ?/8"])
def test_a_fraction_format_is_read_by_the_stored_number(code):
    # Excel shows 2,5 as "2 1/2": it is 2,5, not the "3" of a format without decimals.
    with pytest.raises(NumberParseError, match="phải là số nguyên"):
        parse_value(2.5, "count", number_format=code)
    assert parse_value(85.5, "percent", number_format=code) == Parsed(85.5)
    assert parse_value(3.0, "count", number_format=code) == Parsed(3)


@pytest.mark.parametrize("code", ['0"%"', "0\\%", '#,##0" %"'])
def test_a_literal_percent_sign_is_not_a_percent_style(code):
    assert parse_value(85, "percent", number_format=code) == Parsed(85.0)
    assert parse_value(12, "count", number_format=code) == Parsed(12)
    parsed = parse_value(0.85, "percent", number_format=code)  # shown "1 %", not "85 %"
    assert parsed.value == 1.0 and "0,85" in parsed.note and "85%" in parsed.note


@pytest.mark.parametrize(
    ("raw", "kind", "code", "shown"),
    [
        (15, "money", '#,##0,,"tr"', "hiển thị 0,"),
        (15_000_000, "money", '#,##0,,"tr"', "hiển thị 15,"),
        (1500, "money", '#,##0.0,"k"', "hiển thị 1,5,"),
        (12_000, "count", "#,##0,", "hiển thị 12,"),
        (850, "percent", "0,%", "hiển thị 85%"),
        (1.5e9, "money", "0.00,,,", "hiển thị 1,50,"),
    ],
)
def test_a_format_that_divides_the_number_shown_by_thousands_is_refused(raw, kind, code, shown):
    with pytest.raises(NumberParseError) as caught:
        parse_value(raw, kind, number_format=code)
    assert shown in caught.value.reason and f"“{code}”" in caught.value.reason
    assert parse_value(0, kind, number_format=code).value == 0


def test_date_reason_says_to_format_as_number():
    with pytest.raises(NumberParseError, match="kiểu số"):
        parse_value(dt.date(2021, 3, 1), "count")


def test_parse_error_is_a_value_error():
    assert issubclass(NumberParseError, ValueError)


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError) as caught:
        parse_value("1", "weight")
    assert not isinstance(caught.value, NumberParseError)


KINDS = st.sampled_from(["count", "money", "percent"])
CELL_VALUES = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet="0123456789.,  \u00a0-()%đkKtriệuỷỉ"),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.booleans(),
    st.dates(),
)


@given(raw=CELL_VALUES, kind=KINDS)
def test_parse_value_returns_parsed_or_raises_parse_error(raw, kind):
    try:
        parsed = parse_value(raw, kind)
    except NumberParseError as error:
        assert error.reason
        return
    assert isinstance(parsed, Parsed)
    assert parsed.value is None or isinstance(parsed.value, float if kind == "percent" else int)


@given(st.integers(min_value=0, max_value=MAX_FIGURE - 1))
def test_format_then_parse_round_trips(n):
    assert parse_value(format_number(n), "count").value == n


@given(st.integers(min_value=0, max_value=MAX_FIGURE - 1))
def test_formatted_money_in_dong_round_trips(n):
    assert parse_value(format_number(n) + " đồng", "money").value == n


@pytest.mark.parametrize(
    ("raw", "kind", "scale"),
    [
        (1e300, "count", 1),  # once published as a count of 10^300
        (10**20, "count", 1),
        (1e15, "money", 1),
        ("1.000.000.000.000.000", "count", 1),
        ("9" * 200, "money", 1),
        (2_000_000, "money", 10**9),  # 2 triệu tỷ đồng on a row in tỷ đồng
        (-(10**16), "count", 1),
        (1e16, "percent", 1),
    ],
)
def test_a_figure_of_a_million_billion_or_more_is_refused(raw, kind, scale):
    with pytest.raises(NumberParseError) as refused:
        parse_value(raw, kind, scale=scale)
    assert "số quá lớn" in refused.value.reason and "Hãy kiểm tra lại ô này" in refused.value.reason


def test_the_largest_figure_below_the_bound_is_read_exactly():
    assert parse_value(MAX_FIGURE - 1, "money").value == 999_999_999_999_999
    assert parse_value("999.999.999.999.999 đồng", "money").value == 999_999_999_999_999
    assert parse_value(1.5, "money", scale=10**12).value == 1_500_000_000_000


# --- writing ---------------------------------------------------------------------------------

NUMBERS = [
    (1357, {}, "1.357"),
    (0, {}, "0"),
    (999, {}, "999"),
    (1_250_000, {}, "1.250.000"),
    (-1357, {}, "-1.357"),
    (12.5, {"decimals": 1}, "12,5"),
    (12, {"decimals": 1}, "12,0"),
    (12, {"decimals": 1, "trim": True}, "12"),
    (12.50, {"decimals": 2, "trim": True}, "12,5"),
    (12.25, {"decimals": 1}, "12,3"),  # half up, as by hand
    (0.125, {"decimals": 2}, "0,13"),
    (-0.04, {"decimals": 1}, "0,0"),  # never "-0,0"
    (1234.5678, {"decimals": 2}, "1.234,57"),
    (Decimal("1.5"), {}, "2"),
    (10**30, {}, "1.000.000.000.000.000.000.000.000.000.000"),
]


@pytest.mark.parametrize(("x", "options", "expected"), NUMBERS)
def test_format_number(x, options, expected):
    assert format_number(x, **options) == expected


MONEY = [
    (12_500_000_000, "12,5 tỷ đồng"),
    (1_400_000_000, "1,4 tỷ đồng"),
    (2_000_000_000, "2 tỷ đồng"),
    (1_234_567_890, "1,23 tỷ đồng"),
    (1_234_000_000_000, "1.234 tỷ đồng"),
    (350_000_000, "350 triệu đồng"),
    (12_750_000, "12,75 triệu đồng"),
    (1_000_000, "1 triệu đồng"),
    (999_999_999, "1 tỷ đồng"),  # rounds up into the next scale, never "1.000 triệu"
    (850_000, "850.000 đồng"),
    (999_999, "999.999 đồng"),
    (0, "0 đồng"),
    (-5_000_000, "-5 triệu đồng"),
]


@pytest.mark.parametrize(("dong", "expected"), MONEY)
def test_format_money(dong, expected):
    assert format_money(dong) == expected


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [(15.2, 1, "15,2%"), (100, 1, "100,0%"), (85.55, 1, "85,6%"), (33.333, 0, "33%")],
)
def test_format_percent(x, decimals, expected):
    assert format_percent(x, decimals) == expected


CHANGES = [
    (1152, 1000, "tăng 15,2% so với cùng kỳ"),
    (970, 1000, "giảm 3,0% so với cùng kỳ"),
    (500, 500, "bằng cùng kỳ"),
    (10_001, 10_000, "tương đương cùng kỳ"),
    (3_000_000_000, 1_000_000_000, "tăng 200,0% so với cùng kỳ"),
    (0, 40, "giảm 100,0% so với cùng kỳ"),
    (12, None, None),
    (None, 12, None),
    (12, 0, None),
]


@pytest.mark.parametrize(("current", "previous", "expected"), CHANGES)
def test_format_change(current, previous, expected):
    assert format_change(current, previous) == expected


@given(st.integers(min_value=-(10**40), max_value=10**40))
def test_format_money_always_names_the_currency(dong):
    assert format_money(dong).endswith(" đồng")


def test_format_money_keeps_every_digit_of_huge_amounts():
    assert format_money(10**40 + 10**9) == "10.000.000.000.000.000.000.000.000.000.001 tỷ đồng"
