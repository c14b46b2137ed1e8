"""Which narrative a run uses: the source chosen between the Word document and the Markdown
files, and the digests for the cache.

`load_narratives` is what the report and the runner call: the DOCX when it exists (its text
by section, `narrative.assign.assign`; the Markdown files when only they were edited since the
DOCX was written, by the digests it recorded), refusing when both were edited; a document with
headings the outline has no place for gives `NarrativeSource.draft_reasons` (the report to sign
is then only a draft). `folder_digest` and `content_digest` are the report cache's view of a
period's narrative folder: what the DOCX says, not its bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from baocao.base.keys import match_key
from baocao.config.outline import Outline
from baocao.config.periods import Period
from baocao.errors import BaocaoError
from baocao.report.narrative import markdown as nv
from baocao.report.narrative.assign import (
    Orphan,
    assign,
    extract_for,
    plain_snippet,
    section_headings,
)
from baocao.report.narrative.markdown import display_path
from baocao.report.narrative.read import extract, text_sha


def file_name(period: str) -> str:
    """`noi-dung-viet-2021-H1.docx`: the one narrative document of a period."""
    return nv.word_file_name(period)


def section_digest(text: str | None) -> str:
    """A short digest of a section's text (empty text and no text are the same)."""
    text = unicodedata.normalize("NFC", text or "").strip()
    return text_sha(text)[:16] if text else "-"


# --- which source a run uses ---------------------------------------------------------------


@dataclass(frozen=True)
class NarrativeSource:
    """The period's narratives as the report uses them, and what the run says about them."""

    narratives: dict[str, nv.Narrative]
    source: str  # "docx" | "markdown" | "none"
    shown: str  # the file or folder, as the user finds it
    pending: int = 0
    orphans: tuple[Orphan, ...] = ()
    messages: tuple[str, ...] = ()
    misplaced: tuple[tuple[str, str], ...] = ()  # `Assigned.misplaced`

    @property
    def unmatched_headings(self) -> tuple[str, ...]:
        """The Word document's headings the outline has no place for, as typed (with the
        number Word shows): their text is not printed where the writer meant it."""
        return tuple(o.heading for o in self.orphans if o.reason == "unknown" and o.heading)

    @property
    def draft_reasons(self) -> tuple[str, ...]:
        """Why the report to sign may only be a draft because of its narrative (Vietnamese,
        one sentence each): headings the outline has no place for; outline headings the
        document lacks after a section with text (`Assigned.misplaced`). Empty when the
        narrative is fit for the final report."""
        reasons = [
            f"Báo cáo để ký chưa phải bản chính thức (chỉ là dự thảo): tài liệu Word {self.shown} "
            f"không có tiêu đề “{missing}” (hoặc ghi khác đề cương), nên đoạn viết cho mục này, "
            f"nếu có, đang được in trong mục “{before}”. Hãy thêm lại tiêu đề đúng như đề cương "
            "ngay trên đoạn viết của mục (hoặc sửa tiêu đề đã ghi khác), rồi chạy lại."
            for missing, before in self.misplaced
        ]
        lost = [o for o in self.orphans if o.reason in ("heading_only", "before") and o.text]
        if lost:
            reasons.append(
                "Báo cáo để ký chưa phải bản chính thức (chỉ là dự thảo): tài liệu Word "
                f"{self.shown} có đoạn viết không nằm dưới tiêu đề của mục nào ("
                + "; ".join(f"“{plain_snippet(o.text)}”" for o in lost)
                + "), nên không được in. Hãy chuyển đoạn vào đúng mục (hoặc đặt lại tiêu đề của "
                "mục bị mất ngay trên đoạn), rồi chạy lại."
            )
        if not self.unmatched_headings:
            return tuple(reasons)
        listed = "; ".join(f"“{h}”" for h in self.unmatched_headings)
        return (
            f"Báo cáo để ký chưa phải bản chính thức (chỉ là dự thảo): tài liệu Word {self.shown} "
            f"có tiêu đề không khớp đề cương: {listed}; đoạn viết dưới các tiêu đề này chưa nằm "
            "trong mục nào của báo cáo. Hãy sửa tiêu đề cho đúng như đề cương (số thứ tự có thể "
            "khác) hoặc chuyển đoạn vào đúng mục, rồi chạy lại.",
            *reasons,
        )


