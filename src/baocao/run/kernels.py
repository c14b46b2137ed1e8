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

Every wait on a kernel has a deadline. The client is jupyter_client's asynchronous one: with
the blocking client, nbclient's wait for a cell's output blocked its event loop, so neither
the cell's time limit nor the kernel's death was ever noticed and a stuck unit hung the run.
An asynchronous client belongs to the event loop it first ran in, and each thread has its own
(`jupyter_core.utils.run_sync`), so everything done with a kernel's client, from its connection
to the notebooks it runs, happens in one thread of its own (`KernelThread`); the unit that
borrows the kernel waits for the result. A kernel whose notebook timed out or died is never
lent again. Closing the pool kills every kernel at once: a notebook still running ends within
a second (nbclient checks that its kernel is alive every second).

Kernels are started lazily and launched one at a time, under a lock: launching many kernels at
once is where papermill users meet port and connection-file races. They then boot side by side
(jupyter_client never hands the same port to two kernels of one process).
"""

from __future__ import annotations

import queue
import signal
import sys
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

ISOLATION_TAG = "isolation"
PRESTART_WAIT = 30  # seconds a closing pool waits for a kernel still booting
START_TIMEOUT = 120  # seconds a launched kernel has to answer
CLOSE_WAIT = 10  # seconds a closing kernel waits for its thread to finish what it is doing
# The client nbclient's deadlines need (see the module's docstring).
ASYNC_CLIENT = "jupyter_client.asynchronous.AsyncKernelClient"
# Ends a kernel at once, whatever it is doing (Windows has no SIGKILL: SIGTERM terminates).
KILL = getattr(signal, "SIGKILL", signal.SIGTERM)
ISOLATION_SOURCE = (
    "# Isolation: this kernel serves several units in turn; start from an empty namespace,\n"
    "# and keep no output history (it would hold every earlier unit's tables).\n"
    "%reset_selective -f .\n"
    "get_ipython().displayhook.cache_size = 0"
)


class PoolClosed(RuntimeError):
    """A unit asked for a kernel after the pool was closed (the run is stopping)."""


class NotebookStopped(Exception):
    """A notebook that ended otherwise than on a cell's own error: `cause` is what ended it
    (nbclient's `CellTimeoutError` for a cell over its limit, `DeadKernelError` for a kernel
    that died, ...), `notebook` the notebook as far as it ran (papermill's record: each cell's
    `metadata.papermill.start_time` says whether it started). papermill writes nothing then."""

    def __init__(self, cause: BaseException, notebook):
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.cause = cause
        self.notebook = notebook


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


def kill_kernel(manager) -> None:
    """Kill a `jupyter_client.KernelManager`'s kernel (and its process group) at once, from any
    thread: a signal, nothing shared with the thread that may be waiting on the kernel. A
    kernel already gone is no error."""
    with suppress(Exception):
        manager.signal_kernel(KILL)


class KernelThread:
    """One daemon thread that runs, in turn, the calls given to it (`submit`): the one thread
    that uses a kernel's asynchronous client. Daemon: a thread still waiting when the process
    ends does not keep it alive (every wait it makes has its own deadline anyway)."""

    def __init__(self, name: str):
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while (task := self._tasks.get()) is not None:
            future, function, args, kwargs = task
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = function(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                future.set_exception(exc)
            else:
                future.set_result(result)

    def submit(self, function, *args, **kwargs) -> Future:
        future: Future = Future()
        self._tasks.put((future, function, args, kwargs))
        return future

    def stop(self) -> None:
        """End the thread once the calls already given are done."""
        self._tasks.put(None)


class WarmKernel:
    """A running kernel (`jupyter_client.KernelManager`), its connected asynchronous client
    and the thread (`KernelThread`) that uses the client."""

    def __init__(self, manager: Any, thread: KernelThread):
        self.manager = manager
        self.thread = thread
        self.client: Any = None
        # True once a notebook did not end normally (timed out, lost its kernel, was
        # stopped): the kernel may still be running a stuck cell and is never lent again.
        self.spoiled = False
        self._closed = False
        self._lock = threading.Lock()

    def call(self, function, *args, **kwargs):
        """`function(*args, **kwargs)` run in the kernel's thread; its result, or its error."""
        return self.thread.submit(function, *args, **kwargs).result()

    def connect(self, timeout: float = START_TIMEOUT) -> None:
        """Connect the client and wait until the kernel answers (RuntimeError when it dies
        first or does not answer within `timeout` seconds)."""

        def connect() -> None:
            from jupyter_core.utils import run_sync

            client = self.manager.client()
            client.allow_stdin = False  # as nbclient sets it: a notebook cannot ask for input
            client.start_channels()
            self.client = client
            run_sync(client.wait_for_ready)(timeout=timeout)

        self.call(connect)

    def papermill_kwargs(self) -> dict[str, Any]:
        """What `papermill.execute_notebook` needs to run a notebook in this kernel and client
        (the engine that keeps both up, `register_engine`); the call must be made in the
        kernel's thread, as `execute_notebook` does."""
        return {"km": self.manager, "kc": self.client, "engine_name": register_engine()}

    def execute_notebook(self, notebook, output_path: str, **kwargs):
        """`papermill.execute_notebook` of `notebook` into `output_path` in this kernel, run in
        its thread; returns the executed notebook or raises as papermill does, and
        `NotebookStopped` when it did not end (a cell over `execution_timeout` seconds, a
        kernel that died, ...)."""
        import papermill

        try:
            return self.call(
                papermill.execute_notebook,
                notebook,
                output_path,
                **self.papermill_kwargs(),
                **kwargs,
            )
        except BaseException as exc:
            self.spoiled = self.spoiled or not _is_a_cells_error(exc)
            raise

    def alive(self) -> bool:
        with suppress(Exception):
            return not self._closed and bool(self.manager.is_alive())
        return False

    def kill(self) -> None:
        """Kill the kernel now, from any thread; what waits on it notices within a second."""
        kill_kernel(self.manager)

    def close(self, wait: float = CLOSE_WAIT) -> None:
        """Kill the kernel, then, in its thread, disconnect the client and clean up after the
        kernel (connection file); waits at most `wait` seconds for the thread. Only the first
        call does anything."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self.kill()

        def shut_down() -> None:
            if self.client is not None:
                with suppress(Exception):  # best effort at shutdown
                    self.client.stop_channels()
            with suppress(Exception):
                self.manager.shutdown_kernel(now=True)

        try:
            self.thread.submit(shut_down).result(timeout=wait)
        except FutureTimeout:  # the thread is stuck: the kernel is dead, remove its files
            with suppress(Exception):
                self.manager.cleanup_resources()
        self.thread.stop()


def _is_a_cells_error(exc: BaseException) -> bool:
    """A notebook that stopped on a cell's own error (its kernel idle and reusable), as
    opposed to one that timed out, lost its kernel or was stopped."""
    errors = sys.modules.get("papermill.exceptions")
    return errors is not None and isinstance(exc, errors.PapermillExecutionError)


class KernelPool:
    """Up to `size` kernels, started on first demand and shut down when the pool closes."""

    def __init__(self, size: int, *, kernel_name: str = "python3", log: Path | None = None):
        self.size = max(1, size)
        self.kernel_name = kernel_name
        self.log = log
        # An idle kernel, or None: something changed (a kernel failed to start or was
        # dropped, the pool closed); a unit waiting for a kernel looks again.
        self._idle: queue.Queue[WarmKernel | None] = queue.Queue()
        self._all: list[WarmKernel] = []
        self._start_lock = threading.Lock()
        self._prestarting: list[threading.Thread] = []
        self._log_handle: IO[bytes] | None = None
        self.closed = False

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
            if self.closed:
                raise PoolClosed("the kernel pool is closed")
            if len(self._all) >= self.size:
                return None
            if self.log is not None and self._log_handle is None:
                self.log.parent.mkdir(parents=True, exist_ok=True)
                self._log_handle = open(self.log, "ab")  # noqa: SIM115 - closed in close()
            from jupyter_client import KernelManager

            manager = KernelManager(kernel_name=self.kernel_name, client_class=ASYNC_CLIENT)
            # The kernel's start-up chatter goes to the log, not to the analyst's screen.
            sink = self._log_handle
            manager.start_kernel(stdout=sink, stderr=sink) if sink else manager.start_kernel()
            warm = WarmKernel(manager, KernelThread(f"kernel-{len(self._all) + 1}"))
            self._all.append(warm)
        try:
            warm.connect(START_TIMEOUT)
        except BaseException:
            self._drop(warm)
            raise
        return warm

    def _drop(self, warm: WarmKernel) -> None:
        """Shut a kernel down and out of the pool; a unit waiting for a kernel may start one."""
        with self._start_lock:
            if warm in self._all:
                self._all.remove(warm)
        warm.close()
        self._idle.put(None)

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
        from jupyter_client.asynchronous import AsyncKernelClient  # noqa: F401

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

    def _borrow(self) -> WarmKernel:
        """An idle kernel, or a new one while the pool is below its size, or the next one
        given back; `PoolClosed` once the pool is closed."""
        while True:
            if self.closed:
                raise PoolClosed("the kernel pool is closed")
            try:
                warm = self._idle.get_nowait()
            except queue.Empty:
                warm = self._start_one() or self._idle.get()
            if warm is not None and not self.closed:
                return warm

    @contextmanager
    def kernel(self):
        """Borrow a `WarmKernel`. It goes back to the pool unless its notebook did not end
        normally (timed out, lost its kernel, was stopped): a kernel still running a stuck
        cell, or dead, is shut down, and a fresh one starts on demand."""
        warm = self._borrow()
        try:
            yield warm
        except BaseException as exc:
            warm.spoiled = warm.spoiled or not _is_a_cells_error(exc)
            raise
        finally:
            if not warm.spoiled and not self.closed and warm.alive():
                self._idle.put(warm)
            else:
                self._drop(warm)

    def close(self) -> None:
        """Kill every kernel at once (a notebook still running ends within a second, a unit
        waiting for a kernel gets `PoolClosed`), then shut them down."""
        with self._start_lock:
            self.closed = True
            kernels = list(self._all)
        for warm in kernels:
            warm.kill()
        for _ in range(self.size):
            self._idle.put(None)
        for thread in self._prestarting:  # a kernel still booting notices its death
            thread.join(timeout=PRESTART_WAIT)
        self._prestarting.clear()
        with self._start_lock:
            kernels = list(self._all)
            self._all.clear()
        for warm in kernels:
            warm.close()
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
            except Exception as exc:  # papermill keeps cells' own errors: here, the others
                raise NotebookStopped(exc, nb_man.nb) from exc
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
