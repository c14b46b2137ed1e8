"""Vietnamese numbers in: reading what units type into a cell, as the unit sees it in Excel.

Reading is by the indicator's kind (count, money, percent), never by guessing: in Vietnamese
“.” groups thousands and “,” marks decimals, so “1.357” is one thousand three hundred and
fifty-seven. A blank cell means “not reported” and stays None, distinct from 0. A cell's number
format (read by `shown_formats`) says what it shows (a percent-styled 0.85 is 85); whether the
number shown or the number stored counts is decided per kind in `parse_value`, so that a
display never changes a figure beyond the precision it is written in. Money written with
words (“15 triệu”) comes back with a note for review. The numbers in the messages are written
by `baocao.base.numbers`.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from baocao.base.keys import match_key
from baocao.base.numbers import DECIMAL_SYMBOL, format_number
from baocao.intake.shown_formats import ShownFormat, shown_format

__all__ = [
    "NumberParseError",
    "Parsed",
    "excel_precision",
    "parse_value",
    "shown_format",
]

KINDS = ("count", "money", "percent")

_MAX_DIGITS = 300  # longer digit strings are a mistake, and would overflow a float

_DASHES = frozenset({"-", "–", "—", "−"})
_ZERO_WORDS = frozenset({match_key("không")})
_NOT_REPORTED = frozenset(
    match_key(word) for word in ("x", "chưa có", "chưa báo cáo", "k/c", "không có số liệu", "n/a")
)

# A money suffix, folded and with spaces and dots removed: an optional scale, then an
# optional currency word ("15 triệu", "500k", "1,5 tỷ đồng", "2.500.000đ", "12 tr.đ").
_SCALES = {
    "nghin": 10**3,
    "ngan": 10**3,
    "k": 10**3,
    "trieu": 10**6,
    "tr": 10**6,
    "ty": 10**9,
    "ti": 10**9,
}
_MONEY_SUFFIX = re.compile(r"(?P<scale>nghin|ngan|k|trieu|tr|ty|ti)?(?P<currency>dong|vnd|d)?")

# The number and whatever follows it; the word part holds no digit.
_NUMBER_AND_WORD = re.compile(r"(?P<number>[0-9](?:[0-9., ]*[0-9])?) ?(?P<word>[^0-9]*)")
# Vietnamese: plain digits or groups of three split by "." or by spaces; decimals after ",".
_VIETNAMESE = re.compile(
    r"(?P<int>[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+)(?:,(?P<frac>[0-9]+))?"
)
# Percent only: one dot followed by one or two digits is a decimal point ("85.5").
_DOT_DECIMAL = re.compile(r"(?P<int>[0-9]+)\.(?P<frac>[0-9]{1,2})")
_LETTERS = re.compile(r"[^\W\d_]+(?: [^\W\d_]+)*")
_DIGIT_LOOKALIKES = re.compile(r"[OoIl]+")  # letters typed for 0 and 1

_EXAMPLES = {"count": "1.357", "money": "1.250.000 hoặc 15 triệu", "percent": "85,5"}

EXCEL_DIGITS = 15  # Excel keeps and shows 15 significant digits
MAX_FIGURE = 10**15  # a figure this large or larger is refused (see `parse_value`)


def excel_precision(x: float) -> float:
    """`x` at Excel's 15 significant digits: the binary noise a file may carry beyond them
    (1234.0000000000002, 0.29 × 100 = 28.999999999999996) is dropped, as Excel drops it."""
    if not math.isfinite(x) or x == 0:
        return x + 0.0
    rounded = float(f"{x:.{EXCEL_DIGITS}g}")
    return rounded + 0.0 if math.isfinite(rounded) else x  # near the float limit: keep x


def _round_half_away(x: float, decimals: int) -> Decimal:
    """Round as Excel displays: half away from zero."""
    return Decimal(repr(x)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


class NumberParseError(ValueError):
    """A cell that cannot be read as a number; `reason` says why and how to fix it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Parsed:
    """A cell's value (None = not reported) and a remark when the reading needs a second look."""

    value: int | float | None
    note: str | None = None


