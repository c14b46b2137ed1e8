"""The number Word's automatic numbering shows before a paragraph, counted as Word counts it.

python-docx does not compute list numbers: Word stores a list item as (numId, ilvl) in the
paragraph (or its style) and the level's numFmt, start and lvlText in numbering.xml; the
number shown ("2.2.", "b)", "II.") exists only once the paragraphs before it are counted.
`ListCounter.count(para)` counts one paragraph (in document order) and returns its `Counted`:
the label Word shows ("" for a bullet), its count at its level, its level and whether it is a
bullet. Deeper levels restart when a shallower one advances; a numId whose level carries a
`w:startOverride` restarts that level where it is first used; paragraphs of one list definition
count together whatever numId they use (LibreOffice saves a list restarted and carried on as
two numIds). The definitions themselves are read by `ooxml.Numbering`.
"""

from __future__ import annotations

from dataclasses import dataclass

from baocao.report.narrative.ooxml import Numbering
from baocao.report.narrative.runs import Para

BULLET_FORMATS = ("bullet", "none")


@dataclass(frozen=True)
class Counted:
    """A list paragraph as Word shows it."""

    label: str  # "1.1.", "b)", "II."; "" for a bullet
    count: int  # its count at its level (1 for the first item)
    level: int  # ilvl, 0 = top
    bullet: bool  # a bullet (or a level showing no number)


class ListCounter:
    """Counts the numbered paragraphs of one document, in order (`count`)."""

    def __init__(self, numbering: Numbering):
        self.numbering = numbering
        self.counts: dict[str, dict[int, int]] = {}  # abstractNumId → level → current count
        self.restarted: set[tuple[str, int]] = set()  # (numId, level) already restarted

    def count(self, para: Para) -> Counted | None:
        """Count `para`; None when it is in no list (no numbering, numId 0, unknown list)."""
        if para.numbering is None:
            return None
        num_id, ilvl = para.numbering
        level_def = self.numbering.level(num_id, ilvl)
        if level_def is None:
            return None
        abstract, restarts = self.numbering.nums[num_id]
        counts = self.counts.setdefault(abstract, {})
        if ilvl in restarts and (num_id, ilvl) not in self.restarted:
            self.restarted.add((num_id, ilvl))
            counts.pop(ilvl, None)
        counts[ilvl] = counts.get(ilvl, level_def[1] - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        return Counted(
            label=self.numbering.label(num_id, ilvl, counts),
            count=counts[ilvl],
            level=ilvl,
            bullet=level_def[0] in BULLET_FORMATS,
        )
