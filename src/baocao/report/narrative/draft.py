"""Whether the document to sign is final or a draft ("DỰ THẢO"), and what it still lacks.

What enters: the outline in force, the period and the period's narrative as the run uses it
(`narrative.source.NarrativeSource`). What leaves: a `Draft` — the outline's sections that take
text and have none (restricted sub-parts included: the signed report prints them), the tracked
changes still pending in the Word document, and the headings of that document that could not be
matched. Any of them makes the document to sign a draft: it is marked "DỰ THẢO" at the top
(`docx.draft`), the run lists what is missing and the public page is not published from it.

An analyst who has nothing to report for a section writes exactly `NOTHING_TO_REPORT` as its
text (in its Markdown file or under its heading in the Word document): the section counts as
written and prints as that sentence. A blank text (an empty file, a heading with nothing under
it) counts as not written. Pure functions: nothing here reads a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from baocao.config.outline import Outline, fill_period
from baocao.config.periods import Period

# The one way to say a section has nothing to report (narrative/README.md, the Word guidance).
NOTHING_TO_REPORT = "Không có nội dung phát sinh trong kỳ."
DRAFT_MARK = "DỰ THẢO"
HEADING_SHOWN = 60  # characters of a heading in a short line
SHORT_LIST = 3  # beyond this many empty sections, the DOCX says how many rather than which


def _short(text: str, size: int = HEADING_SHOWN) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


@dataclass(frozen=True)
class Draft:
    """What keeps the document to sign a draft (all empty: it is final).

    `empty`: the headings of the sections without text, in the outline's order; `pending`: the
    tracked changes not yet accepted or rejected in the Word document; `headings`: one short
    Vietnamese line per heading problem of the Word document.
    """

    empty: tuple[str, ...] = ()
    pending: int = 0
    headings: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.empty or self.pending or self.headings)

    def items(self) -> list[str]:
        """One line per thing missing (Vietnamese): for the run's console and its manifest."""
        lines = [f"Mục “{_short(heading)}” chưa có nội dung." for heading in self.empty]
        if self.pending:
            lines.append(self.pending_line())
        return lines + list(self.headings)

    def pending_line(self) -> str:
        return (
            f"Tài liệu Word còn {self.pending} thay đổi (Track Changes) chưa được chấp nhận "
            "hoặc từ chối."
        )

    def summary(self) -> list[str]:
        """What the document to sign lists under its "DỰ THẢO" mark: short lines, the empty
        sections named when few, else counted (each is marked where it stands)."""
        lines = []
        if len(self.empty) > SHORT_LIST:
            lines.append(
                f"{len(self.empty)} mục chưa có nội dung (ghi “Chưa có nội dung” tại từng mục)."
            )
        else:
            lines += [f"Mục “{_short(heading)}” chưa có nội dung." for heading in self.empty]
        if self.pending:
            lines.append(self.pending_line())
        return lines + list(self.headings)


def is_written(text: str | None) -> bool:
    """Whether a section's text counts as written: anything but blank or HTML comments
    (`NOTHING_TO_REPORT` included)."""
    return bool(re.sub(r"<!--.*?(?:-->|$)", "", text or "", flags=re.S).strip())


def empty_sections(outline: Outline, written: dict[str, str], period: Period) -> tuple[str, ...]:
    """The headings (period filled in) of every section that takes text, and every restricted
    sub-part, whose text in `written` (section id -> text) is missing or blank."""
    empty = []
    for section in outline.sections:
        if section.takes_text and not is_written(written.get(section.id)):
            empty.append(fill_period(section.heading, period))
        for extra in section.internal:
            if not is_written(written.get(extra.id)):
                empty.append(fill_period(extra.title, period))
    return tuple(empty)


def heading_problems(source) -> tuple[str, ...]:
    """Short lines for the Word document's heading problems (`NarrativeSource`): headings the
    outline has no place for, outline headings missing after a section with text, text under
    no heading. The run's long messages (`draft_reasons`) say how to fix each."""
    lines = [
        f"Tiêu đề “{_short(heading)}” trong tài liệu Word không khớp đề cương."
        for heading in source.unmatched_headings
    ]
    lines += [
        f"Tài liệu Word thiếu tiêu đề “{_short(missing)}”." for missing, _ in source.misplaced
    ]
    if any(o.reason in ("heading_only", "before") and o.text for o in source.orphans):
        lines.append("Tài liệu Word có đoạn viết không nằm dưới tiêu đề của mục nào.")
    return tuple(lines)


def draft_of(outline: Outline, source, period: Period) -> Draft:
    """The `Draft` of a period's narrative (`NarrativeSource`) under `outline`."""
    written = {sid: n.text for sid, n in source.narratives.items()}
    return Draft(
        empty=empty_sections(outline, written, period),
        pending=int(source.pending or 0),
        headings=heading_problems(source),
    )


def capped(lines: list[str], most: int = 10) -> list[str]:
    """At most `most` lines, the last saying how many more: "và 7 mục khác"."""
    if len(lines) <= most:
        return list(lines)
    return [*lines[: most - 1], f"và {len(lines) - most + 1} mục khác."]
