"""The pipeline runs on the analysts' Windows PCs: no POSIX-only module or call on its paths,
text files read and written as UTF-8 explicitly, console output through rich, and every path a
period writes well under Windows' 260 characters with names Windows accepts.

The code scanned is what the pipeline runs: the package, the notebooks' code cells and
report.qmd's code chunks. A POSIX-only call is allowed only as an explicit fallback: inside an
`if` on `sys.platform`/`os.name`, or a `try` that catches ImportError/AttributeError.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from baocao.base.files import temporary_beside
from baocao.config.paths import ProjectPaths
from baocao.config.units import WINDOWS_RESERVED
from baocao.pipeline import RunOptions, run_period
from baocao.run.generations import staging_name
from baocao.sample import write_sample

REPO = Path(__file__).resolve().parents[1]

POSIX_MODULES = {
    "fcntl",
    "termios",
    "tty",
    "pty",
    "pwd",
    "grp",
    "resource",
    "posix",
    "crypt",
    "spwd",
    "syslog",
    "readline",
    "curses",
}
POSIX_CALLS = {
    "os": {
        "fork",
        "forkpty",
        "killpg",
        "setsid",
        "setpgrp",
        "getpgid",
        "getuid",
        "geteuid",
        "getgid",
        "getegid",
        "chown",
        "lchown",
        "mkfifo",
        "mknod",
        "getloadavg",
        "uname",
        "sync",
        "nice",
        "wait3",
        "wait4",
        "WNOHANG",
    },
    "signal": {
        "SIGKILL",
        "SIGHUP",
        "SIGALRM",
        "SIGUSR1",
        "SIGUSR2",
        "SIGCHLD",
        "SIGQUIT",
        "SIGPIPE",
        "SIGSTOP",
        "SIGCONT",
        "alarm",
        "pause",
        "setitimer",
        "siginterrupt",
    },
}
POSIX_KEYWORDS = {"preexec_fn", "start_new_session", "pass_fds"}
POSIX_PATH = re.compile(r"^/(tmp|dev|usr|bin|etc|var|home|proc)(/|$)")
TEXT_FLAGS = {"text", "universal_newlines"}


def _is_fallback_guard(node: ast.AST) -> bool:
    """An `if` testing the platform, or a `try` catching a missing module or attribute."""
    if isinstance(node, ast.If):
        names = {ast.unparse(n) for n in ast.walk(node.test)}
        return bool(names & {"sys.platform", "os.name", "platform.system()"})
    if isinstance(node, ast.Try):
        caught = {ast.unparse(h.type) for h in node.handlers if h.type is not None}
        wanted = ("ImportError", "ModuleNotFoundError", "AttributeError")
        return any(w in c for c in caught for w in wanted)
    return False


def _keywords(call: ast.Call) -> dict[str, ast.expr]:
    return {k.arg: k.value for k in call.keywords if k.arg}


def _mode(call: ast.Call) -> str:
    mode = _keywords(call).get("mode") or (call.args[1] if len(call.args) > 1 else None)
    return mode.value if isinstance(mode, ast.Constant) and isinstance(mode.value, str) else "r"


def _true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def problems_in(source: str, *, console: bool = True) -> list[str]:
    """Why this Python source would not run the same on Windows (empty when it would).
    `console` = the code writes to the user's console (the package; not a notebook's cells)."""
    tree = ast.parse(source)
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if _is_fallback_guard(node):
            guarded.update(id(n) for n in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if id(node) in guarded:
            continue
        line = getattr(node, "lineno", "?")
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            )
            for module in modules:
                if module and module.split(".")[0] in POSIX_MODULES:
                    found.append(f"line {line}: imports POSIX-only module {module}")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.attr in POSIX_CALLS.get(node.value.id, ()):
                found.append(f"line {line}: uses POSIX-only {node.value.id}.{node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if POSIX_PATH.match(node.value):
                found.append(f"line {line}: hard-coded POSIX path {node.value!r}")
        elif isinstance(node, ast.Call):
            found += _call_problems(node, line, console)
    return found


def _call_problems(call: ast.Call, line, console: bool) -> list[str]:
    found = []
    keywords = _keywords(call)
    name = ast.unparse(call.func)
    for keyword in POSIX_KEYWORDS & set(keywords):
        found.append(f"line {line}: {name}({keyword}=...) does not exist on Windows")
    if _true(keywords.get("shell")):
        found.append(f"line {line}: {name}(shell=True) runs a POSIX shell command line")
    has_encoding = "encoding" in keywords
    if name == "open" and "b" not in _mode(call) and not has_encoding:
        found.append(f"line {line}: open() in text mode without encoding=")
    method = call.func.attr if isinstance(call.func, ast.Attribute) else ""
    # read_text(encoding, ...) and write_text(data, encoding, ...) may pass it by position.
    positional = len(call.args) > (1 if method == "write_text" else 0)
    if method in ("read_text", "write_text") and not has_encoding and not positional:
        found.append(f"line {line}: {method}() without encoding=")
    if any(_true(keywords.get(flag)) for flag in TEXT_FLAGS) and not has_encoding:
        found.append(f"line {line}: {name}(text=True) decodes with the Windows code page")
    if console and name in ("print", "sys.stdout.write", "sys.stderr.write"):
        found.append(f"line {line}: {name}() to the console; use the rich console")
    return found


def _qmd_code(text: str) -> str:
    chunks = re.findall(r"^```\{python[^}]*\}\n(.*?)^```", text, flags=re.S | re.M)
    return "\n".join(chunks)


def _notebook_code(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    return "\n".join(line for c in code for line in c.splitlines() if not line.startswith("%"))


SOURCES = [
    *sorted((REPO / "src" / "baocao").rglob("*.py")),
    *sorted((REPO / "notebooks").glob("*.ipynb")),
    REPO / "report.qmd",
]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_pipeline_code_is_portable(path):
    if path.suffix == ".py":
        found = problems_in(path.read_text(encoding="utf-8"))
    elif path.suffix == ".ipynb":
        found = problems_in(_notebook_code(path), console=False)
    else:
        found = problems_in(_qmd_code(path.read_text(encoding="utf-8")), console=False)
    assert found == []


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import fcntl", "POSIX-only module fcntl"),
        ("from pwd import getpwnam", "POSIX-only module pwd"),
        ("import os\nos.fork()", "os.fork"),
        ("import os, signal\nos.kill(1, signal.SIGKILL)", "signal.SIGKILL"),
        ("subprocess.Popen(c, start_new_session=True)", "start_new_session"),
        ("subprocess.run('a | b', shell=True)", "shell=True"),
        ("subprocess.run(c, text=True)", "text=True"),
        ("open(p, 'w')", "open() in text mode"),
        ("Path(p).read_text()", "read_text() without encoding"),
        ("path.write_text('x')", "write_text() without encoding"),
        ("x = '/tmp/baocao'", "hard-coded POSIX path"),
        ("print('Đã ghi')", "rich console"),
    ],
)
def test_the_scanner_finds_what_windows_lacks(source, expected):
    found = problems_in(source)
    assert len(found) == 1 and expected in found[0]


@pytest.mark.parametrize(
    "source",
    [
        "import sys\nif sys.platform != 'win32':\n    import fcntl\n    import os\n    os.fork()",
        "try:\n    import fcntl\nexcept ImportError:\n    fcntl = None",
        "import os\nif os.name == 'posix':\n    os.killpg(1, 9)",
        "open(p, 'rb')",
        "open(p, 'w', encoding='utf-8')",
        "subprocess.run(c, text=True, encoding='utf-8')",
        "path.read_text(encoding='utf-8')",
        "console.print('Đã ghi')",
    ],
)
def test_the_scanner_allows_explicit_fallbacks_and_utf8(source):
    assert problems_in(source) == []


# --- the longest path a period writes --------------------------------------------------------

UNITS = 168
LONGEST_CODE = "X" * 32  # the longest unit code config/units.yml accepts
# A typical project folder on an office PC, e.g. C:\Users\<user name>\Documents\baocao\ :
PROJECT_FOLDER = 60
WINDOWS_LIMIT = 260
FORBIDDEN = re.compile(r'[<>:"|?*\x00-\x1f]')
PERIOD = "2024-H1"  # the sample has no planted irregularities in this period


def _windows_name_problems(name: str) -> list[str]:
    problems = []
    if FORBIDDEN.search(name):
        problems.append(f"{name}: a character Windows forbids")
    if name.endswith((" ", ".")):
        problems.append(f"{name}: ends with a space or a dot")
    if WINDOWS_RESERVED.match(name.split(".")[0]):
        problems.append(f"{name}: a device name Windows reserves")
    return problems


@pytest.mark.slow
def test_every_path_a_168_unit_period_writes_is_short_and_windows_safe(tmp_path):
    """A 168-unit province whose units have the longest codes allowed; two units send a
    workbook, the others nothing. Every file and folder the run leaves (processed data, cache,
    notebooks, reports), plus the temporary name every file is written under and the staging
    folder of the outputs, must fit well under 260 characters from the project root."""
    root = tmp_path / "p"
    for name in ("config", "notebooks", "narrative"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
    for name in ("report.qmd", "_quarto.yml", "_quarto-public.yml", "requirements.lock"):
        shutil.copy(REPO / name, root / name)
    units = [
        {"code": f"{LONGEST_CODE[:-3]}{i:03d}", "name": f"Xã Thử Nghiệm Có Tên Rất Dài Số {i}"}
        for i in range(1, UNITS + 1)
    ]
    config = yaml.safe_load((REPO / "config" / "units.yml").read_text(encoding="utf-8"))
    config["unit_lists"] = [{"from": "2020-H1", "level": "xã", "units": units}]
    (root / "config" / "units.yml").write_text(
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    paths = ProjectPaths(
        root=root,
        raw=root / "data" / "raw",
        processed=root / "data" / "processed",
        output=root / "_output",
    )
    write_sample(PERIOD, paths.raw, paths)
    workbooks = sorted(paths.raw_period(PERIOD).iterdir())
    assert len(workbooks) == UNITS
    for workbook in workbooks[2:]:
        workbook.unlink()
    result = run_period(PERIOD, paths, RunOptions(jobs=2))
    assert sum(o.source_file is not None and not o.messages for o in result.outcomes) >= 2

    written = [p for p in root.rglob("*") if not p.is_relative_to(paths.raw)]
    written = [p for p in written if p.relative_to(root).parts[0] in ("data", "_output")]
    assert any(".cache" in p.parts for p in written)
    problems = [m for p in written for m in _windows_name_problems(p.name)]
    assert problems == []

    # Each file is first written beside itself under a temporary name (base.files.temporary_beside);
    # a run's outputs are staged beside their folders until committed (generations.Generation):
    # `data/processed/.<period>.next/<period>/…`, `_output/.<period>.next/…`.
    probe = temporary_beside(tmp_path / "x" / "a")
    temporary_extra = len(probe.name) - 1
    probe.unlink()
    staged = (paths.processed_period(PERIOD), paths.output_period(PERIOD))

    def length_of(path: Path) -> int:
        """The path's length from the root with the temporary name, and the staging folder
        for what a run stages (not the receipt ledger's kept copies, written in place)."""
        extra = (
            len(staging_name(PERIOD) + "/") if any(path.is_relative_to(s) for s in staged) else 0
        )
        return len(str(path.relative_to(root))) + temporary_extra + extra

    longest = max(written, key=length_of)
    length = length_of(longest)
    print(f"longest path from the project root: {longest.relative_to(root)} ({length} with extras)")
    assert PROJECT_FOLDER + length <= WINDOWS_LIMIT - 60, longest


# --- the console -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arguments, code, expected",
    [
        (["--help"], 0, "Tổng hợp báo cáo 6 tháng"),
        (["status"], 2, "đó không phải thư mục dự án baocao"),
    ],
)
def test_vietnamese_output_survives_a_windows_code_page(tmp_path, arguments, code, expected):
    """Redirected output on Windows is encoded in the ANSI code page (cp1252 here): the command
    must still print its Vietnamese, as UTF-8, with no traceback."""
    env = {
        **os.environ,
        "PYTHONIOENCODING": "cp1252",
        "BAOCAO_ROOT": str(tmp_path / "khong-co"),
        "COLUMNS": "200",
    }
    done = subprocess.run(
        [sys.executable, "-m", "baocao", *arguments], cwd=tmp_path, env=env, capture_output=True
    )
    output = (done.stdout + done.stderr).decode("utf-8")
    assert done.returncode == code, output
    assert expected in output and "Traceback" not in output
