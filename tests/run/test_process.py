"""The runner with real kernels and papermill: cache, isolation, manifest, lock, interruption."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import papermill
import pytest
from conftest import project_copy
from openpyxl import load_workbook

from baocao.config.paths import ProjectPaths
from baocao.errors import BaocaoError
from baocao.pipeline import RunOptions, explain_period, run_period
from baocao.run.kernels import KernelPool, with_isolation_cell
from baocao.run.plan import plan_period_units
from baocao.run.process import process_period
from baocao.run.store import period_lock

REPO = Path(__file__).resolve().parents[2]
PERIOD = "2021-H1"
FILES = ("181-binh-gia-2021-H1.xlsx", "183-cao-loc-2021-H1.xlsx", "187-chi-lang-2021-H1.xlsx")
pytestmark = pytest.mark.slow


def digest_tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def project(tmp_path) -> ProjectPaths:
    """A project root of its own (config and notebook copied) with three units' files."""
    return project_copy(tmp_path, PERIOD, FILES)


def run_units(project: ProjectPaths):
    with KernelPool(2) as pool:
        result = process_period(
            plan_period_units(PERIOD, project, narrative_digest=""), project, pool, jobs=2
        )
        return result, pool.started


def reran(result) -> set[str]:
    return {o.unit_code for o in result.outcomes if o.source_file and not o.reused}


def test_only_what_changed_reruns(project):
    first, _ = run_units(project)
    assert reran(first) == {"181", "183", "187"}
    values = (project.processed_period(PERIOD) / "values.csv").read_bytes()

    again, kernels = run_units(project)
    assert reran(again) == set() and kernels == 0  # nothing changed: not even a kernel starts
    assert (project.processed_period(PERIOD) / "values.csv").read_bytes() == values

    workbook = project.raw_period(PERIOD) / FILES[1]
    book = load_workbook(workbook)
    book["Số liệu"]["E6"] = 999
    book.save(workbook)
    explained = {
        what.split()[0]: (runs, reasons) for what, runs, reasons in explain_period(PERIOD, project)
    }
    assert explained["183"] == (True, ["tệp số liệu của đơn vị đã thay đổi"])
    assert explained["181"][0] is False and explained["187"][0] is False
    assert explained["văn"][0] is True  # the document to sign reruns when a unit's data will change
    one, _ = run_units(project)
    assert reran(one) == {"183"}

    units = project.config / "units.yml"
    units.write_text(
        units.read_text(encoding="utf-8").replace(
            '      - {code: "189"',
            '      - {code: "190", name: "Huyện Mới", short: "Mới"}\n      - {code: "189"',
        ),
        encoding="utf-8",
    )
    listed, _ = run_units(project)
    assert reran(listed) == set()  # no unit's inputs changed, but the list did:
    status = (project.processed_period(PERIOD) / "status.csv").read_text(encoding="utf-8")
    assert "190,Huyện Mới,chưa nộp" in status

    catalogue = project.config / "indicators.yml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    everything, _ = run_units(project)
    assert reran(everything) == {"181", "183", "187"}


def test_a_file_of_another_period_is_a_unit_with_errors_counting_nothing(project):
    # A 2020-H1 file filed under 2021-H1 once put 2020's figures into the 2021 totals.
    from baocao.run.store import read_csv

    raw = project.raw_period(PERIOD)
    (raw / "181-binh-gia-2021-H1.xlsx").unlink()
    shutil.copy(REPO / "data" / "raw" / "2020-H1" / "181-binh-gia-2020-H1.xlsx", raw)
    result, _ = run_units(project)
    outcome = next(o for o in result.outcomes if o.unit_code == "181")
    assert outcome.state == "có lỗi" and outcome.errors >= 1
    assert any("6 tháng đầu năm 2020" in m for m in outcome.messages)
    values = read_csv(project.processed / PERIOD / "values.csv")
    unit = values[values["unit_code"].astype(str) == "181"]
    assert len(unit) and not unit["included"].astype(str).eq("True").any()
    others = values[values["unit_code"].astype(str) == "183"]
    assert others["included"].astype(str).eq("True").any()


def test_a_warm_kernel_keeps_no_variable_from_one_unit_to_the_next(tmp_path):
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("seen_before = 'leak' in globals()\nleak = 1"),
            nbformat.v4.new_code_cell("print('seen before:', seen_before)"),
        ],
        metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}},
    )

    def printed(nb) -> str:
        return nb.cells[-1].outputs[0]["text"].strip()

    with KernelPool(1) as pool, pool.kernel() as kernel:
        runs = [
            kernel.execute_notebook(
                with_isolation_cell(notebook),
                str(tmp_path / f"{i}.ipynb"),
                progress_bar=False,
            )
            for i in range(2)
        ]
        assert [printed(nb) for nb in runs] == ["seen before: False", "seen before: False"]
        # Without the isolation cell the same kernel does leak: the test above can fail.
        leaky = kernel.execute_notebook(notebook, str(tmp_path / "leaky.ipynb"), progress_bar=False)
        assert printed(leaky) == "seen before: True"


