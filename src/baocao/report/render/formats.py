"""The registry of output formats: each format a render writes, as one `OutputFormat` entry.

As papermill registers its engines (`papermill.engines`), a format is registered once
(`register_format`) with everything the render needs to know about it: its file name
(`file_name`), which profiles write it (`profiles`), how each backend converts to it (pandoc's
`--to` and arguments for the built-in backend, Quarto's `--to`), how the converted file is
finished before it is published (`finish`: the DOCX put into the official layout) and checked
(`check`: the HTML page refused when it fetches anything or, public, shows internal content),
and what a user reads for it in the run's closing table (`label`). Adding a format (a PDF, a
status page) is one more entry; the backends, `output_files` and the CLI read them from here.

Light to import (the standard library only): a run with nothing to render asks for the file
names without bringing in python-docx or pandoc; the hooks import what they need when called.
A hook receives the `job.RenderJob` (duck-typed here, so this module imports no backend).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from baocao.errors import BaocaoError

HTML_NAME = "html"
# Each profile's files are named by their role: the document to sign keeps the plain name.
PROFILE_SUFFIX = {"official": "", "internal": "-noi-bo", "public": "-cong-khai"}
PUBLIC_SUFFIX = PROFILE_SUFFIX["public"]


def report_file_name(period: str, profile: str, suffix: str) -> str:
    """`bao-cao-<period><role><suffix>`: `bao-cao-2021-H1.docx` (to sign),
    `bao-cao-2021-H1-noi-bo.docx` / `.html` (internal draft), `…-cong-khai.html` (public)."""
    return f"bao-cao-{period}{PROFILE_SUFFIX[profile]}{suffix}"


@dataclass(frozen=True)
class Conversion:
    """What a format's pandoc arguments may depend on, in the built-in backend: the build
    folder (temporary, shared by all conversions of a render), the project root and the
    profile's Quarto settings (`quarto_config.quarto_config`)."""

    build: Path
    root: Path
    config: dict[str, Any]


# A hook run on a staged output before it is published: (job, profile, staged file) -> None;
# raises BaocaoError (Vietnamese) to refuse it.
Hook = Callable[[Any, str, Path], None]


@dataclass(frozen=True)
class OutputFormat:
    """One output format of the report.

    `name`: the key of the format in a job's names and results ("docx"); `suffix`: the file's
    ending (".docx"); `label`: what a user reads for it ("Word (.docx)"); `profiles`: the
    profiles that write it; `pandoc_to`: pandoc's `--to` in the built-in backend;
    `pandoc_args`: the format's own pandoc arguments there, from a `Conversion`;
    `quarto_to`: Quarto's `--to` (default: `name`); `finish`, `check`: hooks run on the staged
    file before it is published (None: nothing to do).
    """

    name: str
    suffix: str
    label: str
    profiles: tuple[str, ...]
    pandoc_to: str
    pandoc_args: Callable[[Conversion], list[str]] = lambda conversion: []
    quarto_to: str | None = None
    finish: Hook | None = None
    check: Hook | None = None

    def file_name(self, period: str, profile: str) -> str:
        """The file this format leaves in `_output/<period>/` for `profile`."""
        return report_file_name(period, profile, self.suffix)

    def document(self) -> str:
        """How error messages name the document: "báo cáo DOCX", "báo cáo HTML"."""
        return f"báo cáo {self.name.upper()}"


REGISTRY: dict[str, OutputFormat] = {}


def register_format(fmt: OutputFormat) -> OutputFormat:
    """Add (or replace) a format; the order of registration is the order of the outputs."""
    REGISTRY[fmt.name] = fmt
    return fmt


def formats_for(profile: str) -> list[OutputFormat]:
    """The formats `profile` writes, in the order of registration."""
    return [fmt for fmt in REGISTRY.values() if profile in fmt.profiles]


