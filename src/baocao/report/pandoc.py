"""The pandoc binary bundled with `pypandoc-binary`, run directly.

pypandoc's `convert_file` starts pandoc three times per conversion (twice to list its formats,
once to convert); for the review pages, one per unit, the two extra starts cost as much as the
page. `run_pandoc` starts the binary pypandoc found, once.
"""

from __future__ import annotations

import errno
import os
import subprocess
from functools import cache

from baocao.errors import KEPT, BaocaoError, os_failure_message

TIMEOUT = 600  # seconds: the largest report converts in a few
# On Windows, no console window flashes up for each pandoc (as pypandoc does it).
NO_WINDOW = getattr(subprocess, "CREATE_NO_WINDOW", 0)


@cache
def pandoc_path() -> str:
    """The pandoc executable (pypandoc's bundled one, else one on PATH). OSError if none."""
    import pypandoc

    return pypandoc.get_pandoc_path()


def run_pandoc(source: str, target: str, *, from_format: str, to: str, args: list[str]) -> None:
    """Convert file `source` (`from_format`) to file `target` (`to`) with pandoc's `args`.
    Raises RuntimeError with pandoc's own message when it fails, OSError when it cannot start."""
    command = [pandoc_path(), source, "--from", from_format, "--to", to, "--output", target]
    done = subprocess.run(
        command + args,
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
        creationflags=NO_WINDOW,
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        if "No space left on device" in message:  # the disk, not the document: say so
            full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), target)
            raise BaocaoError(f"{os_failure_message(full)} {KEPT}")
        raise RuntimeError(message or f"pandoc dừng với mã {done.returncode}")
