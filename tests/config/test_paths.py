"""The project folder: BAOCAO_ROOT, else the current folder or its parents (as git and Quarto
find theirs), else the checkout, else the folder of the virtual environment the package is
installed in (the Windows install)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from baocao.config.paths import ProjectPaths, is_project, project_root
from baocao.errors import BaocaoError

REPO = Path(__file__).resolve().parents[2]
PRINT_ROOT = (
    "from baocao.errors import BaocaoError\n"
    "from baocao.config.paths import project_root\n"
    "try:\n    print(project_root())\n"
    "except BaocaoError as error:\n    print('ERROR', error.message)\n"
)


def test_baocao_root_names_the_project(tmp_path, monkeypatch):
    (tmp_path / "config").mkdir()
    (tmp_path / "report.qmd").write_text("---\n---\n", encoding="utf-8")
    monkeypatch.setenv("BAOCAO_ROOT", str(tmp_path))
    assert project_root() == tmp_path.resolve()
    assert ProjectPaths.default().raw == tmp_path.resolve() / "data" / "raw"


def test_baocao_root_that_is_no_project_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("BAOCAO_ROOT", str(tmp_path))
    with pytest.raises(BaocaoError, match="không phải thư mục dự án"):
        project_root()


def test_the_checkout_is_the_project_when_installed_from_it(monkeypatch):
    monkeypatch.delenv("BAOCAO_ROOT", raising=False)
    assert project_root() == REPO
    assert is_project(REPO)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The package copied out of the checkout (as a wheel installs it) and a bare venv."""
    tmp = tmp_path_factory.mktemp("installed")
    site = tmp / "site"
    shutil.copytree(REPO / "src" / "baocao", site / "baocao")
    project = tmp / "D" / "baocao"
    (project / "config").mkdir(parents=True)
    (project / "report.qmd").write_text("---\n---\n", encoding="utf-8")
    venv.create(project / ".venv", with_pip=False)
    scripts = "Scripts" if os.name == "nt" else "bin"
    return site, project, project / ".venv" / scripts / Path(sys.executable).name


def _root_seen(python: Path, site: Path, cwd: Path, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "BAOCAO_ROOT"}
    done = subprocess.run(
        [str(python), "-c", PRINT_ROOT],
        cwd=cwd,
        env={**environment, "PYTHONPATH": str(site), **env},
        capture_output=True,
        encoding="utf-8",
        check=True,
    )
    return done.stdout.strip()


def test_a_package_installed_in_the_projects_venv_finds_the_project(installed, tmp_path):
    site, project, python = installed
    assert _root_seen(python, site, cwd=tmp_path) == str(project.resolve())


def test_without_a_project_the_message_says_how_to_name_one(installed, tmp_path):
    site, _, _ = installed
    base_python = Path(getattr(sys, "_base_executable", sys.executable))  # outside any venv
    seen = _root_seen(base_python, site, cwd=tmp_path)
    assert seen.startswith("ERROR Không tìm thấy thư mục dự án baocao")
    assert "BAOCAO_ROOT" in seen
    # Every folder tried is named: the current one, its parents, the package's own place.
    assert f"  - {tmp_path.resolve()}\n" in seen and f"  - {tmp_path.resolve().parent}\n" in seen
    assert f"  - {site.resolve().parent}" in seen


def test_a_package_installed_elsewhere_finds_the_project_from_inside_it(installed):
    """A wheel installed in a virtual environment outside the project (here: the package
    copied to a folder of its own, run by a Python of no venv), run from a sub-folder of the
    project: the project is the nearest parent that is one, as for git or Quarto."""
    site, project, _ = installed
    base_python = Path(getattr(sys, "_base_executable", sys.executable))
    inside = project / "data" / "raw"
    inside.mkdir(parents=True, exist_ok=True)
    assert _root_seen(base_python, site, cwd=inside) == str(project.resolve())
    assert _root_seen(base_python, site, cwd=project) == str(project.resolve())
