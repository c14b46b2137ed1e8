"""Shared fixtures: the real configuration of the project, and tiny workbooks built with openpyxl."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from baocao.config.catalog import load_catalogue
from baocao.config.paths import ProjectPaths
from baocao.config.units import load_units

REPO = Path(__file__).resolve().parents[1]

# Tests of Quarto: CI installs it (.ci/run, ../shared/tools/install-quarto.sh); without it on
# PATH they skip, and the built-in backend's tests run either way.
requires_quarto = pytest.mark.skipif(
    shutil.which("quarto") is None,
    reason="không có chương trình quarto trên PATH (quarto binary not on PATH)",
)


# Every render that does not ask for Quarto uses the built-in backend, Quarto on PATH or not
# (subprocesses inherit it): Quarto's renders are few and shared (tests/report/quarto_renders.py)
# to keep the suite within its 10 minutes. BAOCAO_BACKEND=quarto runs all of them with Quarto.
os.environ.setdefault("BAOCAO_BACKEND", "builtin")
# The console's width is read from COLUMNS when the console is made (cli_console, at import):
# pytest-xdist's workers (`make test` runs two) inherit COLUMNS=80, which would fix every
# command's output at 80 columns. Tests that read a wide table give the width themselves
# (CliRunner's env, a subprocess's env); without it the console is 80 wide as in a pipe.
os.environ.pop("COLUMNS", None)
os.environ.pop("LINES", None)
# LibreOffice's PDF of the DOCX to sign costs a few seconds per render: the end-to-end runs
# (tests/test_pipeline*.py) and the tests of the PDF ask for it (BAOCAO_PDF=1), the others not.
os.environ.setdefault("BAOCAO_PDF", "0")


@pytest.fixture(scope="session")
def backend_renders(tmp_path_factory):
    """(paths, {backend: RenderResult}): a copy of the project rendered once per backend, both
    profiles (tests/report/quarto_renders.py); shared by the Quarto tests."""
    from quarto_renders import render_backends

    return render_backends(tmp_path_factory.mktemp("backends"))


@pytest.fixture(scope="session")
def plain_quarto(backend_renders):
    """Quarto's own `quarto render report.qmd -P period:2021-H1 --profile internal` in the
    same copy of the project, after `backend_renders`: (paths, completed process)."""
    from quarto_renders import plain_quarto_render

    paths, _ = backend_renders
    return paths, plain_quarto_render(paths.root, "--profile", "internal")


@pytest.fixture(scope="session")
def project() -> ProjectPaths:
    return ProjectPaths.default()


@pytest.fixture(scope="session")
def paths(project) -> ProjectPaths:
    return project


@pytest.fixture(scope="session")
def catalogue(project):
    return load_catalogue(project.config)


@pytest.fixture(scope="session")
def units_2021(project):
    return load_units(project.config).for_period("2021-H1")


def write_workbook(
    path: Path,
    rows: list[list],
    *,
    sheet: str = "Số liệu",
    columns: tuple[str, ...] | None = None,
    header_at: int = 1,
    info: dict[str, str] | None = None,
    models: list[list] | None = None,
) -> Path:
    """A small real .xlsx: `rows` under a header row (1-based `header_at`) of `columns`."""
    from openpyxl import Workbook

    from baocao.intake import layout

    workbook = Workbook()
    data = workbook.active
    data.title = sheet
    data.cell(row=1, column=1, value=layout.TITLE_DATA) if header_at > 1 else None
    for c, name in enumerate(columns or layout.DATA_COLUMNS, start=1):
        data.cell(row=header_at, column=c, value=name)
    for r, row in enumerate(rows, start=header_at + 1):
        for c, value in enumerate(row, start=1):
            data.cell(row=r, column=c, value=value)
    if models is not None:
        sheet_models = workbook.create_sheet(layout.SHEET_MODELS)
        sheet_models.append(list(layout.MODEL_COLUMNS))
        for row in models:
            sheet_models.append(row)
    if info is not None:
        sheet_info = workbook.create_sheet(layout.SHEET_INFO)
        for key, value in info.items():
            sheet_info.append([layout.INFO_FIELDS[key], value])
    workbook.save(path)
    return path


def project_copy(base: Path, period: str, files: tuple[str, ...] = ()) -> ProjectPaths:
    """A project of its own under `base`: config, notebooks, report.qmd and requirements.lock
    copied into `base/root`, the sample `files` of `period` into `base/raw/<period>` (made
    even when empty), processed data and outputs under `base`."""
    root = base / "root"
    for folder in ("config", "notebooks"):
        shutil.copytree(REPO / folder, root / folder)
    for name in ("report.qmd", "requirements.lock"):
        shutil.copy(REPO / name, root / name)
    raw = base / "raw" / period
    raw.mkdir(parents=True)
    for name in files:
        shutil.copy(REPO / "data" / "raw" / period / name, raw / name)
    return ProjectPaths(
        root=root, raw=base / "raw", processed=base / "processed", output=base / "out"
    )


@pytest.fixture(scope="session")
def public_page_renders(tmp_path_factory):
    """period -> (paths, page): the period's public page with its sample figures, models and a
    complete narrative (tests/report/public_render.py), rendered on first use, once a session."""
    from public_render import render_public_page

    rendered = {}

    def page(period: str):
        if period not in rendered:
            rendered[period] = render_public_page(tmp_path_factory.mktemp(period), period)
        return rendered[period]

    return page


def cli_output(paths: ProjectPaths, *args: str) -> str:
    """`baocao <args>` through typer's CliRunner on the project `paths`, wide enough that
    no table wraps; its output (the command must succeed)."""
    from typer.testing import CliRunner

    from baocao.cli import app

    env = {
        "COLUMNS": "250",
        "BAOCAO_ROOT": str(paths.root),
        "BAOCAO_RAW_DIR": str(paths.raw),
        "BAOCAO_PROCESSED_DIR": str(paths.processed),
        "BAOCAO_OUTPUT_DIR": str(paths.output),
    }
    done = CliRunner(env=env).invoke(app, list(args))
    assert done.exit_code == 0, done.output
    return done.output
