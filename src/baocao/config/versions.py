"""Which version of a configuration file is in force for a period, and its YAML, read once.

In: `config/` and a file's name (indicators, outline, report) with a period. Out: the version's
files (`version_for`, `version_files`, `config_versions`) and its merged top-level data
(`load_versioned_yaml`); every problem (unreadable file, bad YAML, overlapping versions) as a
Vietnamese `ConfigError`. The catalogue, the report settings and the outline read through here.
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from baocao.config.periods import Period, is_period
from baocao.errors import ConfigError


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def read_yaml(path: Path) -> Any:
    """A configuration file's YAML; its problems as a Vietnamese `ConfigError`."""
    return _parse_yaml(_read_text(path), str(path))


def _parse_yaml(text: str, source: str) -> Any:
    try:
        return yaml.safe_load(nfc(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (dòng {mark.line + 1})" if mark else ""
        raise ConfigError(f"Tệp cấu hình {source}{where} sai cú pháp YAML: {exc}.") from None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Không đọc được tệp cấu hình {path}: {exc.strerror}.") from None


# --- versions by period ---------------------------------------------------------------------
#
# The catalogue (indicators.yml), the outline (outline.yml) and the report settings (report.yml)
# each hold versions by range of periods, as units.yml does for units: the base file
# `<name>.yml` and later versions `<name>-<first period>.yml` (indicators-2025-H2.yml). Each
# file says when it is in force with a top-level `in_force: {from: "2025-H2", to: null}`; a
# base file without `in_force` is in force for every period no other version covers. A later
# version takes every top-level key it does not set from the base file (e.g. the catalogue's
# `kinds`), so what is shared is written once.

VERSIONED = ("indicators", "outline", "report")
IN_FORCE = "in_force"


@dataclass(frozen=True)
class ConfigVersion:
    """One version of a configuration file and the periods it is in force for."""

    path: Path
    first: str | None  # None: the base file without `in_force`
    last: str | None

    def covers(self, period: str) -> bool:
        if self.first is None:
            return False
        p = Period.parse(period).sort_key
        if p < Period.parse(self.first).sort_key:
            return False
        return self.last is None or p <= Period.parse(self.last).sort_key

    @property
    def shown(self) -> str:
        if self.first is None:
            return "mọi kỳ"
        return f"từ {self.first}" + (f" đến {self.last}" if self.last else "")


def _ranges_overlap(a: tuple[str, str | None], b: tuple[str, str | None]) -> bool:
    def bounds(r):
        low = Period.parse(r[0]).sort_key
        high = Period.parse(r[1]).sort_key if r[1] else (10**6, 0)
        return low, high

    (a_low, a_high), (b_low, b_high) = bounds(a), bounds(b)
    return a_low <= b_high and b_low <= a_high


def _in_force(data: Any, path: Path) -> tuple[str | None, str | None]:
    raw = data.get(IN_FORCE) if isinstance(data, dict) else None
    if raw is None:
        return None, None
    where = f"{path}, khóa {IN_FORCE}"
    if not isinstance(raw, dict) or not raw.get("from"):
        raise ConfigError(f'{where}: phải có dạng {{from: "2025-H2", to: null}}.')
    for key in ("from", "to"):
        value = raw.get(key)
        if value is not None and not is_period(str(value)):
            raise ConfigError(f"{where}.{key}: “{value}” không phải là kỳ báo cáo (ví dụ 2025-H2).")
    return str(Period.parse(str(raw["from"]))), (
        str(Period.parse(str(raw["to"]))) if raw.get("to") is not None else None
    )


def config_versions(config_dir: Path, name: str) -> tuple[ConfigVersion, ...]:
    """Every version of `config/<name>.yml` (base first, then `<name>-*.yml` by name).

    Raises `ConfigError` when a file cannot be read or two versions overlap."""
    config_dir = Path(config_dir)
    paths = [config_dir / f"{name}.yml", *sorted(config_dir.glob(f"{name}-*.yml"))]
    versions = []
    for path in paths:
        data = _parsed(_read_text(path), str(path))
        first, last = _in_force(data, path)
        if first is None and path != paths[0]:
            raise ConfigError(
                f"{path}: thiếu khóa {IN_FORCE} (kỳ bắt đầu và kết thúc có hiệu lực của phiên bản)."
            )
        versions.append(ConfigVersion(path=path, first=first, last=last))
    dated = [v for v in versions if v.first is not None]
    for a, b in itertools.combinations(dated, 2):
        if _ranges_overlap((a.first, a.last), (b.first, b.last)):
            raise ConfigError(
                f"{a.path} ({a.shown}) và {b.path} ({b.shown}) có hiệu lực chồng lên nhau; "
                "mỗi kỳ chỉ được có một phiên bản."
            )
    return tuple(versions)


def version_for(config_dir: Path, name: str, period: str | None) -> ConfigVersion:
    """The version of `config/<name>.yml` in force for `period` (None: the base file)."""
    versions = config_versions(config_dir, name)
    if period is None:
        return versions[0]
    key = str(Period.parse(period))
    for version in versions:
        if version.covers(key):
            return version
    base = versions[0]
    if base.first is None:
        return base
    raise ConfigError(
        f"Không có phiên bản nào của config/{name}.yml có hiệu lực cho kỳ {key}. Hãy thêm một "
        f"tệp config/{name}-<kỳ>.yml có khóa {IN_FORCE} bao gồm kỳ này."
    )


def version_files(config_dir: Path, name: str, period: str | None) -> tuple[Path, ...]:
    """The files a period's version of `config/<name>.yml` is read from (base and version)."""
    version = version_for(config_dir, name, period)
    base = Path(config_dir) / f"{name}.yml"
    return (version.path,) if version.path == base else (base, version.path)


@cache
def _parsed(text: str, source: str) -> Any:
    """A file's YAML, parsed once per content (callers never mutate it)."""
    return _parse_yaml(text, source)


def _versioned_texts(
    config_dir: Path, name: str, period: str | None
) -> tuple[tuple[str, str], ...]:
    return tuple((str(p), _read_text(p)) for p in version_files(config_dir, name, period))


def _merged(texts: tuple[tuple[str, str], ...]) -> tuple[dict, str]:
    """The version's data: the base file's top-level keys, replaced by the version's own."""
    data: dict = {}
    for source, text in texts:
        raw = _parsed(text, source)
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise ConfigError(f"Tệp cấu hình {source} phải là một bảng khóa: giá trị.")
        data.update({k: v for k, v in raw.items() if k != IN_FORCE})
    return data, texts[-1][0]


def _guard(parse, data: dict, source: str):
    """Run a parser; a missing key or a wrong type becomes a Vietnamese `ConfigError`."""
    try:
        return parse(data, source)
    except ConfigError:
        raise
    except KeyError as exc:
        raise ConfigError(f"{source}: thiếu khóa {exc.args[0]}.") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"{source}: cấu trúc không đúng ({exc}).") from None


def load_versioned_yaml(config_dir: Path, name: str, period: str | None) -> tuple[dict, str]:
    """The data of the version of `config/<name>.yml` in force for `period`, and its file."""
    return _merged(_versioned_texts(config_dir, name, period))
