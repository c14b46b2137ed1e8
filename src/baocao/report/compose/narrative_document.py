"""`baocao narrative`: the period's narrative Word document, written with the last run's figures.

In: the project paths and a period. Out: `narrative/<period>/noi-dung-viet-<period>.docx`
written (or, when someone edited it, only its figures table refreshed) and the notes to tell
the user. Lives in compose/ because the figures table needs the composed report's figure names
(`build_report`), while the document itself is narrative/'s (`narrative.write`).
"""

from __future__ import annotations

from pathlib import Path

from baocao.config.catalog import load_catalogue
from baocao.config.outline import load_outline
from baocao.config.periods import Period
from baocao.errors import BaocaoError
from baocao.report.compose.data import load_report_data
from baocao.report.compose.parts import build_report
from baocao.report.compose.sentences import figure_glossary
from baocao.report.narrative import markdown as nv
from baocao.report.narrative.read import extract
from baocao.report.narrative.source import display_path, file_name
from baocao.report.narrative.write import refresh_glossary, write_narrative_docx


def write_for_period(paths, period: str) -> tuple[Path, list[str]]:
    """`baocao narrative`: write (or refresh) the period's narrative document from its Markdown
    files, with the figures of the last run; refuse to overwrite a document someone edited.
    Returns the document and what to tell the user."""
    p = Period.parse(period)
    catalogue = load_catalogue(paths.config, str(p))
    outline = load_outline(paths.config, catalogue, str(p))
    folder = paths.root / "narrative" / str(p)
    path = folder / file_name(str(p))
    shown = display_path(path, paths.root)
    markdown = nv.read_narratives(folder, outline.text_ids(), paths.root)
    notes = []
    edited = path.exists() and extract(path, shown).edited_since_written()
    try:
        data = load_report_data(str(p), processed_dir=paths.processed, root=paths.root)
        names = build_report(data).names
    except BaocaoError as error:
        names = None
        notes.append(f"Bảng tên số liệu chưa có giá trị: {error.message}")
    glossary = figure_glossary(catalogue, outline, names)
    if edited:
        if not refresh_glossary(path, glossary):
            raise BaocaoError(
                f"Tài liệu Word {shown} đã được sửa (hoặc có góp ý, thay đổi chưa xử lý) sau khi "
                "được tạo, và không còn bảng tên số liệu. Lệnh này không ghi đè để khỏi mất phần "
                "đã sửa; “baocao run” vẫn lấy nội dung từ tài liệu đó. Muốn tạo lại từ đầu, hãy "
                "chuyển tài liệu ra ngoài thư mục rồi chạy lại lệnh."
            )
        notes.append(
            "Tài liệu đã được sửa nên không ghi đè: chỉ cập nhật bảng tên số liệu ở cuối; nội "
            "dung, các thay đổi (Track Changes) và góp ý (Comment) giữ nguyên."
        )
        return path, notes
    if path.exists():
        notes.append("Tài liệu chưa ai sửa nên được tạo lại với nội dung và số liệu mới nhất.")
    write_narrative_docx(path, outline, p, markdown, glossary)
    written = [sid for sid in outline.text_ids() if sid in markdown]
    if written:
        notes.append(
            f"Có nội dung của {len(written)} mục (lấy từ các tệp Markdown); các mục khác có "
            "hướng dẫn của đề cương. Viết và góp ý ngay trong tài liệu này."
        )
    else:
        notes.append(
            "Chưa có nội dung viết tay nào: dưới mỗi tiêu đề là hướng dẫn của đề cương. Mở tài "
            "liệu này bằng Word, viết nội dung ngay dưới từng tiêu đề rồi lưu lại; lần chạy "
            "“baocao run” sau sẽ đưa nội dung vào báo cáo."
        )
    return path, notes
