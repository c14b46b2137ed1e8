"""A pool of warm Jupyter kernels that run many per-unit notebooks, one unit at a time each.

Starting a kernel and importing pandas, Great Expectations and matplotlib costs seconds; the work
of one unit costs a fraction of that. So each worker keeps one kernel for the whole run: imports
and the Great Expectations context are paid once per worker, and every notebook still runs top to
bottom through papermill and is kept, executed, for review. Isolation between units comes from a
cell put first in every notebook run (visible in the executed notebook) that deletes every name
the previous unit defined (`%reset_selective -f .`, which unlike `%reset -f` does not pay for a
full garbage collection) and turns off the output history; nothing a unit's cells define is
visible to the next unit.

Each kernel also keeps one client, connected once: a new client waits for the kernel's
messages to go quiet for 0.2 s before it is ready (jupyter_client's `wait_for_ready`), which
for a unit whose cells run in a fifth of a second nearly doubled its cost. nbclient reads only
the replies to its own requests, so what an earlier unit left on the channels is skipped.

Kernels are started lazily and launched one at a time, under a lock: launching many kernels at
once is where papermill users meet port and connection-file races. They then boot side by side
(jupyter_client never hands the same port to two kernels of one process).
"""

from __future__ import annotations

import queue
import threading
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ISOLATION_TAG = "isolation"
PRESTART_WAIT = 30  # seconds a closing pool waits for a kernel still booting
ISOLATION_SOURCE = (
    "# Isolation: this kernel serves several units in turn; start from an empty namespace,\n"
    "# and keep no output history (it would hold every earlier unit's tables).\n"
    "%reset_selective -f .\n"
    "get_ipython().displayhook.cache_size = 0"
)


def with_isolation_cell(notebook):
    """A copy of the notebook (an nbformat node) whose first code cell empties the namespace."""
    import nbformat

    copy = nbformat.from_dict(notebook)
    cell = nbformat.v4.new_code_cell(ISOLATION_SOURCE, metadata={"tags": [ISOLATION_TAG]})
    first_code = next(
        (i for i, c in enumerate(copy.cells) if c.cell_type == "code"), len(copy.cells)
    )
    copy.cells.insert(first_code, cell)
    return copy


@dataclass(frozen=True)
class WarmKernel:
    """A running kernel (`jupyter_client.KernelManager`) and its connected client."""

    manager: Any
    client: Any

    def papermill_kwargs(self) -> dict[str, Any]:
        """What `papermill.execute_notebook` needs to run a notebook in this kernel and client
        (the engine that keeps both up, `register_engine`)."""
        return {"km": self.manager, "kc": self.client, "engine_name": register_engine()}

    def close(self) -> None:
        with suppress(Exception):  # best effort at shutdown
            self.client.stop_channels()
        with suppress(Exception):
            self.manager.shutdown_kernel(now=True)


