"""The registry of output formats: each format a render writes, as one `OutputFormat` entry.

As papermill registers its engines (`papermill.engines`), a format is registered once
(`register_format`) with everything the render needs to know about it: its file name
(`file_name`), which profiles write it (`profiles`), how each backend converts to it (pandoc's
`--to` and arguments for the built-in backend, Quarto's `--to`), how the converted file is
finished before it is published (`finish`: the DOCX put into the official layout) and checked
(`check`: the HTML page refused when it fetches anything or, public, shows internal content),
and what a user reads for it in the run's closing table (`label`). A format may be derived
from another one's finished file instead of converted by pandoc or Quarto (`derived_from`,
`derive`: the PDF, written by LibreOffice from the finished DOCX, `render.job.Derivations`),
and may be missing on a machine (`available`, with the one line the run prints then:
`unavailable_notes`). Adding a format (a status page) is one more entry; the backends,
`output_files` and the CLI read them from here.

Light to import (the standard library only): a run with nothing to render asks for the file
names without bringing in python-docx or pandoc; the hooks import what they need when called.
A hook receives the `job.RenderJob` (duck-typed here, so this module imports no backend).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
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
# How a derived format is made: (job, profile, finished source file, staged target) -> None.
Derive = Callable[[Any, str, Path, Path], None]


@dataclass(frozen=True)
class OutputFormat:
    """One output format of the report.

    `name`: the key of the format in a job's names and results ("docx"); `suffix`: the file's
    ending (".docx"); `label`: what a user reads for it ("Word (.docx)"); `profiles`: the
    profiles that write it; `pandoc_to`: pandoc's `--to` in the built-in backend;
    `pandoc_args`: the format's own pandoc arguments there, from a `Conversion`;
    `quarto_to`: Quarto's `--to` (default: `name`); `finish`, `check`: hooks run on the staged
    file before it is published (None: nothing to do). A derived format names the format it
    is made from (`derived_from`) and how (`derive`), and is not converted by pandoc or
    Quarto; `available()` says whether this machine can write it, `missing` what the run says
    when it cannot.
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
    derived_from: str | None = None
    derive: Derive | None = None
    available: Callable[[], bool] = lambda: True
    missing: Callable[[], str] = lambda: ""

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
    """The formats `profile` writes on this machine, in the order of registration (a format
    not `available` here, the PDF without LibreOffice, is left out)."""
    return [fmt for fmt in REGISTRY.values() if profile in fmt.profiles and fmt.available()]


def remove_unmade(period: str, profiles: Iterable[str], folder: Path) -> list[str]:
    """Remove from `folder` (`_output/<period>/`) the files of `profiles`' formats this machine
    did not write this time (the PDF without LibreOffice, or turned off): a PDF left from an
    earlier run would not match the document just rendered, and an office signs the PDF.
    Returns the run's lines saying what was removed (Vietnamese)."""
    notes = []
    for profile in profiles:
        for fmt in REGISTRY.values():
            stale = Path(folder) / fmt.file_name(period, profile)
            if profile in fmt.profiles and not fmt.available() and stale.is_file():
                stale.unlink()
                notes.append(
                    f"Đã xóa tệp {stale.name} của lần chạy trước: lần này không lập lại được "
                    "nên tệp đó không còn khớp với văn bản vừa lập."
                )
    return notes


def derived_formats(source: str, names: Mapping[str, str]) -> list[OutputFormat]:
    """The formats among `names` (a profile's format -> file) made from format `source`."""
    return [REGISTRY[fmt] for fmt in names if REGISTRY[fmt].derived_from == source]


def unavailable_notes(profiles: Iterable[str]) -> list[str]:
    """One line for each format that one of `profiles` would write but this machine cannot
    (what to install, or how to make the file by hand); empty when every one can be written."""
    notes = []
    for fmt in REGISTRY.values():
        if set(fmt.profiles) & set(profiles) and not fmt.available() and fmt.missing():
            notes.append(fmt.missing())
    return notes


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


# --- PDF -----------------------------------------------------------------------------------

# The profile that writes the DOCX to sign (`profiles.OFFICIAL`), whose PDF an office signs
# digitally (Nghị định 30/2020).
SIGNED_PROFILE = "official"


def pdf_available() -> bool:
    """LibreOffice is installed and BAOCAO_PDF does not turn the PDF off."""
    from baocao.report.programs.libreoffice import find_soffice, pdf_wanted

    return pdf_wanted() and find_soffice() is not None


def pdf_missing() -> str:
    """The run's line when the PDF cannot be written here (nothing when it was turned off)."""
    from baocao.report.programs.libreoffice import MISSING, pdf_wanted

    return MISSING if pdf_wanted() else ""


def derive_pdf(job: Any, profile: str, source: Path, target: Path) -> None:
    """The PDF of the finished DOCX `source`, written by LibreOffice to `target`."""
    from baocao.report.programs.external import ExternalError
    from baocao.report.programs.libreoffice import PDF_VARIABLE, convert_to_pdf
    from baocao.report.render.profiles import PROFILE_NAMES

    document = f"tệp PDF của báo cáo ({PROFILE_NAMES.get(profile, profile)})"
    try:
        convert_to_pdf(source, target, document)
    except ExternalError as error:
        raise BaocaoError(
            f"{error.message} Các tệp báo cáo cũ (nếu có) được giữ nguyên; để lập báo cáo "
            f"không kèm PDF, đặt biến môi trường {PDF_VARIABLE}=0."
        ) from None


def check_pdf(job: Any, profile: str, path: Path) -> None:
    """Refuse a PDF without pages or without text (`review.pdf_check`)."""
    from baocao.report.review.pdf_check import pdf_problems

    problems = pdf_problems(path)
    if problems:
        raise BaocaoError(
            f"Không xuất bản tệp PDF {job.names[profile][PDF_NAME]} vì "
            f"{'; '.join(problems)}. Các tệp báo cáo cũ (nếu có) được giữ nguyên. Hãy mở tệp "
            "DOCX bằng Word và lưu dưới dạng PDF, hoặc đặt biến môi trường BAOCAO_PDF=0 để "
            "lập báo cáo không kèm PDF."
        )


PDF_NAME = "pdf"
PDF = register_format(
    OutputFormat(
        name=PDF_NAME,
        suffix=".pdf",
        label="PDF (.pdf)",
        profiles=(SIGNED_PROFILE,),
        pandoc_to="",
        quarto_to="",
        check=check_pdf,
        derived_from=DOCX.name,
        derive=derive_pdf,
        available=pdf_available,
        missing=pdf_missing,
    )
)
