"""config/outline.py with the shipped outlines: headings that read as the client's titles."""

from __future__ import annotations

import re

import pytest

from baocao.config.catalog import load_catalogue
from baocao.config.outline import load_outline

# The client's 2021 outline (seed 000) numbers Part 1's programmes "1. Nội dung chương trình 1"
# … "5. …" and names each in Part 2's tasks ("1. Tuyên truyền, vận động, tập hợp …").
PROGRAMMES_2021 = {
    "1": "Tuyên truyền, vận động, tập hợp các tầng lớp Nhân dân",
    "2": "Vận động Nhân dân thi đua học tập, lao động sáng tạo",
    "3": "Thực hiện dân chủ, đại diện, bảo vệ quyền và lợi ích hợp pháp",
    "4": "Tăng cường đoàn kết quốc tế, mở rộng hoạt động đối ngoại Nhân dân",
    "5": "Tăng cường củng cố tổ chức, đổi mới nội dung, phương thức",
}
PLACEHOLDER = re.compile(r"chương trình \d+\s*$", re.IGNORECASE)


@pytest.mark.parametrize("period", ["2021-H1", "2025-H2"])
def test_no_heading_reads_as_a_placeholder(project, period):
    outline = load_outline(project.config, load_catalogue(project.config, period), period)
    for section in outline.sections:
        assert not PLACEHOLDER.search(section.heading), section.heading


def test_programme_headings_carry_the_clients_titles(project):
    outline = load_outline(project.config, load_catalogue(project.config, "2021-H1"), "2021-H1")
    headings = {s.id: s.heading for s in outline.sections}
    for number, title in PROGRAMMES_2021.items():
        assert headings[number].startswith(f"{number}. Chương trình {number}: {title}")
        # Part 2's task of the same programme is a different heading (the Word document matches
        # headings by their text, whatever their numbering).
        task = headings[f"nhiem-vu-{number}"].split(". ", 1)[1]
        assert headings[number] != headings[f"nhiem-vu-{number}"]
        assert headings[number].endswith(task)
