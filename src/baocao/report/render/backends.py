"""Which render backend a run uses, decided without importing any backend.

A run with nothing to render still needs the backend's name (it is part of each report's
content key), so the choice lives here, apart from the backends themselves (render.builtin
brings python-docx, nbclient and pandoc's wrapper; render.reports maps these names to them).
A Quarto older than `QUARTO_MINIMUM` is refused, naming the version found (`quarto_version`).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path

from baocao.errors import BaocaoError

# Quarto versions: the oldest accepted (offices install 1.8 to 1.10 from Quarto's Windows
# installer) and the one the test suite runs with (CI installs it; environment.yml pins it).
QUARTO_MINIMUM = (1, 8)
QUARTO_TESTED = "1.9.38"

# Chooses the backend of every run, like --backend (which wins over it): `builtin` keeps the
# built-in backend with a Quarto on PATH (the test suite sets it: Quarto's tests ask for it).
BACKEND_VARIABLE = "BAOCAO_BACKEND"

# The --backend option's values, and what a user reads for each.
BACKEND_NAMES = {"quarto": "Quarto", "builtin": "bộ dựng sẵn có"}


def choose_backend(requested: str | None = None) -> str:
    """The backend to use: the one requested, else the one BAOCAO_BACKEND names, else
    "quarto" iff a quarto binary is on PATH. Quarto, asked for or found, must be
    `QUARTO_MINIMUM` or newer (BaocaoError otherwise)."""
    where = ""
    if not requested and os.environ.get(BACKEND_VARIABLE, "").strip():
        requested = os.environ[BACKEND_VARIABLE].strip()
        where = f" (biến môi trường {BACKEND_VARIABLE})"
    if requested:
        if requested not in BACKEND_NAMES:
            raise BaocaoError(
                f"Không có cách lập báo cáo “{requested}”{where}; hãy chọn một trong: "
                f"{', '.join(BACKEND_NAMES)}."
            )
        if requested == "quarto" and shutil.which("quarto") is None:
            raise BaocaoError(
                "Đã chọn lập báo cáo bằng Quarto nhưng không tìm thấy chương trình quarto "
                "(PATH). Hãy cài Quarto hoặc dùng cách lập sẵn có (builtin)."
            )
        if requested == "quarto":
            check_quarto_version(shutil.which("quarto"))
        return requested
    quarto = shutil.which("quarto")
    if quarto is None:
        return "builtin"
    check_quarto_version(quarto)
    return "quarto"


def check_quarto_version(quarto: str) -> str:
    """The version of the `quarto` program at path `quarto` ("1.9.38"); BaocaoError when it
    is older than `QUARTO_MINIMUM` or does not say its version."""
    path = Path(quarto)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = 0
    found = quarto_version(str(path), stamp)
    numbers = tuple(int(n) for n in re.findall(r"\d+", found)[:2])
    minimum = ".".join(map(str, QUARTO_MINIMUM))
    advice = (
        f"Hãy cài Quarto {minimum} trở lên từ quarto.org (đã kiểm tra với bản {QUARTO_TESTED}), "
        "hoặc lập báo cáo bằng cách sẵn có: --backend builtin."
    )
    if len(numbers) < 2:
        raise BaocaoError(
            f"Chương trình quarto tại {quarto} không cho biết phiên bản của nó (quarto "
            f"--version) nên không dùng được để lập báo cáo. {advice}"
        )
    if numbers < QUARTO_MINIMUM:
        raise BaocaoError(
            f"Trên máy có Quarto {found} (tại {quarto}), cũ hơn bản {minimum} mà baocao cần để "
            f"lập báo cáo. {advice}"
        )
    return found


@functools.lru_cache(maxsize=8)
def quarto_version(quarto: str, stamp: int = 0) -> str:
    """What `quarto --version` prints ("1.9.38"), "" when it fails; cached per program and
    modification time (`stamp`), the pipeline asks more than once per run."""
    try:
        done = subprocess.run(
            [quarto, "--version"], capture_output=True, encoding="utf-8", timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    lines = done.stdout.strip().splitlines() if done.returncode == 0 else []
    return lines[-1].strip() if lines else ""
