"""`quarto render` in the project folder, finished and checked as `baocao run` finishes its own.

What enters: Quarto's own render of the project, `quarto render report.qmd -P period:2026-H1
--to docx` (the document to sign; `--profile internal` for the review draft, `--profile public`
for the published page), which executes report.qmd with Quarto's Jupyter engine into
`_output/report.docx` and `_output/report.html`. Around it, the project's scripts
(`_quarto.yml`: `project: pre-render / post-render`, run by Quarto through
`assets/quarto_script.py`, which finds the Python that has baocao):

* `pre_render`: the reference DOCX at `_output/reference.docx` (the `reference-doc` of
  `_quarto-official.yml` and `_quarto-internal.yml`), the record of an earlier render removed;
* while executing, report.qmd records its parameters (`note_quarto_render`) in
  `.quarto/baocao-render.json`: the period and folders the next step needs;
* `post_render`: each output finished (the DOCX put into the official layout) and checked (the
  HTML self-contained, the public page without internal content) exactly as `baocao run` does
  (`render.job.finish_and_check`), then moved to `_output/<kỳ>/` under `baocao run`'s names. A
  page refused is removed and the previous report stays; an output of a format the profile does
  not write (the official profile's HTML, when `--to` named no format) is removed and said.

What leaves: the published files, or `BaocaoError`; `main` prints its message in Vietnamese
and exits 1, and Quarto then reports that the render failed.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from baocao.errors import BaocaoError
from baocao.report.render.formats import REGISTRY
from baocao.report.render.output_files import output_names
from baocao.report.render.profiles import PROFILE_NAMES, PROFILES
from baocao.report.render.quarto_config import QUARTO_REFERENCE_DOC

# What report.qmd records when Quarto itself executes it, relative to the project folder
# (Quarto's own scratch folder, which .gitignore already leaves out).
RECORD = Path(".quarto") / "baocao-render.json"

STEPS = ("pre-render", "post-render")


def note_quarto_render(period: str, processed_dir: str, root: str, overrides: str) -> Path | None:
    """Record report.qmd's parameters for the post-render step, when Quarto itself executes
    the report (Quarto sets QUARTO_PROJECT_ROOT for the kernel); under `baocao run`, nothing.
    Returns the record's path, or None."""
    project = os.environ.get("QUARTO_PROJECT_ROOT")
    if not project:
        return None
    record = Path(project) / RECORD
    record.parent.mkdir(parents=True, exist_ok=True)
    values = {"period": period, "processed_dir": processed_dir, "root": root}
    record.write_text(
        json.dumps({**values, "overrides": overrides}, ensure_ascii=False), encoding="utf-8"
    )
    return record


def pre_render(root: Path) -> Path:
    """Before Quarto renders: the reference DOCX where the profiles' files name it, the
    record of an earlier render removed. Returns the reference document's path."""
    from baocao.report.docx.style import build_reference_docx

    (Path(root) / RECORD).unlink(missing_ok=True)
    reference = Path(root) / QUARTO_REFERENCE_DOC
    reference.parent.mkdir(parents=True, exist_ok=True)
    return build_reference_docx(reference)


def active_profile(active: str) -> str:
    """The report's profile among Quarto's active profiles (QUARTO_PROFILE: "internal",
    "public,other"…); none of them means Quarto's default, the first of the group."""
    named = [p for p in (part.strip() for part in active.split(",")) if p in PROFILES]
    if len(set(named)) > 1:
        raise BaocaoError(
            f"Chỉ lập được một bản báo cáo mỗi lần: Quarto đang dùng cả {' và '.join(named)} "
            "(--profile). Hãy chọn một: --profile official, --profile internal hoặc "
            "--profile public."
        )
    return named[0] if named else PROFILES[0]


def _read_record(root: Path) -> dict[str, Any]:
    path = Path(root) / RECORD
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = None
    if not isinstance(record, dict) or not record.get("period"):
        raise BaocaoError(
            "Không biết báo cáo vừa lập là của kỳ nào: report.qmd chưa được chạy trong lần "
            "quarto render này. Hãy lập lại báo cáo, có chạy mã, ví dụ: quarto render "
            "report.qmd -P period:2026-H1."
        )
    return record


