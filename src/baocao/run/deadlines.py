"""Each unit against the period's deadline, and the period's completeness and on-time rates.

In: the period's units, the receipt ledger (`receipts`), which units have a file in use, the
deadline (`deadline:` of the period in config/report*.yml; None: no deadline) and today's date.
Out: one `UnitReceipt` per unit, saying in Vietnamese whether it sent on time, late by N days,
or not yet (overdue by N days once the deadline has passed), and `Rates`. A unit is on time
when baocao first saw its first version on or before the deadline's day (a correction sent
later does not make it late: it did report on time). Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from baocao.base.numbers import format_percent
from baocao.run.receipts import Receipt

ON_TIME = "đúng hạn"
NOT_SENT = "chưa nộp"


def _of_unit(receipt: Receipt, code: str) -> bool:
    """Whether a version is the unit's, or of one of its parts (“06001_phan1”)."""
    return receipt.unit_code == code or receipt.unit_code.startswith(f"{code}_phan")


@dataclass(frozen=True)
class UnitReceipt:
    """A unit's receipt as `status` and the status page show it."""

    unit_code: str
    unit_name: str
    sent: bool  # a file of the unit is in the period's folder and used
    versions: int  # versions received (of all its parts)
    first: Receipt | None  # its first version
    last: Receipt | None  # its latest version
    deadline: date | None
    today: date

    @property
    def late_days(self) -> int | None:
        """Days the first version came after the deadline (0: on time); None: no deadline
        or nothing received."""
        if self.deadline is None or self.first is None:
            return None
        return max(0, (self.first.received_on - self.deadline).days)

    @property
    def overdue_days(self) -> int | None:
        """Days past the deadline of a unit that has sent nothing; None otherwise."""
        if self.deadline is None or self.first is not None or self.today <= self.deadline:
            return None
        return (self.today - self.deadline).days

    @property
    def on_time(self) -> bool:
        return self.late_days == 0

    @property
    def timeliness(self) -> str:
        """ "đúng hạn", "muộn 3 ngày", "chưa nộp, quá hạn 5 ngày", "chưa nộp" or "" (no
        deadline, or a unit that sent)."""
        if self.first is None:
            overdue = self.overdue_days
            return f"{NOT_SENT}, quá hạn {overdue} ngày" if overdue else NOT_SENT
        late = self.late_days
        if late is None:
            return ""
        return ON_TIME if late == 0 else f"muộn {late} ngày"


def unit_receipts(
    units, ledger: tuple[Receipt, ...], sent: set[str], deadline: date | None, today: date
) -> list[UnitReceipt]:
    """One `UnitReceipt` per unit of `units`, in their order; `sent` the codes of the units
    with a file in use."""
    rows = []
    for unit in units:
        mine = [r for r in ledger if _of_unit(r, unit.code)]
        mine.sort(key=lambda r: r.received_at)
        rows.append(
            UnitReceipt(
                unit.code,
                unit.name,
                unit.code in sent,
                len(mine),
                mine[0] if mine else None,
                mine[-1] if mine else None,
                deadline,
                today,
            )
        )
    return rows


@dataclass(frozen=True)
class Rates:
    """A period's completeness and on-time rates (DHIS2's “reporting rate” and “reporting rate
    on time”): units that sent, and that sent by the deadline, of the units expected."""

    expected: int
    sent: int
    on_time: int | None  # None: the period has no deadline
    deadline: date | None = None

    def percent(self, count: int) -> str:
        return format_percent(count / max(1, self.expected) * 100)

    def shown(self) -> str:
        """ "Tỷ lệ đã nộp 95,4% (62/65 đơn vị); nộp đúng hạn 84,6% (55/65 đơn vị, hạn nộp
        20/06/2026)"."""
        text = f"Tỷ lệ đã nộp {self.percent(self.sent)} ({self.sent}/{self.expected} đơn vị)"
        if self.on_time is None or self.deadline is None:
            return text + "; kỳ chưa có hạn nộp (khóa deadline của kỳ trong config/report*.yml)"
        return (
            f"{text}; nộp đúng hạn {self.percent(self.on_time)} ({self.on_time}/"
            f"{self.expected} đơn vị, hạn nộp {self.deadline:%d/%m/%Y})"
        )


def rates(rows: list[UnitReceipt]) -> Rates:
    deadline = next((r.deadline for r in rows), None)
    on_time = sum(r.sent and r.on_time for r in rows) if deadline is not None else None
    return Rates(len(rows), sum(r.sent for r in rows), on_time, deadline)


def deadline_of(config_dir, period: str) -> date | None:
    """The period's deadline (`deadline:` under the period in config/report*.yml), or None.
    Raises `ConfigError` for a settings file that cannot be read."""
    from baocao.config.settings import load_report_settings

    return load_report_settings(config_dir, period).for_period(period).deadline