def load_narratives(
    folder: Path, outline: Outline, period: Period, display_root: Path | None = None
) -> NarrativeSource:
    """The narratives of one period's folder, from the Word document when it exists.

    - No DOCX: the Markdown files (`narrative.read_narratives`).
    - DOCX and Markdown files, and both edited since the DOCX was written (its recorded
      digests): `BaocaoError` naming the sections on each side.
    - DOCX not edited since written, Markdown edited: the Markdown files (they are newer).
    - Otherwise the DOCX; its orphans (text under unknown headings) travel with the result.
    """
    folder = Path(folder)
    headings = section_headings(outline, period)
    markdown = {
        sid: replace(n, heading=headings.get(sid, ""))
        for sid, n in nv.read_narratives(folder, outline.text_ids(), display_root).items()
    }
    path = folder / file_name(str(period))
    if not path.is_file():
        source = "markdown" if markdown else "none"
        shown = display_path(folder, display_root)
        message = (
            f"Nội dung viết tay lấy từ các tệp Markdown trong {shown} ({len(markdown)} mục)."
            if markdown
            else (
                f"Chưa có nội dung viết tay cho kỳ {period} (thư mục {shown}): các mục của "
                f"dự thảo nội bộ chỉ có hướng dẫn của đề cương. Để bắt đầu viết, chạy “baocao "
                f"narrative --period {period}” rồi mở tài liệu Word vừa tạo."
            )
        )
        return NarrativeSource(markdown, source, shown, messages=(message,))
    shown = display_path(path, display_root)
    extracted = extract_for(path, outline, period, shown)
    assigned = assign(extracted, outline, period, shown)
    record = extracted.record or {}
    ids = outline.text_ids()
    md_changed, docx_changed = [], []
    if record.get("ky") == str(period):
        for sid in ids:
            said = (record.get(f"muc.{sid}") or "- -").split()
            docx_then, md_then = (said + ["-", "-"])[:2]
            if section_digest(assigned.sections.get(sid)) != docx_then:
                docx_changed.append(sid)
            now = markdown.get(sid)
            # A Markdown file removed since is no edit: its text is in the document already.
            if now is not None and section_digest(now.text) != md_then:
                md_changed.append(sid)
    else:
        # Not written by baocao for this period: any Markdown that says something else than
        # the document is a conflict (nobody can tell which is newer).
        docx_changed = list(assigned.sections)
        md_changed = [
            sid
            for sid, n in markdown.items()
            if _words(n.text) != _words(assigned.sections.get(sid, ""))
        ]
    if md_changed and docx_changed:
        raise BaocaoError(
            f"Cả tài liệu Word {shown} và các tệp Markdown đều đã được sửa sau khi tài liệu Word "
            f"được tạo: trong Word sửa mục {', '.join(docx_changed)}; trong Markdown sửa mục "
            f"{', '.join(md_changed)} ({', '.join(sid + nv.SUFFIX for sid in md_changed)}). Để "
            "không bỏ sót phần nào, hãy chép phần sửa trong các tệp Markdown vào tài liệu Word "
            "rồi xóa (hoặc chuyển ra ngoài thư mục) các tệp .md đó; hoặc, nếu muốn giữ bản "
            "Markdown, chuyển tài liệu Word ra ngoài thư mục."
        )
    if md_changed:
        return NarrativeSource(
            markdown,
            "markdown",
            display_path(folder, display_root),
            messages=(
                f"Nội dung viết tay lấy từ các tệp Markdown (mục {', '.join(md_changed)} đã sửa "
                f"sau khi tạo tài liệu Word {shown}, tài liệu Word chưa sửa). Chạy “baocao "
                f"narrative --period {period}” để đưa phần sửa vào tài liệu Word.",
            ),
        )
    narratives = {
        sid: nv.Narrative(
            sid, text, f"Tài liệu Word {shown}", kind="docx", heading=headings.get(sid, sid)
        )
        for sid, text in assigned.sections.items()
        if sid in ids
    }
    messages = [f"Nội dung viết tay lấy từ tài liệu Word {shown} ({len(narratives)} mục có bài)."]
    if extracted.pending:
        messages.append(
            f"Tài liệu Word còn {extracted.pending} thay đổi (Track Changes) chưa được chấp nhận "
            "hoặc từ chối; báo cáo dùng nội dung như khi chấp nhận tất cả."
        )
    if extracted.dropped:
        messages.append(
            "Không đưa được vào báo cáo: " + ", ".join(extracted.dropped) + " trong tài liệu Word "
            "(báo cáo chỉ nhận chữ, đậm, nghiêng, chỉ số trên/dưới, danh sách và bảng)."
        )
    messages += assigned.warnings
    return NarrativeSource(
        narratives,
        "docx",
        shown,
        extracted.pending,
        assigned.orphans,
        tuple(messages),
        assigned.misplaced,
    )


def _words(text: str) -> str:
    return match_key(re.sub(r"\\(.)", r"\1", text or ""))


def folder_digest(folder: Path) -> str:
    """The report cache key's view of a period's narrative folder: each Markdown file's bytes,
    the DOCX's content (`Extracted.digest`), never Word's lock files."""
    folder = Path(folder)
    entries: dict[str, str] = {}
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.name.startswith((".", "~$")) or not path.is_file():
                continue
            entries[path.name] = content_digest(path)
    return text_sha(json.dumps(entries, sort_keys=True))


def content_digest(path: Path) -> str:
    """A narrative file's digest: for the DOCX what it says, for any other file its bytes."""
    path = Path(path)
    if path.suffix.lower() == ".docx":
        try:
            return "docx:" + extract(path).digest()
        except BaocaoError:
            pass  # unreadable: its bytes, and the report itself says what is wrong
    return hashlib.sha256(path.read_bytes()).hexdigest()
