"""Benchmark of a period's run, as ratios to one naive papermill execution (`make bench`).

Measured in the same run, on this machine:
- the baseline: one papermill execution, in a cold kernel, of a notebook that imports pandas,
  Great Expectations and matplotlib (what running one unit's notebook naively costs);
- synthetic provinces of 11, 65 and 700 units, with realistic workbooks made by the sample
  generator, each run through the real command line (`python -m baocao run`) in a fresh process:
  cold full run (clean, validate, aggregate, render the DOCX to sign, the internal DOCX and HTML, the public
  HTML), rerun with nothing changed (median of three), rerun after one unit's workbook changed; for 700 units a
  processing-only run, its marginal cost per unit against 65 units, and the peak memory of all
  processes (runner and kernels);
- the render's share of each run, from the run's manifest (`timings.render`: the one execution
  of report.qmd, then the conversion to every output), and the render alone (built-in backend,
  every profile from one execution).

It prints absolute seconds too, and the number of cores. Targets (from the issue) are printed
beside each ratio; nothing here is a test and nothing fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import papermill
import psutil
from openpyxl import load_workbook

from baocao import synthetic
from baocao.config.paths import ProjectPaths
from baocao.intake import layout
from baocao.sample import write_sample

PERIOD = "2024-H1"  # no sample irregularities are planted in this period
SIZES = (11, 65, 700)


def baseline_seconds(folder: Path) -> float:
    """One naive papermill execution: cold kernel, imports of pandas, GX and matplotlib."""
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "import pandas as pd\nimport great_expectations as gx\nimport matplotlib\n"
                "matplotlib.use('Agg')\nimport matplotlib.pyplot as plt"
            ),
            nbformat.v4.new_code_cell("pd.DataFrame({'a': [1, 2]}).sum()"),
        ],
        metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}},
    )
    source = folder / "naive.ipynb"
    nbformat.write(notebook, source)
    times = []
    for _ in range(3):  # the median of three, as one execution varies by a second or more
        started = time.perf_counter()
        papermill.execute_notebook(str(source), str(folder / "naive.out.ipynb"), progress_bar=False)
        times.append(time.perf_counter() - started)
    print("Naive papermill executions: " + ", ".join(f"{t:.2f} s" for t in times))
    return sorted(times)[1]


def make_province(folder: Path, size: int) -> ProjectPaths:
    """A project root of its own (`synthetic.make_province`) with the sample's workbooks."""
    paths = synthetic.make_province(folder, size)
    write_sample(PERIOD, paths.raw, paths)
    return paths


def run(paths: ProjectPaths, *args: str) -> tuple[float, int]:
    """Seconds of one `baocao run` in a fresh process, and the peak memory of its process tree."""
    env = {
        # As on an analyst's PC: Python keeps the compiled modules (a CI or container setting
        # PYTHONDONTWRITEBYTECODE would make every run compile the package again).
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "BAOCAO_ROOT": str(paths.root),
        "BAOCAO_RAW_DIR": str(paths.raw),
        "BAOCAO_PROCESSED_DIR": str(paths.processed),
        "BAOCAO_OUTPUT_DIR": str(paths.output),
    }
    command = [sys.executable, "-m", "baocao", "run", "--period", PERIOD, *args]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak = 0
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        parent = psutil.Process(process.pid)
        while not done.is_set():
            try:
                tree = [parent, *parent.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    watcher.join()
    if process.returncode != 0:
        raise SystemExit(f"baocao run failed:\n{output.decode('utf-8', 'replace')[-3000:]}")
    return seconds, peak


def touch_one_workbook(paths: ProjectPaths) -> None:
    """Change one figure in one unit's workbook, as a unit resending a corrected file."""
    workbook = sorted(paths.raw_period(PERIOD).glob("*.xlsx"))[0]
    book = load_workbook(workbook)
    sheet = book[layout.SHEET_DATA]
    for row in sheet.iter_rows(min_row=1):
        if row[1].value == "tt_so_cuoc":
            row[4].value = (row[4].value or 0) + 1
    book.save(workbook)


def render_alone(paths: ProjectPaths, folder: Path) -> float:
    from baocao.report.render.reports import PROFILES, render_reports

    target = folder / "render-alone"
    target.mkdir(parents=True)
    started = time.perf_counter()
    # The synthetic period has no narrative: its document to sign is a draft, whose public
    # page the run withholds; the render alone renders what the run renders.
    drafted = tuple(profile for profile in PROFILES if profile != "public")
    render_reports(PERIOD, drafted, paths, target, backend="builtin")
    return time.perf_counter() - started


def render_share(paths: ProjectPaths) -> dict[str, float]:
    """The last run's render timings (execute, convert, total seconds), from its manifest."""
    manifest = json.loads(
        (paths.output_period(PERIOD) / "manifest.json").read_text(encoding="utf-8")
    )
    return manifest["timings"].get("render") or {}


def share_line(name: str, render: dict[str, float], total: float, base: float) -> None:
    if not render:
        print(f"  {name:<52} (nothing rendered)")
        return
    seconds = render.get("total", 0.0)
    line(name, seconds, base, f"{seconds / total:.0%} of the run")
    for part in ("execute", "convert"):
        if part in render:
            line(f"  {part}", render[part], base)


def line(name: str, seconds: float, base: float, target: str = "") -> None:
    print(f"  {name:<52} {seconds:8.2f} s  {seconds / base:6.2f}×  {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="baocao-bench-"))
    try:
        print(f"Cores: {os.cpu_count()}; temporary folder: {folder}")
        base = baseline_seconds(folder)
        print(f"Baseline, one naive papermill execution (median): {base:.2f} s (= 1×)")
        processing: dict[int, float] = {}
        for size in args.sizes:
            started = time.perf_counter()
            paths = make_province(folder, size)
            print(f"\n{size} units (workbooks made in {time.perf_counter() - started:.1f} s)")
            if size <= 65:
                cold, peak = run(paths)
                line(
                    "cold full run (clean, validate, total, reports)",
                    cold,
                    base,
                    "target ≤ 3×" if size <= 11 else "target ≤ 5×",
                )
                share_line("  of which the render (one execution)", render_share(paths), cold, base)
                # The median of three, as for the baseline: a sub-second run on a shared
                # machine varies by half a second.
                again = sorted(run(paths)[0] for _ in range(3))[1]
                line("rerun, nothing changed (median of 3)", again, base, "target ≤ 0.15×")
                touch_one_workbook(paths)
                one, _ = run(paths)
                line("rerun, one workbook changed", one, base)
                share_line("  of which the render (one execution)", render_share(paths), one, base)
                render = render_alone(paths, folder / f"r{size}")
                line("  the render measured alone (every profile)", render, base)
                line("  rerun minus the render", one - render, base, "target ≤ 2×")
                print(f"  peak memory, all processes (cold run): {peak / 2**30:.2f} GiB")
            for leftover in (paths.processed, paths.output):
                shutil.rmtree(leftover, ignore_errors=True)
            seconds, peak = run(paths, "--no-render")
            processing[size] = seconds
            line("processing only, cold (clean, validate, total)", seconds, base)
            print(
                f"  peak memory, all processes: {peak / 2**30:.2f} GiB"
                + ("   target ≤ 2 GiB" if size >= 700 else "")
            )
        if 65 in processing and 700 in processing:
            marginal = (processing[700] - processing[65]) / (700 - 65)
            print(
                f"\nMarginal cost per unit (65 → 700, processing): {marginal:.3f} s = "
                f"{marginal / base:.3f}×   target ≤ 0.1×"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
