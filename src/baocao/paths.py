"""Every path of the project, derived from one root.

The root is the folder holding `config/` and `report.qmd`: the `BAOCAO_ROOT` environment
variable when set, otherwise the checkout this package is installed from. Outputs can be sent
elsewhere (tests send them to a temporary folder) with `BAOCAO_DATA_ROOT` / `BAOCAO_OUTPUT_ROOT`
or by passing a `ProjectPaths` built by hand.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def project_root() -> Path:
    env = os.environ.get("BAOCAO_ROOT")
    return Path(env).resolve() if env else _PACKAGE_ROOT


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
