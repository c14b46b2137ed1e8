"""The render's settings shared by both backends: `_quarto.yml` and its profiles.

What enters: the project folder and a profile. What leaves: `_quarto.yml` with
`_quarto-<profile>.yml` merged over it the way Quarto merges profiles (`quarto_config`), the
HTML format's options (lang, toc, toc-title, toc-depth, css, filters, embed-resources) taken
from it (`html_options`), and the pandoc arguments the built-in backend uses for the HTML page
from those options (`pandoc_html_args`). The HTML settings thus live in one place, read by
Quarto itself and by the built-in backend. Raises `BaocaoError` for a settings file that is not
a YAML mapping or names a file that does not exist.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from baocao.config.versions import read_yaml
from baocao.errors import BaocaoError

# Where `_quarto.yml` (format: docx: reference-doc:) expects the reference document, relative
# to the project root. Keep the two in step; tests/report/test_render.py checks they agree.
QUARTO_REFERENCE_DOC = Path("_output") / "reference.docx"


HTML_TOC_TITLE = "Mục lục"  # used when _quarto.yml sets none


QUARTO_CONFIG = "_quarto.yml"


ASSETS = Path(__file__).parents[1] / "assets"


def merge_config(base: Any, over: Any) -> Any:
    """Quarto's merge of a profile over the project: maps deep-merged, lists concatenated
    without duplicates, anything else replaced by the profile's value."""
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = merge_config(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(over, list):
        return [*base, *(item for item in over if item not in base)]
    return over


def read_quarto_yaml(path: Path) -> dict[str, Any]:
    """A Quarto YAML file as a mapping (empty when empty); `BaocaoError` when it is not one."""
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise BaocaoError(f"Tệp cấu hình {path.name} phải là một bảng khóa: giá trị (YAML).")
    return data


def quarto_config(root: Path, profile: str) -> dict[str, Any]:
    """`_quarto.yml` with `_quarto-<profile>.yml` merged over it (either may be absent)."""
    config: dict[str, Any] = {}
    for name in (QUARTO_CONFIG, f"_quarto-{profile}.yml"):
        path = Path(root) / name
        if path.is_file():
            config = merge_config(config, read_quarto_yaml(path))
    return config


def html_options(config: dict[str, Any]) -> dict[str, Any]:
    """The HTML format's options: document-level keys, then `format: html:` over them."""
    formats = config.get("format") or {}
    html = formats.get("html") if isinstance(formats, dict) else None
    document = {k: v for k, v in config.items() if k not in ("project", "format", "profile")}
    return {**document, **(html if isinstance(html, dict) else {})}


def _as_list(value: Any) -> list[str]:
    if value is None or value is False:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _project_file(root: Path, name: str, setting: str) -> Path:
    """A file named in _quarto.yml (relative to the project), else the packaged asset."""
    for candidate in (Path(root) / name, ASSETS / Path(name).name):
        if candidate.is_file():
            return candidate.resolve()
    raise BaocaoError(f"Không tìm thấy tệp “{name}” ghi ở mục {setting} của {QUARTO_CONFIG}.")


def pandoc_html_args(options: dict[str, Any], root: Path) -> list[str]:
    """pandoc's arguments for the HTML page, from the options Quarto would use. `lang` and
    `title` are not among them: both formats get those (pandoc would join repeated values)."""
    args = ["--standalone"]
    if options.get("embed-resources", options.get("self-contained", True)):
        args.append("--embed-resources")
    if options.get("toc"):
        args += ["--toc", f"--toc-depth={int(options.get('toc-depth', 3))}"]
        args += ["--metadata", f"toc-title={options.get('toc-title') or HTML_TOC_TITLE}"]
    if options.get("number-sections"):
        args.append("--number-sections")
    for sheet in _as_list(options.get("css")):
        args.append(f"--css={_project_file(root, sheet, 'css')}")
    for script in _as_list(options.get("filters")):
        args.append(f"--lua-filter={_project_file(root, script, 'filters')}")
    return args
