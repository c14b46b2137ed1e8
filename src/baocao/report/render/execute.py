"""report.qmd executed once per render, whatever the formats and profiles: both backends' step.

What enters: the `RenderJob` (report.qmd's path, the parameters `period`, `processed_dir`,
`root` and `overrides`) and the folder the kernel starts in. What leaves: the executed notebook
(nbformat), its code cells carrying their Quarto options (`#| key: value`) in their metadata.
jupytext reads the .qmd, papermill's `parameterize_notebook` injects the parameters after the
cell tagged `parameters`, nbclient runs every cell once in a fresh kernel. A failing cell, a
cell over its time limit (`settings.cell_timeout`, `BAOCAO_CELL_TIMEOUT`) or a kernel that dies
raises `BaocaoError` naming the part of the report the cell writes, never its code.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any

import yaml

from baocao.config.settings import CELL_TIMEOUT_VARIABLE, DEFAULT_CELL_TIMEOUT, cell_timeout
from baocao.errors import BaocaoError, os_reason
from baocao.report.render.job import RenderJob
from baocao.report.render.kernel import KERNEL, ReportKernel
from baocao.run.kernels import (
    ASYNC_CLIENT,
    CLOSE_WAIT,
    START_TIMEOUT,
    KernelThread,
    kill_kernel,
)

_OWN_ERRORS = ("BaocaoError", "ConfigError", "InputError")

# What each labelled cell of report.qmd does, as a user names that part of the report; a cell
# labelled with an outline part's id (phan-thu-nhat, phu-luc-1…) is named by its heading. Every
# cell of report.qmd carries a `#| label:` so that a failure never shows the user code.
CELL_NAMES = {
    "tham-so": "bước nhận tham số của báo cáo",
    "so-lieu": "bước đọc số liệu đã xử lý của kỳ",
    "tieu-de": "bước ghi tiêu đề báo cáo",
    "bieu-do": "bước vẽ các biểu đồ",
    "ghi-chu": "phần ghi chú đầu báo cáo",
    "tinh-hinh-nop": "phần tình hình tiếp nhận số liệu (bản nội bộ)",
    "ma-lan-chay": "dòng ghi mã lần chạy cuối báo cáo",
}


def cell_options(source: str) -> tuple[dict[str, Any], str]:
    """Split a Quarto cell into its `#| key: value` options (YAML) and the code below them."""
    lines = source.splitlines()
    option_lines = []
    for line in lines:
        if not line.startswith("#|"):
            break
        option_lines.append(line[2:].removeprefix(" "))
    code = "\n".join(lines[len(option_lines) :])
    if not option_lines:
        return {}, code
    try:
        options = yaml.safe_load("\n".join(option_lines)) or {}
    except yaml.YAMLError as exc:
        raise BaocaoError(
            f"Tùy chọn “#|” của ô lệnh “{_first_line(code)}” trong report.qmd sai cú pháp YAML: "
            f"{exc}."
        ) from None
    return (options if isinstance(options, dict) else {}), code


def _first_line(code: str) -> str:
    for line in code.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _cell_name(cell, parts: Mapping[str, str] | None = None) -> str:
    """The part of the report a cell writes, as a user names it (never its code): an outline
    part's heading (`parts`: part id → heading) or a step of `CELL_NAMES`, by the cell's label;
    an unlabelled cell by its place in report.qmd."""
    options = cell.metadata.get("baocao_options", {})
    if "injected-parameters" in cell.metadata.get("tags", []):
        return "bước nhận tham số của lần chạy"
    label = str(options.get("label") or "")
    if label in (parts or {}):
        return f"phần “{parts[label]}”"
    if label in CELL_NAMES:
        return CELL_NAMES[label]
    if label:
        return f"ô lệnh “{label}” của report.qmd"
    return f"ô lệnh thứ {cell.metadata.get('baocao_number', '?')} của report.qmd"


def read_report(source: Path):
    """The .qmd as a notebook. jupytext's own .qmd reader calls the quarto binary, but the
    R Markdown reader parses the same chunks: front matter → raw cell, ```{python} → code."""
    import jupytext

    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise BaocaoError(f"Không đọc được tệp báo cáo {source}: {os_reason(exc)}.") from None
    nb = jupytext.reads(text, fmt={"extension": ".Rmd", "format_name": "rmarkdown"})
    code_cells = 0
    for cell in nb.cells:
        cell.metadata["tags"] = []  # papermill looks at every cell's tags
        if cell.cell_type != "code":
            continue
        code_cells += 1
        options, code = cell_options(cell.source)
        cell.metadata["baocao_number"] = code_cells  # "ô lệnh thứ N" of report.qmd
        cell.metadata["baocao_options"] = options
        cell.metadata["baocao_code"] = code
        cell.metadata["tags"] = list(options.get("tags") or [])
    return nb


def parameterize(nb, parameters: dict[str, Any]):
    """Insert papermill's injected-parameters cell after the cell tagged `parameters`."""
    from papermill.parameterize import parameterize_notebook

    if not any("parameters" in c.metadata.get("tags", []) for c in nb.cells):
        raise BaocaoError(
            "report.qmd không có ô tham số: cần một ô lệnh có dòng “#| tags: [parameters]”."
        )
    nb.metadata.setdefault("papermill", {})
    nb = parameterize_notebook(nb, parameters, kernel_name=KERNEL, language="python")
    for cell in nb.cells:
        if cell.cell_type == "code" and "baocao_options" not in cell.metadata:
            cell.metadata["baocao_options"] = {}
            cell.metadata["baocao_code"] = cell.source
    return nb


def execute(
    nb,
    cwd: Path,
    timeout: int = DEFAULT_CELL_TIMEOUT,
    parts: Callable[[], Mapping[str, str]] = dict,
    kernel: ReportKernel | None = None,
):
    """Run every cell once, in order, in a fresh kernel started in `cwd` — or in `kernel`'s,
    started ahead with nothing defined, moved to `cwd` first. A failing cell, a cell running
    over `timeout` seconds or a kernel that dies is a `BaocaoError` naming the part of the
    report the cell writes (`parts()`: part id → heading, asked for only then); the kernel is
    shut down in every case.

    The cells run in a thread of their own (`run.kernels.KernelThread`, where the kernel's
    asynchronous client lives); this thread waits. Interrupted (Ctrl-C), it kills the kernel:
    the execution ends within a second, and the interruption goes on."""
    from nbclient.exceptions import (
        CellControlSignal,
        CellExecutionError,
        CellTimeoutError,
        DeadKernelError,
    )

    execution = _Execution(nb, cwd, timeout, kernel.take() if kernel is not None else None)
    thread = KernelThread("report-execution")
    future = thread.submit(execution.run)
    thread.stop()
    try:
        return future.result()
    except BaseException as exc:
        if not isinstance(exc, Exception):  # Ctrl-C: end the execution now
            execution.stop()
            with suppress(Exception):
                future.result(timeout=CLOSE_WAIT)
            raise
        where = _cell_name(nb.cells[execution.index], _parts(parts))
        if isinstance(exc, CellTimeoutError):
            raise BaocaoError(
                f"Lỗi khi lập báo cáo: {where} chạy quá {timeout} giây nên đã bị dừng; báo cáo "
                "lần trước được giữ nguyên. Hãy chạy lại; nếu vẫn vậy, hãy gửi thông báo này cho "
                "người phụ trách kỹ thuật (giới hạn thời gian của một ô lệnh đặt bằng biến môi "
                f"trường {CELL_TIMEOUT_VARIABLE})."
            ) from None
        if isinstance(exc, DeadKernelError):
            raise BaocaoError(
                f"Lỗi khi lập báo cáo: nhân Python dừng đột ngột ở {where} (máy hết bộ nhớ hoặc "
                "tiến trình bị tắt); báo cáo lần trước được giữ nguyên. Hãy chạy lại; nếu vẫn "
                "vậy, hãy gửi thông báo này cho người phụ trách kỹ thuật."
            ) from None
        if isinstance(exc, CellExecutionError):
            raise BaocaoError(f"Lỗi khi lập báo cáo, ở {where}: {_detail(exc)}") from None
        if isinstance(exc, CellControlSignal):
            raise BaocaoError(f"Lỗi khi lập báo cáo: {exc}") from None
        if isinstance(exc, BaocaoError):
            raise
        raise BaocaoError(  # the kernel did not start
            f"Không chạy được nhân Python “{KERNEL}” để lập báo cáo: {exc}. "
            "Hãy kiểm tra môi trường (make env)."
        ) from None


def _detail(exc) -> str:
    """What a failing report cell says: baocao's own errors already speak to the user;
    anything else is the program's fault."""
    if exc.ename in _OWN_ERRORS and exc.evalue:
        return exc.evalue
    return (
        f"lỗi của chương trình ({exc.ename}: {exc.evalue}). Hãy gửi thông báo này cho người phụ "
        "trách kỹ thuật"
    )


class _Execution:
    """One execution of the report's cells, in the thread that calls `run`; `stop` (from any
    thread) ends it. `manager`: a kernel started ahead (a `jupyter_client.KernelManager` whose
    clients are asynchronous), or None for a fresh one started in `cwd`."""

    def __init__(self, nb, cwd: Path, timeout: int, manager: Any = None):
        from jupyter_client import KernelManager

        self.nb, self.cwd, self.timeout = nb, cwd, timeout
        self.warm = manager is not None
        self.manager = manager or KernelManager(kernel_name=KERNEL, client_class=ASYNC_CLIENT)
        self.index = 0  # the cell running
        self._stopped = threading.Event()

    def stop(self) -> None:
        self._stopped.set()
        kill_kernel(self.manager)

    def run(self):
        from nbclient import NotebookClient

        # The kernel's own console chatter (ZMQ warnings) is not for the report's user.
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        client = NotebookClient(
            self.nb,
            km=self.manager,
            kernel_name=KERNEL,
            timeout=self.timeout,
            iopub_timeout=self.timeout,  # a cell's last output: the same limit
            resources={"metadata": {"path": str(self.cwd)}},
        )
        try:
            if not self.warm:
                self.manager.start_kernel(cwd=str(self.cwd), **quiet)
            with client.setup_kernel():  # connects nbclient's (asynchronous) client
                if self.warm:
                    _move_to(client.kc, self.cwd)
                for index, cell in enumerate(self.nb.cells):
                    self.index = index
                    if self._stopped.is_set():
                        raise KeyboardInterrupt
                    client.execute_cell(cell, index)
        finally:  # the kernel is ours, started ahead or here: shut it down
            if client.kc is not None:
                with suppress(Exception):
                    client.kc.stop_channels()
            kill_kernel(self.manager)
            with suppress(Exception):
                self.manager.shutdown_kernel(now=True)  # removes its connection file
        return self.nb


def _move_to(client, cwd: Path) -> None:
    """Make `cwd` the kernel's working folder, defining no name (`client`: asynchronous)."""
    from jupyter_core.utils import run_sync

    reply = run_sync(client.execute_interactive)(
        f"__import__('os').chdir({str(cwd)!r})",
        silent=True,
        store_history=False,
        timeout=START_TIMEOUT,
        output_hook=lambda _message: None,
    )
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"không chuyển được vào thư mục {cwd}")


def _parts(parts: Callable[[], Mapping[str, str]]) -> Mapping[str, str]:
    try:
        return parts()
    except BaocaoError:  # the configuration itself is what failed: cells by their steps
        return {}


def outline_parts(job: RenderJob) -> dict[str, str]:
    """The outline's parts of the job's period: id → heading ("Phần thứ nhất", "Phụ lục I")."""
    from baocao.config.catalog import load_catalogue
    from baocao.config.outline import load_outline

    config = job.paths.config
    outline = load_outline(config, load_catalogue(config, job.period), job.period)
    return {part.id: part.heading for part in outline.parts}


def execute_report(job: RenderJob, cwd: Path):
    """report.qmd, parameterized and executed once in a fresh kernel (or the job's kernel
    started ahead) working in `cwd` (the charts land in `cwd/figures`); records the seconds
    in `job.timings["execute"]`."""
    started = time.perf_counter()
    nb = execute(
        parameterize(read_report(job.paths.report_source), job.parameters),
        cwd=cwd,
        timeout=cell_timeout(),
        parts=lambda: outline_parts(job),
        kernel=job.kernel,
    )
    job.timings["execute"] = round(time.perf_counter() - started, 3)
    return nb