def ready_to_publish(job: Any, profile: str, fmt: str, path: Path) -> None:
    """Run format `fmt`'s finishing, then its check, on the staged file `path` (a DOCX
    finished, an HTML page checked); `BaocaoError` when it may not be published."""
    entry = REGISTRY[fmt]
    for hook in (entry.finish, entry.check):
        if hook is not None:
            hook(job, profile, path)


def labels() -> dict[str, str]:
    """Format name -> what a user reads for it, for every registered format."""
    return {fmt.name: fmt.label for fmt in REGISTRY.values()}


# --- DOCX ----------------------------------------------------------------------------------


def docx_pandoc_args(conversion: Conversion) -> list[str]:
    """The reference document (`docx.style`), built once per render in the build folder."""
    from baocao.report.docx.style import build_reference_docx

    reference = conversion.build / "reference.docx"
    if not reference.exists():
        build_reference_docx(reference)
    return ["--reference-doc", str(reference)]


def finish_docx_output(job: Any, profile: str, path: Path) -> None:
    """Put a staged DOCX (from either backend) into the official layout, before it is moved
    into place: header, title, signature, page numbers, landscape appendices (`docx.finish`)."""
    from baocao.config.settings import load_report_settings
    from baocao.report.docx.finish import finish_docx

    settings = load_report_settings(job.paths.config, job.period)
    finish_docx(path, settings, job.period, profile, job.overrides, run=run_properties(job))


def run_properties(job: Any) -> dict[str, str]:
    """The run and the tool, for the DOCX's properties (never printed on a page): the run id
    the processed data records, the tool and its version."""
    from importlib import metadata

    from baocao.run.store import RUN_FILE, read_json

    try:
        version = metadata.version("baocao")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        version = ""
    record = read_json(job.paths.processed_period(job.period) / RUN_FILE) or {}
    return {"run_id": str(record.get("run_id", "")), "tool": f"baocao {version}".strip()}


# --- HTML ----------------------------------------------------------------------------------


def html_pandoc_args(conversion: Conversion) -> list[str]:
    """The HTML options of `_quarto.yml` (and the profile's file) as pandoc arguments."""
    from baocao.report.render.quarto_config import html_options, pandoc_html_args

    return pandoc_html_args(html_options(conversion.config), conversion.root)


def html_problems(html: str, profile: str) -> list[str]:
    """Why a rendered page may not be published for this profile (empty when it may)."""
    from baocao.report.review.html_check import public_problems, self_contained_problems

    if profile == "public":
        return public_problems(html)
    return self_contained_problems(html)


def check_html(job: Any, profile: str, path: Path) -> None:
    """Refuse an HTML page that fetches anything or, when public, shows internal content."""
    problems = html_problems(path.read_text(encoding="utf-8"), profile)
    if problems:
        listed = "\n".join(f"  - {p}" for p in problems[:10])
        more = f"\n  (và {len(problems) - 10} chỗ khác)" if len(problems) > 10 else ""
        kind = "công khai" if profile == "public" else "nội bộ"
        raise BaocaoError(
            f"Không xuất bản trang HTML bản {kind} {job.names[profile][HTML_NAME]} vì:\n"
            f"{listed}{more}\n"
            "Hãy sửa report.qmd hoặc cấu hình (_quarto.yml) rồi lập lại báo cáo; "
            "trang cũ (nếu có) được giữ nguyên."
        )


DOCX = register_format(
    OutputFormat(
        name="docx",
        suffix=".docx",
        label="Word (.docx)",
        profiles=("official", "internal"),
        pandoc_to="docx",
        pandoc_args=docx_pandoc_args,
        finish=finish_docx_output,
    )
)
HTML = register_format(
    OutputFormat(
        name=HTML_NAME,
        suffix=".html",
        label="trang web (.html)",
        profiles=("internal", "public"),
        pandoc_to="html5",
        pandoc_args=html_pandoc_args,
        check=check_html,
    )
)
