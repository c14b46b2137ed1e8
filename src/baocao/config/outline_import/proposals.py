"""The phụ biểu of a đề cương (a table of the figures to report) as catalogue entries to confirm.

In: the document's tables (`WordTable`) and the catalogue in force. Out: one `Proposal` per row
that names a figure: its label and unit of measure as the table writes them, the group row it is
under ("I. Công tác tuyên truyền"), and the codes of the catalogue whose label and unit it
matches, surest first. A row matching no code is proposed as new with no code: the analyst
names it (`proposals_yaml` writes the file they confirm); a code is never made up here. A
table is a phụ biểu when a header row names a unit-of-measure column ("Đơn vị tính", "ĐVT")
and a label column ("Nội dung", "Chỉ tiêu"). Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from baocao.base.keys import heading_key, match_key
from baocao.config.catalog import Catalogue, Indicator, measure_key
from baocao.config.outline_import.carry import Change, similarity
from baocao.config.outline_import.document import WordTable

MATCHED, CLOSE, NEW = "khớp", "gần khớp", "mới"
SURE = 0.8  # words shared with a catalogue label for a sure match (same unit)
CANDIDATE = 0.5  # words shared for a candidate the analyst chooses from
_UNIT_HEADERS = ("don vi tinh", "dvt", "don vi")
_LABEL_HEADERS = ("noi dung", "chi tieu", "ten chi tieu", "danh muc")


@dataclass(frozen=True)
class Proposal:
    label: str
    unit: str
    group: str  # the group row above it ("I. Công tác tuyên truyền"), "" if none
    codes: tuple[str, ...]  # matching catalogue codes, surest first
    status: str  # MATCHED, CLOSE or NEW


def _columns(row: tuple[str, ...]) -> tuple[int, int] | None:
    keys = [match_key(c) for c in row]
    unit = next(
        (i for i, k in enumerate(keys) if k in _UNIT_HEADERS or k.startswith("don vi tinh")), None
    )
    label = next(
        (i for i, k in enumerate(keys) if any(k.startswith(h) for h in _LABEL_HEADERS)), None
    )
    return (label, unit) if unit is not None and label is not None else None


def _same_unit(indicator: Indicator, unit: str, catalogue: Catalogue) -> bool:
    if not unit:
        return True
    reading = catalogue.units_of_measure.reading(indicator, unit)
    return reading.status in ("same", "scaled") or measure_key(unit) == measure_key(indicator.unit)


def _matches(label: str, unit: str, catalogue: Catalogue) -> list[tuple[float, str]]:
    words = heading_key(label, numbered=False).split()
    found = []
    for indicator in catalogue.indicators:
        if not _same_unit(indicator, unit, catalogue):
            continue
        score = similarity(words, match_key(indicator.label).split())
        if score >= CANDIDATE:
            found.append((score, indicator.code))
    return sorted(found, reverse=True)[:3]


def propose_indicators(tables: list[WordTable], catalogue: Catalogue) -> list[Proposal]:
    """Every figure row of every phụ biểu among `tables`, with the catalogue codes it matches."""
    proposals = []
    for table in tables:
        columns = None
        group = ""
        for row in table.rows:
            if columns is None:
                columns = _columns(row)
                continue
            label_at, unit_at = columns
            label = row[label_at].strip() if label_at < len(row) else ""
            unit = row[unit_at].strip() if unit_at < len(row) else ""
            if not label or re.fullmatch(r"[\d\s()]+", label):
                continue  # empty, or the row numbering the columns "(1) (2) (3)"
            if not unit:
                group = label  # a group row: "I. CÔNG TÁC TUYÊN TRUYỀN"
                continue
            found = _matches(label, unit, catalogue)
            status = NEW
            if found:
                status = MATCHED if found[0][0] >= SURE else CLOSE
            proposals.append(Proposal(label, unit, group, tuple(c for _, c in found), status))
    return proposals


def suggest_sections(
    changes: list[Change], catalogue: Catalogue, attached: set[str]
) -> dict[str, tuple[str, str]]:
    """Section id → (the catalogue section, its title) whose title is most like its heading,
    for each section that asks for figures and has none; only catalogue sections no other
    section states yet, and only when alike enough (a suggestion, never written)."""
    suggested: dict[str, tuple[str, str]] = {}
    for change in changes:
        if not change.needs_figures:
            continue
        words = heading_key(change.heading, numbered=False).split()
        scored = [
            (similarity(words, match_key(title).split()), key)
            for key, title in catalogue.sections.items()
            if key not in attached and key not in {k for k, _ in suggested.values()}
        ]
        best = max(scored, default=(0.0, ""))
        if best[0] >= CANDIDATE:
            suggested[change.id] = (best[1], catalogue.sections[best[1]])
    return suggested


_PROPOSAL_HEADER = """\
# Catalogue entries proposed from the phụ biểu of {source} (`baocao outline import`).
# NOTHING HERE IS IN FORCE: the analyst confirms each row, then adds or edits the indicator in
# config/indicators*.yml by hand.
#   trang_thai: khớp — the catalogue already has it (ma_khop, first code); gần khớp — one of
#   ma_khop may be it, choose; mới — no code matches: give it a new ASCII code (ma_moi) and a
#   kind (count, money, percent) before adding it. A code is never made up by the program.

"""


def proposals_yaml(proposals: list[Proposal], source: str) -> str:
    rows = [
        {
            "nhan": p.label,
            "don_vi_tinh": p.unit,
            **({"nhom": p.group} if p.group else {}),
            "trang_thai": p.status,
            "ma_khop": list(p.codes),
            **({"ma_moi": None} if p.status != MATCHED else {}),
        }
        for p in proposals
    ]
    body = yaml.safe_dump({"de_xuat": rows}, allow_unicode=True, sort_keys=False, width=100)
    return _PROPOSAL_HEADER.format(source=source) + body
