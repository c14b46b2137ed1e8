"""LibreOffice headless, the real client of the files the project writes (tests only)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def soffice_pdf(source: Path, folder: Path, *, check: bool = False, timeout: int = 300) -> Path:
    """`source` converted to PDF in `folder` by LibreOffice headless, with a profile of its own
    in `folder` (so parallel conversions do not share one); returns where the PDF is expected
    (absent when LibreOffice could not open the file and `check` is False)."""
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{folder / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=check,
        capture_output=True,
        timeout=timeout,
    )
    return folder / f"{Path(source).stem}.pdf"
