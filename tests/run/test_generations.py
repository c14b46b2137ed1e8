"""Faults on real runs: a kill during the commit of a generation, a report held open, a
read-only folder, a full disk, a lock left by a run that is gone (issue 17).

Every run is the real command (`python -m baocao run`) in a subprocess on three units' real
workbooks, bounded by a timeout; the outcome is read back from the files users open.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from docx import Document
from filelock import FileLock
from openpyxl import load_workbook

from baocao.config.paths import ProjectPaths
from baocao.errors import BaocaoError
from baocao.run.generations import Generation, backup_name, journal_path, repair
from baocao.run.store import lock_files, period_lock

REPO = Path(__file__).resolve().parents[2]
PERIOD = "2021-H1"
FILES = ("181-binh-gia-2021-H1.xlsx", "183-cao-loc-2021-H1.xlsx", "187-chi-lang-2021-H1.xlsx")
UNIT, CELL = "183", "E6"  # the figure each test changes: tt_so_cuoc of Cao Lộc
DOCX = f"bao-cao-{PERIOD}-noi-bo.docx"  # the internal draft: --profile internal below
BOUND = 300  # seconds: no run may take longer
pytestmark = pytest.mark.slow


def _paths(base: Path) -> ProjectPaths:
    return ProjectPaths(
        root=base / "root", raw=base / "raw", processed=base / "processed", output=base / "out"
    )


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A project (config and notebook copied, three units' workbooks) after one real run, with
    the figure at 84: every test starts from a copy of it."""
    base = tmp_path_factory.mktemp("published")
    project = _paths(base)
    for folder in ("config", "notebooks"):
        shutil.copytree(REPO / folder, project.root / folder)
    for name in ("report.qmd", "requirements.lock"):
        shutil.copy(REPO / name, project.root / name)
    project.raw_period(PERIOD).mkdir(parents=True)
    for name in FILES:
        shutil.copy(REPO / "data" / "raw" / PERIOD / name, project.raw_period(PERIOD) / name)
    set_figure(project, 84)
    assert run(project)[0] == 0
    assert set(shown(project).values()) == {"84"}
    return base


@pytest.fixture
def project(published, tmp_path) -> ProjectPaths:
    shutil.copytree(published, tmp_path, dirs_exist_ok=True)
    return _paths(tmp_path)


def environment(project: ProjectPaths) -> dict[str, str]:
    return {
        **os.environ,
        "BAOCAO_ROOT": str(project.root),
        "BAOCAO_RAW_DIR": str(project.raw),
        "BAOCAO_PROCESSED_DIR": str(project.processed),
        "BAOCAO_OUTPUT_DIR": str(project.output),
        "COLUMNS": "250",  # one message, one line
    }


COMMAND = ["run", "--period", PERIOD, "-j", "2", "--profile", "internal", "--backend", "builtin"]


def run(project: ProjectPaths, *prefix: str) -> tuple[int, str, float]:
    """(exit code, what was printed, seconds) of one real run, bounded by BOUND."""
    started = time.monotonic()
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "baocao", *COMMAND],
        env=environment(project),
        capture_output=True,
        text=True,
        timeout=BOUND,
        start_new_session=True,
    )
    seconds = time.monotonic() - started
    printed = done.stdout + done.stderr
    print(f"exit {done.returncode} after {seconds:.1f} s:\n{printed[-1500:]}")
    return done.returncode, printed, seconds


def set_figure(project: ProjectPaths, value: int) -> None:
    path = project.raw_period(PERIOD) / FILES[1]
    book = load_workbook(path)
    book["Số liệu"][CELL] = value
    book.save(path)


def shown(project: ProjectPaths) -> dict[str, str]:
    """The figure as each reader meets it: processed data, review page, report, export."""
    out = project.output_period(PERIOD)
    with open(project.processed_period(PERIOD) / "values.csv", encoding="utf-8") as handle:
        processed = next(
            row["value"]
            for row in csv.DictReader(handle)
            if row["unit_code"] == UNIT and row["cell"] == CELL
        )
    page = (out / "notebooks" / f"{UNIT}.html").read_text(encoding="utf-8")
    document = Document(out / DOCX)
    words = [c.text for t in document.tables for r in t.rows for c in r.cells]
    book = load_workbook(out / f"bao-cao-{PERIOD}-so-lieu.xlsx", read_only=True)
    cells = {v for sheet in book for row in sheet.iter_rows(values_only=True) for v in row}
    return {
        "processed": processed,
        "review page": processed if f">{processed}<" in page else "?",
        "report": processed if processed in words else "?",
        "export": processed if int(processed) in cells else "?",
    }


