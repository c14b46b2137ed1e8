"""Quarto's pre-render and post-render step of report.qmd's project (named in _quarto.yml).

Quarto runs a project's .py script with the Python it finds: QUARTO_PYTHON, else `python3`
(`py` on Windows). The step itself is `python -m baocao.report.render.hooks STEP`, run by the
first Python that has baocao: this one, else the project's own `.venv` (`Scripts\\python.exe`
on Windows, `bin/python` elsewhere). Nothing of baocao is imported here: this file runs under
any Python 3.
"""

import importlib.util
import runpy
import subprocess
import sys
from pathlib import Path

MODULE = "baocao.report.render.hooks"


def venv_pythons(root):
    """The project's own environment's Python, where it exists."""
    for python in (root / ".venv" / "Scripts" / "python.exe", root / ".venv" / "bin" / "python"):
        if python.is_file():
            yield python


def main():
    if importlib.util.find_spec("baocao") is not None:
        sys.argv = [MODULE, *sys.argv[1:]]
        runpy.run_module(MODULE, run_name="__main__", alter_sys=True)
        return 0
    for python in venv_pythons(Path.cwd()):
        has_baocao = subprocess.run([str(python), "-c", "import baocao"], capture_output=True)
        if has_baocao.returncode == 0:
            return subprocess.call([str(python), "-m", MODULE, *sys.argv[1:]])
    message = (
        f"Python mà Quarto dùng ({sys.executable}) chưa cài baocao, và thư mục .venv của dự án "
        "cũng không có. Hãy đặt biến môi trường QUARTO_PYTHON là python của môi trường dự án "
        '(PowerShell: $env:QUARTO_PYTHON = "D:\\baocao\\.venv\\Scripts\\python.exe"; Linux: '
        "export QUARTO_PYTHON=$PWD/.venv/bin/python) rồi chạy lại quarto render."
    )
    try:  # rich shows Vietnamese on a Windows console; this Python may not have it
        from rich.console import Console

        Console(stderr=True, highlight=False, soft_wrap=True).print(message, markup=False)
    except ImportError:
        print(message, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
