"""A kernel for the report's one execution, started while the units are still being processed.

On a period's first run the report will be rendered once the units are done, and rendering then
waits for a kernel to boot and for report.qmd's libraries (pandas, matplotlib, baocao's report
modules) to load: about two seconds with nothing else to do, while the machine's cores were
busy with units just before. `ReportKernel` starts that kernel in a background thread at the
start of the run and imports, silently, the modules report.qmd's cells import (read from the
.qmd itself); nothing is defined in the kernel's namespace, so the report's cells run as in a
fresh kernel. The render takes the kernel (`take`) and shuts it down after its execution; a
kernel that failed to start, or was not taken, is shut down and the render starts its own.

Every wait has a deadline and closing never waits for the boot: the kernel is killed first
(a boot still waiting for it notices within a second), the thread is given a few seconds.
The client that warms the kernel up lives and ends in the booting thread; the render's
nbclient connects its own asynchronous client (`run.kernels.ASYNC_CLIENT`), the one whose
cell time limit and kernel-death check work.
"""

from __future__ import annotations

import ast
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

from baocao.config.settings import cell_timeout
from baocao.run.kernels import ASYNC_CLIENT, CLOSE_WAIT, START_TIMEOUT, kill_kernel

KERNEL = "python3"


def imported_modules(qmd_text: str) -> list[str]:
    """The modules the Python cells of a .qmd import (`import x`, `from x import y`), in order
    of appearance, each once; cells that do not parse are skipped."""
    modules: dict[str, None] = {}
    for cell in qmd_text.split("```{python}")[1:]:
        code = cell.split("```", 1)[0]
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules.update(dict.fromkeys(alias.name for alias in node.names))
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules[node.module] = None
                # `from package import module` imports the module too; names that are not
                # modules fail to import, harmlessly, in the warm-up.
                modules.update(dict.fromkeys(f"{node.module}.{a.name}" for a in node.names))
    return list(modules)


def warm_up_code(modules: list[str]) -> str:
    """Code that imports `modules` and leaves no name behind (a module that fails to import is
    left for the report's own cell to report)."""
    return (
        "def __baocao_warm_up(names):\n"
        "    import importlib\n"
        "    for name in names:\n"
        "        try:\n"
        "            importlib.import_module(name)\n"
        "        except Exception:\n"
        "            pass\n"
        f"__baocao_warm_up({modules!r})\n"
        "del __baocao_warm_up\n"
    )


class ReportKernel:
    """A kernel booting in the background (`start`), for one execution of report.qmd; its
    warm-up (importing report.qmd's modules) may take `warm_up_seconds` (default: a report
    cell's limit, `settings.cell_timeout`)."""

    def __init__(self, report_source: Path, warm_up_seconds: int | None = None):
        self._source = Path(report_source)
        self._warm_up_seconds = warm_up_seconds
        # It boots in an empty folder of its own (its first import path, like the build folder
        # a render's own kernel starts in); the execution moves it to the build folder.
        self._home = Path(tempfile.mkdtemp(prefix="baocao-kernel-"))
        self._manager: Any = None
        self._ready = False
        self._taken = False
        self._closing = False
        self._lock = threading.Lock()  # between the launch and `close`
        self._thread = threading.Thread(target=self._boot, name="report-kernel", daemon=True)

    def start(self) -> ReportKernel:
        # Imported here, in the caller's thread: jupyter_client imported by two threads at
        # once can fail half-initialised (see `run.kernels.KernelPool.prestart`).
        from jupyter_client import KernelManager  # noqa: F401
        from jupyter_client.asynchronous import AsyncKernelClient  # noqa: F401
        from jupyter_core.utils import run_sync  # noqa: F401

        self._thread.start()
        return self

    def _boot(self) -> None:
        with suppress(Exception):  # the render starts its own kernel, and reports its failure
            from jupyter_client import KernelManager
            from jupyter_core.utils import run_sync

            modules = imported_modules(self._source.read_text(encoding="utf-8"))
            manager = KernelManager(kernel_name=KERNEL, client_class=ASYNC_CLIENT)
            quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
            with self._lock:
                if self._closing:
                    return
                manager.start_kernel(cwd=str(self._home), **quiet)
                self._manager = manager
            client = manager.client()
            client.allow_stdin = False
            client.start_channels()
            try:
                run_sync(client.wait_for_ready)(timeout=START_TIMEOUT)
                code = warm_up_code(modules)
                seconds = self._warm_up_seconds or cell_timeout()
                self._ready = run_sync(_run_silently)(client, code, seconds)
            finally:
                client.stop_channels()

    def take(self) -> Any | None:
        """The warmed kernel's manager (`jupyter_client.KernelManager`, its clients
        asynchronous), now the caller's to shut down; None when it did not start (the
        caller starts a kernel of its own). Waits for the boot, itself bounded."""
        self._thread.join()
        if not self._ready or self._taken or self._closing or not self._manager.is_alive():
            return None
        self._taken = True
        return self._manager

    def close(self) -> None:
        """Kill the kernel unless it was taken, and remove the folder it started in; a boot
        still under way is given `CLOSE_WAIT` seconds to notice."""
        with self._lock:
            self._closing = True
            manager = None if self._taken else self._manager
        if manager is not None:
            kill_kernel(manager)
        if self._thread.ident is not None:
            self._thread.join(timeout=CLOSE_WAIT)
        if manager is not None:
            with suppress(Exception):
                manager.shutdown_kernel(now=True)  # removes its connection file
        shutil.rmtree(self._home, ignore_errors=True)

    def __enter__(self) -> ReportKernel:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


async def _run_silently(client, code: str, seconds: float) -> bool:
    """Run `code` silently in `client`'s kernel; True when it ran without error within
    `seconds`, False when it failed, took longer or the kernel died (checked every second:
    jupyter_client's `execute_interactive` would wait out its whole timeout)."""
    msg_id = client.execute(code, silent=True, store_history=False)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            reply = await client.get_shell_msg(timeout=1)
        except queue.Empty:
            if not await client.is_alive():
                return False
            continue
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]["status"] == "ok"
    return False
