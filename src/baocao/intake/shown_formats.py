"""What a cell's number format does to the number Excel (or LibreOffice Calc) shows.

In: a number format code as the file records it ("0%", "#,##0", "0.0", "# ?/?", '#,##0,,"tr"',
"General", "@" …; .ods styles are first written as such a code by `cell_formats_ods`). Out: a
`ShownFormat` saying, for a positive number, whether the display is × 100 with a % sign, how
many decimals it rounds to, whether it shows a fraction, and by how many thousands it divides.
Text in quotes, escaped characters (\\%), [colours]/[conditions] and padding are literals: a
quoted "%" shows a % sign without multiplying by 100.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ShownFormat", "shown_format"]


@dataclass(frozen=True)
class ShownFormat:
    """What a cell's number format does to the number shown."""

    known: bool  # False: the file does not record the format (.xlsb, old .xls)
    percent: bool = False  # shown × 100 with a % sign
    decimals: int | None = None  # fixed decimals shown; None: all digits (General, fractions)
    as_text: bool = False  # "@": the cell is text
    fraction: bool = False  # shown as a fraction ("2 1/2"): the stored number is what it means
    thousands: int = 0  # trailing thousands-scaling commas: shown ÷ 1000**thousands


_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
# A fraction: digit placeholders, "/", then placeholders or a fixed denominator ("?/4").
_FRACTION = re.compile(r"[0#?]\s*/\s*[0-9#?]")
# Excel's thousands-scaling commas: commas right after a digit placeholder that no further
# placeholder follows in the integer part ("#,##0,," ÷ 10**6; "0.0," ÷ 1000). A comma between
# placeholders ("#,##0") only groups thousands.
_SCALING = re.compile(r"(?<=[0#?])(,+)(?![,0#?])")


def shown_format(number_format: str | None) -> ShownFormat:
    """Read an Excel number format code for how it shows a positive number (its first
    section). None (format not recorded) gives `known=False`."""
    if number_format is None:
        return ShownFormat(known=False)
    code = number_format.strip()
    if not code or code.lower() == "general":
        return ShownFormat(known=True)
    section = _QUOTED.sub("", code).split(";")[0]
    if section.strip() == "@":
        return ShownFormat(known=True, as_text=True)
    if "general" in section.lower() or not re.search(r"[0#?]", section):
        return ShownFormat(known=True)
    if re.search(r"[eE][+-]", section):
        return ShownFormat(known=True)  # scientific: treated as General
    percent = "%" in section
    if _FRACTION.search(section):
        return ShownFormat(known=True, percent=percent, fraction=True)
    thousands = sum(len(run) for run in _SCALING.findall(section))
    whole, dot, frac = section.partition(".")
    decimals = len(re.findall(r"[0#?]", frac)) if dot else 0
    return ShownFormat(known=True, percent=percent, decimals=decimals, thousands=thousands)
