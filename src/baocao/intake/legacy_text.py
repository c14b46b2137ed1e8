"""Vietnamese text typed in the legacy 8-bit encodings TCVN3 (ABC) and VNI-Windows.

Such text was typed with a ".VnTime" (TCVN3) or "VNI-Times" (VNI) font; the workbook stores
the font's bytes as if they were Western (cp1252) letters, so a reader sees "Sè cuéc tuyªn
truyÒn" (TCVN3) or "Xin chaøo" (VNI). Python has no codec for either, hence the tables here.

`detect_legacy` tells which encoding a text is in, by converting it both ways and keeping the
reading whose words are Vietnamese syllables; `to_unicode` converts. `looks_garbled` flags text
holding letters no Vietnamese word has, that neither table could mend: it must not reach the
report.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ENCODING_NAMES", "detect_legacy", "looks_garbled", "to_unicode"]

ENCODING_NAMES = {"tcvn3": "TCVN3 (phông .VnTime)", "vni": "VNI (phông VNI-Times)"}

# TCVN3 (TCVN 5712:1993, the ABC fonts): one byte per letter. Keys are the bytes as cp1252 /
# latin-1 characters; checked against glibc's `iconv -f TCVN5712-1`. Capitals with a tone mark
# live in separate ".VnTimeH" fonts that reuse the lower-case codes, so they read as lower case.
_TCVN3_PAIRS = (
    "¡Ă ¢Â £Ê ¤Ô ¥Ơ ¦Ư §Đ ¨ă ©â ªê «ô ¬ơ \xadư ®đ "
    "µà ¶ả ·ã ¸á ¹ạ »ằ ¼ẳ ½ẵ ¾ắ Æặ Çầ Èẩ Éẫ Êấ Ëậ Ìè Îẻ Ïẽ Ðé Ñẹ Òề Óể Ôễ Õế Öệ "
    "×ì Øỉ Üĩ Ýí Þị ßò áỏ âõ ãó äọ åồ æổ çỗ èố éộ êờ ëở ìỡ íớ îợ ïù ñủ òũ óú ôụ "
    "õừ öử ÷ữ øứ ùự úỳ ûỷ üỹ ýý þỵ"
)
_TCVN3 = {pair[0]: pair[1] for pair in _TCVN3_PAIRS.split(" ")}

# VNI-Windows: a base letter followed by a mark byte; a few letters are single bytes.
_VNI_MARKS_LOWER = {
    "ù": "\u0301",  # sắc
    "ø": "\u0300",  # huyền
    "û": "\u0309",  # hỏi
    "õ": "\u0303",  # ngã
    "ï": "\u0323",  # nặng
}
_VNI_HAT_LOWER = {
    "â": "",
    "á": "\u0301",
    "à": "\u0300",
    "å": "\u0309",
    "ã": "\u0303",
    "ä": "\u0323",
}
_VNI_BREVE_LOWER = {
    "ê": "",
    "é": "\u0301",
    "è": "\u0300",
    "ú": "\u0309",
    "ü": "\u0303",
    "ë": "\u0323",
}
_VNI_SINGLE = {
    "ô": "ơ",
    "ö": "ư",
    "ñ": "đ",
    "í": "í",
    "ì": "ì",
    "æ": "ỉ",
    "ó": "ĩ",
    "ò": "ị",
    "î": "ỵ",
    "Ô": "Ơ",
    "Ö": "Ư",
    "Ñ": "Đ",
    "Í": "Í",
    "Ì": "Ì",
    "Æ": "Ỉ",
    "Ó": "Ĩ",
    "Ò": "Ị",
    "Î": "Ỵ",
}


def _vni_table() -> dict[str, str]:
    """Two-character VNI sequences (and single ones) to their Unicode letter, NFC."""
    table: dict[str, str] = {}
    for lower in (True, False):
        case = (lambda s: s) if lower else str.upper
        marks = {case(k): v for k, v in _VNI_MARKS_LOWER.items()}
        hats = {case(k): v for k, v in _VNI_HAT_LOWER.items()}
        breves = {case(k): v for k, v in _VNI_BREVE_LOWER.items()}
        for base in "aeiouy":
            for key, mark in marks.items():
                table[case(base) + key] = case(base) + mark
        for base in "aeo":  # â ê ô
            for key, mark in hats.items():
                table[case(base) + key] = case(base) + "\u0302" + mark
        for key, mark in breves.items():  # ă
            table[case("a") + key] = case("a") + "\u0306" + mark
        for base, horn in (("ô", "o"), ("ö", "u")):  # ơ ư with a tone
            for key, mark in marks.items():
                table[case(base) + key] = case(horn) + "\u031b" + mark
    table.update(_VNI_SINGLE)
    return {k: unicodedata.normalize("NFC", v) for k, v in table.items()}


_VNI = _vni_table()
_VNI_PATTERN = re.compile("|".join(sorted(map(re.escape, _VNI), key=len, reverse=True)))
_TCVN3_PATTERN = re.compile("[" + re.escape("".join(_TCVN3)) + "]")

# Letters of Unicode Vietnamese that no legacy reading produces: their presence proves Unicode.
_UNICODE_ONLY = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9]")
# Latin-1 letters and signs that no Vietnamese word contains.
_FOREIGN = frozenset("äåæçëîïðñöøûüþÿÄÅÆÇËÎÏÐÑÖØÛÜÞßªº¸¨µ¡¢£¤¥¦§©«¬®¯°±²³´¶·¹»¼½¾¿×÷\xad")

# A Vietnamese syllable without its tone: initial consonant, vowel nucleus, final consonant.
_INITIALS = "ngh|ch|gh|gi|kh|ng|nh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_NUCLEI = (
    "uyê|uyu|uya|ươu|ươi|uôi|uây|yêu|iêu|oai|oay|oao|oeo|"
    "ươ|uô|iê|yê|uâ|uê|uơ|uy|ưa|ưi|ưu|ua|ui|oa|oă|oe|oi|oo|ôi|ơi|ai|ao|au|ay|âu|ây|"
    "eo|êu|ia|iu|ya|"
    "a|ă|â|e|ê|i|y|o|ô|ơ|u|ư"
)
_FINALS = "ch|ng|nh|c|m|n|p|t"
_SYLLABLE = re.compile(f"(?:{_INITIALS})?(?:{_NUCLEI})(?:{_FINALS})?")
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_WORD = re.compile(r"[^\W\d_]+")


def _is_syllable(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for c in decomposed if c in _TONES)
    if tones > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return _SYLLABLE.fullmatch(bare) is not None


def _score(text: str) -> int:
    """Vietnamese syllables minus everything else, over the words holding a non-ASCII letter."""
    score = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        score += 1 if _is_syllable(word) else -1
    return score


def to_unicode(text: str, encoding: str) -> str:
    """`text` read as TCVN3 or VNI, converted to Unicode (NFC)."""
    if encoding == "tcvn3":
        out = _TCVN3_PATTERN.sub(lambda m: _TCVN3[m.group()], text)
    elif encoding == "vni":
        out = _VNI_PATTERN.sub(lambda m: _VNI[m.group()], text)
    else:
        raise ValueError(f"unknown legacy encoding {encoding!r}; expected 'tcvn3' or 'vni'")
    return unicodedata.normalize("NFC", out)


def _has_foreign(text: str) -> bool:
    return any(c in _FOREIGN for c in text)


def detect_legacy(text: str) -> str | None:
    """ "tcvn3" or "vni" when `text` reads as Vietnamese only after conversion, else None."""
    if not isinstance(text, str) or text.isascii():
        return None
    text = unicodedata.normalize("NFC", text)
    if _UNICODE_ONLY.search(text):
        return None
    current = _score(text)
    best, best_score = None, current
    for encoding in ("vni", "tcvn3"):
        converted = to_unicode(text, encoding)
        if converted == text or _has_foreign(converted):
            continue
        score = _score(converted)
        if score > best_score:
            best, best_score = encoding, score
    return best


def looks_garbled(text: str) -> bool:
    """Text with letters foreign to Vietnamese and no Unicode Vietnamese letter: mojibake."""
    if not isinstance(text, str) or text.isascii():
        return False
    text = unicodedata.normalize("NFC", text)
    return not _UNICODE_ONLY.search(text) and _has_foreign(text)
