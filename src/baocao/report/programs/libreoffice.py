"""LibreOffice headless, found where an office installs it and run within bounds: DOCX -> PDF.

`find_soffice` looks for the program on PATH (`soffice`, `libreoffice`) and, where installers
put it without touching PATH, in the usual folders (Windows: Program Files; macOS:
/Applications). `convert_to_pdf` converts one finished DOCX with `soffice --headless
--convert-to pdf`, each call with a LibreOffice profile of its own in a temporary folder
(`-env:UserInstallation`), so it neither waits for nor disturbs a LibreOffice the user has
open, nor another conversion running beside it; it is bounded in memory and time like pandoc
(`external.run_bounded`) and fails as `ExternalError`, in Vietnamese.

`BAOCAO_PDF=0` (or "không", "off", "no", "false") turns the PDF off (`pdf_wanted`), e.g. on a PC
where LibreOffice is installed but fails.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from baocao.report.programs.external import ExternalError, external_bound, run_bounded

PDF_VARIABLE = "BAOCAO_PDF"
_OFF = ("0", "no", "off", "false", "khong", "không")
PDF_TIMEOUT = 300  # seconds: the 65 communes' report converts in about 4
PROGRAM = "LibreOffice"
# What a user reads when LibreOffice is missing (one line of the run; README says the same).
MISSING = (
    "Chưa lập tệp PDF vì máy chưa cài LibreOffice (soffice). Cài LibreOffice (libreoffice.org, "
    "miễn phí) rồi chạy lại, hoặc mở tệp DOCX trong Word và chọn Tệp > Lưu dưới dạng > PDF."
)


def pdf_wanted() -> bool:
    """False when BAOCAO_PDF turns the PDF off."""
    return os.environ.get(PDF_VARIABLE, "").strip().casefold() not in _OFF


def _installed_places() -> list[Path]:
    """Where LibreOffice's installers put soffice without adding it to PATH."""
    if os.name == "nt":
        # Windows' variables ignore case: ProgramFiles, ProgramW6432, ProgramFiles(x86).
        names = ("PROGRAMFILES", "PROGRAMW6432", "PROGRAMFILES(X86)")
        roots = [os.environ.get(name) for name in names]
        roots += [r"C:\Program Files", r"C:\Program Files (x86)"]
        return [
            Path(root) / "LibreOffice" / "program" / "soffice.exe"
            for root in dict.fromkeys(filter(None, roots))
        ]
    if sys.platform == "darwin":
        return [Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")]
    return sorted(Path("/opt").glob("libreoffice*/program/soffice"))  # the tarball's place


def find_soffice() -> str | None:
    """The LibreOffice program to run (a path), or None when it is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for place in _installed_places():
        if place.is_file():
            return str(place)
    return None


def convert_to_pdf(source: Path, target: Path, document: str = "tệp PDF của báo cáo") -> Path:
    """Write `target`, the PDF of the DOCX `source`, with LibreOffice headless; returns it.

    The conversion runs in a temporary folder (a copy of `source` under a plain name, a new
    LibreOffice profile, its output), within `external_bound(PDF_TIMEOUT)`. Raises
    `ExternalError` (Vietnamese, naming `document`) when LibreOffice is missing, fails, runs out
    of memory or time, or writes no PDF."""
    soffice = find_soffice()
    if soffice is None:
        raise ExternalError(MISSING, "start")
    with tempfile.TemporaryDirectory(prefix="baocao-pdf-") as tmp:
        work = Path(tmp)
        copy = work / "in" / "bao-cao.docx"  # the staged DOCX's own name ends in .part
        copy.parent.mkdir()
        shutil.copyfile(source, copy)
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work / "out"),
            str(copy),
        ]
        run_bounded(command, program=PROGRAM, document=document, bound=external_bound(PDF_TIMEOUT))
        made = work / "out" / "bao-cao.pdf"
        if not made.is_file() or made.stat().st_size == 0:
            raise ExternalError(
                f"{PROGRAM} không lập được {document} (không có tệp PDF nào được ghi ra). "
                "Hãy mở tệp DOCX bằng LibreOffice hoặc Word xem có mở được không; nếu mở được, "
                "lưu nó dưới dạng PDF bằng tay.",
                "failed",
            )
        shutil.move(made, target)
    return Path(target)
