"""Which narrative a run uses: the Word document's headings matched to the outline, the
source chosen between the Word document and the Markdown files, and the digests for the cache.

`assign` takes an `Extracted` document and returns its text by section of the outline
(headings matched by their text whatever their numbering, case or tone placement; the notes the
document is written with recognised and skipped; text with no place kept as an `Orphan`).
`load_narratives` is what the report and the runner call: the DOCX when it exists (the Markdown
files when only they were edited since the DOCX was written, by the digests it recorded),
refusing when both were edited; a document with headings the outline has no place for gives
`NarrativeSource.draft_reasons` (the report to sign is then only a draft). `folder_digest` and `content_digest` are the report cache's view
of a period's narrative folder: what the DOCX says, not its bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from baocao.config.names import match_key
from baocao.config.outline import Outline, fill_period
from baocao.config.periods import Period
from baocao.errors import BaocaoError
from baocao.report import narrative as nv
from baocao.report.narrative import _display
from baocao.report.narrative_notes import NOTE_STYLE, known_notes
from baocao.report.narrative_read import GLOSSARY_HEADING, Extracted, _sha, extract
from baocao.report.narrative_runs import inline_markdown

_NUMBERING = re.compile(
    r"^\s*(?:(?:phần\s+thứ\s+\S+|\d+(?:\.\d+)+[.):]?|\(?(?:\d+|[ivxlcdm]+|[a-zđ])[.):])\s*)+",
    re.IGNORECASE,
)


def file_name(period: str) -> str:
    """`noi-dung-viet-2021-H1.docx`: the one narrative document of a period."""
    return nv.word_file_name(period)


def section_digest(text: str | None) -> str:
    """A short digest of a section's text (empty text and no text are the same)."""
    text = unicodedata.normalize("NFC", text or "").strip()
    return _sha(text)[:16] if text else "-"


# --- matching the headings to the outline --------------------------------------------------


@dataclass(frozen=True)
class Orphan:
    """Text the outline has no place for: under an unknown heading, under a heading that takes
    no text, or before the first heading. `anchor`: the outline id it follows (None = start)."""

    anchor: str | None
    heading: str | None
    text: str
    reason: str


@dataclass(frozen=True)
class Assigned:
    sections: dict[str, str]  # text id → Markdown
    orphans: tuple[Orphan, ...]
    warnings: tuple[str, ...]
    # (heading the document lacks, heading of the section with text its text may be under)
    misplaced: tuple[tuple[str, str], ...] = ()


def heading_key(text: str, *, numbered: bool = True) -> str:
    """A heading folded for matching: case, tone placement, NFD/NFC, punctuation and spacing
    do not matter; without `numbered`, a leading "1.", "2.2.", "I.", "a)" does not either."""
    text = unicodedata.normalize("NFC", text)
    if not numbered:
        text = _NUMBERING.sub("", text)
    return match_key(text)


def _targets(outline: Outline, period: Period) -> list[tuple[str, str, str]]:
    """(kind, id, heading) of every heading the document holds, in order."""
    targets = []
    for part in outline.parts:
        targets.append(("part", part.id, fill_period(part.heading, period)))
        targets.append(("part", part.id, fill_period(part.title, period)))
        for section in part.sections:
            kind = "text" if section.takes_text else "heading"
            targets.append((kind, section.id, fill_period(section.heading, period)))
            for former in section.formerly:  # a document written before the outline changed
                targets.append((kind, section.id, fill_period(former, period)))
            for extra in section.internal:
                targets.append(("text", extra.id, fill_period(extra.title, period)))
    targets.append(("glossary", "", GLOSSARY_HEADING))
    return targets


def section_headings(outline: Outline, period: Period) -> dict[str, str]:
    """The heading of every section that takes text (internal parts: their title), by id."""
    headings = {}
    for section in outline.sections:
        headings[section.id] = fill_period(section.heading, period)
        for extra in section.internal:
            headings[extra.id] = fill_period(extra.title, period)
    return headings


Target = tuple[str, str, str]  # (kind, id, heading) as `_targets` gives them


def heading_matcher(outline: Outline, period: Period) -> Callable[[str, bool], Target | None]:
    """`match(text, loose)`: the outline heading `text` is (`heading_key`), or None. Exactly,
    number included; with `loose`, also whatever its number when only one heading has these
    words."""
    targets = _targets(outline, period)
    full = {heading_key(h): (kind, tid, h) for kind, tid, h in targets}
    bare: dict[str, list[Target]] = {}
    for kind, tid, h in targets:
        bare.setdefault(heading_key(h, numbered=False), []).append((kind, tid, h))

    def match(text: str, loose: bool = True) -> Target | None:
        found = full.get(heading_key(text))
        if found or not loose:
            return found
        words = heading_key(text, numbered=False)
        candidates = bare.get(words, []) if words else []  # "1." alone is no heading
        return candidates[0] if len({c[1] for c in candidates}) == 1 else None

    return match


