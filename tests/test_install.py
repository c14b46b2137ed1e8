"""The offline install's inputs: the runtime pins and the wheelhouse's platform tags.

The office PC installs baocao without its [dev] test tools from a wheelhouse of wheels only
(.ci/wheelhouse.py, `make wheelhouse`; `make offline-check` installs from one with --no-index).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / ".ci" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pins(path: Path) -> dict[str, Requirement]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [Requirement(line) for line in lines if line.strip() and not line.startswith("#")]
    return {canonicalize_name(r.name): r for r in found}


def test_runtime_pins_are_derived_from_the_current_lock():
    completed = subprocess.run(
        [sys.executable, str(REPO / ".ci" / "runtime_lock.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr


def test_runtime_pins_hold_no_test_tool_and_the_windows_only_packages():
    runtime = pins(REPO / "requirements-runtime.lock")
    lock = pins(REPO / "requirements.lock")
    # odfpy is published as an sdist only: in the wheelhouse it stopped `pip download`.
    for dev_only in ("odfpy", "pytest", "hypothesis", "ruff", "xlwt", "msoffcrypto-tool"):
        assert dev_only not in runtime
    assert "colorama" in runtime and str(runtime["colorama"].marker) == 'sys_platform == "win32"'
    for name in ("pandas", "great-expectations", "python-docx", "filelock", "cffi", "tzdata"):
        assert name in runtime
    for name, requirement in runtime.items():
        assert str(requirement.specifier) == str(lock[name].specifier), name


def test_wheelhouse_asks_for_every_manylinux_tag_of_a_2014_wheel():
    # cffi 2.1.1's Linux wheel is tagged manylinux2014_x86_64.manylinux_2_17_x86_64: pip takes
    # one --platform per acceptable tag, so asking for manylinux_2_28 alone found nothing.
    linux = load("wheelhouse").PLATFORMS["Linux"]
    assert {"manylinux2014_x86_64", "manylinux_2_17_x86_64", "manylinux_2_28_x86_64"} <= set(linux)
    assert load("wheelhouse").PLATFORMS["Windows"] == ["win_amd64"]