def _output_files(listed: str) -> list[str]:
    """Quarto's list of the render's outputs, one path a line (QUARTO_PROJECT_OUTPUT_FILES, or
    the file named by QUARTO_USE_FILE_FOR_PROJECT_OUTPUT_FILES)."""
    spill = os.environ.get("QUARTO_USE_FILE_FOR_PROJECT_OUTPUT_FILES")
    if spill and Path(spill).is_file():
        listed = Path(spill).read_text(encoding="utf-8")
    return [line.strip() for line in listed.splitlines() if line.strip()]


def post_render(
    root: Path, outputs: list[str], active: str, said: list[str] | None = None
) -> dict[str, Path]:
    """After Quarto renders: every DOCX and HTML among `outputs` (paths relative to `root`)
    finished, checked and moved into the period's output folder under `baocao run`'s names;
    an output of a format the profile does not write is removed, and `said` gets a line about
    it. Returns {format: published file}. Raises BaocaoError (the outputs removed, the previous
    report kept) when a page may not be published or the render is not a period's report."""
    from baocao.report.compose.data import resolve_paths
    from baocao.report.compose.titles import report_title
    from baocao.report.render.job import RenderJob, finish_and_check, publish, temporary_output

    root = Path(root)
    files = [root / name for name in outputs]
    files = [f for f in files if f.suffix.lstrip(".").lower() in REGISTRY and f.is_file()]
    if not files:
        return {}
    profile = active_profile(active)
    staged: dict[str, Path] = {}
    try:
        record = _read_record(root)
        period = str(record["period"])
        names = output_names(period, profile)
        unwanted = [f for f in files if f.suffix.lstrip(".").lower() not in names]
        for file in unwanted:
            file.unlink(missing_ok=True)
            kinds = ", ".join(REGISTRY[fmt].label for fmt in names)
            (said if said is not None else []).append(
                f"Không xuất bản {file.name}: {PROFILE_NAMES[profile]} chỉ có {kinds}."
            )
        files = [f for f in files if f not in unwanted]
        if not files:
            return {}
        # The project Quarto rendered (its output-dir, _output, holds the period's folder).
        paths = resolve_paths(record.get("root") or root, record.get("processed_dir") or "")
        out_dir = paths.output_period(period)
        out_dir.mkdir(parents=True, exist_ok=True)
        for file in files:
            fmt = file.suffix.lstrip(".").lower()
            staged[fmt] = temporary_output(out_dir, names[fmt])
            shutil.move(file, staged[fmt])  # beside its final name, for an atomic replace
        overrides = json.loads(record.get("overrides") or "{}")
        job = RenderJob(
            period=period,
            profiles=(profile,),
            paths=paths,
            out_dir=out_dir,
            names={profile: names},
            title=report_title(period),
            parameters={key: str(value) for key, value in record.items()},
            overrides=overrides if isinstance(overrides, dict) else {},
        )
        finish_and_check(job, {profile: staged})
    except BaocaoError:
        for file in [*files, *staged.values()]:
            file.unlink(missing_ok=True)
        raise
    return publish({profile: staged}, out_dir, {profile: names}).get(profile, {})


def _say(text: str, error: bool = False) -> None:
    """One line to Quarto's console, through rich (Vietnamese shows on a Windows console)."""
    from rich.console import Console

    Console(stderr=error, highlight=False, soft_wrap=True).print(text, markup=False)


def main(argv: list[str] | None = None) -> int:
    """`python -m baocao.report.render.hooks pre-render|post-render`, in the project folder
    (Quarto runs its scripts there). Returns the exit status."""
    args = sys.argv[1:] if argv is None else argv
    step = args[0] if args else ""
    root = Path.cwd()
    try:
        if step == "pre-render":
            pre_render(root)
        elif step == "post-render":
            listed = os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "")
            said: list[str] = []
            published = post_render(
                root, _output_files(listed), os.environ.get("QUARTO_PROFILE", ""), said
            )
            for line in said:
                _say(line)
            for path in published.values():
                _say(f"Đã xuất bản: {path}")
        else:
            raise BaocaoError(f"Không có bước “{step}”; hãy dùng một trong: {', '.join(STEPS)}.")
    except BaocaoError as error:
        _say(error.message, error=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