def extract_for(path: Path, outline: Outline, period: Period, shown: str) -> Extracted:
    """The narrative document read with the outline's headings: a heading that lost its
    style (a bold paragraph, a numbered one) is still one (`narrative_read.extract`)."""
    match = heading_matcher(outline, period)
    return extract(path, shown, headings=lambda text, loose: match(text, loose) is not None)


def assign(extracted: Extracted, outline: Outline, period: Period, shown: str) -> Assigned:
    """The document's text by section of the outline; what has no place is an `Orphan`.
    A heading is matched with the number Word shows before it, else by its words alone."""
    targets = _targets(outline, period)
    full = {heading_key(h): (kind, tid, h) for kind, tid, h in targets}
    notes = known_notes(outline, period)
    matcher = heading_matcher(outline, period)

    def match(block) -> Target | None:
        return matcher(block.text) or (matcher(block.plain) if block.plain else None)

    chunks: dict[str, list[str]] = {}
    orphans: list[tuple[str | None, str | None, list[str], str]] = []
    warnings: list[str] = []
    seen: list[str] = []
    current: tuple[str, str, str] | None = None
    anchor: str | None = None
    orphan: tuple[str | None, str | None, list[str], str] | None = None
    fits = _lost_style_fits(extracted.blocks, targets, match)
    for index, block in enumerate(extracted.blocks):
        target = None
        if block.kind == "heading":
            target = match(block)
            if target is None:
                orphan = (anchor, block.text, [], "unknown")
                orphans.append(orphan)
                current = None
                continue
        elif block.kind == "text" and block.plain and full.get(heading_key(block.plain)):
            target = full[heading_key(block.plain)]  # a heading typed without a heading style
        if (
            target is not None
            and block.kind == "heading"
            and not block.level
            and heading_key(block.text) not in full
            and not fits(index, target, anchor, seen)
        ):
            # By its words alone, without a heading style, out of the outline's order: the
            # writer's text quoting a heading, printed where it stands.
            target, block = None, replace(block, kind="text", text=block.fallback)
        if target is not None:
            current, orphan = target, None
            if target[0] != "glossary":
                anchor = target[1]
            if target[0] == "text" and target[1] in seen:
                warnings.append(
                    f"Tiêu đề mục “{target[2]}” có hơn một lần; nội dung dưới các lần đó được "
                    "ghép vào mục này."
                )
            if target[0] in ("text", "heading", "part"):
                seen.append(target[1])
            continue
        text = block.text
        if block.kind == "note":
            folded = match_key(block.text)
            if folded in notes or any(folded in known for known in notes):
                continue  # guidance, whole or shortened: nothing the writer typed
            warnings.append(
                f"Đoạn “{_snippet(block.text)}” mang kiểu chữ “{NOTE_STYLE}” nhưng không phải "
                "hướng dẫn của đề cương: được coi là nội dung viết (hãy đổi sang kiểu Normal)."
            )
            text = nv_escape_plain(block.text)
        if current is not None and current[0] == "text":
            chunks.setdefault(current[1], []).append(text)
        elif current is not None and current[0] == "glossary" and block.kind == "table":
            continue
        else:
            if orphan is None:
                reason = "heading_only" if current is not None else "before"
                orphan = (anchor, None, [], reason)
                orphans.append(orphan)
            orphan[2].append(text)
    missing = list(
        dict.fromkeys(
            _heading_of(outline, tid, period)
            for kind, tid, _ in targets
            if kind in ("text", "heading") and tid not in seen
        )
    )
    if missing:
        warnings.append(
            f"Tài liệu Word {shown} thiếu (hoặc ghi khác đề cương) tiêu đề: "
            + "; ".join(f"“{h}”" for h in missing)
            + ". Nội dung của mục đó (nếu có) đang nằm trong mục đứng trước nó."
        )
    result = []
    for where, heading, texts, reason in orphans:
        body = "\n\n".join(texts)
        result.append(Orphan(where, heading, body, reason))
        said = {
            "unknown": f"Tiêu đề “{heading}” không có trong đề cương",
            "heading_only": "Đoạn viết dưới một tiêu đề không nhận nội dung",
            "before": "Đoạn viết trước tiêu đề đầu tiên",
        }[reason]
        where_text = f" (sau mục {where})" if where else ""
        shown_text = f": “{_snippet(_plain_of(body))}”" if body else " (không có nội dung)"
        warnings.append(
            f"{said}{where_text}{shown_text}. Phần này chỉ hiện trong bản nội bộ, đánh dấu để "
            "sửa; hãy đổi tiêu đề cho khớp đề cương hoặc chuyển đoạn vào đúng mục."
        )
    sections = {sid: "\n\n".join(texts) for sid, texts in chunks.items() if any(texts)}
    # A heading the outline lacks after the section is likely the missing one, retyped: said.
    retyped = {o.anchor for o in result if o.reason == "unknown"}
    misplaced = [(m, b) for m, b in _misplaced(targets, seen, sections) if b not in retyped]
    return Assigned(
        sections,
        tuple(result),
        tuple(warnings),
        tuple(
            (_heading_of(outline, m, period), _heading_of(outline, b, period)) for m, b in misplaced
        ),
    )


