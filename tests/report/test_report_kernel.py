"""The report's kernel started ahead: real kernels, real nbclient execution."""

from __future__ import annotations

from pathlib import Path

import nbformat
import psutil

from baocao.report.render.execute import execute
from baocao.report.render.kernel import ReportKernel, imported_modules

REPO = Path(__file__).resolve().parents[2]

# What a report cell sees: its working folder, the names defined before it, and whether the
# modules report.qmd imports are already loaded (they are, in a kernel warmed ahead).
PROBE = (
    "import os, sys\n"
    "print(os.getcwd())\n"
    "print(sorted(n for n in globals() if not n.startswith('_') and n not in "
    "('In', 'Out', 'get_ipython', 'exit', 'quit', 'open', 'os', 'sys')))\n"
    "print('baocao.report.compose.parts' in sys.modules)"
)


def probe_notebook():
    return nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(PROBE)],
        metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}},
    )


def printed(nb) -> list[str]:
    return nb.cells[0].outputs[0]["text"].splitlines()


def test_the_modules_report_qmd_imports_are_read_from_its_cells():
    modules = imported_modules((REPO / "report.qmd").read_text(encoding="utf-8"))
    assert {
        "baocao.report.compose.data",
        "baocao.report.compose.parts",
        "baocao.report.compose.charts",
    } <= set(modules)
    assert imported_modules("```{python}\nthis is not python\n```\n```{python}\nimport x\n```") == [
        "x"
    ]


def test_a_kernel_started_ahead_runs_the_report_where_a_fresh_one_would(tmp_path):
    fresh = printed(execute(probe_notebook(), cwd=tmp_path))
    with ReportKernel(REPO / "report.qmd").start() as ahead:
        warmed = printed(execute(probe_notebook(), cwd=tmp_path, kernel=ahead))
        manager = ahead._manager
    # Same folder, the same (no) names defined before the report's first cell; only the
    # report's modules are already loaded.
    assert warmed[:2] == fresh[:2] == [str(tmp_path), "[]"]
    assert (fresh[2], warmed[2]) == ("False", "True")
    assert not manager.is_alive()  # the execution shut the kernel it took down


def test_a_kernel_started_ahead_but_never_used_is_shut_down():
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with ReportKernel(REPO / "report.qmd").start() as ahead:  # a render that never came
        ahead._thread.join()
        assert ahead._ready and ahead._manager.is_alive()
        home = ahead._home
    after = {p.pid for p in psutil.Process().children(recursive=True) if p.is_running()}
    assert not (after - before) and not home.exists()
