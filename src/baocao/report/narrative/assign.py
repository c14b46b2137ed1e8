"""The narrative Word document's headings matched to the outline: `assign` takes an
`Extracted` document and returns its text by section (headings matched by their text whatever
their numbering, case or tone placement; the notes the document is written with recognised and
skipped; text with no place kept as an `Orphan`). A heading without a heading style counts only
where the outline puts it, else it is the writer's text; a styled sub-heading with another
section's words is said, never a reason to move text there. `extract_for` reads the document
with the outline's headings (`narrative.read.extract`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from baocao.base.keys import heading_key, match_key
from baocao.config.outline import Outline, fill_period
from baocao.config.periods import Period
from baocao.report.narrative.notes import NOTE_STYLE, known_notes
from baocao.report.narrative.read import GLOSSARY_HEADING, Extracted, extract
from baocao.report.narrative.runs import inline_markdown

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
                targets.append(("text", extra.id, fill_period(extra.heading, period)))
    targets.append(("glossary", "", GLOSSARY_HEADING))
    return targets


def section_headings(outline: Outline, period: Period) -> dict[str, str]:
    """The heading of every section that takes text (internal parts: their title), by id."""
    headings = {}
    for section in outline.sections:
        headings[section.id] = fill_period(section.heading, period)
        for extra in section.internal:
            headings[extra.id] = fill_period(extra.heading, period)
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
    style (a bold paragraph, a numbered one) is still one (`narrative.read.extract`)."""
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
    exact = {  # the sections a heading of the document names with their number
        full[key][1]
        for b in extracted.blocks
        if b.kind == "heading"
        for key in (heading_key(b.text), heading_key(b.plain))
        if key in full
    }
    elsewhere: dict[str, str] = {}  # heading → the outline heading it has the words of
    for index, block in enumerate(extracted.blocks):
        target = None
        if block.kind == "heading":
            target = match(block)
            if block.level and target is not None and _repeats(block, target, full, exact, seen):
                # a sub-heading with another section's words: said, its text not moved there
                elsewhere[block.text], target = target[2], None
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
            and not (target == current and not chunks.get(target[1]))  # right under itself
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
        if block.kind == "text" and block.plain and match_key(block.plain) in notes:
            continue  # a note whose style was lost (Clear Formatting, Normal): never printed
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
        if heading in elsewhere:
            said = (
                f"Tiêu đề “{heading}” trùng chữ với tiêu đề “{elsewhere[heading]}” của đề cương "
                "nhưng không đứng ở chỗ của mục đó"
            )
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


def _repeats(block, target: Target, full: dict, exact: set[str], seen: list[str]) -> bool:
    """Whether a styled heading that is `target` by its words alone (not its number) names a
    section already seen or named with its number elsewhere: a sub-heading the writer gave
    another section's words, never a reason to move the text under it there."""
    loose = heading_key(block.text) not in full and heading_key(block.plain) not in full
    return loose and (target[1] in seen or target[1] in exact)


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


def plain_snippet(markdown: str) -> str:
    """The first words of a section's Markdown as the writer sees them (signs unescaped)."""
    return _snippet(_plain_of(markdown))


def _snippet(text: str, size: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"
