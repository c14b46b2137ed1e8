"""Where an imported outline goes: `config/outline-<kỳ>.yml`, in force from that period.

In: `config/` and the first period. Out: a `VersionPlan`: the new file, the range it is in
force for (from the period until the next version starts), and the one edit the version in
force before it needs (its `in_force.to` set to the period just before), as the edited text
with every comment kept. `outline_yaml` writes the new version's YAML text. A range that
cannot be made (the base file starts that very period, an `in_force` without a `to` key to
edit) is a Vietnamese `ConfigError` saying what to do by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from baocao.config.periods import Period
from baocao.config.versions import (
    IN_FORCE,
    ConfigVersion,
    config_versions,
    read_config_text,
    yaml_node,
)
from baocao.errors import ConfigError

NAME = "outline"


def period_before(period: Period) -> Period:
    """The period just before in the order versions use (2021-H1 → 2020, the year report of
    2020, which comes after 2020-H2; 2021-H2 → 2021-H1; 2021 → 2021-H2)."""
    if period.half == "H1":
        return Period(period.year - 1, None)
    if period.half == "H2":
        return Period(period.year, "H1")
    return Period(period.year, "H2")


@dataclass(frozen=True)
class VersionPlan:
    target: Path  # config/outline-<first>.yml
    first: str
    last: str | None  # None: open-ended
    replaces: bool  # the target exists (a version starting that same period)
    previous: ConfigVersion | None = None  # the version whose `to` is cut
    previous_text: str = ""  # its text with the new `to`

    def said(self) -> str:
        until = f" đến hết kỳ {self.last}" if self.last else ""
        return f"có hiệu lực từ kỳ {self.first}{until}"


def _sort(period: str | None):
    return Period.parse(period).sort_key if period else (10**6, 0)


def plan_version(config_dir: Path, first: str) -> VersionPlan:
    """Where the version starting at `first` goes and what the one before must change."""
    start = Period.parse(first)
    first = str(start)
    target = Path(config_dir) / f"{NAME}-{first}.yml"
    versions = [v for v in config_versions(config_dir, NAME) if v.path != target]
    dated = [v for v in versions if v.first is not None]
    covering = next((v for v in dated if v.covers(first)), None)
    later = sorted(
        (v for v in dated if _sort(v.first) > start.sort_key), key=lambda v: _sort(v.first)
    )
    last = str(period_before(Period.parse(later[0].first))) if later else None
    if covering is None:
        return VersionPlan(target, first, last, target.exists())
    if covering.first == first:
        raise ConfigError(
            f"{covering.path} đã có hiệu lực từ kỳ {first}; hãy nhập đề cương với --from là kỳ "
            f"sau đó, hoặc sửa khóa {IN_FORCE} của tệp đó rồi nhập lại."
        )
    last = covering.last
    cut = str(period_before(start))
    text = read_config_text(covering.path)
    return VersionPlan(
        target, first, last, target.exists(), covering, set_in_force_to(text, cut, covering.path)
    )


def set_in_force_to(text: str, period: str, path: Path) -> str:
    """`text` with its `in_force.to` value replaced by `"period"`, nothing else touched."""
    node = yaml_node(text, (IN_FORCE, "to"))
    if node is None or node.start_mark is None:
        raise ConfigError(
            f"{path}: không tìm thấy khóa {IN_FORCE}.to để ghi kỳ kết thúc; hãy ghi "
            f'{IN_FORCE}: {{from: "…", to: "{period}"}} rồi nhập lại.'
        )
    start, end = node.start_mark.index, node.end_mark.index
    return text[:start] + f'"{period}"' + text[end:]


HEADER = """\
# The report's outline from {first}, imported from the Word document {source}
# (`baocao outline import`). Same keys as config/outline.yml (see there). Sections whose
# heading matched the outline in force before keep its ids, figures, charts and internal parts;
# the others are new and carry no figures until a `figures:` key names a catalogue section.

"""


def outline_yaml(data: dict, plan: VersionPlan, source: str) -> str:
    """The new version's file: a header, `in_force`, then `data` (block style, UTF-8)."""
    in_force = {"from": plan.first, "to": plan.last}
    body = yaml.safe_dump(
        {IN_FORCE: in_force, **data}, allow_unicode=True, sort_keys=False, width=100
    )
    return HEADER.format(first=plan.first, source=source) + body
