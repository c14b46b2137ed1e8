"""A render job, what a backend returns, and how its staged outputs get into place.

What enters: the period, profiles, project paths and overrides of a render, gathered by
`render.render_reports` into a `RenderJob`; then each backend's staged files, one per profile
and format, written under temporary names in the output folder. What leaves: the files
finished (the DOCX put into the official layout by `docx_finish`), checked (the HTML by
`html_check`: every resource inside the file, `lang` declared, and for the public profile no
notebook link, nothing marked internal and no placeholder — otherwise `BaocaoError` and the
previous page stays) and moved to their final names with `os.replace` once all of them are
finished and checked, so an interrupted run leaves the previous report whole.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from baocao.base.files import temporary_beside
from baocao.config.paths import ProjectPaths
from baocao.config.settings import load_report_settings
from baocao.errors import BaocaoError
from baocao.report.docx_finish import finish_docx
from baocao.report.html_check import public_problems, self_contained_problems
from baocao.report.output_files import FORMATS, output_names  # noqa: F401  (re-exported)


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
    # A `report_kernel.ReportKernel` started ahead for the execution, or None (a fresh one).
    kernel: Any = None


Backend = Callable[[RenderJob], dict[str, dict[str, Path]]]


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
        for fmt, path in files.items():
            finish_or_check(job, profile, fmt, path)


def finish_or_check(job: RenderJob, profile: str, fmt: str, path: Path) -> None:
    """One staged output made ready to publish: a DOCX finished, an HTML page checked."""
    finish_staged_docx(job, profile, {fmt: path})
    check_html(job, profile, {fmt: path})


# --- checks of the HTML before it is published --------------------------------------------


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
