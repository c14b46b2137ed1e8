"""What a PDF of the report must show before it is published: pages, and text on them.

A PDF that LibreOffice wrote without error can still be useless: no page, or pages whose text
is not there (fonts missing, glyphs drawn as shapes). `pdf_problems` reads the file with pypdf
and says, in Vietnamese, what is wrong (nothing: it may be published). (The manifest's digest
of a PDF leaves out what changes at every conversion: `run.manifest.content_digest`.)
"""

from __future__ import annotations

from pathlib import Path

from baocao.errors import BaocaoError

MIN_LETTERS = 20  # on the first page: the header block and the title alone have more


def pdf_problems(path: Path) -> list[str]:
    """Why the PDF at `path` may not be published: unreadable, no page, or no text found on
    its first page (empty when it may be published)."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:  # a pinned dependency: the environment predates it
        raise BaocaoError(
            "Thiếu thư viện pypdf để kiểm tra tệp PDF trước khi xuất bản. Hãy cài lại môi "
            "trường (make env, hoặc pip install -c requirements.lock -e .) rồi chạy lại."
        ) from None

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
