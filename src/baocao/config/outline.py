"""The report's outline, read from `config/outline.yml`: headings, guidance, figures, charts.

`report.qmd` prints every heading from here, so the client's outline is written once. Each part
is a level-1 heading with a level-2 title; its sections carry the outline's guidance notes (the
placeholder of the internal draft), the catalogue section whose figures they state and the
charts they show. Derived figures add catalogue indicators up (cash + in kind, new + repaired).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from baocao.config.catalog import Catalogue, load_catalogue
from baocao.config.periods import Period
from baocao.config.versions import load_versioned_yaml
from baocao.errors import ConfigError

CHART_TYPES = ("stacked", "compare", "share")
BLOCKS = ("appendix_figures", "appendix_models")


@dataclass(frozen=True)
class InternalPart:
    """A restricted sub-part (e.g. the cases behind 3.4): printed in the document to sign and
    the internal draft, never on the public page. `note` is for the analyst ("bản nội bộ, không
    công bố"): the internal draft and the Word narrative show it after the title, never the
    document to sign."""

    id: str
    title: str
    guidance: tuple[str, ...]
    note: str = ""

    @property
    def heading(self) -> str:
        """The title as the analyst reads it: with its note, in brackets."""
        return f"{self.title} ({self.note})" if self.note else self.title


@dataclass(frozen=True)
class Section:
    id: str
    level: int
    heading: str
    guidance: tuple[str, ...] = ()
    figures: str | None = None  # catalogue section whose totals the section states
    charts: tuple[str, ...] = ()
    internal: tuple[InternalPart, ...] = ()
    programme: int | None = None  # Phụ lục II programme the section points to
    formerly: tuple[str, ...] = ()  # earlier headings a Word document may still carry

    @property
    def takes_text(self) -> bool:
        """A section with guidance takes the analysts' text; the others are headings only."""
        return bool(self.guidance)


@dataclass(frozen=True)
class Part:
    id: str
    heading: str
    title: str
    sections: tuple[Section, ...] = ()
    attachment: bool = False
    block: str | None = None


@dataclass(frozen=True)
class Derived:
    """A figure adding catalogue indicators up; its unit and kind are theirs."""

    code: str
    label: str
    of: tuple[str, ...]


@dataclass(frozen=True)
class ChartSpec:
    id: str
    type: str  # one of CHART_TYPES
    indicators: tuple[str, ...]
    title: str


DEFAULT_WORK = "công tác Mặt trận"

# What an outline calls the numbered groups a unit files its models under, in every place a
# unit or a reader meets them (the intake template's column and its lists, the models'
# warnings, the review workbook, Phụ lục II): "chương trình" where its numbered headings are
# programmes ("1. Chương trình 1: …", the 2021 outline), else "mục" (a section of the
# outline, as from 2025-H2). `group_word_of` decides from the headings; the first is the
# default where no outline is at hand, as the base outline has programmes.
GROUP_WORDS = ("chương trình", "mục")
DEFAULT_GROUP = GROUP_WORDS[0]
_PROGRAMME_HEADING = re.compile(r"chương trình\s+\d", re.IGNORECASE)


def group_word_of(titles: Mapping[str, str]) -> str:
    """The outline's word for a group of models (`GROUP_WORDS`), from its groups' titles
    (`Outline.group_titles`): "chương trình" when a title names a programme by number."""
    if any(_PROGRAMME_HEADING.match(title) for title in titles.values()):
        return GROUP_WORDS[0]
    return GROUP_WORDS[1]


def group_header(word: str) -> str:
    """A group word as a column header or a title begins: "Chương trình", "Mục"."""
    return word[:1].upper() + word[1:]


@dataclass(frozen=True)
class Outline:
    parts: tuple[Part, ...]
    derived: tuple[Derived, ...]
    charts: dict[str, ChartSpec]
    # Set when the outline is a stand-in until the province supplies its own (printed as a
    # notice at the top of the report).
    illustrative: str = ""
    # Whose work the period's documents report on, as their titles name it ("công tác Mặt
    # trận"; from 2025-H2 "… và các tổ chức chính trị - xã hội"): the intake template's and
    # the narrative document's titles take it from here.
    work: str = DEFAULT_WORK

    def part(self, part_id: str) -> Part:
        for part in self.parts:
            if part.id == part_id:
                return part
        raise KeyError(part_id)

    @property
    def sections(self) -> tuple[Section, ...]:
        return tuple(s for p in self.parts for s in p.sections)

    def text_ids(self) -> tuple[str, ...]:
        """Every name a narrative file may have: sections with guidance and internal parts."""
        ids = []
        for section in self.sections:
            if section.takes_text:
                ids.append(section.id)
            ids.extend(i.id for i in section.internal)
        return tuple(ids)

    def derived_by_code(self) -> dict[str, Derived]:
        return {d.code: d for d in self.derived}

    @property
    def group_titles(self) -> dict[str, str]:
        """The groups a unit may file its models under: number ("1") -> title, the outline's
        numbered level-3 headings without their number ("Chương trình 1: …" in 2021)."""
        return {
            section.id: section.heading.split(". ", 1)[-1]
            for section in self.sections
            if section.level == 3 and section.id.isdigit()
        }

    @property
    def group_word(self) -> str:
        """What the outline calls those groups: "chương trình" or "mục" (`group_word_of`)."""
        return group_word_of(self.group_titles)


def period_words(period: Period) -> dict[str, str]:
    """The names a heading or a guidance note may use for the period and the next one."""
    return {
        "ky_bao_cao": period.label(),
        "ky_toi": period.next_label(),
        "KY_BAO_CAO": period.label().upper(),
        "KY_TOI": period.next_label().upper(),
    }


def fill_period(text: str, period: Period) -> str:
    words = period_words(period)
    for name, value in words.items():
        text = text.replace("{" + name + "}", value)
    return text


def _tuple(raw: object) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        return (raw,)
    return tuple(str(x) for x in raw)


def parse_outline(data: dict, catalogue: Catalogue, source: str = "config/outline.yml") -> Outline:
    """Check the outline against the catalogue and build it; every mistake names its place."""
    codes = set(catalogue.codes)
    derived = []
    for raw in data.get("derived") or []:
        where = f"{source}, derived {raw.get('code', '?')}"
        parts = _tuple(raw.get("of"))
        unknown = [c for c in parts if c not in codes]
        if unknown or not parts:
            raise ConfigError(f"{where}: chỉ tiêu “{', '.join(unknown)}” không có trong danh mục.")
        units = {catalogue.indicator(c).unit for c in parts}
        kinds = {catalogue.indicator(c).kind for c in parts}
        if len(units) > 1 or kinds - {"count", "money"}:
            raise ConfigError(f"{where}: chỉ cộng được các chỉ tiêu cùng đơn vị tính và loại.")
        if raw["code"] in codes:
            raise ConfigError(f"{where}: mã trùng với một chỉ tiêu của danh mục.")
        derived.append(Derived(code=raw["code"], label=raw["label"], of=parts))
    known = codes | {d.code for d in derived}

    charts = {}
    for chart_id, raw in (data.get("charts") or {}).items():
        where = f"{source}, biểu đồ {chart_id}"
        kind = raw.get("type")
        if kind not in CHART_TYPES:
            raise ConfigError(f"{where}: loại “{kind}” phải là một trong {', '.join(CHART_TYPES)}.")
        indicators = _tuple(raw.get("indicators") or raw.get("indicator"))
        if not indicators or any(c not in known for c in indicators):
            raise ConfigError(f"{where}: chỉ tiêu “{', '.join(indicators)}” không có.")
        if kind == "share" and not share_base(catalogue, indicators[0]):
            raise ConfigError(
                f"{where}: chỉ tiêu {indicators[0]} không có quy tắc not_above để tính tỷ lệ."
            )
        charts[str(chart_id)] = ChartSpec(
            id=str(chart_id), type=kind, indicators=indicators, title=raw["title"]
        )

    parts = []
    seen: set[str] = set()
    for raw_part in data.get("parts") or []:
        sections = []
        for raw in raw_part.get("sections") or []:
            sid = str(raw["id"])
            where = f"{source}, mục {sid}"
            if sid in seen:
                raise ConfigError(f"{where}: mã mục bị trùng.")
            seen.add(sid)
            figures = raw.get("figures")
            if figures is not None and str(figures) not in catalogue.sections:
                raise ConfigError(f"{where}: mục số liệu “{figures}” không có trong danh mục.")
            chart_ids = _tuple(raw.get("charts"))
            for chart_id in chart_ids:
                if chart_id not in charts:
                    raise ConfigError(f"{where}: biểu đồ “{chart_id}” không có trong charts.")
            internal = tuple(
                InternalPart(
                    id=str(i["id"]),
                    title=i["title"],
                    guidance=_tuple(i.get("guidance")),
                    note=str(i.get("note") or ""),
                )
                for i in raw.get("internal") or []
            )
            seen.update(i.id for i in internal)
            sections.append(
                Section(
                    id=sid,
                    level=int(raw["level"]),
                    heading=raw["heading"],
                    guidance=_tuple(raw.get("guidance")),
                    figures=str(figures) if figures is not None else None,
                    charts=chart_ids,
                    internal=internal,
                    programme=raw.get("programme"),
                    formerly=_tuple(raw.get("formerly")),
                )
            )
        block = raw_part.get("block")
        if block is not None and block not in BLOCKS:
            raise ConfigError(f"{source}, phần {raw_part.get('id')}: khối “{block}” không có.")
        parts.append(
            Part(
                id=str(raw_part["id"]),
                heading=raw_part["heading"],
                title=raw_part["title"],
                sections=tuple(sections),
                attachment=bool(raw_part.get("attachment", False)),
                block=block,
            )
        )
    illustrative = data.get("illustrative") or ""
    if not isinstance(illustrative, str):
        raise ConfigError(f"{source}, khóa illustrative: phải là một câu ghi chú (chữ).")
    work = data.get("work") or DEFAULT_WORK
    if not isinstance(work, str):
        raise ConfigError(
            f"{source}, khóa work: phải là tên công tác (chữ), ví dụ “{DEFAULT_WORK}”."
        )
    return Outline(
        parts=tuple(parts),
        derived=tuple(derived),
        charts=charts,
        illustrative=illustrative,
        work=unicodedata.normalize("NFC", work.strip()),
    )


def share_base(catalogue: Catalogue, code: str) -> str | None:
    """The indicator `code` may not exceed (its `not_above` rule): the base of its share."""
    try:
        indicator = catalogue.indicator(code)
    except KeyError:
        return None
    for rule in indicator.rules:
        if rule.rule == "not_above" and rule.other:
            return rule.other
    return None


def model_group(config_dir: Path, period: str | None) -> str:
    """The word the outline in force for `period` uses for the groups of models (its
    `group_word`): what the period's template, warnings and review workbook say."""
    return load_outline(config_dir, load_catalogue(config_dir, period), period).group_word


def load_outline(config_dir: Path, catalogue: Catalogue, period: str | None = None) -> Outline:
    """The outline in force for `period` (`config/outline*.yml`, see `versions.config_versions`),
    checked against `catalogue`; without a period, the base file. Raises `ConfigError`."""
    data, source = load_versioned_yaml(config_dir, "outline", period)
    try:
        return parse_outline(data, catalogue, source=source)
    except ConfigError:
        raise
    except KeyError as exc:
        raise ConfigError(f"{source}: thiếu khóa {exc.args[0]}.") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"{source}: cấu trúc không đúng ({exc}).") from None
