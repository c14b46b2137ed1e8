"""The report's settings (issuing body, number, date, signer, recipients, title), a run's
overrides of them, and a run's time limits.

In: `config/report*.yml` (the version in force for the period, see `versions`), for one run
the command line's overrides (`OVERRIDE_KEYS`), and the environment (`BAOCAO_CELL_TIMEOUT`).
Out: `ReportSettings`, `cell_timeout()`; bad overrides or limits as a Vietnamese
`BaocaoError`. Every value's type is checked first (`settings_types`), naming the file, the
line and the key.
"""

from __future__ import annotations

import dataclasses
import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from baocao.config.periods import Period
from baocao.config.settings_types import report_settings_problems
from baocao.config.versions import guarded_parse, merge_versions, nfc, versioned_texts
from baocao.errors import BaocaoError, ConfigError

DEFAULT_TITLE = (
    "Báo cáo kết quả công tác Mặt trận {ky_bao_cao}, nhiệm vụ trọng tâm công tác {ky_toi}"
)


@dataclass(frozen=True)
class PeriodSettings:
    number: int | None = None
    date: date | None = None
    # Units sent as several files by the old units they were formed from whose parts' figures
    # the analyst chose to add up (unit codes); any other such unit is shown as not complete.
    add_up_parts: tuple[str, ...] = ()
    # The last day the units' files are due (`deadline:`); a file first seen by baocao on a
    # later day is late (`run.receipts`). None: the period has no deadline.
    deadline: date | None = None


@dataclass(frozen=True)
class ReportSettings:
    parent_body: str
    issuing_body: str
    document_code: str
    place: str
    signer_on_behalf: str
    signer_title: str
    signer_name: str
    recipients: tuple[str, ...]
    periods: dict[str, PeriodSettings] = field(default_factory=dict)
    # The report's subject line; {ky_bao_cao} / {ky_toi} are the period and the next one.
    title: str = DEFAULT_TITLE

    def for_period(self, period: str) -> PeriodSettings:
        return self.periods.get(period, PeriodSettings())


def _period_date(raw: Any, where: str, key: str = "date") -> date | None:
    """A period's `date` or `deadline` (`key`: "2021-07-05", or a date YAML read); a date that
    does not exist or is not written year-month-day is a `ConfigError` naming the key and the
    value."""
    if not raw:
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ConfigError(
            f"{where}, khóa {key}: “{raw}” không phải là ngày có thật; hãy ghi ngày dạng "
            '"2021-07-05" (năm-tháng-ngày, trong dấu ngoặc kép).'
        ) from None