def parse_value(
    raw: object, kind: str, *, number_format: str | None = "General", scale: int = 1
) -> Parsed:
    """Read one cell value, as python-calamine returns it, for an indicator of `kind`.

    count and money give an int (money in đồng), percent a float (percent units); blank or
    “not reported” words give None. `scale` is the đồng per unit of the row's own money unit
    (10**6 for “triệu đồng”, 1 for đồng). Numbers are taken at Excel's 15 significant digits.
    Raises NumberParseError (with a Vietnamese `reason`) for anything that is not a number, or
    whose reading is not sure. A remark for a reviewer comes back in `Parsed.note`.

    `number_format` is the cell's format code (None when the file does not record it). Which
    number counts, the one the cell shows or the one it stores, is decided so that reading
    never changes a figure by more than the precision it is written in:

    - percent: the number shown. A percent style makes the stored 0.85 the 85 on screen, and a
      fixed-decimals format (yours to choose for a share) rounds to the decimals shown: 85,5 in
      a "0%" cell is the 86 the unit sees, with a note when that is more than binary noise.
    - count, and money in đồng (`scale` 1): the number shown, rounded to a whole number. The
      display drops less than one person, one đồng: 12,4 under "#,##0" is 12 (noted). A
      format that shows decimals leaves a non-whole number, which is refused.
    - money on a row whose “Đơn vị tính” is a larger unit (`scale` > 1): the number STORED,
      × `scale`, rounded to whole đồng. The template's "#,##0" was made for đồng; under “tỷ
      đồng” it would round 1,5 to 2 and invent 500 triệu, so 1,5 is 1.500.000.000 đồng (with
      a note saying what Excel shows).
    - a fraction format ("# ?/?", shows 2,5 as “2 1/2”) or a scientific one ("0.00E+00"):
      the number stored; a count of 2,5 is refused as not whole.
    - a format with thousands-scaling commas ('#,##0,,"tr"' shows 15.000.000 as “15tr” and 15
      as “0tr”): the number shown is the stored one ÷ 1000 per comma, and whether the unit
      typed the one or the other cannot be known, a factor of 1000 apart; refused (a 0 is 0).
    - a percent style on a count or money row: refused (the unit sees × 100).
    - a quoted or escaped % ('0"%"', "0\\%") is a literal sign, not a percent style.
    - a figure of `MAX_FIGURE` (10^15) or more: refused. Excel keeps 15 digits, a float holds
      whole numbers exactly only below 2^53, and no unit's figure comes near (a province's
      half-year money is below 10^14 đồng); 1E+300 was once published as a count.
    """
    parsed = _parse_value(raw, kind, number_format, scale)
    if parsed.value is not None and abs(parsed.value) >= MAX_FIGURE:
        raise NumberParseError(
            f"“{_quote(str(raw))}”: số quá lớn (từ một triệu tỷ trở lên), không thể là số liệu "
            "của một đơn vị. Hãy kiểm tra lại ô này."
        )
    return parsed


def _parse_value(raw: object, kind: str, number_format: str | None, scale: int) -> Parsed:
    if kind not in KINDS:
        raise ValueError(f"unknown indicator kind {kind!r}; expected one of {KINDS}")
    if raw is None:
        return Parsed(None)
    if isinstance(raw, str):
        return _parse_text(raw, kind, scale)
    if isinstance(raw, bool):
        raise NumberParseError(
            "Ô chứa giá trị đúng/sai (TRUE/FALSE), không phải là số. Hãy ghi số vào ô này."
        )
    if isinstance(raw, dt.date):  # also datetime
        shown = raw.strftime("%d/%m/%Y")
        raise NumberParseError(
            f"Ô đang được định dạng kiểu ngày tháng nên Excel hiểu giá trị là ngày {shown}. "
            "Hãy đổi định dạng ô sang kiểu số (Number) rồi ghi lại số."
        )
    if isinstance(raw, (dt.time, dt.timedelta)):
        raise NumberParseError(
            "Ô đang được định dạng kiểu giờ hoặc thời lượng nên không đọc được thành số. "
            "Hãy đổi định dạng ô sang kiểu số (Number) rồi ghi lại số."
        )
    shown = shown_format(number_format)
    if shown.thousands and isinstance(raw, numbers.Real) and raw != 0:
        raise NumberParseError(_scaled_display(raw, shown, number_format or ""))
    if isinstance(raw, numbers.Integral) and not shown.percent:
        if kind != "percent":
            return Parsed(int(raw) * scale)
        try:
            return Parsed(float(int(raw)))
        except OverflowError:
            raise NumberParseError(
                "Số trong ô quá lớn, không thể là một tỷ lệ. Hãy kiểm tra lại ô này."
            ) from None
    if isinstance(raw, numbers.Real):
        try:
            x = float(raw)
        except OverflowError:
            raise NumberParseError(_too_long(str(raw))) from None
        return _parse_float(x, kind, shown, scale)
    raise NumberParseError(
        f"Ô chứa dữ liệu kiểu “{type(raw).__name__}”, không đọc được thành số. "
        "Hãy ghi số vào ô này."
    )


