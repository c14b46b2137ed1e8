"""The project's own error type: a Vietnamese message for a person, never a traceback.

`InputError` names the file, sheet and cell at fault and says what to do about it. Every bad
input the pipeline can meet ends as one of these, so the command line can print it and move on
to the next unit.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass
from pathlib import Path

# Why the system could not open or write a file, in Vietnamese, by `errno`.
_OS_REASONS = {
    errno.ENOENT: "không có tệp hoặc thư mục này",
    errno.EACCES: "không có quyền đọc hoặc ghi (tệp có thể đang mở trong chương trình khác)",
    errno.EPERM: "không được phép thao tác trên tệp này",
    errno.EISDIR: "đây là một thư mục, không phải tệp",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
    errno.ENAMETOOLONG: "đường dẫn quá dài",
    errno.EBUSY: "tệp đang được chương trình khác dùng",
}


def os_reason(exc: OSError) -> str:
    """Why an `OSError` happened, in Vietnamese (“không có tệp hoặc thư mục này”), never the
    system's English text."""
    reason = _OS_REASONS.get(exc.errno)
    if reason is None:
        return f"lỗi hệ thống khi mở tệp (mã lỗi {exc.errno})" if exc.errno else "lỗi hệ thống"
    return reason


# What to do about an operating-system failure, by `errno`.
_OS_ADVICE = {
    errno.ENOSPC: "Hãy giải phóng chỗ trống trên ổ đĩa (xóa bớt tệp không cần) rồi chạy lại.",
    errno.EROFS: "Hãy chép dự án sang một ổ đĩa ghi được (hoặc bỏ chế độ chỉ đọc) rồi chạy lại.",
    errno.EACCES: "Hãy đóng chương trình đang mở tệp, hoặc cấp quyền ghi (bỏ thuộc tính chỉ "
    "đọc) cho tệp và thư mục chứa nó, rồi chạy lại.",
    errno.EPERM: "Hãy đóng chương trình đang mở tệp, hoặc cấp quyền ghi (bỏ thuộc tính chỉ "
    "đọc) cho tệp và thư mục chứa nó, rồi chạy lại.",
    errno.EBUSY: "Hãy đóng chương trình đang dùng tệp rồi chạy lại.",
}


def os_failure_message(exc: OSError) -> str:
    """An operating-system failure (read-only folder, full disk, file held open, no
    permission) as one Vietnamese sentence naming the file or folder and what to do."""
    name = exc.filename or exc.filename2
    if name is None:
        where = "một tệp của chương trình"
    else:
        path = Path(os.fsdecode(name))
        where = f"{'thư mục' if path.is_dir() else 'tệp'} {path}"
        if path.name.startswith(".") and exc.errno != errno.ENOENT:
            # A temporary or staging name the user never sees: the folder they know is at fault.
            while path.name.startswith(".") and path.parent != path:
                path = path.parent
            where = f"thư mục {path}"
    if exc.errno == errno.ENOSPC:
        if name is not None:  # the disk matters, not the file: the folder before hidden ones
            path = Path(os.fsdecode(name))
            hidden = [i for i, part in enumerate(path.parts) if part.startswith(".")]
            where = f"thư mục {Path(*path.parts[: hidden[0]]) if hidden else path.parent}"
        said = f"Ổ đĩa chứa {where} đã đầy, không ghi thêm được"
    elif where.startswith("thư mục") and exc.errno in (errno.EACCES, errno.EPERM):
        return (
            f"Không ghi được vào {where}: thư mục chỉ cho đọc hoặc không có quyền ghi. Hãy cấp "
            "quyền ghi cho thư mục này (bỏ thuộc tính chỉ đọc) rồi chạy lại."
        )
    elif where.startswith("thư mục") and exc.errno == errno.EROFS:
        said = f"Không ghi được vào {where}: {os_reason(exc)}"
    else:
        said = f"Không ghi hoặc đọc được {where}: {os_reason(exc)}"
    advice = _OS_ADVICE.get(exc.errno, "Hãy kiểm tra tệp và thư mục này rồi chạy lại.")
    return f"{said}. {advice}"


_RAISED = re.compile(r"\[Errno (\d+)\][^:']*(?:: '([^']*)')?")


def disk_failure_in(text: str) -> OSError | None:
    """The full or read-only disk an error's text (a notebook's `OSError` as its kernel said
    it) reports, as an `OSError` naming the file; None for any other error. A unit's notebook
    that stops for this stops the run: the disk is at fault, not the unit's data."""
    found = _RAISED.search(text or "")
    if found is None or int(found.group(1)) not in (errno.ENOSPC, errno.EROFS):
        return None
    code = int(found.group(1))
    return OSError(code, os.strerror(code), found.group(2))


KEPT = "Kết quả của lần chạy trước (số liệu, trang rà soát, báo cáo) được giữ nguyên."


class BaocaoError(Exception):
    """Any failure the pipeline explains to its user in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Location:
    """Where in a workbook a problem is: file, sheet and cell (any may be unknown)."""

    file: str | None = None
    sheet: str | None = None
    cell: str | None = None

    def describe(self) -> str:
        parts = []
        if self.file:
            parts.append(f"tệp “{Path(self.file).name}”")
        if self.sheet:
            parts.append(f"trang “{self.sheet}”")
        if self.cell:
            parts.append(f"ô {self.cell}")
        return ", ".join(parts)


class InputError(BaocaoError):
    """A problem in a unit's file; `kind` is a stable ASCII class name tests can assert on."""

    def __init__(self, kind: str, problem: str, fix: str, where: Location | None = None):
        self.kind = kind
        self.problem = problem
        self.fix = fix
        self.where = where or Location()
        prefix = self.where.describe()
        text = f"{prefix}: {problem}" if prefix else problem
        super().__init__(f"{text}. {fix}")


class ConfigError(BaocaoError):
    """A problem in the project's own configuration (catalogue, unit list, report settings)."""


@dataclass(frozen=True)
class Issue:
    """One finding about a unit's data, shown to reviewers and kept in the validation results.

    severity: "error" (the figure is excluded from totals) or "warning" (kept, to be reviewed).
    kind: a stable ASCII class name, e.g. "not_a_number", "rule_not_above", "unknown_row".
    value: the figure seen, where the finding is about one (a rule's); with the unit, kind and
    place it is the finding's identity (`config.checked`). checked_note: the analyst's note
    when she marked the finding checked (`config/checked-<kỳ>.yml`), else None (open).
    """

    severity: str
    kind: str
    message: str
    sheet: str | None = None
    cell: str | None = None
    indicator_code: str | None = None
    value: float | None = None
    checked_note: str | None = None

    def as_dict(self) -> dict:
        found = {
            "severity": self.severity,
            "kind": self.kind,
            "message": self.message,
            "sheet": self.sheet,
            "cell": self.cell,
            "indicator_code": self.indicator_code,
        }
        # Written only when set: files of findings without them stay as they were.
        if self.value is not None:
            found["value"] = self.value
        if self.checked_note is not None:
            found["checked_note"] = self.checked_note
        return found

    @classmethod
    def from_input_error(cls, error: InputError) -> Issue:
        return cls(
            severity="error",
            kind=error.kind,
            message=error.message,
            sheet=error.where.sheet,
            cell=error.where.cell,
        )