def test_manifest_names_inputs_outputs_and_says_the_rerun_reproduced_the_first(project):
    from test_narrative_docx import resave_as_word_does

    from baocao.config.catalog import load_catalogue
    from baocao.config.outline import load_outline
    from baocao.config.periods import Period
    from baocao.report.narrative.source import file_name
    from baocao.report.narrative.write import write_narrative_docx

    outline = load_outline(project.config, load_catalogue(project.config))
    narrative = project.root / "narrative" / PERIOD / file_name(PERIOD)
    write_narrative_docx(narrative, outline, Period.parse(PERIOD), {}, [])
    first = run_period(PERIOD, project, RunOptions(profiles=("public",), jobs=2))
    assert first.narrative["source"] == "docx"
    manifest = json.loads(first.manifest.read_text(encoding="utf-8"))
    assert manifest["narrative"]["file"] == f"narrative/{PERIOD}/{file_name(PERIOD)}"
    recorded = manifest["inputs"]["narrative"][f"narrative/{PERIOD}/{file_name(PERIOD)}"]
    assert recorded.startswith("docx:")  # what it says, not its bytes
    assert manifest["run_id"] == first.run_id and len(first.run_id) == 12
    assert set(manifest["inputs"]["raw"]) == set(FILES)
    assert all(len(v["sha256"]) == 64 for v in manifest["inputs"]["raw"].values())
    assert "values.csv" in manifest["outputs"]["processed"]
    assert manifest["packages"]["great_expectations"] == "1.24.1"
    assert manifest["reused_units"] == []
    assert set(manifest["timings"]["units"]) >= {"181", "183", "187"}

    second = run_period(PERIOD, project, RunOptions(profiles=("public",), jobs=2, force=True))
    again = json.loads(second.manifest.read_text(encoding="utf-8"))
    assert again["run_id"] == first.run_id
    assert again["reproducibility"]["same_inputs"] is True
    assert again["reproducibility"]["reproduced"] is True

    resave_as_word_does(narrative)  # Word saves again without a change: nothing to redo
    third = run_period(PERIOD, project, RunOptions(profiles=("public",), jobs=2))
    assert json.loads(third.manifest.read_text(encoding="utf-8"))["inputs"]["narrative"] == {
        f"narrative/{PERIOD}/{file_name(PERIOD)}": recorded
    }
    assert third.rendered == [] and {o.unit_code for o in third.outcomes if o.reused} == {
        "181",
        "183",
        "187",
    }


def test_a_second_run_on_the_same_period_is_refused_naming_the_first(project):
    with (
        period_lock(project.processed, PERIOD),
        pytest.raises(BaocaoError, match=f"tiến trình {os.getpid()}"),
    ):
        run_period(PERIOD, project, RunOptions(render=False))


def kill_tree(pid: int) -> None:
    """Kill a process and its kernels at once, as a power cut would (on Windows too)."""
    import psutil

    parent = psutil.Process(pid)
    for process in [parent, *parent.children(recursive=True)]:  # listed before any dies
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()


def test_a_run_killed_midway_leaves_the_previous_outputs_whole(project, tmp_path):
    env = {
        **os.environ,
        "BAOCAO_ROOT": str(project.root),
        "BAOCAO_RAW_DIR": str(project.raw),
        "BAOCAO_PROCESSED_DIR": str(project.processed),
        "BAOCAO_OUTPUT_DIR": str(project.output),
    }
    command = [sys.executable, "-m", "baocao", "run", "--period", PERIOD, "--no-render"]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=600)
    before = (
        digest_tree(project.processed_period(PERIOD)),
        digest_tree(project.output_period(PERIOD)),
    )

    staging = project.output / f".{PERIOD}.next" / "notebooks"  # `generations.Generation`
    assert not staging.exists()
    process = subprocess.Popen(
        [*command, "--force"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Kill it mid-way: once the first unit is done and the others are not.
    deadline = time.monotonic() + 120
    while not list(staging.glob("*.ipynb")) and time.monotonic() < deadline:
        time.sleep(0.02)
    kill_tree(process.pid)
    process.wait(timeout=30)
    assert len(list(staging.glob("*.ipynb"))) in (1, 2), "the kill did not land mid-way"

    after = (
        digest_tree(project.processed_period(PERIOD)),
        digest_tree(project.output_period(PERIOD)),
    )
    assert after == before


def test_one_connected_client_serves_every_notebook_and_ignores_what_a_failed_one_left(tmp_path):
    """The pool's client stays connected from one notebook to the next (a new client costs a
    0.2 s wait for quiet channels per unit); a notebook that stopped on an error leaves
    nothing that the next one mistakes for its own output."""
    failing = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("print('before the error')"),
            nbformat.v4.new_code_cell("import sys\nprint('late', file=sys.stderr)\n1 / 0"),
            nbformat.v4.new_code_cell("print('never reached')"),
        ],
        metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}},
    )
    fine = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(f"print({n} * 2)") for n in range(3)],
        metadata=failing.metadata,
    )
    with KernelPool(1) as pool:
        with pool.kernel() as kernel, pytest.raises(papermill.PapermillExecutionError):
            kernel.execute_notebook(
                with_isolation_cell(failing),
                str(tmp_path / "failing.ipynb"),
                progress_bar=False,
            )
        with pool.kernel() as again:
            executed = again.execute_notebook(
                with_isolation_cell(fine),
                str(tmp_path / "fine.ipynb"),
                progress_bar=False,
            )
            assert again.client is kernel.client and again.client.channels_running
    printed = [c.outputs[0]["text"] for c in executed.cells[1:]]
    assert printed == ["0\n", "2\n", "4\n"]
    assert pool.started == 0  # closed: kernel shut down


