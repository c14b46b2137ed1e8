"""Text keys for matching what people write: NFC, lower case, punctuation as single spaces.

In: any text (NFC or NFD, with zero-width characters, any case). Out: a key two spellings of the
same words share: `marked_key` keeps the diacritics (“Lăng” ≠ “Lãng”), `match_key` drops them
(old and new tone placement, “Thụy”/“Thuỵ”, and “đ”/“d” agree).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_text", "collapse_separators", "marked_key", "match_key"]

_SEPARATORS = re.compile(r"[\W_]+")


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
