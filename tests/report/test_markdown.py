"""report/markdown.py: unit text escaped for Markdown (and read back through pandoc), figures as
sentences print them."""

from __future__ import annotations

import pytest

from baocao.report.compose.markdown import format_figure, md_escape


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
        ("Mô hình “Dân vận khéo”", "Mô hình “Dân vận khéo”"),
        ("a | b", "a \\| b"),
        ("*đậm* _nghiêng_", "\\*đậm\\* \\_nghiêng\\_"),
        ("[liên kết](http://x)", "\\[liên kết\\](http://x)"),
        ("# tiêu đề", "\\# tiêu đề"),
        ("`mã`", "\\`mã\\`"),
        ("Tom & Jerry", "Tom \\& Jerry"),
        ("1. mục", "1\\. mục"),
        ("- gạch", "\\- gạch"),
        ("dòng một\ndòng  hai\r\n", "dòng một dòng hai"),
        ("a\u200bb\x07c", "abc"),  # invisible and control characters dropped
        ("Thu\u0309y", "Thủy"),  # NFD in, NFC out
        (None, ""),
        (float("nan"), ""),
        (1234, "1234"),
    ],
)
def test_md_escape(raw, expected):
    assert md_escape(raw) == expected


def test_md_escape_survives_pandoc_as_text():
    import pypandoc

    nasty = "<script>alert('x')</script> | **đậm** [a](b) `c` # d & e_f ~g~ ^h^ $i$ @j"
    html = pypandoc.convert_text(md_escape(nasty), "html", format="markdown")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<strong>" not in html and "<a " not in html and "<code>" not in html
    from bs4 import BeautifulSoup

    shown = " ".join(BeautifulSoup(html, "html.parser").get_text().split())
    assert shown == nasty


@pytest.mark.parametrize(
    ("value", "kind", "unit", "expected"),
    [
        (1357, "count", "căn", "1.357 căn"),
        (12_500_000_000, "money", "đồng", "12,5 tỷ đồng"),
        (350_000_000, "money", "đồng", "350 triệu đồng"),
        (85.25, "percent", "%", "85,3%"),
        (float("nan"), "count", "căn", "–"),
    ],
)
def test_format_figure(value, kind, unit, expected):
    assert format_figure(value, kind, unit) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1_500_000_000, "1.500,0"),  # never "1.500", which reads as 1,5 beside "1.058,4"
        (1_058_400_000, "1.058,4"),
        (2_000_000, "2,0"),
        (0, "0,0"),
        (49_999, "0,0"),
        (15_000_000, "15,0"),
    ],
)
def test_money_in_tables_is_in_trieu_dong_with_exactly_one_decimal(value, expected):
    from baocao.report.compose.markdown import format_cell

    assert format_cell(value, "money") == expected
