"""A đề cương read from Word (`DocOutline`) matched to the outline in force: what carries over.

In: the document's structure, the outline in force (`Outline`, parsed; its YAML data for the
charts and derived figures) and the period the new version starts. Out: an `Imported`: the new
outline's data (the keys of config/outline.yml, headings and guidance as the document writes
them, the period's words as `{ky_bao_cao}`/`{ky_toi}`) and one `Change` per section, kept,
renamed, new or gone. A section of the document whose heading is one of the outline's (its
words, wording, numbering and diacritics aside; an earlier heading in `formerly` counts) keeps
that section's id, figures, charts, internal parts and Phụ lục II programme; its old heading
joins `formerly`, so a narrative document written with it still matches. Appendix parts the
program fills (`block`) are kept when the document does not have them. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from baocao.base.keys import heading_key, match_key
from baocao.config.outline import Outline, Part, Section, fill_period
from baocao.config.outline_import.document import DocOutline, DocPart, DocSection
from baocao.config.periods import Period

KEPT, RENAMED, NEW, GONE = "giữ nguyên", "đổi tên", "mới", "bỏ"
LEAF_GUIDANCE = "Nêu kết quả, nội dung chính của mục này."
# Guidance that asks for figures ("có số liệu chứng minh", "nêu rõ số lớp, số người…").
_ASKS_FIGURES = re.compile(
    r"\bso lieu\b|\bso luong\b|\bty le\b|\b(?:neu|ghi)(?: ro)? so\b|\bso (?:lop|nguoi|hoi nghi|don|tien)\b"
)
SAME_NUMBER_SIMILARITY = 0.35  # words shared by two headings of the same number and part
ANY_SIMILARITY = 0.75  # words shared by two headings whatever their number
MAX_LEVEL = 5  # Markdown level; the internal parts print one below


@dataclass(frozen=True)
class Change:
    """What happened to one section (`kind`: KEPT, RENAMED, NEW, GONE)."""

    kind: str
    id: str
    heading: str  # the new heading (GONE: the old one), period words filled for display
    old_heading: str = ""
    level: int = 0
    figures: str | None = None
    charts: tuple[str, ...] = ()
    internal: tuple[str, ...] = ()
    needs_figures: bool = False  # its guidance asks for figures and none is attached


@dataclass
class Imported:
    data: dict  # the new version's keys, without in_force
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the analyst should know, Vietnamese


def to_placeholders(text: str, period: Period) -> str:
    """The period's names in `text` as the outline writes them: "6 tháng đầu năm 2021" →
    "{ky_bao_cao}", "6 THÁNG CUỐI NĂM 2021" → "{KY_TOI}" (a leading zero, "06", too)."""
    for name, value in (("ky_bao_cao", period.label()), ("ky_toi", period.next_label())):
        pattern = re.compile(r"\b0?" + re.escape(value).replace(r"\ ", r"\s+") + r"\b", re.I)

        def placeholder(found, name=name):
            written = found.group(0)
            return "{" + (name.upper() if written.isupper() else name) + "}"

        text = pattern.sub(placeholder, text)
    return text


_HALF_YEAR = re.compile(r"\b(?:0?6|sau) thang (dau|cuoi) nam (\d{4})\b")


def document_period(doc: DocOutline) -> Period | None:
    """The period the document was written for: the earliest half-year its part titles and
    headings name ("KẾT QUẢ … 6 THÁNG ĐẦU NĂM 2021"; Part 2 names the next one); None if none."""
    found = []
    for part in doc.parts:
        for text in (part.title, *(s.heading for s in part.sections)):
            for half, year in _HALF_YEAR.findall(match_key(text)):
                found.append(Period(int(year), "H1" if half == "dau" else "H2"))
    return min(found, key=lambda p: p.sort_key) if found else None


def words_of(heading: str) -> list[str]:
    return heading_key(heading, numbered=False).split()


def similarity(a: list[str], b: list[str], *, contained: bool = True) -> float:
    """How alike two headings' words are: their sequence ratio, or (with `contained`) how much
    of the shorter one the longer contains (a heading extended with "…, trong đó có …")."""
    if not a or not b:
        return 0.0
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    if not contained:
        return ratio
    shorter, longer = sorted((a, b), key=len)
    contained = sum(1 for w in set(shorter) if w in set(longer)) / len(set(shorter))
    return max(ratio, 0.9 * contained if len(shorter) >= 3 else 0.0)


def _number_of(heading: str) -> str:
    found = re.match(r"^\s*(\d+(?:\.\d+)*|[IVXLC]+|[a-zđ])[.):]", heading)
    return found.group(1) if found else ""


def _score(doc: DocSection, same_part: bool, old: Section) -> float:
    """How surely the document's section is the outline's `old` one; 0 when it is not."""
    mine = words_of(doc.heading)
    headings = (old.heading, *old.formerly)
    if any(mine and mine == words_of(h) for h in headings):
        exact_number = any(doc.number and doc.number == _number_of(h) for h in headings)
        return 3.0 + 0.5 * exact_number + 0.5 * same_part
    # Words one heading merely contains count in the same part only: a task of Part 2 naming
    # a programme is not that programme's results section.
    best = max(similarity(mine, words_of(h), contained=same_part) for h in headings)
    same_number = bool(doc.number) and any(doc.number == _number_of(h) for h in headings)
    if same_number and same_part and best >= SAME_NUMBER_SIMILARITY:
        return 1.0 + best
    if best >= ANY_SIMILARITY:
        return best + 0.1 * same_part
    return 0.0


def _match_parts(doc: DocOutline, outline: Outline) -> dict[int, Part]:
    """Document part index → the outline's part: by heading ("Phần thứ hai"), else in order
    (a part headed otherwise, "I." or "Phần I", or sections before any "Phần") the next part
    not taken that the program does not fill; a "Phụ lục" only by its heading."""
    taken: dict[int, Part] = {}
    by_key = {heading_key(p.heading): p for p in outline.parts}
    for index, part in enumerate(doc.parts):
        found = by_key.get(heading_key(part.heading)) if part.heading else None
        if found is not None and found not in taken.values():
            taken[index] = found
    for index, part in enumerate(doc.parts):
        if index in taken or heading_key(part.heading).startswith("phu "):
            continue
        after = max((outline.parts.index(taken[j]) for j in taken if j < index), default=-1)
        free = [p for p in outline.parts[after + 1 :] if p not in taken.values() and not p.block]
        if free:
            taken[index] = free[0]
    return taken


def match_sections(doc: DocOutline, outline: Outline) -> dict[tuple[int, int], Section]:
    """(part index, section index) of the document → the outline's section it is: the surest
    pairs first, each section used once."""
    parts = _match_parts(doc, outline)
    part_of = {s.id: p.id for p in outline.parts for s in p.sections}
    pairs = []
    for pi, part in enumerate(doc.parts):
        for si, section in enumerate(part.sections):
            for old in outline.sections:
                same_part = pi in parts and parts[pi].id == part_of[old.id]
                score = _score(section, same_part, old)
                if score > 0:
                    pairs.append((score, -pi, -si, (pi, si), old))
    matched: dict[tuple[int, int], Section] = {}
    used: set[str] = set()
    for _, _, _, place, old in sorted(pairs, key=lambda p: p[:3], reverse=True):
        if place not in matched and old.id not in used:
            matched[place] = old
            used.add(old.id)
    return matched


def asks_for_figures(guidance: list[str] | tuple[str, ...]) -> bool:
    return any(_ASKS_FIGURES.search(match_key(g)) for g in guidance)


def _is_leaf(sections: list[DocSection], index: int) -> bool:
    following = sections[index + 1] if index + 1 < len(sections) else None
    return following is None or following.level <= sections[index].level


def _new_id(section: DocSection, part_id: str, used: set[str]) -> str:
    candidates = []
    if section.number:
        candidates += [section.number, f"{part_id}-{section.number}"]
    slug = "-".join(heading_key(section.heading, numbered=False).split()[:6]) or "muc"
    candidates += [slug, *(f"{slug}-{k}" for k in range(2, 100))]
    return next(c for c in candidates if c not in used)


def _part_id(part: DocPart, used: set[str]) -> str:
    base = "-".join(match_key(part.heading).split()) or "phan"
    candidate, k = base, 2
    while candidate in used:
        candidate, k = f"{base}-{k}", k + 1
    return candidate


def _section_data(
    doc: DocSection, level: int, old: Section | None, sid: str, guidance: list[str]
) -> dict:
    data: dict = {"id": sid, "level": level, "heading": doc.heading}
    if old is not None:
        former = [
            h for h in (old.heading, *old.formerly) if heading_key(h) != heading_key(doc.heading)
        ]
        if former:
            data["formerly"] = list(dict.fromkeys(former))
        if old.figures is not None:
            data["figures"] = old.figures
        if old.charts:
            data["charts"] = list(old.charts)
        if old.programme is not None:
            data["programme"] = old.programme
    if guidance:
        data["guidance"] = guidance
    if old is not None and old.internal:
        data["internal"] = [
            {"id": i.id, "title": i.title, **({"guidance": list(i.guidance)} if i.guidance else {})}
            for i in old.internal
        ]
    return data


def _old_part_data(part: Part) -> dict:
    data: dict = {"id": part.id, "heading": part.heading, "title": part.title}
    if part.attachment:
        data["attachment"] = True
    if part.block:
        data["block"] = part.block
    return data


class _Ids:
    """The section ids given so far; a new section never takes an id of the outline in force
    (a narrative file or a reviewer's note naming it would silently change meaning)."""

    def __init__(self, outline: Outline):
        self.old = {s.id for s in outline.sections}
        self.used: set[str] = set()
        self.kept: set[str] = set()

    def give(self, section: DocSection, part_id: str, old: Section | None) -> str:
        sid = old.id if old is not None else _new_id(section, part_id, self.used | self.old)
        self.used.add(sid)
        if old is not None:
            self.kept.add(old.id)
        return sid


def _part_sections(
    part: DocPart, pi: int, part_id: str, matched: dict, ids: _Ids, periods: tuple[Period, Period]
) -> tuple[list[dict], list[Change]]:
    """One part's sections as the outline's data, and what happened to each. `periods`: the
    one whose words the document writes (made placeholders), the one the changes show."""
    words, period = periods
    sections, changes = [], []
    for si, section in enumerate(part.sections):
        old = matched.get((pi, si))
        sid = ids.give(section, part_id, old)
        level = min(section.level + 2, MAX_LEVEL)
        guidance = [to_placeholders(g, words) for g in section.guidance]
        if not guidance and _is_leaf(part.sections, si):  # a section to write under
            guidance = list(old.guidance) if old is not None and old.guidance else []
            guidance = guidance or [LEAF_GUIDANCE]
        heading = to_placeholders(section.heading, words)
        converted = DocSection(section.number, heading, section.level, guidance)
        sections.append(_section_data(converted, level, old, sid, guidance))
        changes.append(_change(converted, sid, level, old, period))
    return sections, changes


def _part_data(part: DocPart, old_part: Part | None, part_id: str, period: Period) -> dict:
    title = to_placeholders(part.title, period) if part.title else ""
    if old_part is None:
        return {"id": part_id, "heading": part.heading or "Phần", "title": title}
    data = _old_part_data(old_part)
    data["heading"] = part.heading or old_part.heading
    data["title"] = title or old_part.title
    return data


def carry_over(doc: DocOutline, outline: Outline, old_data: dict, period: Period) -> Imported:
    """The new outline's data and what happened to each section (see the module's docstring).
    `old_data`: the outline in force as its YAML reads (charts, derived, work)."""
    matched = match_sections(doc, outline)
    parts_matched = _match_parts(doc, outline)
    result = Imported(data={})
    written_for = document_period(doc)
    if written_for is not None and written_for != period:
        result.notes.append(
            f"Tài liệu viết cho kỳ {written_for.label()} ({written_for}), dùng từ kỳ {period}: "
            f"các tiêu đề ghi “{written_for.label()}” sẽ in thành tên kỳ báo cáo, “"
            f"{written_for.next_label()}” thành tên kỳ tới."
        )
    words = written_for or period  # the period whose words the document writes
    ids = _Ids(outline)
    parts: list[dict] = []
    for pi, part in enumerate(doc.parts):
        old_part = parts_matched.get(pi)
        taken = {p["id"] for p in parts} | {p.id for p in outline.parts}
        part_id = old_part.id if old_part is not None else _part_id(part, taken)
        data = _part_data(part, old_part, part_id, words)
        sections, changes = _part_sections(part, pi, part_id, matched, ids, (words, period))
        if sections:
            data["sections"] = sections
        parts.append(data)
        result.changes += changes
    written = {p["id"] for p in parts}
    for old_part in outline.parts:
        shown = f"{old_part.heading} ({fill_period(old_part.title, period)})"
        if old_part.id in written:
            continue
        if old_part.block:  # an appendix the program fills, which the document lacks
            parts.append(_old_part_data(old_part))
            result.notes.append(
                f"{shown} không có trong tài liệu: giữ nguyên như đề cương đang dùng (phần này "
                "do chương trình lập)."
            )
        else:
            result.notes.append(
                f"{shown} của đề cương đang dùng không có trong tài liệu: bỏ, cùng các mục của nó."
            )
    result.changes += [_gone(old, period) for old in outline.sections if old.id not in ids.kept]
    result.data = _outline_data(old_data, parts)
    if old_data.get("illustrative"):
        result.notes.append(
            "Đề cương đang dùng là đề cương minh họa; phiên bản mới theo tài liệu của cấp trên "
            "nên không còn ghi chú “đề cương minh họa”."
        )
    return result


def _gone(old: Section, period: Period) -> Change:
    return Change(
        GONE,
        old.id,
        fill_period(old.heading, period),
        level=old.level,
        figures=old.figures,
        charts=old.charts,
        internal=tuple(i.id for i in old.internal),
    )


def _change(doc: DocSection, sid: str, level: int, old: Section | None, period: Period) -> Change:
    heading = fill_period(doc.heading, period)
    takes_text = bool(doc.guidance)
    if old is None:
        return Change(
            NEW,
            sid,
            heading,
            level=level,
            needs_figures=takes_text and asks_for_figures(doc.guidance),
        )
    same = heading_key(doc.heading) == heading_key(old.heading)  # as the report printed it
    return Change(
        KEPT if same else RENAMED,
        sid,
        heading,
        old_heading=fill_period(old.heading, period),
        level=level,
        figures=old.figures,
        charts=old.charts,
        internal=tuple(i.id for i in old.internal),
        needs_figures=takes_text and old.figures is None and asks_for_figures(doc.guidance),
    )


def _outline_data(old_data: dict, parts: list[dict]) -> dict:
    """The new version's keys: the old one's work, derived figures and charts, the new parts."""
    data: dict = {}
    if old_data.get("work"):
        data["work"] = old_data["work"]
    for key in ("derived", "charts"):
        if old_data.get(key):
            data[key] = old_data[key]
    data["parts"] = parts
    return data