# --- reading numbers stored as numbers -------------------------------------------------------


def _as_displayed(x: float, shown: ShownFormat, sign: str = "") -> tuple[float, str | None]:
    """`x` as a fixed-decimals format shows it (Excel rounds half away from zero), and a remark
    when that is more than binary noise away from what the cell holds."""
    if shown.decimals is None or shown.as_text:
        return x, None
    displayed = float(_round_half_away(x, shown.decimals))
    if displayed == x:
        return x, None
    if abs(displayed - x) <= 1e-9 * max(1.0, abs(x)):
        return displayed, None  # binary noise only
    text = format_number(displayed, shown.decimals)
    if shown.decimals == 0:
        how = "được định dạng không có phần thập phân"
    else:
        how = f"được định dạng chỉ hiện {shown.decimals} chữ số thập phân"
    return displayed, (
        f"Ô chứa số {_show(x)}{sign} nhưng {how} nên Excel hiển thị {text}{sign}; đã đọc là "
        f"{text}{sign} như đơn vị nhìn thấy. Hãy kiểm tra lại."
    )


def _parse_float(x: float, kind: str, shown: ShownFormat, scale: int = 1) -> Parsed:
    if not math.isfinite(x):
        raise NumberParseError(
            "Ô chứa giá trị không phải số hữu hạn (lỗi công thức hoặc chia cho 0). "
            "Hãy ghi số cụ thể vào ô này."
        )
    x = excel_precision(x)
    if shown.percent:
        seen = excel_precision(x * 100)
        if kind != "percent":
            what = "số tiền" if kind == "money" else "số lượng"
            raise NumberParseError(
                f"Ô được định dạng phần trăm nên Excel hiển thị "
                f"“{format_number(seen, min(shown.decimals or 0, 10))}%”, nhưng chỉ tiêu này là "
                f"{what}, không phải tỷ lệ. Hãy đổi định dạng ô sang kiểu số (Number) và ghi "
                "lại số."
            )
        seen, note = _as_displayed(seen, shown, "%")
        return Parsed(seen + 0.0, note)
    if kind == "percent":
        x = x + 0.0  # no negative zero
        if not shown.known and 0 < abs(x) <= 1:
            raise NumberParseError(
                f"Tỷ lệ {_show(x)} không lớn hơn 1, và tệp dạng này không cho biết ô có được "
                f"định dạng phần trăm không (nếu có, Excel hiển thị {_show(x * 100)}%). Hãy ghi "
                f"tỷ lệ bằng số từ 0 đến 100 (ví dụ {_show(x * 100)}), hoặc lưu tệp dạng .xlsx."
            )
        stored = x
        x, note = _as_displayed(x, shown)
        if 0 < abs(stored) < 1:  # the stored share, before any display rounding hides it
            small = (
                f"Tỷ lệ {_show(stored)} nhỏ hơn 1: nếu ô được định dạng phần trăm trong Excel thì "
                f"giá trị đúng là {_show(stored * 100)}%. Hãy kiểm tra lại."
            )
            note = f"{note} {small}" if note else small
        return Parsed(x + 0.0, note)
    if x.is_integer():
        return Parsed(int(x) * scale)
    exact = Decimal(repr(x))
    decimals = -int(exact.as_tuple().exponent)
    if scale == 1 and decimals == 3 and 1 <= abs(x) < 1000:
        # An English-settings Excel stores a typed "1.357" as 1.357: the dot grouped thousands.
        value = int(exact.scaleb(3))
        return Parsed(
            value,
            f"Ô chứa số thập phân {_show(x)}, được hiểu là {format_number(value)} vì Excel cài "
            "đặt tiếng Anh đã đọc dấu chấm tách hàng nghìn thành dấu thập phân. "
            "Hãy kiểm tra lại.",
        )
    if scale != 1:
        return _scaled_money(x, shown, scale)
    seen, note = _as_displayed(x, shown)
    if seen.is_integer():
        return Parsed(int(seen), note)
    reason = _not_whole(_show(x), kind)
    if decimals < 3 and 1 <= abs(x) < 1000:
        typed = f"{x:.3f}"
        reason += (
            f" Nếu trong ô đã gõ “{typed}”, Excel đã hiểu dấu chấm là dấu thập phân: hãy gõ lại "
            f"{int(exact.scaleb(3))} không có dấu chấm, hoặc định dạng ô kiểu văn bản (Text)."
        )
    raise NumberParseError(reason)


