"""Rendering `report.qmd` to DOCX and HTML, with Quarto or with the built-in renderer.

The report's code runs ONCE per render, whatever the formats and profiles asked for: it prints
the content that differs between profiles once per profile, inside Quarto's conditional content
(`.content-visible when-profile=…`, see `profiles`), and each output is converted from that one
executed notebook with its profile choosing what it keeps. Two interchangeable backends,
registered by name like papermill's engines:

* `builtin` — jupytext reads the .qmd, papermill's `parameterize_notebook` injects the
  parameters after the cell tagged `parameters`, nbclient runs it once in a fresh kernel, the
  outputs become one Markdown document (cells marked `output: asis` print Markdown), and pandoc
  writes each profile's DOCX and HTML from it (assets/conditional.lua applies the profile).
* `quarto` — the same single execution gives an executed `report.ipynb`, placed in a temporary
  Quarto project (copies of `_quarto*.yml`); `quarto render report.ipynb --to FMT --profile P`
  converts it without executing it again (Quarto does not execute an .ipynb unless told to),
  once per format and profile. Quarto's own files (`.quarto/`, its .gitignore line) therefore
  land in the temporary project, never in the user's folder.

Both get the parameters `period`, `processed_dir`, `root` and `overrides`, and the same
reference document (`docx_style.build_reference_docx`). Every output is written under a
temporary name in the output folder and moved into place with `os.replace` once all of them are
finished and checked, so an interrupted run leaves the previous report whole.

The HTML settings (lang, toc, toc-title, toc-depth, css, filters, embed-resources) live in one
place, `_quarto.yml` merged with `_quarto-<profile>.yml` the way Quarto merges profiles; the
built-in backend reads them from there (`quarto_config`, `pandoc_html_args`).
Before any HTML is moved into place it is checked (`html_check`): every resource inside the
file, `lang` declared, and for the public profile no notebook link, nothing marked internal and
no placeholder; otherwise the render fails and the previous page stays.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from baocao.config.catalog import load_report_settings, read_yaml
from baocao.config.paths import ProjectPaths
from baocao.config.periods import Period
from baocao.errors import BaocaoError
from baocao.report.docx_finish import finish_docx
from baocao.report.docx_style import build_reference_docx
from baocao.report.html_check import public_problems, self_contained_problems
from baocao.report.profiles import PROFILES
from baocao.report.titles import report_title
from baocao.run.store import temporary_beside

FORMATS = ("docx", "html")
KERNEL = "python3"
CELL_TIMEOUT = 600  # seconds per cell
CPUS = os.cpu_count() or 1
QUARTO_TIMEOUT = 1800  # seconds per `quarto render`
# Where `_quarto.yml` (format: docx: reference-doc:) expects the reference document, relative
# to the project root. Keep the two in step; tests/test_render.py checks they agree.
QUARTO_REFERENCE_DOC = Path("_output") / "reference.docx"
HTML_TOC_TITLE = "Mục lục"  # used when _quarto.yml sets none
QUARTO_CONFIG = "_quarto.yml"
ASSETS = Path(__file__).parent / "assets"
# Quarto's conditional content for the built-in backend (Quarto does this itself).
CONDITIONAL_FILTER = ASSETS / "conditional.lua"
_OWN_ERRORS = ("BaocaoError", "ConfigError", "InputError")


@dataclass(frozen=True)
class RenderResult:
    backend: str
    files: dict[str, dict[str, Path]]  # profile -> format ("docx", "html") -> file
    seconds: float
    # Where the time went: "execute" (the report's code, once) and "convert" (every output).
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def outputs(self) -> dict[str, Path]:
        """Format -> file of a render of one profile (ValueError when there were several)."""
        (files,) = self.files.values()
        return files


@dataclass(frozen=True)
class RenderJob:
    """Everything a backend needs; backends return {profile: {format: finished file}}."""

    period: str
    profiles: tuple[str, ...]
    paths: ProjectPaths
    out_dir: Path
    names: dict[str, dict[str, str]]  # profile -> format -> output file name
    title: str
    parameters: dict[str, str] = field(default_factory=dict)
    # Values that replace config/report.yml in the DOCX (docx_finish.OVERRIDE_KEYS).
    overrides: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # filled by the backend


Backend = Callable[[RenderJob], dict[str, dict[str, Path]]]


def output_names(period: str, profile: str) -> dict[str, str]:
    """File names by format. The public profile is the published HTML only."""
    if profile == "public":
        return {"html": f"bao-cao-{period}-cong-khai.html"}
    return {fmt: f"bao-cao-{period}.{fmt}" for fmt in FORMATS}


# --- writing outputs atomically ------------------------------------------------------------


def _temporary(out_dir: Path, name: str) -> Path:
    return temporary_beside(out_dir / name)


def _publish(
    staged: dict[str, dict[str, Path]], out_dir: Path, names: dict[str, dict[str, str]]
) -> dict[str, dict[str, Path]]:
    """Move every finished temporary file to its final name (each move is atomic)."""
    outputs: dict[str, dict[str, Path]] = {}
    for profile, files in staged.items():
        for fmt, tmp in files.items():
            final = out_dir / names[profile][fmt]
            os.replace(tmp, final)
            outputs.setdefault(profile, {})[fmt] = final
    return outputs


def finish_staged_docx(job: RenderJob, profile: str, staged: dict[str, Path]) -> None:
    """Put a staged DOCX (from either backend) into the official layout, before it is moved
    into place: header, title, signature, page numbers, landscape appendices (docx_finish)."""
    if "docx" in staged:
        settings = load_report_settings(job.paths.config, job.period)
        finish_docx(staged["docx"], settings, job.period, profile, job.overrides)


def _finish_and_check(job: RenderJob, staged: dict[str, dict[str, Path]]) -> None:
    for profile, files in staged.items():
        finish_staged_docx(job, profile, files)
        check_html(job, profile, files)


# --- settings shared by both backends: _quarto.yml and its profiles ------------------------


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


def _read_yaml(path: Path) -> dict[str, Any]:
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
            config = merge_config(config, _read_yaml(path))
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


def html_problems(html: str, profile: str) -> list[str]:
    """Why a rendered page may not be published for this profile (empty when it may)."""
    if profile == "public":
        return public_problems(html)
    return self_contained_problems(html)


def check_html(job: RenderJob, profile: str, staged: dict[str, Path]) -> None:
    """Refuse an HTML page that fetches anything or, when public, shows internal content."""
    if "html" not in staged:
        return
    problems = html_problems(staged["html"].read_text(encoding="utf-8"), profile)
    if problems:
        listed = "\n".join(f"  - {p}" for p in problems[:10])
        more = f"\n  (và {len(problems) - 10} chỗ khác)" if len(problems) > 10 else ""
        kind = "công khai" if profile == "public" else "nội bộ"
        raise BaocaoError(
            f"Không xuất bản trang HTML bản {kind} {job.names[profile]['html']} vì:\n"
            f"{listed}{more}\n"
            "Hãy sửa report.qmd hoặc cấu hình (_quarto.yml) rồi lập lại báo cáo; "
            "trang cũ (nếu có) được giữ nguyên."
        )


# --- the built-in backend ------------------------------------------------------------------


def _front_matter(nb) -> dict[str, Any]:
    """The .qmd's YAML front matter (jupytext keeps it as the first, raw cell)."""
    if not nb.cells or nb.cells[0].cell_type != "raw":
        return {}
    lines = nb.cells[0].source.strip().splitlines()
    if len(lines) < 2 or lines[0] != "---" or lines[-1] not in ("---", "..."):
        return {}
    try:
        data = yaml.safe_load("\n".join(lines[1:-1])) or {}
    except yaml.YAMLError as exc:
        raise BaocaoError(f"Phần đầu (YAML) của report.qmd sai cú pháp: {exc}.") from None
    return data if isinstance(data, dict) else {}


