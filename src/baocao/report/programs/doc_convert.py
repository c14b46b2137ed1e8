"""An old Word document (.doc, Word 97–2003) converted to .docx with LibreOffice, bounded.

In: a .doc path and a scratch folder. Out: the .docx LibreOffice wrote there
(`doc_to_docx`), run headless with its own profile in the scratch folder (an office PC's
running LibreOffice is not disturbed) and within `external_bound`'s memory and time. Without
LibreOffice, a Vietnamese `BaocaoError` says how to save the document as .docx in Word.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from baocao.errors import BaocaoError
from baocao.report.programs.external import external_bound, run_bounded

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc (and protected .docx) files start so
CONVERT_SECONDS = 120


def is_old_word(path: Path) -> bool:
    """Whether `path` is an old binary Word document (by its name or its first bytes)."""
    if path.suffix.lower() == ".doc":
        return True
    try:
        with open(path, "rb") as handle:
            return handle.read(8) == OLE_MAGIC and path.suffix.lower() != ".docx"
    except OSError:
        return False


SAVE_AS_DOCX = (
    "Hãy mở tệp bằng Word, chọn File > Save As (Lưu thành), ở ô Save as type chọn “Word "
    "Document (*.docx)”, lưu lại rồi chạy lệnh với tệp .docx đó."
)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def doc_to_docx(path: Path, scratch: Path, shown: str | None = None) -> Path:
    """`path` (.doc) converted to `scratch/<name>.docx` by LibreOffice; raises `BaocaoError`
    (Vietnamese) when LibreOffice is missing or fails."""
    shown = shown or path.name
    program = soffice()
    if program is None:
        raise BaocaoError(
            f"Tài liệu {shown} là tệp Word đời cũ (.doc) và máy không có LibreOffice để chuyển "
            f"sang .docx. {SAVE_AS_DOCX}"
        )
    scratch.mkdir(parents=True, exist_ok=True)
    run_bounded(
        [
            program,
            f"-env:UserInstallation={(scratch / 'profile').resolve().as_uri()}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(scratch),
            str(path),
        ],
        program="LibreOffice",
        document=f"bản .docx của {shown}",
        bound=external_bound(CONVERT_SECONDS),
    )
    converted = scratch / (path.stem + ".docx")
    if not converted.is_file():
        raise BaocaoError(f"LibreOffice không chuyển được {shown} sang .docx. {SAVE_AS_DOCX}")
    return converted
