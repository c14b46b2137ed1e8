"""What a PDF of the report must show before it is published: pages, and text on them.

A PDF that LibreOffice wrote without error can still be useless: no page, or pages whose text
is not there (fonts missing, glyphs drawn as shapes). `pdf_problems` reads the file with pypdf
and says, in Vietnamese, what is wrong (nothing: it may be published); `pdf_digest` is the
PDF's digest without what changes at every conversion (its creation date, file identifier and checksum),
so a run that reproduces the report reproduces its PDF's digest too.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

MIN_LETTERS = 20  # on the first page: the header block and the title alone have more


def pdf_problems(path: Path) -> list[str]:
    """Why the PDF at `path` may not be published: unreadable, no page, or no text found on
    its first page (empty when it may be published)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = len(reader.pages)
        first = reader.pages[0].extract_text() if pages else ""
    except (PdfReadError, OSError, ValueError, KeyError) as exc:
        return [f"không đọc được tệp PDF ({exc})"]
    if pages == 0:
        return ["tệp PDF không có trang nào"]
    letters = sum(ch.isalpha() for ch in first or "")
    if letters < MIN_LETTERS:
        return [
            f"trang đầu của tệp PDF không có chữ đọc được ({letters} chữ cái): có thể máy thiếu "
            "phông chữ Times New Roman hoặc LibreOffice chuyển đổi lỗi"
        ]
    return []


# What LibreOffice writes anew at each conversion: the dates, the file identifier and its
# checksum of the whole file (which includes them).
_VARYING = re.compile(
    rb"/(?:CreationDate|ModDate)\s*\([^)]*\)"
    rb"|/ID\s*\[\s*<[0-9A-Fa-f]*>\s*<[0-9A-Fa-f]*>\s*\]"
    rb"|/DocChecksum\s*/[0-9A-Fa-f]+"
)


def pdf_digest(path: Path) -> str:
    """SHA-256 of the PDF's bytes without its dates, file identifier and checksum (hex)."""
    return hashlib.sha256(_VARYING.sub(b"", Path(path).read_bytes())).hexdigest()