def cell_options(source: str) -> tuple[dict[str, Any], str]:
    """Split a Quarto cell into its `#| key: value` options (YAML) and the code below them."""
    lines = source.splitlines()
    option_lines = []
    for line in lines:
        if not line.startswith("#|"):
            break
        option_lines.append(line[2:].removeprefix(" "))
    code = "\n".join(lines[len(option_lines) :])
    if not option_lines:
        return {}, code
    try:
        options = yaml.safe_load("\n".join(option_lines)) or {}
    except yaml.YAMLError as exc:
        raise BaocaoError(
            f"Tùy chọn “#|” của ô lệnh “{_first_line(code)}” trong report.qmd sai cú pháp YAML: "
            f"{exc}."
        ) from None
    return (options if isinstance(options, dict) else {}), code


def _first_line(code: str) -> str:
    for line in code.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _cell_name(cell) -> str:
    """How a user finds the cell in report.qmd: its label, else its place and first line."""
    options = cell.metadata.get("baocao_options", {})
    if "injected-parameters" in cell.metadata.get("tags", []):
        return "ô tham số được truyền vào"
    if options.get("label"):
        return f"ô lệnh “{options['label']}”"
    first = _first_line(cell.metadata.get("baocao_code", cell.source))
    return f"ô lệnh thứ {cell.metadata.get('baocao_number', '?')} (“{first}”)"


