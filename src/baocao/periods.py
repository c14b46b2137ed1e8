"""Reporting periods: `2021-H1` (6 tháng đầu năm), `2021-H2` (6 tháng cuối năm), `2021` (cả năm)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import BaocaoError

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
    return bool(_PATTERN.match(str(text).strip().upper()))