def digests(project: ProjectPaths) -> dict[str, str]:
    found = {}
    for root in (project.processed_period(PERIOD), project.output_period(PERIOD)):
        for path in sorted(root.rglob("*")):
            if path.is_file():
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def leftovers(project: ProjectPaths) -> list[str]:
    hidden = [
        p
        for root in (project.processed, project.output)
        for p in root.rglob(".*")
        if ".cache" not in p.parts and not p.name.startswith(f".{PERIOD}.lock")
    ]
    return sorted(str(p) for p in hidden)


@contextlib.contextmanager
def immutable(path: Path):
    """`path` made immutable (`chattr +i`), as Windows holds a file Word has open; the test is
    skipped where the file system or the user cannot."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not permitted here: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


# A real run killed with SIGKILL at a chosen point of its commit: after `moves` of the
# journal's moves (None: before the journal is written, with everything staged).
KILLED_RUN = """
import os, signal, sys
from baocao.run import generations
moves = None if sys.argv[1] == "none" else int(sys.argv[1])
if moves is None:
    generations.Generation.commit = lambda self: os.kill(os.getpid(), signal.SIGKILL)
else:
    done = generations._apply
    def apply_then_die(paths, period, journal):
        done(paths, period, journal[:moves])
        os.kill(os.getpid(), signal.SIGKILL)
    generations._apply = apply_then_die
from baocao.cli import app
app(sys.argv[2:])
"""


def killed_run(project: ProjectPaths, moves: int | None) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN, str(moves).lower(), *COMMAND],
        env=environment(project),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    assert process.wait(timeout=BOUND) == -signal.SIGKILL
    with contextlib.suppress(ProcessLookupError):  # its kernels die with it, as in a power cut
        os.killpg(process.pid, signal.SIGKILL)


@pytest.mark.parametrize("moves", [1, None], ids=["after-processed-moved", "before-commit"])
def test_a_run_killed_during_publishing_is_mended_by_the_next_one(project, moves):
    set_figure(project, 999)
    killed_run(project, moves)
    if moves == 1:  # the case: new processed data, old review page and report
        assert shown(project)["processed"] == "999"
        assert shown(project)["review page"] == "?"
    else:
        assert set(shown(project).values()) == {"84"}
    # What older versions and a killed atomic write leave lies about too.
    legacy = [
        project.processed / f".{PERIOD}.staging" / "values.csv",
        project.output / f".{PERIOD}.old" / DOCX,
        project.output_period(PERIOD) / "notebooks" / f".{UNIT}.html.x1y2.part",
    ]
    for path in legacy:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("stale", encoding="utf-8")

    code, printed, seconds = run(project)
    assert code == 0 and "Traceback" not in printed
    assert seconds < BOUND
    assert set(shown(project).values()) == {"999"}  # every reader sees what was published
    assert leftovers(project) == []
    if moves == 1:
        assert "đã đưa nốt" in printed
    assert "tiếp quản khóa" in printed  # the killed run's lock note, said and replaced


def test_a_report_open_in_word_is_named_kept_whole_and_replaced_once_closed(project):
    before = digests(project)
    set_figure(project, 999)
    with immutable(project.output_period(PERIOD) / DOCX):
        code, printed, seconds = run(project)
        assert code != 0 and "Traceback" not in printed
        assert "đóng tệp trong Word" in printed and DOCX in printed
        assert digests(project) == before  # nothing of the new generation was published
        assert leftovers(project) == []
    code, printed, _ = run(project)
    assert code == 0, printed
    assert set(shown(project).values()) == {"999"}


def test_a_failed_conversion_publishes_nothing_of_the_run(project):
    before = digests(project)
    set_figure(project, 999)
    source = project.report_source.read_text(encoding="utf-8")
    project.report_source.write_text(
        source + '\n```{python}\nraise RuntimeError("hỏng")\n```\n', encoding="utf-8"
    )
    code, printed, _ = run(project)
    assert code != 0 and "Traceback" not in printed
    assert any("/phan-hoi/" in name for name in before)  # the units' feedback files, too
    assert digests(project) == before  # processed data and review pages not moved either
    assert leftovers(project) == []


@pytest.mark.parametrize("folder", ["output", "processed"])
def test_a_read_only_folder_is_named_and_costs_no_output(project, folder):
    before = digests(project)
    set_figure(project, 999)
    held = getattr(project, folder)
    with immutable(held):
        code, printed, seconds = run(project)
    assert code == 2 and "Traceback" not in printed and "ngoài dự kiến" not in printed
    assert f"Không ghi được vào thư mục {held}" in printed.replace("\n", "")
    assert "cấp quyền ghi" in printed
    assert digests(project) == before


def test_the_error_log_is_written_elsewhere_when_the_output_folder_is_read_only(project):
    """An unexpected error's details go to the system's temporary folder when `_output` cannot
    take them: writing the log never fails loudly."""
    project.output.mkdir(parents=True, exist_ok=True)
    env = environment(project)
    script = "from baocao.cli_console import write_error_log; print(write_error_log('x'))"
    with immutable(project.output):
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
        )
    assert done.returncode == 0 and done.stderr == ""
    assert "chi tiết kỹ thuật đã ghi vào" in done.stdout
    assert str(project.output) not in done.stdout


@pytest.fixture
def small_disk(tmp_path):
    """An 8 MB file system (tmpfs) for the processed data and outputs, or a skip."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_named_and_costs_no_output(project, small_disk):
    for folder in ("processed", "output"):
        shutil.copytree(getattr(project, folder), small_disk / folder)
    project = ProjectPaths(
        root=project.root,
        raw=project.raw,
        processed=small_disk / "processed",
        output=small_disk / "output",
    )
    before = digests(project)
    set_figure(project, 999)
    filler = small_disk / "filler"
    # The disk fills up, leaving a little room.
    with open(filler, "wb") as handle, contextlib.suppress(OSError):
        while True:
            handle.write(b"\0" * 65536)
            handle.flush()
    filler.write_bytes(b"\0" * (filler.stat().st_size - 300_000))
    code, printed, seconds = run(project)
    assert code == 2 and "Traceback" not in printed and "ngoài dự kiến" not in printed
    assert "đã đầy" in printed and str(small_disk) in printed.replace("\n", "")
    assert digests(project) == before
    filler.unlink()
    code, printed, _ = run(project)
    assert code == 0, printed
    assert set(shown(project).values()) == {"999"}