def read_report(source: Path):
    """The .qmd as a notebook. jupytext's own .qmd reader calls the quarto binary, but the
    R Markdown reader parses the same chunks: front matter → raw cell, ```{python} → code."""
    import jupytext

    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise BaocaoError(f"Không đọc được tệp báo cáo {source}: {exc.strerror}.") from None
    nb = jupytext.reads(text, fmt={"extension": ".Rmd", "format_name": "rmarkdown"})
    code_cells = 0
    for cell in nb.cells:
        cell.metadata["tags"] = []  # papermill looks at every cell's tags
        if cell.cell_type != "code":
            continue
        code_cells += 1
        options, code = cell_options(cell.source)
        cell.metadata["baocao_number"] = code_cells  # "ô lệnh thứ N" of report.qmd
        cell.metadata["baocao_options"] = options
        cell.metadata["baocao_code"] = code
        cell.metadata["tags"] = list(options.get("tags") or [])
    return nb


def parameterize(nb, parameters: dict[str, Any]):
    """Insert papermill's injected-parameters cell after the cell tagged `parameters`."""
    from papermill.parameterize import parameterize_notebook

    if not any("parameters" in c.metadata.get("tags", []) for c in nb.cells):
        raise BaocaoError(
            "report.qmd không có ô tham số: cần một ô lệnh có dòng “#| tags: [parameters]”."
        )
    nb.metadata.setdefault("papermill", {})
    nb = parameterize_notebook(nb, parameters, kernel_name=KERNEL, language="python")
    for cell in nb.cells:
        if cell.cell_type == "code" and "baocao_options" not in cell.metadata:
            cell.metadata["baocao_options"] = {}
            cell.metadata["baocao_code"] = cell.source
    return nb


