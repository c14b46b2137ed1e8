"""Rendering `report.qmd` to DOCX and HTML, with Quarto or with the built-in renderer.

What enters: a period, the profiles asked for (`profiles`: official, internal, public), the project's
paths, the output folder, optionally a backend's name and overrides of `config/report.yml`.
What leaves: a `RenderResult` — the backend used, {profile: {format: file}} in the output
folder, and where the time went.

The report's code runs ONCE per render, whatever the formats and profiles asked for: it prints
the content that differs between profiles once per profile, inside Quarto's conditional content
(`.content-visible when-profile=…`, see `profiles`), and each output is converted from that one
executed notebook with its profile choosing what it keeps. Two interchangeable backends,
registered by name in `BACKENDS` like papermill's engines:

* `builtin` (`render.builtin`) — jupytext, papermill's parameters and nbclient execute the .qmd
  once (`render.execute`), pandoc writes each profile's DOCX and HTML from its outputs;
* `quarto` (`render.quarto`) — the same single execution, then `quarto render report.ipynb
  --to FMT --profile P` in a temporary Quarto project, without executing it again.

Both get the parameters `period`, `processed_dir`, `root` and `overrides`, the same reference
document (`docx.style.build_reference_docx`) and the same HTML settings (`_quarto.yml` merged
with `_quarto-<profile>.yml`, `quarto_config`); both stage their outputs, which are finished,
checked and moved into place together (`render.job`), so an interrupted run or a page that may
not be published leaves the previous report whole.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from baocao.config.paths import ProjectPaths
from baocao.config.periods import Period
from baocao.config.settings import load_report_settings
from baocao.errors import BaocaoError
from baocao.report.compose.titles import report_title
from baocao.report.render.backends import BACKEND_NAMES, choose_backend
from baocao.report.render.builtin import render_builtin
from baocao.report.render.job import Backend, RenderJob, RenderResult, output_names
from baocao.report.render.profiles import PROFILES
from baocao.report.render.quarto import render_quarto

BACKENDS: dict[str, Backend] = {"quarto": render_quarto, "builtin": render_builtin}
assert tuple(BACKENDS) == tuple(BACKEND_NAMES)


def render_reports(
    period: str,
    profiles: tuple[str, ...] | list[str],
    paths: ProjectPaths,
    out_dir: Path,
    backend: str | None = None,
    overrides: dict[str, Any] | None = None,
    kernel: Any = None,
) -> RenderResult:
    """Render `report.qmd` for a period into `out_dir`, every profile in `profiles` from one
    execution of its code; `overrides` replace values of config/report.yml for this run (keys
    in `settings.OVERRIDE_KEYS`); `kernel`, a `render.kernel.ReportKernel` started ahead, runs
    the execution (None: a fresh kernel). Raises BaocaoError with a message for the user."""
    period = str(Period.parse(period))
    profiles = tuple(dict.fromkeys(profiles))
    for profile in profiles:
        if profile not in PROFILES:
            raise BaocaoError(
                f"Bản báo cáo “{profile}” không có; hãy chọn official (văn bản để ký), "
                "internal (dự thảo rà soát nội bộ) hoặc public (trang công khai)."
            )
    if not profiles:
        raise BaocaoError("Chưa chọn bản báo cáo nào để lập (official, internal hoặc public).")
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
        kernel=kernel,
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
