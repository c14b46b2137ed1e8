"""The Quarto backend: the executed report rendered by `quarto render`, once per format and profile.

What enters: a `RenderJob`. What leaves: {profile: {format: finished file}}, published in the
output folder (`render.job`). The single execution (`render.execute`) gives an executed
`report.ipynb`, placed in a temporary Quarto project (copies of `_quarto*.yml`, their file paths
made absolute); `quarto render report.ipynb --to FMT --profile P` converts it without executing
it again (Quarto does not execute an .ipynb unless told to). Quarto's own files (`.quarto/`, its
.gitignore line) therefore land in the temporary project, never in the user's folder. Raises
`BaocaoError` when quarto is missing or fails (with the end of its messages).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from baocao.errors import BaocaoError
from baocao.report.docx.style import build_reference_docx
from baocao.report.programs.external import external_bound, run_bounded
from baocao.report.render.execute import KERNEL, execute_report
from baocao.report.render.formats import REGISTRY, ready_to_publish
from baocao.report.render.job import Derivations, RenderJob, publish
from baocao.report.render.profiles import PROFILE_NAMES
from baocao.report.render.quarto_config import ASSETS, QUARTO_CONFIG, read_quarto_yaml

QUARTO_TIMEOUT = 1800  # seconds per `quarto render`


QUARTO_NOTEBOOK = "report.ipynb"  # the executed report, in the temporary Quarto project


# Project keys that name the user's folder or run the user's scripts.
_QUARTO_OWN = ("output-dir", "render", "pre-render", "post-render")


def _absolute_files(value: Any, root: Path) -> Any:
    """A Quarto setting with every relative path of a project file made absolute, so the
    settings mean the same from the temporary project; a file the project lacks is taken from
    the package's assets, as the built-in backend does (`quarto_config.pandoc_html_args`)."""
    if isinstance(value, dict):
        return {key: _absolute_files(item, root) for key, item in value.items()}
    if isinstance(value, list):
        return [_absolute_files(item, root) for item in value]
    if isinstance(value, str) and value and not Path(value).is_absolute():
        candidate = Path(root) / value
        if candidate.suffix:
            for path in (candidate, ASSETS / candidate.name):
                if path.is_file():
                    return path.resolve().as_posix()
    return value


def quarto_project(root: Path, project: Path, reference: Path) -> None:
    """Write the temporary Quarto project's settings: `_quarto.yml` and every
    `_quarto-<profile>.yml` of `root`, their file paths made absolute, the project's own
    folder, scripts and render list replaced (the outputs stay beside the notebook, no
    pre-render or post-render script runs, the executed notebook is the one file to render),
    `reference` as the DOCX's reference document."""
    for source in sorted(Path(root).glob("_quarto*.yml")):
        config = _absolute_files(read_quarto_yaml(source), root)
        settings = config.get("project")
        if isinstance(settings, dict):
            for key in _QUARTO_OWN:
                settings.pop(key, None)
        formats = config.get("format")
        if isinstance(formats, dict) and isinstance(formats.get("docx"), dict):
            formats["docx"]["reference-doc"] = reference.name
        if source.name == QUARTO_CONFIG:
            # Named, not found: Quarto's search for a project's files skips every path with a
            # hidden folder in it (the staging folder is one), and a file outside the project's
            # files is rendered without the project's settings (no embed-resources, no toc).
            config.setdefault("project", {})["render"] = [QUARTO_NOTEBOOK]
            docx = config.setdefault("format", {}).setdefault("docx", {}) or {}
            config["format"]["docx"] = {**docx, "reference-doc": reference.name}
        text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
        (project / source.name).write_text(text, encoding="utf-8")


def quarto_notebook(nb):
    """The executed notebook as Quarto reads it: its kernel named, and the cells without the
    metadata the execution keeps for its error messages (`baocao_*`: Quarto writes a cell's
    metadata into the page as attributes of the cell, and a cell's code there, with its quotes
    and backticks, breaks the markdown around it)."""
    nb.metadata["kernelspec"] = {"name": KERNEL, "language": "python", "display_name": KERNEL}
    for cell in nb.cells:
        for key in [k for k in cell.metadata if k.startswith("baocao_")]:
            del cell.metadata[key]
    return nb


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
        REGISTRY[fmt].quarto_to or fmt,
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
        nbformat.write(quarto_notebook(nb), str(project / QUARTO_NOTEBOOK))
        reference = build_reference_docx(project / "reference.docx")
        quarto_project(job.paths.root, project, reference)
        env = {**os.environ, "QUARTO_PYTHON": sys.executable}
        env.pop("QUARTO_PROFILE", None)
        staged: dict[str, dict[str, Path]] = {}
        with Derivations(job) as derived:
            for profile in job.profiles:
                for fmt, name in job.names[profile].items():
                    if REGISTRY[fmt].derived_from:
                        continue  # made from a finished output (render.job.Derivations)
                    run_bounded(  # memory and time bound (external.py); Vietnamese on failure
                        quarto_command(quarto, job, profile, fmt),
                        program="Quarto",
                        document=f"báo cáo {fmt.upper()} ({PROFILE_NAMES.get(profile, profile)})",
                        bound=external_bound(QUARTO_TIMEOUT),
                        cwd=project,
                        env=env,
                    )
                    # Finished and checked at once: LibreOffice makes the PDF of the finished
                    # DOCX while Quarto renders the next output.
                    staged.setdefault(profile, {})[fmt] = project / name
                    ready_to_publish(job, profile, fmt, project / name)
                    derived.start(profile, fmt, project / name)
            for profile, files in derived.wait().items():
                staged[profile].update(files)
        job.timings["convert"] = round(time.perf_counter() - started, 3)
        return publish(staged, job.out_dir, job.names)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