def execute(nb, cwd: Path, timeout: int = CELL_TIMEOUT):
    """Run every cell once, in order, in a fresh kernel started in `cwd`."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellControlSignal, CellExecutionError, CellTimeoutError

    client = NotebookClient(
        nb, kernel_name=KERNEL, timeout=timeout, resources={"metadata": {"path": str(cwd)}}
    )
    index = 0
    try:
        # The kernel's own console chatter (ZMQ warnings) is not for the report's user.
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        with client.setup_kernel(cwd=str(cwd), **quiet):
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
    except CellTimeoutError:
        raise BaocaoError(
            f"Lỗi khi chạy report.qmd: {_cell_name(nb.cells[index])} chạy quá {timeout} giây."
        ) from None
    except CellExecutionError as exc:
        # baocao's own errors already speak to the user; anything else shows its type too.
        ours = exc.ename in _OWN_ERRORS and exc.evalue
        detail = exc.evalue if ours else f"{exc.ename}: {exc.evalue}"
        raise BaocaoError(
            f"Lỗi khi chạy report.qmd, {_cell_name(nb.cells[index])}: {detail}"
        ) from None
    except CellControlSignal as exc:
        raise BaocaoError(f"Lỗi khi chạy report.qmd: {exc}") from None
    except BaocaoError:
        raise
    except Exception as exc:  # the kernel did not start or died
        raise BaocaoError(
            f"Không chạy được nhân Python “{KERNEL}” để lập báo cáo: {exc}. "
            "Hãy kiểm tra môi trường (make env)."
        ) from None
    return nb


def _fenced(text: str, lang: str = "") -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{lang}\n{text.rstrip()}\n{fence}"


def _option(options: dict, defaults: dict, key: str, default: Any) -> Any:
    return options.get(key, defaults.get(key, default))


def _cell_markdown(cell, index: int, defaults: dict, figures: Path) -> list[str]:
    """The Markdown one executed code cell contributes, following Quarto's cell options."""
    options = cell.metadata.get("baocao_options", {})
    if not _option(options, defaults, "include", True):
        return []
    echo = _option(options, defaults, "echo", True)
    output = _option(options, defaults, "output", True)
    warning = _option(options, defaults, "warning", True)
    asis = output == "asis"
    parts = []
    if echo is True:
        parts.append(_fenced(cell.metadata.get("baocao_code", cell.source), "python"))
    if output is False:
        return parts
    stdout: list[str] = []

    def flush() -> None:
        if stdout:
            text = "".join(stdout)
            parts.append(text if asis else _fenced(text))
            stdout.clear()

    for number, out in enumerate(cell.get("outputs", [])):
        kind = out["output_type"]
        if kind == "stream":
            if out["name"] == "stdout":
                stdout.append(out["text"])
            elif warning:
                flush()
                parts.append(_fenced(out["text"]))
            continue
        flush()
        if kind not in ("display_data", "execute_result"):
            continue
        data = out.get("data", {})
        if "text/markdown" in data:
            parts.append(data["text/markdown"])
        elif "image/png" in data:
            figures.mkdir(parents=True, exist_ok=True)
            image = figures / f"cell-{index}-{number}.png"
            image.write_bytes(base64.b64decode(data["image/png"]))
            parts.append(f"![]({image.as_posix()})")
        elif "text/plain" in data:
            parts.append(data["text/plain"] if asis else _fenced(data["text/plain"]))
    flush()
    return parts


def notebook_markdown(nb, build_dir: Path) -> str:
    """One Markdown document from an executed notebook: front matter, prose, cell outputs."""
    defaults = _front_matter(nb).get("execute", {}) or {}
    parts: list[str] = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        elif cell.cell_type == "raw" and index == 0:
            parts.append(cell.source)  # the YAML front matter, read by pandoc as metadata
        elif cell.cell_type == "code":
            parts.extend(_cell_markdown(cell, index, defaults, build_dir / "figures"))
    return "\n\n".join(p.strip("\n") for p in parts if p.strip()) + "\n"


def _pandoc(source: Path, to: str, target: Path, args: list[str]) -> None:
    import pypandoc

    try:
        pypandoc.convert_file(
            str(source), to, format="markdown", outputfile=str(target), extra_args=args
        )
    except (RuntimeError, OSError) as exc:
        raise BaocaoError(f"Pandoc không chuyển được báo cáo sang {to.upper()}: {exc}") from None


def execute_report(job: RenderJob, cwd: Path):
    """report.qmd, parameterized and executed once in a fresh kernel started in `cwd` (the
    charts land in `cwd/figures`); records the seconds in `job.timings["execute"]`."""
    started = time.perf_counter()
    nb = execute(parameterize(read_report(job.paths.report_source), job.parameters), cwd=cwd)
    job.timings["execute"] = round(time.perf_counter() - started, 3)
    return nb