def _scaled_money(x: float, shown: ShownFormat, scale: int) -> Parsed:
    """Money on a row in a larger unit than đồng: the stored number × `scale`, to whole đồng.
    The cell's display format was made for đồng, so what it shows is not what the unit meant
    (1,5 under “tỷ đồng” shows 2); a note says what Excel shows when it differs."""
    exact = Decimal(repr(x)) * scale
    amount = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    note = None
    displayed, _ = _as_displayed(x, shown)
    if displayed != x:
        note = (
            f"Ô chứa số {_show(x)} nhưng được định dạng {_format_words(shown)} nên Excel hiển "
            f"thị {format_number(displayed, shown.decimals or 0)}; vì dòng ghi đơn vị tính lớn "
            f"hơn đồng (1 đơn vị = {format_number(scale)} đồng), đã đọc số lưu trong ô: "
            f"{format_number(amount)} đồng. Hãy kiểm tra lại."
        )
    elif exact != amount:
        note = (
            f"Ô chứa số {_show(x)}, tức {format_number(exact, 2, trim=True)} đồng; đã làm tròn "
            f"thành {format_number(amount)} đồng. Hãy kiểm tra lại."
        )
    return Parsed(amount, note)


def _format_words(shown: ShownFormat) -> str:
    if shown.decimals == 0:
        return "không có phần thập phân"
    return f"chỉ hiện {shown.decimals} chữ số thập phân"


def _scaled_display(raw: float, shown: ShownFormat, code: str) -> str:
    """The reason a cell whose format divides the number shown by 1000 per comma is refused."""
    divisor = 1000**shown.thousands
    stored = Decimal(repr(float(raw))) if not isinstance(raw, numbers.Integral) else Decimal(raw)
    seen = stored / divisor * (100 if shown.percent else 1)
    sign = "%" if shown.percent else ""
    return (
        f"Ô được định dạng “{code}”, định dạng chia số hiển thị cho {format_number(divisor)}: ô "
        f"chứa số {format_number(stored, 10, trim=True)} nhưng Excel hiển thị "
        f"{format_number(seen, shown.decimals or 0)}{sign}, nên không biết đơn vị muốn ghi số "
        "nào. Hãy đổi định dạng ô sang kiểu số (Number), ghi số theo đơn vị tính của dòng rồi "
        "gửi lại."
    )


# --- reading text ----------------------------------------------------------------------------


def _parse_text(raw: str, kind: str, scale: int = 1) -> Parsed:
    text = unicodedata.normalize("NFC", raw)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return Parsed(None)
    zero: int | float = 0.0 if kind == "percent" else 0
    if text in _DASHES:
        return Parsed(zero, f"“{text}” được hiểu là 0.")
    folded = match_key(text)
    if folded in _ZERO_WORDS:
        return Parsed(zero, f"“{text}” được hiểu là 0.")
    if folded in _NOT_REPORTED:
        return Parsed(None, f"“{text}” được hiểu là không báo cáo.")
    return _parse_number_text(text, kind, scale)


def _parse_number_text(text: str, kind: str, scale: int = 1) -> Parsed:
    shown = _quote(text)
    body = text
    negative = False
    if body.startswith("(") and body.endswith(")"):
        negative = True
        body = body[1:-1].strip()
    if body[:1] in _DASHES or body[:1] == "+":
        if negative:
            raise NumberParseError(_bad_separators(shown, kind))
        negative = body[0] != "+"
        body = body[1:].lstrip()
    percent_sign = body.endswith("%")
    if percent_sign:
        if kind != "percent":
            raise NumberParseError(
                f"“{shown}” có dấu %, nhưng chỉ tiêu này không phải là tỷ lệ. "
                "Hãy ghi số không kèm dấu %."
            )
        body = body[:-1].rstrip()

    match = _NUMBER_AND_WORD.fullmatch(body)
    if match is None:
        raise NumberParseError(
            f"“{shown}” không phải là số. Hãy ghi số, ví dụ {_EXAMPLES[kind]}; "
            "để trống ô nếu không có số liệu."
        )
    number, word = match["number"], match["word"].strip()
    value, note = _read_digits(number, kind, shown)
    if word:
        if percent_sign:
            raise NumberParseError(_bad_percent_word(shown))
        if scale != 1:
            raise NumberParseError(
                f"“{shown}”: dòng này đã ghi đơn vị tính riêng, nên trong ô chỉ ghi số, không "
                f"kèm chữ “{word}”."
            )
        value, note = _apply_word(value, word, kind, shown, note)
    value = value * scale
    if negative:
        value = -value
    if word and kind == "money" and value.denominator == 1:
        # The unit of the amount was read from the words: listed for a reviewer to see.
        read = f"“{shown}” được hiểu là {format_number(int(value))} đồng."
        note = f"{note} {read}" if note else read

    if kind == "percent":
        try:
            result = float(value)
        except OverflowError:
            raise NumberParseError(_too_long(shown)) from None
        return Parsed(result + 0.0, note)
    if value.denominator != 1:
        reason = _not_whole(shown, kind)
        frac = number.partition(",")[2]
        if kind == "count" and len(frac) == 3 and not word:
            reason += (
                f" Nếu đây là số hàng nghìn, hãy dùng dấu chấm để tách: {number.replace(',', '.')}."
            )
        raise NumberParseError(reason)
    return Parsed(int(value), note)


