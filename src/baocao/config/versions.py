"""Which version of a configuration file is in force for a period, and its YAML, read once.

In: `config/` and a file's name (indicators, outline, report) with a period. Out: the version's
files (`version_for`, `version_files`, `config_versions`) and its merged top-level data
(`load_versioned_yaml`); every problem (unreadable file, bad YAML, overlapping versions) as a
Vietnamese `ConfigError`. The catalogue, the report settings and the outline read through here.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from baocao.config.periods import Period, is_period
from baocao.config.yaml_aliases import check_aliases
from baocao.errors import ConfigError, os_reason


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def read_yaml(path: Path) -> Any:
    """A configuration file's YAML; its problems as a Vietnamese `ConfigError`."""
    return parse_yaml_text(read_config_text(path), str(path))


# libyaml's parser where PyYAML was built with it (its wheels are): the same documents, about
# ten times faster, which a run that has nothing to do notices. A file it refuses is parsed
# again by the pure-Python loader, whose messages the explanations below are written for.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml_text(text: str, source: str) -> Any:
    """A configuration file's text (read from `source`, named in messages) as YAML data: NFC,
    aliases bounded, every syntax problem as a Vietnamese `ConfigError`."""
    text = nfc(text)
    check_aliases(text, source, _FAST_LOADER)
    try:
        return yaml.load(text, Loader=_FAST_LOADER)
    except (yaml.YAMLError, ValueError):
        pass
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        raise ConfigError(yaml_error_message(exc, text, source)) from None
    except yaml.YAMLError:
        raise ConfigError(f"Tệp cấu hình {source} sai cú pháp YAML.") from None
    except ValueError as exc:
        # An unquoted value YAML reads as a date that does not exist (2021-13-05).
        raise ConfigError(_bad_value_message(text, source, exc)) from None


# What PyYAML says (its `problem`), in the words of a person fixing the file. First match wins.
_YAML_PROBLEMS = (
    (
        "expected ',' or '}'",
        "thiếu dấu phẩy “,” giữa hai mục hoặc thiếu dấu đóng “}}” của dấu “{{” mở ở dòng {context}",
    ),
    (
        "expected ',' or ']'",
        "thiếu dấu phẩy “,” giữa hai mục hoặc thiếu dấu đóng “]” của dấu “[” mở ở dòng {context}",
    ),
    ("found character '\\t'", "có ký tự Tab; YAML chỉ thụt lề bằng dấu cách"),
    (
        "mapping values are not allowed",
        "dấu hai chấm “:” không đúng chỗ (một giá trị có dấu hai "
        "chấm phải đặt trong dấu ngoặc kép) hoặc thụt lề sai",
    ),
    ("could not find expected ':'", "thiếu dấu hai chấm “:” sau tên khóa"),
    (
        "found unexpected end of stream",
        "tệp kết thúc khi dấu ngoặc kép hoặc dấu ngoặc mở ở dòng {context} chưa được đóng",
    ),
    (
        "found unknown escape character",
        "ký tự “\\” trong dấu ngoặc kép không hợp lệ; hãy dùng dấu "
        "ngoặc đơn ' ' cho giá trị có “\\”",
    ),
    ("expected <block end>", "thụt lề không đúng: các mục cùng cấp phải thẳng cột với nhau"),
    ("did not find expected key", "thụt lề không đúng hoặc thiếu dấu “-” đầu mục"),
    ("did not find expected '-' indicator", "thiếu dấu “-” đầu mục hoặc thụt lề không đúng"),
    ("found duplicate anchor", "một nhãn “&” dùng hai lần"),
    ("found undefined alias", "dấu “*” chỉ đến một nhãn “&” không có"),
)


def yaml_error_message(exc: yaml.MarkedYAMLError, text: str, source: str) -> str:
    """A YAML syntax error in Vietnamese: file, line and column, the line as written, and what
    is wrong, e.g. “thiếu dấu phẩy “,” giữa hai mục hoặc thiếu dấu đóng “}” của dấu “{” mở ở
    dòng 26”."""
    mark = exc.problem_mark or exc.context_mark
    context = exc.context_mark.line + 1 if exc.context_mark is not None else "trước"
    problem = str(exc.problem or "")
    said = next(
        (vi.format(context=context) for en, vi in _YAML_PROBLEMS if en in problem),
        "cấu trúc YAML không đúng (kiểm tra dấu ngoặc, dấu phẩy, dấu hai chấm và thụt lề)",
    )
    if mark is None:
        return f"Tệp cấu hình {source} sai cú pháp YAML: {said}."
    lines = nfc(text).splitlines()
    # Quote where the fix goes: the line that opened what is not closed, else the line at fault.
    shown_mark = exc.context_mark if exc.context_mark is not None else mark
    written = lines[shown_mark.line].strip() if shown_mark.line < len(lines) else ""
    shown = f" (dòng {shown_mark.line + 1} ghi: {written})" if written else ""
    return (
        f"Tệp cấu hình {source}, dòng {mark.line + 1}, cột {mark.column + 1}: sai cú pháp YAML — "
        f"{said}{shown}."
    )