def test_running_many_notebooks_in_a_warm_kernel_leaks_no_sockets(tmp_path):
    import psutil

    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("x = 1")],
        metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}},
    )
    me = psutil.Process()
    open_files = []
    with KernelPool(1) as pool, pool.kernel() as kernel:
        for i in range(6):
            kernel.execute_notebook(
                with_isolation_cell(notebook),
                str(tmp_path / f"{i}.ipynb"),
                progress_bar=False,
            )
            open_files.append(me.num_fds())
    # Without the engine each run keeps about 11 more descriptors open; here none accumulate
    # (the count may even drop once the first runs' objects are collected).
    assert open_files[-1] <= open_files[1], open_files


def test_injected_parameters_keep_vietnamese_letters_and_the_value(tmp_path):
    """papermill's own translator writes `unit_name = "X\\xe3 L\\u1ed9c B\\xecnh"`; the executed
    notebook an analyst opens says "Xã Lộc Bình", and the kernel still gets the same value
    (quotes, backslashes and line breaks included)."""
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                'unit_name = ""\nnote = ""', metadata={"tags": ["parameters"]}
            ),
            nbformat.v4.new_code_cell("print(repr(unit_name), repr(note))"),
        ],
        metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}},
    )
    note = 'Ghi “số liệu” "x" \\ C:\\du-lieu\n2'
    with KernelPool(1) as pool, pool.kernel() as kernel:
        executed = kernel.execute_notebook(
            notebook,
            str(tmp_path / "out.ipynb"),
            parameters={"unit_name": "Xã Lộc Bình", "note": note},
            progress_bar=False,
        )
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.tags)
    assert 'unit_name = "Xã Lộc Bình"' in injected.source
    assert "\\x" not in injected.source and "\\u" not in injected.source
    assert executed.cells[-1].outputs[0]["text"].strip() == f"{'Xã Lộc Bình'!r} {note!r}"


def test_prestarted_kernels_serve_the_units_and_never_exceed_the_pool(tmp_path):
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("import os\nprint(os.getpid())")],
        metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}},
    )
    with KernelPool(2) as pool:
        pool.prestart(5)  # more than the pool holds: two kernels boot
        with pool.kernel() as first, pool.kernel() as second:
            assert pool.started == 2 and first is not second
            pids = {
                kernel.execute_notebook(
                    with_isolation_cell(notebook),
                    str(tmp_path / f"{n}.ipynb"),
                    progress_bar=False,
                )
                .cells[-1]
                .outputs[0]["text"]
                for n, kernel in enumerate((first, second))
            }
            assert len(pids) == 2
    assert pool.started == 0


def test_a_pool_closed_while_its_kernels_boot_leaves_no_kernel_running():
    import psutil

    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with KernelPool(2) as pool:
        pool.prestart(2)  # closed at once, as when the narrative check stops a run
    after = {p.pid for p in psutil.Process().children(recursive=True) if p.is_running()}
    assert pool.started == 0 and not (after - before)


def test_a_kernel_that_fails_to_prestart_is_reported_by_the_unit_that_needs_it(
    tmp_path, monkeypatch
):
    """A kernel that starts, then dies before answering: the unit waiting for it gets the
    failure (here from the kernel it starts itself) instead of waiting for ever."""
    import json
    import sys
    import time

    spec = tmp_path / "kernels" / "chet-ngay"
    spec.mkdir(parents=True)
    dies = [sys.executable, "-c", "import time; time.sleep(0.5)", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": dies, "display_name": "x", "language": "python"}), encoding="utf-8"
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    with KernelPool(1, kernel_name="chet-ngay") as pool:
        pool.prestart(1)
        time.sleep(0.3)  # the prestarted kernel holds the pool's one place while it boots
        with pytest.raises(RuntimeError, match="died"), pool.kernel():
            pass