def _read_digits(number: str, kind: str, shown: str) -> tuple[Fraction, str | None]:
    note = None
    match = _VIETNAMESE.fullmatch(number)
    if match is None and kind == "percent":
        match = _DOT_DECIMAL.fullmatch(number)
        if match is not None:
            fixed = number.replace(".", DECIMAL_SYMBOL)
            note = (
                f"“{shown}” được hiểu là {fixed} (dấu chấm được coi là dấu thập phân). "
                f"Cách ghi đúng: {fixed}."
            )
    if match is None:
        raise NumberParseError(_bad_separators(shown, kind))
    digits = re.sub(r"[. ]", "", match["int"])
    frac = match["frac"] or ""
    if len(digits) + len(frac) > _MAX_DIGITS:
        raise NumberParseError(_too_long(shown))
    return Fraction(int(digits + frac), 10 ** len(frac)), note


def _apply_word(
    value: Fraction, word: str, kind: str, shown: str, note: str | None
) -> tuple[Fraction, str | None]:
    compact = match_key(word).replace(" ", "")
    suffix = _MONEY_SUFFIX.fullmatch(compact) if compact else None
    if kind == "money":
        if suffix is None:
            raise NumberParseError(
                f"“{shown}”: không hiểu đơn vị “{word}”. Hãy ghi số đồng (ví dụ 1.250.000) "
                "hoặc kèm nghìn, triệu, tỷ (ví dụ 15 triệu, 1,5 tỷ)."
            )
        return value * _SCALES.get(suffix["scale"] or "", 1), note
    if kind == "percent":
        raise NumberParseError(_bad_percent_word(shown))
    # count: a money or scale word would change the number, so it is an error; a plain unit
    # of measure ("12 căn") is dropped with a note. Letters that stand in for digits ("3O",
    # "1l") are neither: the unit likely meant 30 or 11, so the figure is not guessed.
    if _DIGIT_LOOKALIKES.fullmatch(word):
        raise NumberParseError(
            f"“{shown}” có chữ “{word}” sau số, có thể là số 0 hoặc số 1 gõ nhầm thành chữ. "
            "Hãy ghi lại bằng chữ số, ví dụ 30 hay 11."
        )
    if suffix is not None or _LETTERS.fullmatch(word) is None:
        raise NumberParseError(
            f"“{shown}” có chữ “{word}”, nhưng chỉ tiêu này là số lượng nên chỉ ghi số "
            "đầy đủ, ví dụ 1.500."
        )
    return value, f"Đã bỏ chữ “{word}” sau số trong “{shown}”."


def _quote(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _not_whole(shown: str, kind: str) -> str:
    if kind == "money":
        return (
            f"“{shown}” không phải số đồng nguyên. Hãy ghi số tiền tròn đồng, ví dụ 1.250.000, "
            "hoặc kèm đơn vị lớn hơn, ví dụ 1,5 triệu."
        )
    return (
        f"“{shown}” phải là số nguyên vì chỉ tiêu này đếm số lượng. "
        "Hãy ghi số không có phần thập phân, ví dụ 12."
    )


def _bad_separators(shown: str, kind: str) -> str:
    return (
        f"“{shown}” không đúng cách ghi số: dấu chấm (.) tách hàng nghìn theo từng nhóm 3 chữ "
        f"số, dấu phẩy (,) ghi phần thập phân. Hãy ghi lại, ví dụ {_EXAMPLES[kind]}."
    )


def _bad_percent_word(shown: str) -> str:
    return f"“{shown}”: tỷ lệ chỉ ghi số, có thể kèm dấu %, ví dụ 85,5 hoặc 85,5%."


def _too_long(shown: str) -> str:
    return f"“{shown}” có quá nhiều chữ số. Hãy kiểm tra lại ô này."


def _show(x: float) -> str:
    """A float from a cell, in Vietnamese notation with all its decimals (1.357 → "1,357")."""
    decimals = max(0, -int(Decimal(repr(x)).as_tuple().exponent))
    return format_number(x, min(decimals, 10), trim=True)