_DATE_LIKE = re.compile(r"^\s*-?\s*\{?\s*([\w.]+)\s*:\s*(\d{4}-\d{1,2}-\d{1,2})\b", re.MULTILINE)


def _bad_value_message(text: str, source: str, exc: ValueError) -> str:
    """An unquoted date that does not exist (`date: 2021-13-05`), named by key, value, line."""
    for number, line in enumerate(nfc(text).splitlines(), start=1):
        found = _DATE_LIKE.match(line)
        if found is None:
            continue
        try:
            date.fromisoformat(
                "-".join(f"{int(x):02d}" if i else x for i, x in enumerate(found[2].split("-")))
            )
        except ValueError:
            return (
                f"Tệp cấu hình {source}, dòng {number}, khóa {found[1]}: “{found[2]}” không phải "
                'là ngày có thật; hãy ghi ngày dạng "2021-07-05" (năm-tháng-ngày, trong dấu '
                "ngoặc kép)."
            )
    return f"Tệp cấu hình {source} có một giá trị không đọc được ({exc})."


def read_config_text(path: Path) -> str:
    """A configuration file's text; unreadable or not UTF-8 as a Vietnamese `ConfigError`."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Không đọc được tệp cấu hình {path}: {os_reason(exc)}.") from None
    except UnicodeDecodeError:
        raise ConfigError(
            f"Không đọc được tệp cấu hình {path}: tệp không lưu theo bảng mã UTF-8. Hãy mở tệp "
            "bằng Notepad và lưu lại với Encoding: UTF-8."
        ) from None


@lru_cache(maxsize=32)
def _composed(text: str) -> yaml.Node | None:
    """A YAML text's node tree, composed once per text (a check asks for many places of the
    same file); None when the text is not YAML. Callers only read the nodes."""
    try:
        return yaml.compose(nfc(text), Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None


def yaml_node(text: str, path: tuple[str | int, ...]) -> yaml.Node | None:
    """The node at `path` (mapping keys, sequence indexes) of a YAML text, with the text as
    written and its place (`start_mark.line`, 0-based); None when absent or unreadable."""
    node = _composed(text)
    if node is None:
        return None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            node = node.value[step] if 0 <= step < len(node.value) else None
        else:
            return None
        if node is None:
            return None
    return node


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


def ranges_overlap(a: tuple[str, str | None], b: tuple[str, str | None]) -> bool:
    """Whether two ranges of periods (first, last; last None: open-ended) share a period."""

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
        data = parsed_yaml(read_config_text(path), str(path))
        first, last = _in_force(data, path)
        if first is None and path != paths[0]:
            raise ConfigError(
                f"{path}: thiếu khóa {IN_FORCE} (kỳ bắt đầu và kết thúc có hiệu lực của phiên bản)."
            )
        versions.append(ConfigVersion(path=path, first=first, last=last))
    dated = [v for v in versions if v.first is not None]
    for a, b in itertools.combinations(dated, 2):
        if ranges_overlap((a.first, a.last), (b.first, b.last)):
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
def parsed_yaml(text: str, source: str) -> Any:
    """A file's YAML, parsed once per content (callers never mutate it)."""
    return parse_yaml_text(text, source)


def versioned_texts(config_dir: Path, name: str, period: str | None) -> tuple[tuple[str, str], ...]:
    """(file, text) of each file a period's version of `config/<name>.yml` is read from, base
    first: the input of `merge_versions`, hashable so callers can cache on it."""
    return tuple((str(p), read_config_text(p)) for p in version_files(config_dir, name, period))


def merge_versions(texts: tuple[tuple[str, str], ...]) -> tuple[dict, str]:
    """(the version's data, the file to name in messages) from `versioned_texts`: the base
    file's top-level keys, replaced by the version's own, `in_force` left out. A file that is
    not a mapping is a `ConfigError`."""
    data: dict = {}
    for source, text in texts:
        raw = parsed_yaml(text, source)
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise ConfigError(f"Tệp cấu hình {source} phải là một bảng khóa: giá trị.")
        data.update({k: v for k, v in raw.items() if k != IN_FORCE})
    return data, texts[-1][0]


def guarded_parse(parse, data: dict, source: str):
    """`parse(data, source)`, its result returned; a missing key or a wrong type inside it
    becomes a Vietnamese `ConfigError` naming `source`."""
    try:
        return parse(data, source)
    except ConfigError:
        raise
    except KeyError as exc:
        raise ConfigError(f"{source}: thiếu khóa {exc.args[0]}.") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(
            f"{source}: cấu trúc không đúng — một khóa có giá trị sai kiểu (so với tệp mẫu trong "
            f"config/; chi tiết kỹ thuật: {exc})."
        ) from None


def load_versioned_yaml(config_dir: Path, name: str, period: str | None) -> tuple[dict, str]:
    """The data of the version of `config/<name>.yml` in force for `period`, and its file."""
    return merge_versions(versioned_texts(config_dir, name, period))
