"""Why a file of a period is not used, in a few words, from the errors that set it aside.

One phrase per reason, shared by what says it briefly: the run's counts line (files grouped by
reason), `status` ("không dùng: …"), and the files set aside that the run records in
`run.json` for the internal report's annex and the Excel sheet "Tình hình nộp" (`records`).
The full message (cell, what to do) stays with the file's issues. Pure.
"""

from __future__ import annotations

from pathlib import Path

from baocao.errors import Issue

UNKNOWN_UNIT = "không xác định được đơn vị"
OTHER_FILE = "đơn vị đã có tệp khác"

# Error kind → the reason, in order: the first kind a file has gives its reason (a file of
# another period is said so before the unit its name could not be matched with).
REASONS = (
    ("period_mismatch", "tệp của kỳ khác"),
    ("unit_in_parts", "đơn vị gửi thành nhiều phần, cần một tệp chung cho cả đơn vị"),
    (
        "unit_own_and_part",
        "có tệp của cả đơn vị bên cạnh tệp của một phần: cần đúng một tệp cho cả đơn vị",
    ),
    ("unsupported_format", "không phải bảng tính"),
    ("no_figures", "tệp chưa có số liệu"),
    ("unknown_unit", UNKNOWN_UNIT),
    ("unit_conflict", UNKNOWN_UNIT),
    ("unit_ambiguous", UNKNOWN_UNIT),
    ("duplicate_unit_file", OTHER_FILE),
)
UNREADABLE = "không mở được tệp"


def aside_reason(issues: list[Issue] | tuple[Issue, ...]) -> str:
    """The reason a file is not used, from its issues (`REASONS`; another error: the file
    could not be opened); "" when it has no error."""
    kinds = [issue.kind for issue in issues if issue.severity == "error"]
    if not kinds:
        return ""
    return next((words for kind, words in REASONS if kind in kinds), UNREADABLE)


def recorded(processed_period: Path) -> tuple[dict, ...]:
    """The files set aside that the run recorded in `<processed>/<period>/run.json`
    (`records`); () when none, or no run.json."""
    from baocao.run.store import RUN_FILE, read_json

    record = read_json(Path(processed_period) / RUN_FILE)
    found = record.get("set_aside") if isinstance(record, dict) else None
    return tuple(r for r in found if isinstance(r, dict)) if isinstance(found, list) else ()


def records(rejected: list) -> list[dict]:
    """The files set aside (`UnitJob`s of `discover`), as `run.json` keeps them: file, unit
    (code and name, "" when none was told), reason (`aside_reason`) and the first error's
    message."""
    out = []
    for job in rejected:
        errors = [i.message for i in job.issues if i.severity == "error"]
        out.append(
            {
                "file": job.path.name,
                "unit_code": job.unit.code if job.unit else "",
                "unit_name": job.unit.name if job.unit else "",
                "reason": aside_reason(job.issues),
                "message": errors[0] if errors else "",
            }
        )
    return out
