"""Every path of the project, derived from one root.

The root is the project folder, holding `config/` and `report.qmd`; the first of:

1. the `BAOCAO_ROOT` environment variable, when set (PowerShell: `$env:BAOCAO_ROOT = "D:\\baocao"`);
2. the current folder or the nearest of its parents that is a project, the way git, Quarto,
   Kedro and dbt find theirs (a wheel installed anywhere, run from inside the project folder);
3. the checkout this package runs from (`pip install -e .`, the Makefile's way);
4. the folder holding the active virtual environment (`<project>\\.venv`, the Windows install of
   the README: the package installed from a wheel into the project's own `.venv`).

None found: `BaocaoError` naming every folder tried. Outputs can be sent elsewhere (tests send
them to a temporary folder) with `BAOCAO_RAW_DIR`, `BAOCAO_PROCESSED_DIR` and
`BAOCAO_OUTPUT_DIR`, or by passing a `ProjectPaths` built by hand.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from baocao.errors import BaocaoError

_PACKAGE_ROOT = Path(__file__).resolve().parents[3]
PROJECT_MARK = "report.qmd"  # with config/: what makes a folder a project


def is_project(folder: Path) -> bool:
    return (folder / PROJECT_MARK).is_file() and (folder / "config").is_dir()


def project_root() -> Path:
    """The project folder (see the module's docstring). Raises BaocaoError when none is found."""
    env = os.environ.get("BAOCAO_ROOT")
    if env:
        root = Path(env).resolve()
        if not is_project(root):
            raise BaocaoError(
                f"Biến môi trường BAOCAO_ROOT chỉ tới {root}, nhưng đó không phải thư mục dự án "
                "baocao (thư mục có config\\ và report.qmd). Hãy sửa BAOCAO_ROOT cho đúng thư mục "
                "dự án."
            )
        return root
    tried: list[Path] = []
    for candidate in candidate_roots():
        if candidate in tried:
            continue
        if is_project(candidate):
            return candidate
        tried.append(candidate)
    listed = "\n".join(f"  - {folder}" for folder in tried)
    raise BaocaoError(
        "Không tìm thấy thư mục dự án baocao (thư mục có config\\ và report.qmd). Đã tìm ở thư "
        "mục hiện tại, các thư mục cha của nó, nơi cài chương trình và thư mục chứa .venv:\n"
        f"{listed}\n"
        "Hãy chạy lệnh từ bên trong thư mục dự án, cài chương trình vào thư mục .venv bên trong "
        "thư mục dự án, hoặc đặt biến môi trường BAOCAO_ROOT là đường dẫn thư mục dự án "
        '(PowerShell: $env:BAOCAO_ROOT = "D:\\baocao").'
    )


def candidate_roots() -> list[Path]:
    """Where a project folder is looked for, in order, after BAOCAO_ROOT: the current folder
    and its parents, the checkout this package runs from, the virtual environment's parent."""
    try:
        here = Path.cwd().resolve()
    except OSError:  # the current folder was removed
        here = None
    chain = [here, *here.parents] if here is not None else []
    return [*chain, _PACKAGE_ROOT, Path(sys.prefix).resolve().parent]


@dataclass(frozen=True)
class ProjectPaths:
    """Where the pipeline reads and writes. Source files live under `root`; data may not."""

    root: Path
    raw: Path
    processed: Path
    output: Path

    @classmethod
    def default(cls) -> ProjectPaths:
        root = project_root()
        raw = Path(os.environ.get("BAOCAO_RAW_DIR", root / "data" / "raw"))
        processed = Path(os.environ.get("BAOCAO_PROCESSED_DIR", root / "data" / "processed"))
        output = Path(os.environ.get("BAOCAO_OUTPUT_DIR", root / "_output"))
        return cls(root=root, raw=raw, processed=processed, output=output)

    @property
    def config(self) -> Path:
        return self.root / "config"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def report_source(self) -> Path:
        return self.root / "report.qmd"

    def raw_period(self, period: str) -> Path:
        return self.raw / period

    def processed_period(self, period: str) -> Path:
        return self.processed / period

    def output_period(self, period: str) -> Path:
        return self.output / period
