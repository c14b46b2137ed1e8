"""A run's own temporary folder, and what runs that were killed left in theirs.

Everything a run puts in the system's temporary folder goes into one folder of its own,
`<tmp>/baocao-run-<process number>-<random>/`: the kernels' connection files (jupyter_client
makes them with `tempfile`), the report's build folder, the review pages' conversions, and
what the programs it starts (kernels, pandoc, LibreOffice) write there, since they inherit
`TMPDIR`/`TEMP`/`TMP`. The folder goes when the run ends. A run killed outright (`kill -9`, a
power cut) cannot remove it: the next run on the same machine removes every such folder whose
process is gone. Without this, each killed run left its kernels' connection files (each with
the kernel's key) and up to a megabyte of build files in the system's temporary folder for
ever.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PREFIX = "baocao-run-"
_NAME = re.compile(rf"{PREFIX}(\d+)-")
# What programs read to find the temporary folder (POSIX, then Windows).
VARIABLES = ("TMPDIR", "TEMP", "TMP")


def abandoned(folder: Path) -> list[Path]:
    """The run folders in `folder` (the system's temporary folder) whose process is gone."""
    import psutil

    found = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return []
    for entry in entries:
        match = _NAME.match(entry.name)
        if match and entry.is_dir() and not entry.is_symlink():
            pid = int(match.group(1))
            if pid != os.getpid() and not psutil.pid_exists(pid):
                found.append(entry)
    return found


@contextmanager
def run_scratch() -> Iterator[Path]:
    """Make the run's temporary folder the process's (`tempfile.tempdir` and the variables
    children read) for the duration of the block, after removing the folders of runs that
    are gone; on exit the folder is removed and the previous settings come back. Removal is
    best effort: a folder a program still holds is left to a later run."""
    system = Path(tempfile.gettempdir())
    for folder in abandoned(system):
        shutil.rmtree(folder, ignore_errors=True)
    scratch = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=system))
    saved_tempdir = tempfile.tempdir
    saved = {name: os.environ.get(name) for name in VARIABLES}
    tempfile.tempdir = str(scratch)
    os.environ.update({name: str(scratch) for name in VARIABLES})
    try:
        yield scratch
    finally:
        tempfile.tempdir = saved_tempdir
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(scratch, ignore_errors=True)
