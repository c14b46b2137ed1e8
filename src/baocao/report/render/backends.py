"""Which render backend a run uses, decided without importing any backend.

A run with nothing to render still needs the backend's name (it is part of each report's
content key), so the choice lives here, apart from the backends themselves (render.builtin
brings python-docx, nbclient and pandoc's wrapper; render.reports maps these names to them).
"""

from __future__ import annotations

import shutil

from baocao.errors import BaocaoError

# The --backend option's values, and what a user reads for each.
BACKEND_NAMES = {"quarto": "Quarto", "builtin": "bộ dựng sẵn có"}


def choose_backend(requested: str | None = None) -> str:
    """The backend to use: the one requested, else "quarto" iff a quarto binary is on PATH."""
    if requested:
        if requested not in BACKEND_NAMES:
            raise BaocaoError(
                f"Không có cách lập báo cáo “{requested}”; hãy chọn một trong: "
                f"{', '.join(BACKEND_NAMES)}."
            )
        if requested == "quarto" and shutil.which("quarto") is None:
            raise BaocaoError(
                "Đã chọn lập báo cáo bằng Quarto nhưng không tìm thấy chương trình quarto "
                "(PATH). Hãy cài Quarto hoặc dùng cách lập sẵn có (builtin)."
            )
        return requested
    return "quarto" if shutil.which("quarto") else "builtin"
