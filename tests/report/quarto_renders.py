"""The renders the Quarto tests share (Quarto's runs are the slow part of the suite).

`project_copy` makes a copy of the project (configuration, report.qmd counting its own
executions, the `_quarto*.yml` settings and the assets they name) with the 2021-H1 figures of
tests/report/test_render.py processed into its `data/processed/`. `render_backends` renders
it once per backend, both profiles; `plain_quarto_render` runs Quarto's own `quarto render
report.qmd -P period:…` in it, as a Quarto user would. The session fixtures of tests/conftest.py
call these once for all the tests that read them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from test_render import PERIOD, SOURCE, write_processed

import baocao
from baocao.config.paths import ProjectPaths
from baocao.report.render import reports as render
from baocao.report.render.profiles import PROFILES

COUNTING = (
    "\n```{python}\n#| output: false\n"
    "with open(Path(processed_dir) / 'executions.txt', 'a', encoding='utf-8') as log:\n"
    "    log.write('x')\n```\n"
)
ASSETS = Path("src") / "baocao" / "report" / "assets"


def project_copy(tmp: Path, processed: bool = False) -> ProjectPaths:
    """A copy of the project whose report.qmd also counts its own executions in a file (in
    `processed_dir`; under a plain `quarto render`, where it is "", in the project folder)."""
    root = tmp / "root"
    shutil.copytree(SOURCE.config, root / "config")
    shutil.copytree(SOURCE.root / ASSETS, root / ASSETS)  # named by _quarto.yml
    shutil.copy(SOURCE.report_source, root / "report.qmd")
    for settings in SOURCE.root.glob("_quarto*.yml"):
        shutil.copy(settings, root / settings.name)
    if (SOURCE.root / "narrative").is_dir():
        shutil.copytree(SOURCE.root / "narrative", root / "narrative")
    with open(root / "report.qmd", "a", encoding="utf-8") as report:
        report.write(COUNTING)
    paths = ProjectPaths(
        root=root, raw=tmp / "raw", processed=root / "data" / "processed", output=tmp / "o"
    )
    if processed:
        write_processed(paths.processed)
    return paths


def render_backends(tmp: Path) -> tuple[ProjectPaths, dict[str, render.RenderResult]]:
    """The copy rendered by `baocao run`'s render, every profile, once with each backend."""
    paths = project_copy(tmp, processed=True)
    results = {
        backend: render.render_reports(PERIOD, PROFILES, paths, tmp / backend, backend=backend)
        for backend in ("builtin", "quarto")
    }
    return paths, results


def plain_quarto_render(root: Path, *args: str) -> subprocess.CompletedProcess:
    """`quarto render report.qmd -P period:2021-H1 ARGS` in the project folder `root`, with
    QUARTO_PYTHON naming this Python (as the README asks) and no BAOCAO_* folder set: the
    report and the project's scripts find the project from their working folder."""
    folders = ("BAOCAO_ROOT", "BAOCAO_RAW_DIR", "BAOCAO_PROCESSED_DIR", "BAOCAO_OUTPUT_DIR")
    env = {k: v for k, v in os.environ.items() if k not in (*folders, "QUARTO_PROFILE")}
    source = str(Path(baocao.__file__).resolve().parents[1])  # this checkout's package
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (source, env.get("PYTHONPATH"))))
    env["QUARTO_PYTHON"] = sys.executable
    return subprocess.run(
        ["quarto", "render", "report.qmd", "-P", f"period:{PERIOD}", *args],
        cwd=root,
        env=env,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=900,
        check=False,
    )
