"""A kernel for the report's one execution, started while the units are still being processed.

On a period's first run the report will be rendered once the units are done, and rendering then
waits for a kernel to boot and for report.qmd's libraries (pandas, matplotlib, baocao's report
modules) to load: about two seconds with nothing else to do, while the machine's cores were
busy with units just before. `ReportKernel` starts that kernel in a background thread at the
start of the run and imports, silently, the modules report.qmd's cells import (read from the
.qmd itself); nothing is defined in the kernel's namespace, so the report's cells run as in a
fresh kernel. The render takes the kernel (`take`) and shuts it down after its execution; a
kernel that failed to start, or was not taken, is shut down and the render starts its own.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import tempfile
import threading
from contextlib import suppress
from pathlib import Path
from typing import Any

KERNEL = "python3"
START_TIMEOUT = 120  # seconds


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
    """A kernel booting in the background (`start`), for one execution of report.qmd."""

    def __init__(self, report_source: Path):
        self._source = Path(report_source)
        # It boots in an empty folder of its own (its first import path, like the build folder
        # a render's own kernel starts in); the execution moves it to the build folder.
        self._home = Path(tempfile.mkdtemp(prefix="baocao-kernel-"))
        self._manager: Any = None
        self._client: Any = None
        self._ready = False
        self._taken = False
        self._thread = threading.Thread(target=self._boot, name="report-kernel", daemon=True)

    def start(self) -> ReportKernel:
        # Imported here, in the caller's thread: jupyter_client imported by two threads at
        # once can fail half-initialised (see `run.kernels.KernelPool.prestart`).
        from jupyter_client import KernelManager  # noqa: F401

        self._thread.start()
        return self

    def _boot(self) -> None:
        with suppress(Exception):  # the render starts its own kernel, and reports its failure
            from jupyter_client import KernelManager

            modules = imported_modules(self._source.read_text(encoding="utf-8"))
            manager = KernelManager(kernel_name=KERNEL)
            quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
            manager.start_kernel(cwd=str(self._home), **quiet)
            self._manager = manager
            client = manager.client()
            client.allow_stdin = False
            client.start_channels()
            self._client = client
            client.wait_for_ready(timeout=START_TIMEOUT)
            reply = client.execute_interactive(
                warm_up_code(modules),
                silent=True,
                store_history=False,
                timeout=START_TIMEOUT,
                output_hook=lambda _message: None,
            )
            self._ready = reply["content"]["status"] == "ok"

    def take(self) -> tuple[Any, Any] | None:
        """(kernel manager, connected client) of the warmed kernel, now the caller's to shut
        down; None when it did not start (the caller starts a kernel of its own)."""
        self._thread.join()
        if not self._ready or self._taken or not self._manager.is_alive():
            return None
        self._taken = True
        return self._manager, self._client

    def close(self) -> None:
        """Shut the kernel down unless it was taken; remove the folder it started in."""
        if self._thread.ident is not None:
            self._thread.join()
        if not self._taken:
            if self._client is not None:
                with suppress(Exception):
                    self._client.stop_channels()
            if self._manager is not None:
                with suppress(Exception):
                    self._manager.shutdown_kernel(now=True)
        shutil.rmtree(self._home, ignore_errors=True)

    def __enter__(self) -> ReportKernel:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
