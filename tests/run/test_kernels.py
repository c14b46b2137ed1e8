"""Faults in the kernels, injected into real `baocao run` processes with real kernels: a unit
cell that never returns, a unit kernel that dies, a report cell that never returns or whose
kernel dies, and Ctrl-C. Each run is bounded by the test (subprocess timeouts); each must end
on its own well within that bound, name what stopped in Vietnamese, leave no kernel process
and no temporary file behind."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import psutil
import pytest

REPO = Path(__file__).resolve().parents[2]
PERIOD = "2021-H1"
FILES = ("181-binh-gia-2021-H1.xlsx", "183-cao-loc-2021-H1.xlsx", "187-chi-lang-2021-H1.xlsx")
LIMIT = 20  # seconds a cell may run here: above any healthy cell on a loaded machine
pytestmark = pytest.mark.slow

# Put in the project's copy of the unit notebook, after the step that reads the workbook: unit
# 183's cell never returns, unit 187's kernel dies (the others run as usual). The test's
# environment switches it on; a file marks that 183 is asleep.
UNIT_FAULT = (
    "import os, pathlib, time\n"
    "if unit_code == os.environ.get('FAULT_SLEEP_UNIT'):\n"
    "    pathlib.Path(os.environ['FAULT_MARK']).touch()\n"
    "    time.sleep(3600)\n"
    "if unit_code == os.environ.get('FAULT_EXIT_UNIT'):\n"
    "    os._exit(1)"
)
# Put in the project's copy of report.qmd, in the cell that draws the charts.
REPORT_FAULT = (
    "import os, time\n"
    "if os.environ.get('REPORT_FAULT') == 'sleep':\n"
    "    time.sleep(3600)\n"
    "if os.environ.get('REPORT_FAULT') == 'exit':\n"
    "    os._exit(1)\n"
)


@pytest.fixture
def project(tmp_path) -> dict[str, str]:
    """A project of its own with the faults in its notebook and report.qmd (switched off), and
    the environment of a run in it: its own temporary folder, and a mark every process it
    starts inherits (to find a kernel left behind)."""
    root = tmp_path / "root"
    shutil.copytree(REPO / "config", root / "config")
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    shutil.copy(REPO / "requirements.lock", root / "requirements.lock")
    notebook = nbformat.read(root / "notebooks" / "clean_unit.ipynb", as_version=4)
    read_step = next(i for i, c in enumerate(notebook.cells) if "Đọc bảng tính" in c.source)
    notebook.cells.insert(read_step + 2, nbformat.v4.new_code_cell(UNIT_FAULT))
    nbformat.write(notebook, root / "notebooks" / "clean_unit.ipynb")
    report = (REPO / "report.qmd").read_text(encoding="utf-8")
    charts = "# The charts, as PNG files"
    assert charts in report
    (root / "report.qmd").write_text(report.replace(charts, REPORT_FAULT + charts), "utf-8")
    raw = root / "data" / "raw" / PERIOD
    raw.mkdir(parents=True)
    for name in FILES:
        shutil.copy(REPO / "data" / "raw" / PERIOD / name, raw / name)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    return {
        **os.environ,
        "BAOCAO_ROOT": str(root),
        "BAOCAO_CELL_TIMEOUT": str(LIMIT),
        "TMPDIR": str(temporary),
        "FAULT_MARK": str(tmp_path / "asleep"),
        "BAOCAO_TEST_RUN": uuid.uuid4().hex,
    }


def command(*extra: str) -> list[str]:
    return [sys.executable, "-m", "baocao", "run", "--period", PERIOD, "--jobs", "2", *extra]


def run(env: dict[str, str], *extra: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    done = subprocess.run(
        command(*extra), env=env, capture_output=True, text=True, encoding="utf-8", timeout=400
    )
    return done, time.monotonic() - started


def left_behind(env: dict[str, str]) -> list[str]:
    """The processes the run started that are still running (they inherit its mark)."""
    mark = env["BAOCAO_TEST_RUN"]
    found = []
    for process in psutil.process_iter(["pid", "cmdline"]):
        try:
            if process.environ().get("BAOCAO_TEST_RUN") == mark:
                found.append(" ".join(process.info["cmdline"] or []))
        except (psutil.Error, OSError):
            continue
    return found


def assert_nothing_left(env: dict[str, str]) -> None:
    deadline = time.monotonic() + 5  # a killed kernel may take a moment to be reaped
    while left_behind(env) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert left_behind(env) == []
    assert sorted(p.name for p in Path(env["TMPDIR"]).iterdir()) == []


def messages_about(output: str, unit: str) -> list[str]:
    """The run's messages about `unit` (each a “• unit: …” item, however the console wrapped
    it)."""
    items = " ".join(output.split()).split("• ")[1:]
    return [item for item in items if item.startswith(f"{unit}:")]


def test_a_stuck_unit_and_a_dead_unit_kernel_end_their_units_only(project):
    env = {**project, "FAULT_SLEEP_UNIT": "183", "FAULT_EXIT_UNIT": "187"}
    done, seconds = run(env, "--no-render")
    print(f"stuck + dead units: {seconds:.1f} s")
    assert done.returncode == 0, done.stdout + done.stderr
    assert seconds < LIMIT + 150  # it hung for ever before; the limit plus a run
    stuck = messages_about(done.stdout, "Huyện Cao Lộc")
    assert len(stuck) == 1, done.stdout
    assert (
        "Sổ tay xử lý đơn vị Huyện Cao Lộc (tệp 183-cao-loc-2021-H1.xlsx) bị dừng ở bước "
        f"“1. Đọc bảng tính”, ô lệnh thứ 6: ô lệnh này chạy quá {LIMIT} giây." in stuck[0]
    )
    assert "BAOCAO_CELL_TIMEOUT" in stuck[0] and "các đơn vị khác vẫn được xử lý" in stuck[0]
    dead = messages_about(done.stdout, "Huyện Chi Lăng")
    assert len(dead) == 1, done.stdout
    assert (
        "Nhân Python chạy sổ tay xử lý đơn vị Huyện Chi Lăng (tệp 187-chi-lang-2021-H1.xlsx) "
        "dừng đột ngột ở bước “1. Đọc bảng tính”, ô lệnh thứ 6" in dead[0]
    )
    status = (Path(env["BAOCAO_ROOT"]) / "data" / "processed" / PERIOD / "status.csv").read_text(
        encoding="utf-8"
    )
    assert "181,Huyện Bình Gia,hợp lệ" in status or "181,Huyện Bình Gia,có cảnh báo" in status
    assert "183,Huyện Cao Lộc,có lỗi" in status and "187,Huyện Chi Lăng,có lỗi" in status
    # The reviewer's page of the stuck unit shows the notebook up to where it stopped.
    pages = Path(env["BAOCAO_ROOT"]) / "_output" / PERIOD / "notebooks"
    stopped = json.loads((pages / "183.ipynb").read_text(encoding="utf-8"))
    assert any("time.sleep(3600)" in "".join(c["source"]) for c in stopped["cells"])
    assert (pages / "183.html").is_file()
    assert "Traceback" not in done.stdout + done.stderr
    assert_nothing_left(env)


def test_a_stuck_or_dead_report_kernel_ends_the_render_naming_the_step(project):
    env = {**project, "REPORT_FAULT": "sleep"}
    # A first run: the report runs in the kernel started ahead.
    done, seconds = run(env, "--profile", "official")
    print(f"stuck report cell (first run): {seconds:.1f} s")
    text = " ".join(done.stdout.split())
    assert done.returncode == 2, done.stdout + done.stderr
    assert seconds < LIMIT + 150
    assert (
        f"Lỗi: Lỗi khi lập báo cáo: bước vẽ các biểu đồ chạy quá {LIMIT} giây nên đã bị dừng; "
        "báo cáo lần trước được giữ nguyên." in text
    ), text
    assert "Traceback" not in done.stdout + done.stderr
    assert_nothing_left(env)

    # The next run renders in a kernel of its own: its death is named too.
    done, seconds = run({**env, "REPORT_FAULT": "exit"}, "--profile", "official")
    print(f"dead report kernel (next run): {seconds:.1f} s")
    text = " ".join(done.stdout.split())
    assert done.returncode == 2, done.stdout + done.stderr
    assert seconds < LIMIT + 150
    assert "Lỗi: Lỗi khi lập báo cáo: nhân Python dừng đột ngột ở bước vẽ các biểu đồ" in text, text
    assert "Traceback" not in done.stdout + done.stderr
    assert_nothing_left(env)


def test_one_ctrl_c_stops_the_run_within_seconds(project):
    env = {**project, "FAULT_SLEEP_UNIT": "183", "BAOCAO_CELL_TIMEOUT": "600"}
    process = subprocess.Popen(
        command(),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        deadline = time.monotonic() + 180
        while not Path(env["FAULT_MARK"]).exists() and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.1)
        assert Path(env["FAULT_MARK"]).exists(), "unit 183 never reached its stuck cell"
        stopped = time.monotonic()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
        seconds = time.monotonic() - stopped
    finally:
        if process.poll() is None:
            process.kill()
    print(f"Ctrl-C to exit: {seconds:.1f} s")
    assert seconds < 10, (seconds, out, err)
    assert process.returncode == 130, out + err
    assert "Lỗi: Đã dừng theo yêu cầu. Kết quả của lần chạy trước vẫn được giữ nguyên." in " ".join(
        out.split()
    ), out
    assert "Traceback" not in out + err
    assert_nothing_left(env)


def test_a_run_killed_outright_leaves_nothing_after_the_next_run(project):
    """`kill -9` (or a power cut) while a unit runs: the killed run cannot clean up, so its
    kernels' connection files (each with the kernel's key) and build folders used to stay in
    the system's temporary folder for ever; the next run removes them (run.scratch)."""
    env = {**project, "FAULT_SLEEP_UNIT": "183", "BAOCAO_CELL_TIMEOUT": "600"}
    process = subprocess.Popen(command("--no-render"), env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while not Path(env["FAULT_MARK"]).exists() and time.monotonic() < deadline:
            assert process.poll() is None
            time.sleep(0.1)
        assert Path(env["FAULT_MARK"]).exists(), "unit 183 never reached its stuck cell"
    finally:
        process.kill()
        process.wait(timeout=30)
    assert list(Path(env["TMPDIR"]).iterdir())  # what the killed run left
    done, seconds = run(project, "--no-render")
    print(f"the run after a kill -9: {seconds:.1f} s")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert_nothing_left(env)