class KernelPool:
    """Up to `size` kernels, started on first demand and shut down when the pool closes."""

    def __init__(self, size: int, *, kernel_name: str = "python3", log: Path | None = None):
        self.size = max(1, size)
        self.kernel_name = kernel_name
        self.log = log
        self._idle: queue.Queue[WarmKernel | None] = queue.Queue()  # None: a prestart failed
        self._all: list[WarmKernel] = []
        self._start_lock = threading.Lock()
        self._prestarting: list[threading.Thread] = []
        self._log_handle: IO[bytes] | None = None

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def started(self) -> int:
        return len(self._all)

    def _start_one(self) -> WarmKernel | None:
        """Launch a kernel if the pool has room (None when it has not), then wait until it
        answers. Only the launch holds the lock: kernels boot side by side."""
        with self._start_lock:
            if len(self._all) >= self.size:
                return None
            if self.log is not None and self._log_handle is None:
                self.log.parent.mkdir(parents=True, exist_ok=True)
                self._log_handle = open(self.log, "ab")  # noqa: SIM115 - closed in close()
            from jupyter_client import KernelManager

            manager = KernelManager(kernel_name=self.kernel_name)
            # The kernel's start-up chatter goes to the log, not to the analyst's screen.
            sink = self._log_handle
            manager.start_kernel(stdout=sink, stderr=sink) if sink else manager.start_kernel()
            client = manager.client()
            client.allow_stdin = False  # as nbclient sets it: a notebook cannot ask for input
            client.start_channels()
            warm = WarmKernel(manager, client)
            self._all.append(warm)
        try:
            client.wait_for_ready(timeout=120)
        except BaseException:
            warm.close()
            with self._start_lock:
                self._all.remove(warm)
            raise
        return warm

    def prestart(self, count: int) -> None:
        """Start up to `count` kernels now, in the background, for the units to come (when
        every unit of a period will run, they boot while the runner reads the files). A
        kernel that fails to start here is started again, and its failure reported, when a
        unit asks for it."""

        # jupyter_client imports itself in a circle: imported by two threads at once (a
        # prestart here, papermill in a unit's thread) it can fail half-initialised. Import it,
        # and papermill, in this thread before any other starts.
        import papermill  # noqa: F401
        from jupyter_client import KernelManager  # noqa: F401

        def start() -> None:
            try:
                warm = self._start_one()
            except Exception:  # noqa: BLE001 - a unit starts one again, and says why
                self._idle.put(None)  # wakes a unit waiting for this kernel
                return
            if warm is not None:
                self._idle.put(warm)

        for _ in range(min(count, self.size)):
            thread = threading.Thread(target=start, name="kernel-prestart", daemon=True)
            thread.start()
            self._prestarting.append(thread)

    @contextmanager
    def kernel(self):
        """Borrow a `WarmKernel`: an idle one, or a new one while the pool is below its size."""
        try:
            warm = self._idle.get_nowait()
        except queue.Empty:
            warm = self._start_one() or self._idle.get()
        while warm is None:  # a prestarted kernel failed: start one here, its error is ours
            warm = self._start_one() or self._idle.get()
        try:
            yield warm
        finally:
            if warm.manager.is_alive():
                self._idle.put(warm)
            else:  # a unit killed its kernel: drop it, a fresh one starts on demand
                warm.close()
                with self._start_lock:
                    self._all.remove(warm)

    def close(self) -> None:
        for thread in self._prestarting:  # a kernel still booting is shut down with the others
            thread.join(timeout=PRESTART_WAIT)
        self._prestarting.clear()
        for warm in self._all:
            warm.close()
        self._all.clear()
        if self._log_handle is not None:
            self._log_handle.close()
            self._log_handle = None


ENGINE = "baocao-warm-kernel"


def register_engine() -> str:
    """Register, once, the papermill engine that runs a notebook in a borrowed warm kernel."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    class WarmKernelEngine(NBClientEngine):
        """papermill's nbclient engine for a kernel it does not own (`km=`): the kernel stays
        up for the next unit. With `kc=` (the pool's client) the notebook runs through that
        client, which stays connected; without it the client made for this notebook is closed
        after it (left open, each run would keep its sockets and about a megabyte until the
        process ends)."""

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            **kwargs,
        ):
            # As NBClientEngine.execute_managed_notebook, keeping hold of the client.
            connected = kwargs.pop("kc", None)
            kwargs = remove_args(["input_path"], **kwargs)
            safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
            client = PapermillNotebookClient(
                nb_man,
                **merge_kwargs(
                    safe_kwargs,
                    timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
                    startup_timeout=start_timeout,
                    kernel_name=kernel_name,
                    log_output=log_output,
                    stdout_file=stdout_file,
                    stderr_file=stderr_file,
                ),
            )
            client.kc = connected  # nbclient connects a new client only when this is None
            try:
                return client.execute()
            finally:
                if connected is None and client.kc is not None:
                    client.kc.stop_channels()  # also ends the zmq context it made
                    client.kc = None

    if ENGINE not in papermill_engines._engines:
        papermill_engines.register(ENGINE, WarmKernelEngine)
    register_translator()
    return ENGINE


def register_translator() -> None:
    """Make papermill write Python string parameters as readable literals.

    papermill's Python translator escapes every non-ASCII letter (`unit_name = "X\\xe3 L\\u1ed9c
    B\\xecnh"`); the executed notebook an analyst opens should say `"Xã Lộc Bình"`. A JSON
    string written without ASCII escaping is a valid Python string literal with the same value
    (quotes, backslashes and control characters stay escaped)."""
    import json

    from papermill.translators import PythonTranslator, papermill_translators

    class ReadablePythonTranslator(PythonTranslator):
        @classmethod
        def translate_escaped_str(cls, str_val):
            if isinstance(str_val, str):
                return json.dumps(str_val, ensure_ascii=False)
            return super().translate_escaped_str(str_val)

    current = papermill_translators._translators.get("python")
    if current is None or current.__name__ != ReadablePythonTranslator.__name__:
        papermill_translators.register("python", ReadablePythonTranslator)