def _unit_codes(raw: Any, where: str) -> tuple[str, ...]:
    """`add_up_parts`: a list of unit codes, each quoted (an unquoted 06001 is a number)."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(code, str) for code in raw):
        raise ConfigError(
            f"{where}, khóa add_up_parts: phải là danh sách mã đơn vị, mỗi mã trong dấu ngoặc "
            'kép, ví dụ add_up_parts: ["06001"].'
        )
    return tuple(code.strip() for code in raw)


def parse_report_settings(data: dict, source: str = "config/report.yml") -> ReportSettings:
    signer = data.get("signer") or {}
    periods = {}
    for key, raw in (data.get("periods") or {}).items():
        where = f"{source}, periods → “{key}”"
        raw = raw or {}
        number = raw.get("number")
        if isinstance(number, str) and number.strip().isdigit():
            number = int(number)
        if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
            raise ConfigError(
                f"{where}, khóa number: “{number}” phải là số nguyên dương, ví dụ number: 12."
            )
        periods[str(key)] = PeriodSettings(
            number=number,
            date=_period_date(raw.get("date"), where),
            add_up_parts=_unit_codes(raw.get("add_up_parts"), where),
            deadline=_period_date(raw.get("deadline"), where, "deadline"),
        )
    return ReportSettings(
        parent_body=data["parent_body"],
        issuing_body=data["issuing_body"],
        document_code=data["document_code"],
        place=data["place"],
        signer_on_behalf=signer.get("on_behalf", ""),
        signer_title=signer.get("title", ""),
        signer_name=signer.get("name", ""),
        recipients=tuple(nfc(r) for r in data.get("recipients") or ()),
        periods=periods,
        title=nfc(str(data.get("title") or DEFAULT_TITLE)),
    )


# Parsed once per content: a file edited while the process lives is read anew.
@cache
def _settings_from(texts: tuple[tuple[str, str], ...]) -> ReportSettings:
    data, source = merge_versions(texts)
    problems = report_settings_problems(texts)
    if problems:
        more = (
            f" (và {len(problems) - 1} lỗi khác; lệnh baocao check-config liệt kê đủ)"
            if len(problems) > 1
            else ""
        )
        raise ConfigError(problems[0] + more)
    return guarded_parse(parse_report_settings, data, source)


def load_report_settings(config_dir: Path, period: str | None = None) -> ReportSettings:
    """The report settings in force for `period` (`config/report*.yml`); without a period, the
    base file. Raises `ConfigError`."""
    return _settings_from(versioned_texts(config_dir, "report", period))


# --- overrides of the report settings for one run (command line) ------------------------

OVERRIDE_KEYS = (
    "number",
    "date",
    "place",
    "parent_body",
    "issuing_body",
    "document_code",
    "signer_on_behalf",
    "signer_title",
    "signer_name",
    "recipients",
)


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise BaocaoError(
        f"Ngày báo cáo “{value}” không hợp lệ. Hãy ghi theo dạng 2021-07-05 hoặc 05/07/2021."
    )


def _as_number(value: Any) -> int | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) < 1:
        raise BaocaoError(f"Số báo cáo “{value}” không hợp lệ: phải là số nguyên dương, ví dụ 12.")
    return int(text)


def apply_overrides(
    settings: ReportSettings, period: str, overrides: Mapping[str, Any] | None = None
) -> ReportSettings:
    """`settings` with this run's overrides (keys in `OVERRIDE_KEYS`) applied.

    A value of None keeps the configured one; an empty string clears the number or the date
    (the header then leaves it for writing by hand). `date` takes a date or "2021-07-05" /
    "05/07/2021"; `recipients` a list of strings.
    """
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    unknown = sorted(set(overrides) - set(OVERRIDE_KEYS))
    if unknown:
        raise BaocaoError(
            f"Không thể thay “{', '.join(unknown)}” trong báo cáo; chỉ thay được: "
            f"{', '.join(OVERRIDE_KEYS)}."
        )
    key = str(Period.parse(period))
    own = settings.for_period(key)
    own = dataclasses.replace(
        own,
        number=_as_number(overrides["number"]) if "number" in overrides else own.number,
        date=_as_date(overrides["date"]) if "date" in overrides else own.date,
    )
    fields = {k: overrides[k] for k in OVERRIDE_KEYS[2:] if k in overrides}
    if "recipients" in fields:
        recipients = fields["recipients"]
        if isinstance(recipients, str):
            recipients = [recipients]
        fields["recipients"] = tuple(str(r) for r in recipients)
    for name, value in fields.items():
        if name != "recipients":
            fields[name] = unicodedata.normalize("NFC", str(value))
    return dataclasses.replace(settings, periods={**settings.periods, key: own}, **fields)


# --- a run's time limits (environment) ----------------------------------------------------

CELL_TIMEOUT_VARIABLE = "BAOCAO_CELL_TIMEOUT"
DEFAULT_CELL_TIMEOUT = 600  # seconds; a unit's cells take well under one, the report's a few


def cell_timeout(environ: Mapping[str, str] | None = None) -> int:
    """Seconds one notebook cell (a unit's notebook or the report's code) may run before it is
    stopped: `BAOCAO_CELL_TIMEOUT` from `environ` (default: the process's environment) when
    set, else `DEFAULT_CELL_TIMEOUT`. Raises `BaocaoError` for a value that is not a whole
    number of seconds of at least 1."""
    raw = (os.environ if environ is None else environ).get(CELL_TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_CELL_TIMEOUT
    if not raw.isdigit() or int(raw) < 1:
        raise BaocaoError(
            f"Biến môi trường {CELL_TIMEOUT_VARIABLE} = “{raw}” không hợp lệ: phải là số giây "
            f"nguyên dương, ví dụ {DEFAULT_CELL_TIMEOUT}. Hãy sửa hoặc bỏ biến này rồi chạy lại."
        )
    return int(raw)
