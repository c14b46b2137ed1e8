"""Matching the names units write (“TP Lạng Sơn”, “huyen trang dinh”, “178”) to the unit list.

Everything is compared through keys: NFC, lower case, no punctuation and, for the folded key,
no diacritics at all (so old and new tone placement, “Thụy”/“Thuỵ”, and NFD input agree).
A name resolves only when exactly one unit matches; anything else is left to the caller to
report, with `closest_units` for a “did you mean” hint.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from functools import lru_cache

from baocao.base.keys import marked_key, match_key
from baocao.config.units import Unit

__all__ = [
    "ADMIN_PREFIXES",
    "closest_units",
    "foreign_level",
    "resolve_unit",
    "split_level",
    "strip_admin_prefix",
    "unit_levels",
    "written_level",
]

# Folded administrative prefixes, longest first so "thi xa" wins over any shorter overlap.
ADMIN_PREFIXES: tuple[str, ...] = (
    "thanh pho",
    "thi tran",
    "thi xa",
    "phuong",
    "huyen",
    "quan",
    "xa",
    "tp",
    "tx",
    "tt",
    # one-letter abbreviations of commune-level units ("P. Kỳ Lừa", "X. Na Sầm")
    "p",
    "x",
)

# The administrative level each folded prefix writes. "h" ("H. Bắc Sơn", as the lineage in
# units.yml writes old districts) names a level but is not stripped: no bare name follows it.
LEVEL_OF_PREFIX: dict[str, str] = {
    "thanh pho": "thành phố",
    "tp": "thành phố",
    "thi tran": "thị trấn",
    "tt": "thị trấn",
    "thi xa": "thị xã",
    "tx": "thị xã",
    "phuong": "phường",
    "p": "phường",
    "huyen": "huyện",
    "h": "huyện",
    "quan": "quận",
    "xa": "xã",
    "x": "xã",
}


def strip_admin_prefix(key: str, levels: Sequence[str] = ()) -> str:
    """Remove one leading administrative prefix (“huyen”, “tp”, …) from a folded key; with
    `levels`, only a prefix of one of those levels (“quan son”, the commune Quan Sơn, keeps its
    first word in a list of communes, where “quan” cannot mean a district).

    A key that is nothing but a prefix is returned unchanged.
    """
    for prefix in ADMIN_PREFIXES:
        if key.startswith(prefix + " "):
            if levels and LEVEL_OF_PREFIX[prefix] not in levels:
                return key
            return key[len(prefix) + 1 :]
    return key


def split_level(text: str) -> tuple[str | None, str]:
    """(the administrative level `text` is written with, the rest of its folded key):
    ("huyện", "bac son") for “Huyện Bắc Sơn” and “H. Bắc Sơn”, ("thành phố", "lang son") for
    “TP Lạng Sơn”, (None, "bac son") for “Bắc Sơn”."""
    key = match_key(text)
    for prefix in sorted(LEVEL_OF_PREFIX, key=len, reverse=True):
        if key.startswith(prefix + " "):
            return LEVEL_OF_PREFIX[prefix], key[len(prefix) + 1 :]
    return None, key


def written_level(text: str) -> str | None:
    """The administrative level a name is written with (“huyện” for “Huyện Bắc Sơn”, “thành
    phố” for “TP Lạng Sơn”, “xã” for “X. Na Sầm”), or None when it starts with no level word.

    >>> written_level("Thị trấn Bắc Sơn")
    'thị trấn'
    """
    return split_level(text)[0]


@lru_cache(maxsize=64)
def _levels(units: tuple[Unit, ...]) -> tuple[str, ...]:
    counts: dict[str, int] = {}
    for unit in units:
        level = written_level(unit.name)
        if level is not None:
            counts[level] = counts.get(level, 0) + 1
    return tuple(sorted(counts, key=lambda level: -counts[level]))


def unit_levels(units: Sequence[Unit]) -> tuple[str, ...]:
    """The levels a unit list's official names are written with, most frequent first:
    ("huyện", "thành phố") for Lạng Sơn's 11 districts, ("xã", "phường") for its 65 communes;
    empty when no name starts with a level word."""
    return _levels(tuple(units))


def foreign_level(text: str, units: Sequence[Unit]) -> str | None:
    """The level `text` is written with when the unit list has no unit of that level
    (“huyện” for “Huyện Bắc Sơn” among 2026's communes, “xã” for “Xã Bắc Sơn” among 2021's
    districts); None otherwise, and None for a list whose names carry no level word."""
    level = written_level(text)
    levels = unit_levels(units)
    return level if level is not None and levels and level not in levels else None


def _unit_texts(unit: Unit) -> tuple[str, ...]:
    return (unit.code, unit.name, unit.short, *unit.aliases)


@lru_cache(maxsize=65536)
def _keys(
    unit: Unit, key: Callable[[str], str], strip: bool, levels: tuple[str, ...] = ()
) -> frozenset[str]:
    """A unit's keys under one folding, with prefixes of `levels` stripped when `strip`;
    cached, as every file of a period asks for all units."""
    keys = {key(text) for text in _unit_texts(unit)}
    if strip:
        keys = {strip_admin_prefix(k, levels) for k in keys}
    return frozenset(keys - {""})


@lru_cache(maxsize=64)
def _index(
    units: tuple[Unit, ...], key: Callable[[str], str], strip: bool
) -> dict[str, tuple[Unit, ...]]:
    """Key -> the units having it, for one unit list and one folding."""
    index: dict[str, list[Unit]] = {}
    levels = unit_levels(units)
    for unit in units:
        for k in _keys(unit, key, strip, levels):
            index.setdefault(k, []).append(unit)
    return {k: tuple(v) for k, v in index.items()}


def resolve_unit(text: str, units: Sequence[Unit]) -> Unit | None:
    """The one unit `text` names, or None when no unit or more than one unit matches.

    Tried in order, the first step with any match deciding: the key with diacritics, then the
    folded key, then both again with an administrative prefix removed on both sides. Each step
    compares with every unit's code, name, short name and aliases. A prefix is removed only when
    the list has units of the level it writes: “Huyện Bắc Sơn” does not become the commune
    “Xã Bắc Sơn” of a list of communes (see `foreign_level`), nor “Xã Bắc Sơn” a district.
    """
    for key, strip in (
        (marked_key, False),
        (match_key, False),
        (marked_key, True),
        (match_key, True),
    ):
        wanted = key(text)
        if strip:
            if foreign_level(text, units) is not None:
                return None
            wanted = strip_admin_prefix(wanted, unit_levels(units))
        if not wanted:
            return None
        found = _index(tuple(units), key, strip).get(wanted, ())
        if len(found) == 1:
            return found[0]
        if found:
            return None
    return None


def closest_units(text: str, units: Sequence[Unit], n: int = 3, cutoff: float = 0.6) -> list[Unit]:
    """Up to `n` units whose names look most like `text`, best first, for “did you mean”."""
    wanted = match_key(text)
    levels = unit_levels(units)
    probes = {wanted, strip_admin_prefix(wanted, levels)} - {""}
    scored: list[tuple[float, int, Unit]] = []
    for index, unit in enumerate(units):
        candidates = _keys(unit, match_key, False) | _keys(unit, match_key, True, levels)
        score = max(
            (difflib.SequenceMatcher(None, p, c).ratio() for p in probes for c in candidates),
            default=0.0,
        )
        if score >= cutoff:
            scored.append((-score, index, unit))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [unit for _, _, unit in scored[:n]]
