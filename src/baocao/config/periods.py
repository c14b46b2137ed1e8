"""Reporting periods: `2021-H1` (6 tháng đầu năm), `2021-H2` (6 tháng cuối năm), `2021` (cả năm)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from baocao.base.keys import match_key
from baocao.errors import BaocaoError

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<half>H[12]))?$")
_ORDER = {"H1": 0, "H2": 1, None: 2}


@dataclass(frozen=True, order=True)
class Period:
    year: int
    half: str | None  # "H1", "H2" or None for the whole year

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PATTERN.match(str(text).strip().upper())
        if not match:
            raise BaocaoError(
                f"Kỳ báo cáo “{text}” không hợp lệ. Hãy ghi theo dạng 2021-H1 (6 tháng đầu năm), "
                "2021-H2 (6 tháng cuối năm) hoặc 2021 (cả năm)."
            )
        return cls(int(match["year"]), match["half"])

    def __str__(self) -> str:
        return f"{self.year}-{self.half}" if self.half else str(self.year)

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.year, _ORDER[self.half])

    def same_period_last_year(self) -> Period:
        return Period(self.year - 1, self.half)

    def previous_half_year(self) -> Period | None:
        """The half-year just before (2021-H1 → 2020-H2, 2021-H2 → 2021-H1); None for a year."""
        if self.half == "H1":
            return Period(self.year - 1, "H2")
        if self.half == "H2":
            return Period(self.year, "H1")
        return None

    def label(self) -> str:
        """Vietnamese name of the period, as written in the report."""
        if self.half == "H1":
            return f"6 tháng đầu năm {self.year}"
        if self.half == "H2":
            return f"6 tháng cuối năm {self.year}"
        return f"năm {self.year}"

    def next_label(self) -> str:
        """The period the report's Part 2 plans for."""
        if self.half == "H1":
            return f"6 tháng cuối năm {self.year}"
        if self.half == "H2":
            return f"6 tháng đầu năm {self.year + 1}"
        return f"năm {self.year + 1}"


def sort_periods(texts: list[str]) -> list[str]:
    return [str(p) for p in sorted((Period.parse(t) for t in texts), key=lambda p: p.sort_key)]


def is_period(text: str) -> bool:
    """True for the canonical forms only: "2021-H1", "2021-H2", "2021" (see read_written_period)."""
    return bool(_PATTERN.match(str(text).strip().upper()))


# --- periods as offices write them --------------------------------------------------------------

_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])")
_SIX = r"(?:0?6|sau)\s*(?:thang|t)"  # "6 tháng", "06 tháng", "sáu tháng", "6T"
_HALF_WORDS = (
    (re.compile(rf"^(?:{_SIX}|nua)\s*(?:dau)(?:\s*nam)?$"), "H1"),
    (re.compile(rf"^(?:{_SIX}|nua)\s*(?:cuoi)(?:\s*nam)?$"), "H2"),
    (re.compile(rf"^{_SIX}(?:\s*nam)?$"), "H1"),  # "6 tháng/2021", "6T/2021": the first six
    (re.compile(r"^(?:h|ky\s*)([12])$"), None),  # "2021-H1", "H2/2021", "kỳ 1 2021"
    (re.compile(r"^(?:ca\s*)?nam$|^12\s*thang(?:\s*nam)?$|^$"), "year"),
)
_NOISE = re.compile(r"^(?:ky\s*bao\s*cao|bao\s*cao|ky)\s+")


def read_written_period(value: object) -> Period | None:
    """The period a person wrote, in any of the ways offices write it; None if unreadable.

    Reads "2021-H1", "6 tháng đầu năm 2021", "06 tháng đầu năm 2021", "sáu tháng cuối năm
    2021", "6T/2021", "6 tháng/2021", "6T đầu năm 2021", "nửa đầu năm 2021", "H2/2021",
    "năm 2021", "cả năm 2021", "12 tháng năm 2021", "2021". "9 tháng 2021", a quarter or two
    years give None: no half-year report covers them.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and float(value).is_integer():
        value = str(int(value))
    text = match_key(str(value))
    years = _YEAR.findall(text)
    if len(set(years)) != 1:
        return None
    rest = " ".join(_YEAR.sub(" ", text).split())
    rest = _NOISE.sub("", rest)
    # "6 tháng đầu năm 2021": "nam" is left at the end; "6T/2021" folds to "6t"
    for pattern, half in _HALF_WORDS:
        match = pattern.match(rest)
        if match is None:
            continue
        if half is None:
            return Period(int(years[0]), f"H{match.group(1)}")
        return Period(int(years[0]), None if half == "year" else half)
    return None
