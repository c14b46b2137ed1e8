"""The built-in backend: the executed report converted by pandoc, once per format and profile.

What enters: a `RenderJob`. What leaves: {profile: {format: finished file}}, published in the
output folder (`render.job`). report.qmd is executed once (`render.execute`); its outputs become
one Markdown document following Quarto's cell options (`echo`, `output: asis`, `include`,
`warning`; charts as PNG files), and pandoc (pypandoc-binary) writes each profile's formats as
the registry says (`formats`: the DOCX with the reference document of `docx.style`, the HTML
with the options of `_quarto.yml`, `quarto_config`), the conversions side by side. assets/conditional.lua applies the profile
(Quarto's conditional content, `.content-visible when-profile=…`).
"""

from __future__ import annotations

import base64
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import yaml

from baocao.errors import BaocaoError
from baocao.report.programs.pandoc import run_pandoc
from baocao.report.render.execute import execute_report
from baocao.report.render.formats import (
    REGISTRY,
    Conversion,
    derived_formats,
    ready_to_publish,
)
from baocao.report.render.job import Derivations, RenderJob, publish, temporary_output
from baocao.report.render.profiles import PROFILE_NAMES
from baocao.report.render.quarto_config import ASSETS, quarto_config

CPUS = os.cpu_count() or 1


# Quarto's conditional content for the built-in backend (Quarto does this itself).
CONDITIONAL_FILTER = ASSETS / "conditional.lua"


def _front_matter(nb) -> dict[str, Any]:
    """The .qmd's YAML front matter (jupytext keeps it as the first, raw cell)."""
    if not nb.cells or nb.cells[0].cell_type != "raw":
        return {}
    lines = nb.cells[0].source.strip().splitlines()
    if len(lines) < 2 or lines[0] != "---" or lines[-1] not in ("---", "..."):
        return {}
    try:
        data = yaml.safe_load("\n".join(lines[1:-1])) or {}
    except yaml.YAMLError as exc:
        raise BaocaoError(f"Phần đầu (YAML) của report.qmd sai cú pháp: {exc}.") from None
    return data if isinstance(data, dict) else {}


def _fenced(text: str, lang: str = "") -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{lang}\n{text.rstrip()}\n{fence}"


def _option(options: dict, defaults: dict, key: str, default: Any) -> Any:
    return options.get(key, defaults.get(key, default))


def _cell_markdown(cell, index: int, defaults: dict, figures: Path) -> list[str]:
    """The Markdown one executed code cell contributes, following Quarto's cell options."""
    options = cell.metadata.get("baocao_options", {})
    if not _option(options, defaults, "include", True):
        return []
    echo = _option(options, defaults, "echo", True)
    output = _option(options, defaults, "output", True)
    warning = _option(options, defaults, "warning", True)
    asis = output == "asis"
    parts = []
    if echo is True:
        parts.append(_fenced(cell.metadata.get("baocao_code", cell.source), "python"))
    if output is False:
        return parts
    stdout: list[str] = []

    def flush() -> None:
        if stdout:
            text = "".join(stdout)
            parts.append(text if asis else _fenced(text))
            stdout.clear()

    for number, out in enumerate(cell.get("outputs", [])):
        kind = out["output_type"]
        if kind == "stream":
            if out["name"] == "stdout":
                stdout.append(out["text"])
            elif warning:
                flush()
                parts.append(_fenced(out["text"]))
            continue
        flush()
        if kind not in ("display_data", "execute_result"):
            continue
        data = out.get("data", {})
        if "text/markdown" in data:
            parts.append(data["text/markdown"])
        elif "image/png" in data:
            figures.mkdir(parents=True, exist_ok=True)
            image = figures / f"cell-{index}-{number}.png"
            image.write_bytes(base64.b64decode(data["image/png"]))
            parts.append(f"![]({image.as_posix()})")
        elif "text/plain" in data:
            parts.append(data["text/plain"] if asis else _fenced(data["text/plain"]))
    flush()
    return parts


