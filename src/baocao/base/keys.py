"""Text keys for matching what people write: NFC, lower case, punctuation as single spaces.

In: any text (NFC or NFD, with zero-width characters, any case). Out: a key two spellings of the
same words share: `marked_key` keeps the diacritics (“Lăng” ≠ “Lãng”), `match_key` drops them
(old and new tone placement, “Thụy”/“Thuỵ”, and “đ”/“d” agree).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "clean_text",
    "collapse_separators",
    "heading_key",
    "marked_key",
    "match_key",
    "strip_numbering",
]

_SEPARATORS = re.compile(r"[\W_]+")
# A heading's leading number as offices type it: "Phần thứ nhất", "2.2.", "1)", "I.", "a)".
_NUMBERING = re.compile(
    r"^\s*(?:(?:phần\s+thứ\s+\S+|\d+(?:\.\d+)+[.):]?|\(?(?:\d+|[ivxlcdm]+|[a-zđ])[.):])\s*)+",
    re.IGNORECASE,
)


def clean_text(text: str) -> str:
    """NFC, lower case (casefold), invisible format characters (zero-width space, BOM) removed."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return text.casefold()


def collapse_separators(text: str) -> str:
    """Every run of punctuation, underscores and spaces as one space, none at either end."""
    return _SEPARATORS.sub(" ", text).strip()


def marked_key(text: str) -> str:
    """Like `match_key` but keeping diacritics: tells “Lăng” from “Lãng” when both exist.

    >>> marked_key("TP. Lạng  Sơn")
    'tp lạng sơn'
    """
    return collapse_separators(clean_text(text))


def match_key(text: str) -> str:
    """Fold a name for matching: lower case, no diacritics, đ→d, punctuation as single spaces.

    >>> match_key("TP. Lạng Sơn")
    'tp lang son'
    """
    text = clean_text(text).replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return collapse_separators(unicodedata.normalize("NFC", bare))


def strip_numbering(text: str) -> str:
    """A heading without its leading number ("2.2. ", "I. ", "a) ", "Phần thứ nhất "), NFC."""
    return _NUMBERING.sub("", unicodedata.normalize("NFC", text))


def heading_key(text: str, *, numbered: bool = True) -> str:
    """A heading folded for matching (`match_key`): case, tone placement, NFD/NFC,
    punctuation and spacing do not matter; without `numbered`, a leading "1.", "2.2.", "I.",
    "a)" does not either.

    >>> heading_key("2.2. Nâng cao  chất lượng", numbered=False)
    'nang cao chat luong'
    """
    text = unicodedata.normalize("NFC", text)
    return match_key(strip_numbering(text) if not numbered else text)


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by hyphens, for file names: "TP Lạng Sơn" -> "tp-lang-son"."""
    text = unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode("ascii")
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text.lower()).split())