def _lost_style_fits(blocks, targets: list[Target], match):
    """`fits(index, target, anchor, seen)`: whether the paragraph at `index`, a heading only by
    its words (no heading style or outline level, not its number), is where the outline puts
    `target`: not seen
    yet, no styled heading of the document is it, and it comes after the section it follows
    (`anchor`) and before the next styled heading's section. Otherwise it is the writer's text
    quoting a heading (a bold line, a bold list item), printed where it stands."""
    order = {tid: k for k, tid in enumerate(dict.fromkeys(t[1] for t in targets))}
    styled = [
        match(b) if b.kind == "heading" and b.level else None for b in blocks
    ]  # the target of each styled heading
    styled_ids = {t[1] for t in styled if t is not None}
    upper: list[int | None] = [None] * len(blocks)  # the next styled heading's place
    following = None
    for k in range(len(blocks) - 1, -1, -1):
        upper[k] = following
        if styled[k] is not None:
            following = order[styled[k][1]]

    def fits(index: int, target: Target, anchor: str | None, seen: list[str]) -> bool:
        place = order[target[1]]
        return (
            target[1] not in seen
            and target[1] not in styled_ids
            and (anchor is None or place > order[anchor])
            and (upper[index] is None or place < upper[index])
        )

    return fits


def _misplaced(targets: list[Target], seen: list[str], sections: dict[str, str]):
    """(missing, before) ids: a section taking text whose heading the document lacks, after a
    section that has text — the missing section's text, if any, is printed in that one."""
    kinds = {tid: kind for kind, tid, _ in targets if kind != "glossary"}
    order = list(kinds)
    found = set(seen)
    out = []
    for index, tid in enumerate(order):
        if tid in found or kinds[tid] != "text":
            continue
        before = next((o for o in reversed(order[:index]) if o in found), None)
        if before is not None and kinds[before] == "text" and sections.get(before):
            out.append((tid, before))
    return out


def _heading_of(outline: Outline, tid: str, period: Period) -> str:
    """The heading the outline gives `tid` now (not a former one)."""
    return section_headings(outline, period).get(tid, tid)


def nv_escape_plain(text: str) -> str:
    return inline_markdown([(c, frozenset()) for c in text])


def _plain_of(markdown: str) -> str:
    return " ".join(re.sub(r"\\(.)", r"\1", markdown.replace("**", "").replace("*", "")).split())


def _snippet(text: str, size: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


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
        shown = _display(folder, display_root)
        message = (
            f"Nội dung viết tay lấy từ các tệp Markdown trong {shown} ({len(markdown)} mục)."
            if markdown
            else (
                f"Chưa có nội dung viết tay cho kỳ {period} (thư mục {shown}): các mục của "
                f"báo cáo nội bộ chỉ có hướng dẫn của đề cương. Để bắt đầu viết, chạy “baocao "
                f"narrative --period {period}” rồi mở tài liệu Word vừa tạo."
            )
        )
        return NarrativeSource(markdown, source, shown, messages=(message,))
    shown = _display(path, display_root)
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
            _display(folder, display_root),
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
    return _sha(json.dumps(entries, sort_keys=True))


def content_digest(path: Path) -> str:
    """A narrative file's digest: for the DOCX what it says, for any other file its bytes."""
    path = Path(path)
    if path.suffix.lower() == ".docx":
        try:
            return "docx:" + extract(path).digest()
        except BaocaoError:
            pass  # unreadable: its bytes, and the report itself says what is wrong
    return hashlib.sha256(path.read_bytes()).hexdigest()