def notebook_markdown(nb, build_dir: Path) -> str:
    """One Markdown document from an executed notebook: front matter, prose, cell outputs."""
    defaults = _front_matter(nb).get("execute", {}) or {}
    parts: list[str] = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        elif cell.cell_type == "raw" and index == 0:
            parts.append(cell.source)  # the YAML front matter, read by pandoc as metadata
        elif cell.cell_type == "code":
            parts.extend(_cell_markdown(cell, index, defaults, build_dir / "figures"))
    return "\n\n".join(p.strip("\n") for p in parts if p.strip()) + "\n"


def _pandoc(source: Path, to: str, target: Path, args: list[str], profile: str = "") -> None:
    """One bounded pandoc conversion of the report; `ExternalError` (Vietnamese) on failure."""
    fmt = "HTML" if to.startswith("html") else to.upper()
    document = f"báo cáo {fmt}" + (f" ({PROFILE_NAMES.get(profile, profile)})" if profile else "")
    run_pandoc(
        str(source), str(target), from_format="markdown", to=to, args=args, document=document
    )


def render_builtin(job: RenderJob) -> dict[str, dict[str, Path]]:
    staged: dict[str, dict[str, Path]] = {}
    try:
        with (
            tempfile.TemporaryDirectory(prefix="baocao-build-") as tmp,
            Derivations(job) as derived,
        ):
            build = Path(tmp)
            nb = execute_report(job, cwd=build)
            started = time.perf_counter()
            markdown = build / "report.md"
            markdown.write_text(notebook_markdown(nb, build), encoding="utf-8")
            conversions = _conversions(job, build, staged)
            # Each conversion is its own pandoc process: they run side by side, and each
            # output is finished (DOCX) or checked (HTML) while the others are converted; the
            # formats derived from a finished output (the PDF) start at once, beside them. An
            # output others are derived from (the DOCX, then its PDF: the longest chain) has
            # a worker of its own; the rest share what is left of the cores.
            chains = [c for c in conversions if derived_formats(c[0][1], job.names[c[0][0]])]
            others = [c for c in conversions if c not in chains]
            with (
                ThreadPoolExecutor(max_workers=max(1, len(chains))) as first,
                ThreadPoolExecutor(
                    max_workers=max(1, min(len(others), CPUS - len(chains)))
                ) as rest,
            ):
                running = {
                    pool.submit(_pandoc, markdown, to, target, args, output[0]): (output, target)
                    for pool, group in ((first, chains), (rest, others))
                    for output, to, target, args in group
                }
                for done in as_completed(running):
                    done.result()  # the first failure, as BaocaoError
                    (profile, fmt), target = running[done]
                    ready_to_publish(job, profile, fmt, target)
                    derived.start(profile, fmt, target)
            for profile, files in derived.wait().items():
                staged[profile].update(files)
        job.timings["convert"] = round(time.perf_counter() - started, 3)
        return publish(staged, job.out_dir, job.names)
    finally:
        for files in staged.values():
            for tmp_file in files.values():
                tmp_file.unlink(missing_ok=True)


def _conversions(job: RenderJob, build: Path, staged: dict[str, dict[str, Path]]) -> list:
    """((profile, format), pandoc's --to, staged file, arguments) for every output pandoc
    writes (not the derived ones), each staged file recorded in `staged`."""
    conversions = []
    for profile in job.profiles:
        config = quarto_config(job.paths.root, profile)
        common = [
            "--metadata",
            f"lang={config.get('lang', 'vi')}",
            "--metadata",
            f"title={job.title}",
            "--metadata",
            f"baocao-profile={profile}",  # read (and dropped) by conditional.lua
            f"--lua-filter={CONDITIONAL_FILTER}",
            f"--resource-path={build}",
        ]
        conversion = Conversion(build=build, root=job.paths.root, config=config)
        files = staged.setdefault(profile, {})
        for fmt, name in job.names[profile].items():
            entry = REGISTRY[fmt]  # conversion, finishing and check: render.formats
            if entry.derived_from:
                continue  # made from a finished output (render.job.Derivations)
            files[fmt] = temporary_output(job.out_dir, name)
            args = [*common, *entry.pandoc_args(conversion)]
            conversions.append(((profile, fmt), entry.pandoc_to, files[fmt], args))
    return conversions
