"""A render job, what a backend returns, and how its staged outputs get into place.

What enters: the period, profiles, project paths and overrides of a render, gathered by
`render.render_reports` into a `RenderJob`; then each backend's staged files, one per profile
and format, written under temporary names in the output folder. What leaves: the files
finished and checked as their format's entry in the registry says (`formats`: the DOCX put into
the official layout by `docx.finish`; the HTML checked by `review.html_check`: every resource
inside the file, `lang` declared, and for the public profile no notebook link, nothing marked
internal and no placeholder — otherwise `BaocaoError` and the previous page stays) and moved to their final names with `os.replace` once all of them are
finished and checked, so an interrupted run leaves the previous report whole. A format derived
from a finished file (the PDF, from the finished DOCX) is staged the same way, made while the
render's other conversions go on (`Derivations`), checked, and published with the rest.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from baocao.base.files import temporary_beside
from baocao.config.paths import ProjectPaths
from baocao.report.render.formats import OutputFormat, derived_formats, ready_to_publish
from baocao.report.render.output_files import output_names  # noqa: F401  (re-exported)


@dataclass(frozen=True)
class RenderResult:
    backend: str
    files: dict[str, dict[str, Path]]  # profile -> format ("docx", "html": formats) -> file
    seconds: float
    # Where the time went: "execute" (the report's code, once) and "convert" (every output).
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def outputs(self) -> dict[str, Path]:
        """Format -> file of a render of one profile (ValueError when there were several)."""
        (files,) = self.files.values()
        return files


@dataclass(frozen=True)
class RenderJob:
    """Everything a backend needs; backends return {profile: {format: finished file}}."""

    period: str
    profiles: tuple[str, ...]
    paths: ProjectPaths
    out_dir: Path
    names: dict[str, dict[str, str]]  # profile -> format -> output file name
    title: str
    parameters: dict[str, str] = field(default_factory=dict)
    # Values that replace config/report.yml in the DOCX (docx.finish.OVERRIDE_KEYS).
    overrides: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # filled by the backend
    # A `render.kernel.ReportKernel` started ahead for the execution, or None (a fresh one).
    kernel: Any = None


Backend = Callable[[RenderJob], dict[str, dict[str, Path]]]


# --- writing outputs atomically ------------------------------------------------------------


def temporary_output(out_dir: Path, name: str) -> Path:
    """A temporary path beside the output `name` in `out_dir`, to stage it before `publish`."""
    return temporary_beside(out_dir / name)


def publish(
    staged: dict[str, dict[str, Path]], out_dir: Path, names: dict[str, dict[str, str]]
) -> dict[str, dict[str, Path]]:
    """Move every finished temporary file to its final name (each move is atomic)."""
    outputs: dict[str, dict[str, Path]] = {}
    for profile, files in staged.items():
        for fmt, tmp in files.items():
            final = out_dir / names[profile][fmt]
            os.replace(tmp, final)
            outputs.setdefault(profile, {})[fmt] = final
    return outputs


def finish_and_check(job: RenderJob, staged: dict[str, dict[str, Path]]) -> None:
    """Every staged output of every profile made ready to publish: each format's finishing and
    check from the registry (`formats.ready_to_publish`: a DOCX finished, an HTML page checked),
    and the formats derived from them made and checked, added to `staged` (the PDF)."""
    with Derivations(job) as derived:
        for profile, files in staged.items():
            for fmt, path in files.items():
                ready_to_publish(job, profile, fmt, path)
                derived.start(profile, fmt, path)
        for profile, files in derived.wait().items():
            staged.setdefault(profile, {}).update(files)


class Derivations:
    """The formats made from finished outputs (the PDF from the finished DOCX), each in a
    thread of its own, so LibreOffice runs while the render's other conversions go on.

    `start(profile, fmt, finished)` stages every format of `profile` derived from `fmt`
    (`formats.derived_formats`) beside its final name and makes it, then checks it
    (`formats.ready_to_publish`); `wait()` returns {profile: {format: staged file}} once all are
    made, or raises the first failure. Used as a context manager: on leaving, it waits for
    every program it started, and on failure removes what it staged. The seconds each derived
    format took go to `job.timings` under its name ("pdf")."""

    def __init__(self, job: RenderJob):
        self.job = job
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="derive")
        self.running: dict[Future, tuple[str, str, Path]] = {}

    def __enter__(self) -> Derivations:
        return self

    def __exit__(self, kind, error, trace) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        if error is not None:
            for _, _, target in self.running.values():
                target.unlink(missing_ok=True)

    def start(self, profile: str, fmt: str, finished: Path) -> None:
        for entry in derived_formats(fmt, self.job.names[profile]):
            target = temporary_output(self.job.out_dir, self.job.names[profile][entry.name])
            future = self.pool.submit(self._make, profile, entry, finished, target)
            self.running[future] = (profile, entry.name, target)

    def _make(self, profile: str, entry: OutputFormat, finished: Path, target: Path) -> None:
        started = time.perf_counter()
        entry.derive(self.job, profile, finished, target)
        ready_to_publish(self.job, profile, entry.name, target)
        self.job.timings[entry.name] = round(time.perf_counter() - started, 3)

    def wait(self) -> dict[str, dict[str, Path]]:
        made: dict[str, dict[str, Path]] = {}
        for future, (profile, fmt, target) in self.running.items():
            future.result()  # the first failure, as BaocaoError
            made.setdefault(profile, {})[fmt] = target
        return made
