"""Write requirements-runtime.lock: the pins of requirements.lock that `baocao` itself needs.

The office PC installs baocao without its [dev] extras, so the offline wheelhouse holds the
runtime closure only: baocao's [project] dependencies and, recursively, what each of them
requires, with environment markers evaluated for Linux and for Windows (colorama, for one, is
Windows-only). Versions come from requirements.lock; the dependency edges from the metadata of
the packages installed in the running environment (`make env` installs the whole lock).
Usage: python .ci/runtime_lock.py [--check]   (--check: fail if the committed file is stale)
"""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
RUNTIME = ROOT / "requirements-runtime.lock"
HEADER = (
    "# Runtime pins: the part of requirements.lock that `baocao` needs without its [dev] extras\n"
    "# (the offline wheelhouse). Derived by .ci/runtime_lock.py; regenerate with: make lock\n"
)
# The platforms the office PCs and CI run on, as marker environments.
PLATFORMS = {
    "linux": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"},
    "win32": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"},
}


def read_lock(path: Path) -> dict[str, str]:
    """Canonical name -> the lock's line for it (`name==version` with any marker)."""
    lines = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            lines[canonicalize_name(Requirement(line).name)] = line.strip()
    return lines


def requires(name: str) -> list[str]:
    """The Requires-Dist lines of an installed distribution ([] when it is not installed here)."""
    try:
        return metadata.requires(name) or []
    except metadata.PackageNotFoundError:
        return []


def closure(roots: list[str]) -> set[str]:
    """Canonical names needed by `roots` on any of PLATFORMS (Python 3.11, no extras asked)."""
    python = {"python_version": "3.11", "python_full_version": "3.11.9"}
    environments = [{**default_environment(), **python, **p} for p in PLATFORMS.values()]
    wanted: dict[str, set[str]] = {}  # name -> extras asked of it
    todo = [Requirement(r) for r in roots]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        extras = set(requirement.extras)
        if name in wanted and extras <= wanted[name]:
            continue
        wanted.setdefault(name, set()).update(extras)
        for line in requires(name):
            child = Requirement(line)
            asked = [""] + sorted(wanted[name])
            if child.marker is None or any(
                child.marker.evaluate({**env, "extra": extra})
                for env in environments
                for extra in asked
            ):
                todo.append(child)
    return set(wanted)


def runtime_lines() -> list[str]:
    """The lock's lines for the runtime closure, sorted as the lock is; KeyError names a gap."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    lock = read_lock(LOCK)
    names = closure(pyproject["project"]["dependencies"])
    missing = sorted(names - lock.keys())
    if missing:
        raise SystemExit(f"requirements.lock pins no version of: {', '.join(missing)}")
    return [line for name, line in lock.items() if name in names]


def main() -> int:
    text = HEADER + "\n".join(runtime_lines()) + "\n"
    if "--check" in sys.argv[1:]:
        if not RUNTIME.exists() or RUNTIME.read_text(encoding="utf-8") != text:
            print(f"{RUNTIME.name} is stale: run `make lock`", file=sys.stderr)
            return 1
        return 0
    RUNTIME.write_text(text, encoding="utf-8")
    print(f"wrote {RUNTIME.name}: {len(text.splitlines()) - 2} packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
