"""A run's own temporary folder (run.scratch): real folders in a real temporary folder."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from baocao.run.scratch import PREFIX, VARIABLES, run_scratch


def test_a_run_folder_is_the_temporary_folder_while_it_runs_and_goes_after(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    dead = tmp_path / f"{PREFIX}{int(gone.stdout)}-abc"
    (dead / "sub").mkdir(parents=True)
    (dead / "tmpkernel.json").write_text("{}", encoding="utf-8")
    alive = tmp_path / f"{PREFIX}{os.getppid()}-def"  # a run still going: kept
    alive.mkdir()
    other = tmp_path / "someone-elses"
    other.mkdir()
    with run_scratch() as scratch:
        assert scratch.parent == tmp_path and scratch.name.startswith(f"{PREFIX}{os.getpid()}-")
        assert tempfile.gettempdir() == str(scratch)
        assert all(os.environ[name] == str(scratch) for name in VARIABLES)
        assert not dead.exists() and alive.is_dir() and other.is_dir()
        (scratch / "left.json").write_text("{}", encoding="utf-8")
    assert not scratch.exists()
    assert tempfile.gettempdir() == str(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, other.name])
