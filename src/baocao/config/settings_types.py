"""The type of every value of the report settings (`config/report*.yml`), checked with its place.

In: the texts of the settings version in force (base file, then the version's own; see
`versions`). Out: one Vietnamese sentence per value of the wrong type, naming the file, the line,
the key and what is expected, e.g. "config/report.yml, dòng 14, khóa recipients, mục thứ 2:
mỗi nơi nhận phải là một dòng chữ …; đang ghi một danh sách." A list of lists of recipients, a
number where a name goes or a misspelt key were accepted before and failed (or were ignored)
later. Used by `check-config` (every problem) and by `settings.load_report_settings`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from baocao.config.periods import is_period
from baocao.config.versions import IN_FORCE, parsed_yaml, yaml_node

TEXT_KEYS = {
    "parent_body": "tên cơ quan cấp trên, ví dụ “ỦY BAN MTTQ VIỆT NAM TỈNH LẠNG SƠN”",
    "issuing_body": "tên cơ quan ban hành, ví dụ “BAN THƯỜNG TRỰC”",
    "document_code": "ký hiệu văn bản, ví dụ “BC-MTTQ-BTT”",
    "place": "địa danh, ví dụ “Lạng Sơn”",
}
OPTIONAL_KEYS = ("title", "signer", "recipients", "periods")
SIGNER_KEYS = ("on_behalf", "title", "name")
PERIOD_KEYS = ("number", "date", "add_up_parts", "deadline")


def shown(value: Any) -> str:
    """What a YAML value is, in the words of the person who wrote it."""
    if value is None:
        return "để trống"
    if isinstance(value, bool):
        return f"giá trị đúng/sai ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"số {value}"
    if isinstance(value, date):
        return f"ngày {value.isoformat()}"
    if isinstance(value, str):
        return f"chữ “{value if len(value) <= 40 else value[:39] + '…'}”"
    if isinstance(value, list):
        return "một danh sách"
    if isinstance(value, dict):
        return "một bảng khóa: giá trị"
    return "một giá trị khác"


class _Sources:
    """Which file (and text) each top-level key of the merged settings comes from."""

    def __init__(self, texts: tuple[tuple[str, str], ...]):
        self.data: dict[str, Any] = {}
        self.origin: dict[str, tuple[str, str]] = {}
        for source, text in texts:
            raw = parsed_yaml(text, source)
            if not isinstance(raw, dict):
                continue  # `versions.merge_versions` says so
            for key, value in raw.items():
                if key != IN_FORCE:
                    self.data[key] = value
                    self.origin[key] = (source, text)

    def where(self, path: tuple[str | int, ...]) -> str:
        source, text = self.origin[str(path[0])]
        node = yaml_node(text, path)
        line = f", dòng {node.start_mark.line + 1}" if node is not None else ""
        return f"{source}{line}, khóa {path[0]}"


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _text_problems(sources: _Sources) -> list[str]:
    problems = []
    for key, example in TEXT_KEYS.items():
        if key in sources.data and not _is_text(sources.data[key]):
            problems.append(
                f"{sources.where((key,))}: phải là một dòng chữ ({example}); đang ghi "
                f"{shown(sources.data[key])}."
            )
    title = sources.data.get("title")
    if title is not None and not _is_text(title):
        problems.append(
            f"{sources.where(('title',))}: phải là một dòng chữ (tiêu đề báo cáo, có thể dùng "
            f"{{ky_bao_cao}} và {{ky_toi}}); đang ghi {shown(title)}."
        )
    return problems


def _signer_problems(sources: _Sources) -> list[str]:
    signer = sources.data.get("signer")
    if signer is None:
        return []
    if not isinstance(signer, dict):
        return [
            f"{sources.where(('signer',))}: phải là bảng gồm on_behalf, title, name (mỗi khóa "
            f"một dòng chữ); đang ghi {shown(signer)}."
        ]
    problems = []
    for key, value in signer.items():
        where = f"{sources.where(('signer', key))} → {key}"
        if key not in SIGNER_KEYS:
            problems.append(f"{where}: không có khóa này; chỉ dùng {', '.join(SIGNER_KEYS)}.")
        elif value is not None and not isinstance(value, str):
            problems.append(f"{where}: phải là một dòng chữ; đang ghi {shown(value)}.")
    return problems


def _recipient_problems(sources: _Sources) -> list[str]:
    recipients = sources.data.get("recipients")
    if recipients is None:
        return []
    if not isinstance(recipients, list):
        return [
            f"{sources.where(('recipients',))}: phải là danh sách nơi nhận, mỗi nơi một dòng "
            f'bắt đầu bằng “- ”, ví dụ - "Thường trực Tỉnh ủy (b/c)"; đang ghi '
            f"{shown(recipients)}."
        ]
    return [
        f"{sources.where(('recipients', index))}, mục thứ {index + 1}: mỗi nơi nhận phải là "
        f'một dòng chữ, ví dụ - "Thường trực Tỉnh ủy (b/c)"; đang ghi {shown(item)}.'
        for index, item in enumerate(recipients)
        if not _is_text(item)
    ]


def _period_problems(sources: _Sources) -> list[str]:
    periods = sources.data.get("periods")
    if periods is None:
        return []
    if not isinstance(periods, dict):
        return [
            f"{sources.where(('periods',))}: phải là bảng theo kỳ, ví dụ “2021-H1”: "
            f'{{number: 12, date: "2021-07-05"}}; đang ghi {shown(periods)}.'
        ]
    problems = []
    for key, value in periods.items():
        where = f"{sources.where(('periods', key))} → “{key}”"
        if not isinstance(key, str) or not is_period(key):
            problems.append(f"{where}: tên kỳ phải ghi dạng “2021-H1” (năm-H1 hoặc năm-H2).")
        if value is None:
            continue
        if not isinstance(value, dict):
            problems.append(f"{where}: phải là bảng gồm number và date; đang ghi {shown(value)}.")
            continue
        for sub in value:
            if sub not in PERIOD_KEYS:
                problems.append(
                    f"{where}: không có khóa “{sub}”; chỉ dùng number, date, deadline và "
                    "add_up_parts."
                )
        for key in ("date", "deadline"):
            date_value = value.get(key)
            if date_value is not None and not isinstance(date_value, str | date):
                problems.append(
                    f'{where}, khóa {key}: phải là ngày dạng "2021-07-05"; đang ghi '
                    f"{shown(date_value)}."
                )
        codes = value.get("add_up_parts")
        if codes is not None and (
            not isinstance(codes, list) or not all(isinstance(c, str) for c in codes)
        ):
            problems.append(
                f"{where}, khóa add_up_parts: phải là danh sách mã đơn vị, mỗi mã trong dấu "
                f'ngoặc kép, ví dụ add_up_parts: ["06001"]; đang ghi {shown(codes)}.'
            )
    return problems


def _unknown_keys(sources: _Sources) -> list[str]:
    known = (*TEXT_KEYS, *OPTIONAL_KEYS)
    return [
        f"{sources.where((key,))}: không có khóa này trong thiết lập báo cáo (có thể viết sai); "
        f"các khóa dùng được: {', '.join(known)}."
        for key in sources.data
        if key not in known
    ]


def report_settings_problems(texts: tuple[tuple[str, str], ...]) -> list[str]:
    """Every value of the wrong type in the settings `texts` ((file, text) pairs, base first),
    one Vietnamese sentence each; [] when all are right. Raises `ConfigError` only when a
    file is not YAML (`versions`). A missing required key is left to the parser."""
    sources = _Sources(texts)
    return [
        *_text_problems(sources),
        *_signer_problems(sources),
        *_recipient_problems(sources),
        *_period_problems(sources),
        *_unknown_keys(sources),
    ]
