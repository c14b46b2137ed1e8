"""TCVN3 and VNI text: detected, converted, and never confused with Unicode Vietnamese."""

import pytest

from baocao.intake.legacy_text import detect_legacy, looks_garbled, to_unicode

KNOWN = [
    ("hép møt tÕt", "tcvn3", "hộp mứt tết"),  # domain.md
    ("Sè cuéc tuyªn truyÒn", "tcvn3", "Số cuộc tuyên truyền"),
    ("Thµnh phè L¹ng S¬n", "tcvn3", "Thành phố Lạng Sơn"),
    ("ch\xada cã", "tcvn3", "chưa có"),
    ("Xin chaøo", "vni", "Xin chào"),  # domain.md
    ("Coâng taùc Maët traän", "vni", "Công tác Mặt trận"),
    ("Toå hoøa giaûi ñieåm", "vni", "Tổ hòa giải điểm"),
    ("Höôùng daãn", "vni", "Hướng dẫn"),
]


@pytest.mark.parametrize(("legacy", "encoding", "unicode"), KNOWN)
def test_known_strings(legacy, encoding, unicode):
    assert detect_legacy(legacy) == encoding
    assert to_unicode(legacy, encoding) == unicode
    assert looks_garbled(legacy)


@pytest.mark.parametrize(
    "text", ["Công tác", "Bà Nà", "Cô Tô", "Tổ hòa giải", "Café Sài Gòn", "tt_so_cuoc", "12", ""]
)
def test_unicode_and_ascii_are_left_alone(text):
    assert detect_legacy(text) is None
    assert not looks_garbled(text)


def test_unknown_encoding_is_a_programming_error():
    with pytest.raises(ValueError):
        to_unicode("x", "viscii")