HOLDER = """
import sys, time
from filelock import FileLock
lock = FileLock(sys.argv[1], timeout=0, thread_local=False)
lock.acquire()
print("held", flush=True)
time.sleep(120)
"""


def test_a_lock_of_a_run_gone_from_this_machine_is_taken_over_and_a_live_one_refused(tmp_path):
    """What a run that died leaves holding its lock (a process it started) does not stop the
    next run, which says so; a live run's lock is refused without advising to delete it."""
    import socket

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    dead_pid = int(gone.stdout)
    path, note = lock_files(tmp_path, PERIOD)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        note.write_text(
            f"tiến trình {holder.pid} trên máy {socket.gethostname()}, bắt đầu lúc 08:00:00",
            encoding="utf-8",
        )
        with pytest.raises(BaocaoError) as refused, period_lock(tmp_path, PERIOD):
            pass
        assert f"tiến trình {holder.pid}" in refused.value.message
        said = refused.value.message
        assert "xóa tệp" not in said.replace("Đừng xóa tệp", "") and "tự tiếp quản" in said

        note.write_text(
            f"tiến trình {dead_pid} trên máy {socket.gethostname()}, bắt đầu lúc 08:00:00",
            encoding="utf-8",
        )
        notes: list[str] = []
        started = time.monotonic()
        with period_lock(tmp_path, PERIOD, notes):
            assert f"tiến trình {os.getpid()}" in note.read_text(encoding="utf-8")
            # ... and the new holder, alive, is not taken over in turn.
            with pytest.raises(BaocaoError), period_lock(tmp_path, PERIOD):
                pass
        assert time.monotonic() - started < 15
        assert notes and f"tiến trình {dead_pid}" in notes[0] and "tiếp quản" in notes[0]
        with FileLock(path, timeout=0, thread_local=False):  # released at the end
            pass
    finally:
        holder.kill()
        holder.wait(timeout=30)


def test_repair_finishes_a_journal_and_clears_leftovers_on_a_real_runs_outputs(project):
    """`repair` alone, on the state of a real run: nothing to do leaves every file as it was."""
    before = digests(project)
    assert repair(project, PERIOD) == []
    assert digests(project) == before


