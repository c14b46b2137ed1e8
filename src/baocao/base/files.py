"""Files written atomically: to a temporary name beside the target, then moved in one step.

In: a path and its content (bytes, text, JSON-able data) or a writer that fills a temporary
path. Out: the file at `path`, complete, or — when writing fails — the file as it was before
(never half-written). Temporary files get the permissions of an ordinary new file. An `OSError`
(disk full, read-only folder) is raised naming the file; callers turn it into their message.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = [
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "temporary_beside",
    "write_json",
]

_UMASK = os.umask(0o022)
os.umask(_UMASK)


def temporary_beside(path: Path) -> Path:
    """A new empty file next to `path` (same folder, so a later `os.replace` is atomic), with
    the permissions of an ordinary new file: mkstemp makes it private, outputs are shared."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    os.chmod(temporary, 0o666 & ~_UMASK)
    return Path(temporary)


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path for a writer (a program, a library) to fill; on success it
    replaces `path` in one move, on failure it is removed and `path` is left as it was."""
    temporary = temporary_beside(path)
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write `data` to `path` atomically. An `OSError` (disk full, read-only folder) names
    `path` when the system did not say which file."""
    try:
        with atomic_path(path) as temporary, open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        exc.filename = exc.filename or str(path)
        raise
    return Path(path)


def atomic_write_text(path: Path, text: str) -> Path:
    """Write `text` to `path` atomically, as UTF-8."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def write_json(path: Path, data: Any) -> Path:
    """Write `data` as JSON to `path` atomically: UTF-8, indented, keys sorted, so two runs on
    the same data give the same bytes."""
    return atomic_write_text(
        path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    )
