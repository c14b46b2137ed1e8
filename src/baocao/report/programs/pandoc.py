"""The pandoc binary bundled with `pypandoc-binary`, run directly and within bounds.

pypandoc's `convert_file` starts pandoc three times per conversion (twice to list its formats,
once to convert); for the review pages, one per unit, the two extra starts cost as much as the
page. `run_pandoc` starts the binary pypandoc found, once, with a heap and a time bound
(`external.pandoc_bound`); its failure is an `ExternalError` in Vietnamese.
"""

from __future__ import annotations

import errno
import os
from functools import cache

from baocao.errors import KEPT, BaocaoError, os_failure_message
from baocao.report.programs.external import (
    NO_WINDOW,
    Bound,
    ExternalError,
    pandoc_bound,
    run_bounded,
)

__all__ = ["NO_WINDOW", "pandoc_path", "run_pandoc"]


@cache
def pandoc_path() -> str:
    """The pandoc executable (pypandoc's bundled one, else one on PATH). OSError if none."""
    import pypandoc

    return pypandoc.get_pandoc_path()


def run_pandoc(
    source: str,
    target: str,
    *,
    from_format: str,
    to: str,
    args: list[str],
    document: str = "",
    bound: Bound | None = None,
) -> None:
    """Convert file `source` (`from_format`) to file `target` (`to`) with pandoc's `args`,
    within `bound` (default `pandoc_bound()`). `document` names what is made, for messages
    ("báo cáo DOCX"). Raises `ExternalError` (Vietnamese) when pandoc cannot start, runs out of
    memory or time, or fails; a `BaocaoError` naming the disk when it is full."""
    try:
        executable = pandoc_path()
    except OSError:
        executable = "pandoc"  # run_bounded then fails to start it, in Vietnamese
    command = [executable, source, "--from", from_format, "--to", to, "--output", target]
    try:
        run_bounded(
            command + args,
            program="pandoc",
            document=document or f"tệp {to.upper()}",
            bound=bound or pandoc_bound(),
            ghc=True,
        )
    except ExternalError as exc:
        if "No space left on device" in exc.detail:  # the disk, not the document: say so
            full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), target)
            raise BaocaoError(f"{os_failure_message(full)} {KEPT}") from None
        raise
