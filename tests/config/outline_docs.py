"""Word documents of a đề cương made as offices make them, for the outline import's tests.

`seed_docx` writes the client's outline (tests/data/de-cuong-2021.txt, seed 000 verbatim) as a
Word document: "1." and "1.1." headings numbered by Word's automatic numbering (a multilevel
list in numbering.xml, the number not in the text; Part 2's tasks a list restarted at 1),
bullet points made by Word's bullet list, every paragraph in the Normal style (no Heading
style), headings in bold. `typed_docx` writes lines as typed, nothing automatic.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
from test_narrative_headings import numbered, word_list

SEED = Path(__file__).resolve().parents[1] / "data" / "de-cuong-2021.txt"
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.\s+(.*)$")


def seed_lines(text: str | None = None) -> list[str]:
    """The outline's non-empty lines, as typed."""
    text = SEED.read_text(encoding="utf-8") if text is None else text
    return [line.strip() for line in text.splitlines() if line.strip()]


def seed_docx(path: Path, lines: list[str] | None = None) -> tuple[Path, list[tuple[int, str]]]:
    """The outline as a Word document with automatic numbering and no Heading styles; returns
    it and (depth, heading as Word shows it) of every numbered heading, in order."""
    document = docx.Document()
    decimal = [("decimal", "%1."), ("decimal", "%1.%2."), ("decimal", "%1.%2.%3.")]
    list_id = word_list(document, decimal)
    bullets = word_list(document, [("bullet", "-")])
    headings: list[tuple[int, str]] = []
    counts: list[int] = []
    in_part_two = False
    for line in seed_lines() if lines is None else lines:
        found = _NUMBERED.match(line)
        if line.startswith("Phần thứ hai") and not in_part_two:
            in_part_two = True
            list_id = word_list(document, decimal, start_at=1)  # Part 2's tasks: 1. again
            counts = []
        if found:
            depth = found.group(1).count(".")
            counts = counts[: depth + 1]
            counts += [0] * (depth + 1 - len(counts))
            counts[depth] += 1
            paragraph = document.add_paragraph()
            paragraph.add_run(found.group(2)).bold = True
            numbered(paragraph, list_id, depth)
            shown = ".".join(str(c) for c in counts) + "."
            headings.append((depth + 1, f"{shown} {found.group(2)}"))
        elif line.startswith("- "):
            paragraph = document.add_paragraph(line[2:])
            numbered(paragraph, bullets, 0)
        else:
            paragraph = document.add_paragraph()
            paragraph.add_run(line).bold = line.startswith("Phần") or line.isupper() or None
    document.save(path)
    return path, headings


def typed_docx(path: Path, lines: list[tuple[str, bool]]) -> Path:
    """(text, bold) paragraphs typed as they are, in the Normal style."""
    document = docx.Document()
    for text, bold in lines:
        document.add_paragraph().add_run(text).bold = bold or None
    document.save(path)
    return path