def test_a_move_that_fails_midway_puts_back_what_was_moved(project):
    """The commit's own undo, on a real run's outputs: the processed data already moved goes
    back when a later move fails (here the backup folder refuses it, as Windows refuses to
    move a file Word holds); the staging is kept and a later commit succeeds."""
    before = digests(project)
    generation = Generation(project, PERIOD).start()
    processed, notebooks = generation.stage_processed()
    shutil.copytree(project.processed_period(PERIOD), processed, dirs_exist_ok=True)
    (processed / "values.csv").write_text("mới\n", encoding="utf-8")
    shutil.copytree(project.output_period(PERIOD) / "notebooks", notebooks, dirs_exist_ok=True)
    shutil.copy(project.output_period(PERIOD) / DOCX, generation.output / DOCX)
    refusing = project.output / backup_name(PERIOD)
    refusing.mkdir()
    with immutable(refusing), pytest.raises(BaocaoError) as stopped:
        generation.commit()
    assert str(project.output_period(PERIOD) / DOCX) in stopped.value.message
    assert digests(project) == before
    assert not journal_path(project, PERIOD).exists()
    generation.commit()
    assert (project.processed_period(PERIOD) / "values.csv").read_text(encoding="utf-8") == "mới\n"
    assert leftovers(project) == []


def test_a_run_without_render_says_the_published_report_is_older_than_the_data(project):
    """`--no-render` after a change (or after a run killed while rendering) moves the new data
    and review pages in and keeps the old report: the run says so, and the next full run
    puts every reader back on one figure."""
    set_figure(project, 999)
    done = subprocess.run(
        [sys.executable, "-m", "baocao", *COMMAND, "--no-render"],
        env=environment(project),
        capture_output=True,
        text=True,
        timeout=BOUND,
    )
    printed = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 0 and "Traceback" not in printed, printed
    assert shown(project)["review page"] == "999" and shown(project)["report"] == "?"
    assert f"báo cáo trong {project.output_period(PERIOD)} chưa được lập lại" in printed
    assert "Hãy chạy lại không có --no-render" in printed
    code, printed, _ = run(project)
    assert code == 0 and "chưa được lập lại" not in printed
    assert set(shown(project).values()) == {"999"}


def test_a_report_held_and_a_read_only_review_folder_are_both_named_in_one_run(project):
    """Two things to fix before the outputs can move: one run names both (it named the
    first only, and the office learnt of the second after fixing it and running again)."""
    before = digests(project)
    set_figure(project, 999)
    pages = project.output_period(PERIOD) / "notebooks"
    with immutable(project.output_period(PERIOD) / DOCX), immutable(pages):
        code, printed, _ = run(project)
    text = " ".join(printed.split())
    assert code != 0 and "Traceback" not in printed
    assert "đóng tệp trong Word" in text and DOCX in text
    assert f"Không ghi được vào thư mục {pages}" in text
    assert text.count("được giữ nguyên") == 1
    assert digests(project) == before and leftovers(project) == []
    code, printed, _ = run(project)
    assert code == 0, printed
    assert set(shown(project).values()) == {"999"}


def test_the_feedback_follows_the_units_files_and_a_run_with_nothing_new_rewrites_none(project):
    """A unit's figure changed, another unit's file removed: its feedback goes with the new
    generation, the changed one says the new value, the third unit's is the same file; a
    second run with nothing changed touches none of them."""
    folder = project.output_period(PERIOD) / "phan-hoi"
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"phan-hoi-{n[:3]}-{n[4:-13]}-{PERIOD}.xlsx" for n in FILES]
    kept = folder / names[2]
    before = (kept.read_bytes(), kept.stat().st_mtime_ns)
    set_figure(project, -5)  # an error: a count below 0
    (project.raw_period(PERIOD) / FILES[0]).unlink()
    command = [sys.executable, "-m", "baocao", *COMMAND, "--no-render"]
    for _ in range(2):
        done = subprocess.run(
            command, env=environment(project), capture_output=True, text=True, timeout=BOUND
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert sorted(p.name for p in folder.iterdir()) == names[1:]
        assert (kept.read_bytes(), kept.stat().st_mtime_ns) == before
        changed = load_workbook(folder / names[1])
        rows = [r for r in changed["Phản hồi"].iter_rows(values_only=True) if r[3] == CELL]
        assert [r[1:5] for r in rows] == [("lỗi", "Số liệu", CELL, "-5")]
        if _ == 0:
            stamps = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamps
    assert "phan-hoi" in " ".join(done.stdout.split())
