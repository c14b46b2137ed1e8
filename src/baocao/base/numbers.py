"""Vietnamese numbers out: the report's figures, amounts, percentages and changes as text.

In: a number (int, float or Decimal; amounts in đồng, percentages in percent units). Out: its
Vietnamese notation ("1.357", "12,5", "12,5 tỷ đồng", "15,2%", "tăng 15,2% so với cùng kỳ"),
rounded half up, with the separators taken from babel's data for vi_VN.
"""

from __future__ import annotations

import numbers
from decimal import ROUND_HALF_UP, Decimal, localcontext

from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

__all__ = [
    "DECIMAL_SYMBOL",
    "GROUP_SYMBOL",
    "format_change",
    "format_money",
    "format_number",
    "roman",
    "format_percent",
]

LOCALE = "vi_VN"

DECIMAL_SYMBOL = get_decimal_symbol(LOCALE)  # ",": what separates a number's decimals
GROUP_SYMBOL = get_group_symbol(LOCALE)  # ".": what separates its thousands
_MINUS = get_minus_sign_symbol(LOCALE)  # "-"


def _to_decimal(x: object) -> Decimal:
    if isinstance(x, bool):
        raise TypeError("expected a number, got a bool")
    if isinstance(x, Decimal):
        d = x
    elif isinstance(x, numbers.Integral):
        d = Decimal(int(x))
    elif isinstance(x, numbers.Real):
        d = Decimal(repr(float(x)))  # shortest form: 12.25 stays 12.25, not 12.2499…
    else:
        raise TypeError(f"expected a number, got {type(x).__name__}")
    if not d.is_finite():
        raise ValueError(f"cannot format {x!r}")
    return d


def _shift(d: Decimal, places: int) -> Decimal:
    """d × 10**places, exactly (Decimal.scaleb would round to the context's 28 digits)."""
    sign, digits, exponent = d.as_tuple()
    return Decimal((sign, digits, int(exponent) + places))


def _round(d: Decimal, decimals: int) -> Decimal:
    """Round half up (12,25 → 12,3), as people round by hand, at any size."""
    with localcontext() as ctx:
        ctx.prec = max(28, d.adjusted() + decimals + 2)
        return d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_number(x: int | float | Decimal, decimals: int = 0, *, trim: bool = False) -> str:
    """Vietnamese notation: 1357 → "1.357"; 12.5 with decimals=1 → "12,5".

    Rounds half up to `decimals` places and shows exactly that many, unless `trim` drops
    trailing zeros (12.50 → "12,5", 2.00 → "2").
    """
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    rounded = _round(_to_decimal(x), decimals)
    sign = rounded.is_signed() and rounded != 0  # never "-0"
    text = f"{rounded.copy_abs():f}"
    whole, _, frac = text.partition(".")
    if trim:
        frac = frac.rstrip("0")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = GROUP_SYMBOL.join(groups)
    if frac:
        out += DECIMAL_SYMBOL + frac
    return (_MINUS if sign else "") + out


def format_money(dong: int) -> str:
    """An amount of đồng at a readable scale: "12,5 tỷ đồng", "350 triệu đồng", "850.000 đồng".

    Tỷ and triệu show up to 2 decimals with trailing zeros dropped; an amount that rounds up
    to the next scale is shown in it (999.999.999 → "1 tỷ đồng").
    """
    amount = _round(_to_decimal(dong), 0)
    size = amount.copy_abs()
    if size < 10**6:
        return f"{format_number(amount)} đồng"
    millions = _round(_shift(amount, -6), 2)
    if size < 10**9 and millions.copy_abs() < 1000:
        return f"{format_number(millions, 2, trim=True)} triệu đồng"
    return f"{format_number(_shift(amount, -9), 2, trim=True)} tỷ đồng"


def format_percent(x: int | float | Decimal, decimals: int = 1) -> str:
    """A percentage already in percent units: 15.2 → "15,2%"."""
    return f"{format_number(x, decimals)}%"


def format_change(
    current: int | float | Decimal | None, previous: int | float | Decimal | None
) -> str | None:
    """The change against the same period a year earlier, as the report words it.

    "tăng 15,2% so với cùng kỳ", "giảm 3,0% so với cùng kỳ", "bằng cùng kỳ" when equal and
    "tương đương cùng kỳ" when different but within 0,05%. None when either figure is missing
    or the previous one is not positive (no meaningful percentage).
    """
    if current is None or previous is None:
        return None
    now, before = _to_decimal(current), _to_decimal(previous)
    if before <= 0:
        return None
    if now == before:
        return "bằng cùng kỳ"
    change = (now - before) / before * 100
    if _round(abs(change), 1) == 0:
        return "tương đương cùng kỳ"
    word = "tăng" if change > 0 else "giảm"
    return f"{word} {format_percent(abs(change))} so với cùng kỳ"


def roman(number: int) -> str:
    """1 → "I", 14 → "XIV": the numbering of group rows in Vietnamese tables
    and of Word lists in Roman numerals. 0 → ""."""
    marks = (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    )
    text = ""
    for value, mark in marks:
        count, number = divmod(number, value)
        text += mark * count
    return text