def render_builtin(job: RenderJob) -> dict[str, dict[str, Path]]:
    staged: dict[str, dict[str, Path]] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="baocao-build-") as tmp:
            build = Path(tmp)
            nb = execute_report(job, cwd=build)
            started = time.perf_counter()
            markdown = build / "report.md"
            markdown.write_text(notebook_markdown(nb, build), encoding="utf-8")
            reference = None
            conversions = []  # (format pandoc writes, staged file, arguments)
            for profile in job.profiles:
                names = job.names[profile]
                config = quarto_config(job.paths.root, profile)
                common = [
                    "--metadata",
                    f"lang={config.get('lang', 'vi')}",
                    "--metadata",
                    f"title={job.title}",
                    "--metadata",
                    f"baocao-profile={profile}",  # read (and dropped) by conditional.lua
                    f"--lua-filter={CONDITIONAL_FILTER}",
                    f"--resource-path={build}",
                ]
                files = staged.setdefault(profile, {})
                if "docx" in names:
                    reference = reference or build_reference_docx(build / "reference.docx")
                    files["docx"] = _temporary(job.out_dir, names["docx"])
                    docx_args = [*common, "--reference-doc", str(reference)]
                    conversions.append(("docx", files["docx"], docx_args))
                if "html" in names:
                    files["html"] = _temporary(job.out_dir, names["html"])
                    html_args = [*common, *pandoc_html_args(html_options(config), job.paths.root)]
                    conversions.append(("html5", files["html"], html_args))
            # Each conversion is its own pandoc process: they run side by side.
            with ThreadPoolExecutor(max_workers=max(1, min(len(conversions), CPUS))) as pool:
                running = [pool.submit(_pandoc, markdown, *c) for c in conversions]
                for done in running:
                    done.result()  # the first failure, as BaocaoError
        _finish_and_check(job, staged)
        job.timings["convert"] = round(time.perf_counter() - started, 3)
        return _publish(staged, job.out_dir, job.names)
    finally:
        for files in staged.values():
            for tmp_file in files.values():
                tmp_file.unlink(missing_ok=True)


# --- the Quarto backend --------------------------------------------------------------------


QUARTO_NOTEBOOK = "report.ipynb"  # the executed report, in the temporary Quarto project
_QUARTO_OWN = ("output-dir", "render")  # project keys that name the user's folder


def _absolute_files(value: Any, root: Path) -> Any:
    """A Quarto setting with every relative path of an existing project file made absolute,
    so the settings mean the same from the temporary project."""
    if isinstance(value, dict):
        return {key: _absolute_files(item, root) for key, item in value.items()}
    if isinstance(value, list):
        return [_absolute_files(item, root) for item in value]
    if isinstance(value, str) and value and not Path(value).is_absolute():
        candidate = Path(root) / value
        if candidate.suffix and candidate.is_file():
            return candidate.resolve().as_posix()
    return value


def quarto_project(root: Path, project: Path, reference: Path) -> None:
    """Write the temporary Quarto project's settings: `_quarto.yml` and every
    `_quarto-<profile>.yml` of `root`, their file paths made absolute, the output folder and
    render list left out (the outputs stay beside the notebook), `reference` as the DOCX's
    reference document."""
    for source in sorted(Path(root).glob("_quarto*.yml")):
        config = _absolute_files(_read_yaml(source), root)
        if source.name == QUARTO_CONFIG:
            settings = config.setdefault("project", {})
            for key in _QUARTO_OWN:
                settings.pop(key, None)
            docx = config.setdefault("format", {}).setdefault("docx", {}) or {}
            config["format"]["docx"] = {**docx, "reference-doc": reference.name}
        text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
        (project / source.name).write_text(text, encoding="utf-8")


def quarto_command(quarto: str, job: RenderJob, profile: str, fmt: str) -> list[str]:
    """`quarto render report.ipynb --to FMT --profile P`, run inside the temporary project.

    As Quarto documents them (quarto.org/docs/cli/render.html, docs/projects/profiles.html,
    docs/tools/jupyter-lab.html): an .ipynb is rendered from its stored outputs and is not
    executed unless `--execute` is given, so the report's code runs once for all outputs;
    `--output` takes a bare file name, written beside the notebook; `--profile` replaces any
    QUARTO_PROFILE and merges `_quarto-<profile>.yml` over `_quarto.yml` and decides Quarto's
    conditional content (`.content-visible when-profile=…`).
    """
    return [
        quarto,
        "render",
        QUARTO_NOTEBOOK,
        "--to",
        fmt,
        "--output",
        job.names[profile][fmt],
        "--metadata",
        f"title:{job.title}",
        "--profile",
        profile,
    ]


def render_quarto(job: RenderJob) -> dict[str, dict[str, Path]]:
    import nbformat

    quarto = shutil.which("quarto")
    if quarto is None:
        raise BaocaoError("Không tìm thấy chương trình quarto trên máy (PATH).")
    staging = Path(tempfile.mkdtemp(prefix=".quarto-", dir=job.out_dir))
    try:
        project = staging / "project"
        project.mkdir()
        nb = execute_report(job, cwd=project)
        started = time.perf_counter()
        nb.metadata["kernelspec"] = {"name": KERNEL, "language": "python", "display_name": KERNEL}
        nbformat.write(nb, str(project / QUARTO_NOTEBOOK))
        reference = build_reference_docx(project / "reference.docx")
        quarto_project(job.paths.root, project, reference)
        env = {**os.environ, "QUARTO_PYTHON": sys.executable}
        env.pop("QUARTO_PROFILE", None)
        for profile in job.profiles:
            for fmt in job.names[profile]:
                done = subprocess.run(
                    quarto_command(quarto, job, profile, fmt),
                    cwd=project,
                    env=env,
                    capture_output=True,
                    encoding="utf-8",
                    errors="replace",
                    timeout=QUARTO_TIMEOUT,
                    check=False,
                )
                if done.returncode != 0:
                    tail = "\n".join(done.stderr.strip().splitlines()[-15:])
                    raise BaocaoError(
                        f"Quarto không lập được báo cáo dạng {fmt.upper()} (bản {profile}):\n{tail}"
                    )
        staged = {
            profile: {fmt: project / name for fmt, name in names.items()}
            for profile, names in job.names.items()
        }
        _finish_and_check(job, staged)
        job.timings["convert"] = round(time.perf_counter() - started, 3)
        return _publish(staged, job.out_dir, job.names)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# --- the registry and the entry point ------------------------------------------------------

BACKENDS: dict[str, Backend] = {"quarto": render_quarto, "builtin": render_builtin}


def choose_backend(requested: str | None = None) -> str:
    """The backend to use: the one requested, else "quarto" iff a quarto binary is on PATH."""
    if requested:
        if requested not in BACKENDS:
            raise BaocaoError(
                f"Không có cách lập báo cáo “{requested}”; hãy chọn một trong: "
                f"{', '.join(BACKENDS)}."
            )
        if requested == "quarto" and shutil.which("quarto") is None:
            raise BaocaoError(
                "Đã chọn lập báo cáo bằng Quarto nhưng không tìm thấy chương trình quarto "
                "(PATH). Hãy cài Quarto hoặc dùng cách lập sẵn có (builtin)."
            )
        return requested
    return "quarto" if shutil.which("quarto") else "builtin"


def render_reports(
    period: str,
    profiles: tuple[str, ...] | list[str],
    paths: ProjectPaths,
    out_dir: Path,
    backend: str | None = None,
    overrides: dict[str, Any] | None = None,
) -> RenderResult:
    """Render `report.qmd` for a period into `out_dir`, every profile in `profiles` from one
    execution of its code; `overrides` replace values of config/report.yml for this run (keys
    in `catalog.OVERRIDE_KEYS`). Raises BaocaoError with a message for the user."""
    period = str(Period.parse(period))
    profiles = tuple(dict.fromkeys(profiles))
    for profile in profiles:
        if profile not in PROFILES:
            raise BaocaoError(
                f"Bản báo cáo “{profile}” không có; hãy chọn internal (nội bộ) hoặc "
                "public (công khai)."
            )
    if not profiles:
        raise BaocaoError("Chưa chọn bản báo cáo nào để lập (internal hoặc public).")
    started = time.perf_counter()
    name = choose_backend(backend)
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    job = RenderJob(
        period=period,
        profiles=profiles,
        paths=paths,
        out_dir=out_dir,
        names={profile: output_names(period, profile) for profile in profiles},
        title=report_title(period, load_report_settings(paths.config, period)),
        parameters={
            "period": period,
            "processed_dir": str(Path(paths.processed).resolve()),
            "root": str(Path(paths.root).resolve()),
            "overrides": json.dumps(overrides or {}, ensure_ascii=False, default=str),
        },
        overrides=dict(overrides or {}),
    )
    files = BACKENDS[name](job)
    return RenderResult(
        backend=name,
        files=files,
        seconds=time.perf_counter() - started,
        timings=dict(job.timings),
    )


def render_report(
    period: str,
    profile: str,
    paths: ProjectPaths,
    out_dir: Path,
    backend: str | None = None,
    overrides: dict[str, Any] | None = None,
) -> RenderResult:
    """`render_reports` for one profile; its `outputs` are {format: file}."""
    return render_reports(period, (profile,), paths, out_dir, backend, overrides)
