"""The public page of a sample period, rendered as a province would publish it.

`render_public_page` makes a copy of the project (tests/conftest.py `project_copy`, with the
`_quarto*.yml` settings and the period's narrative) whose narrative has every section of the
period's outline written — the sample's own text where it has one, else one illustrative
paragraph per section, written here (2026-H1 has none; a public page is only published from a
complete narrative) — with the sample's figures and Phụ lục II models processed
(`baocao.synthetic`, no unit notebook run) and a run id, and renders its public page with the
built-in backend. The session fixture `public_page_renders` (tests/conftest.py) calls it once a
period for the browser tests.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import REPO, project_copy

from baocao import synthetic
from baocao.config.catalog import load_catalogue
from baocao.config.outline import load_outline
from baocao.config.paths import ProjectPaths
from baocao.report.compose.data import RUN_FILE
from baocao.report.render import reports as render

RUN_ID = "c0ffee15beef"  # written as the run's id: the page must not show it


def project_with_narrative(base, period: str):
    """A project copy whose narrative has every section of `period`'s outline written (the
    sample's own text where it has one, else an illustrative paragraph), with the sample's
    figures and models processed and a run id."""
    paths = project_copy(base, period)
    for settings in REPO.glob("_quarto*.yml"):
        shutil.copy(settings, paths.root / settings.name)
    folder = paths.root / "narrative" / period
    if (REPO / "narrative" / period).is_dir():
        shutil.copytree(REPO / "narrative" / period, folder)
    folder.mkdir(parents=True, exist_ok=True)
    outline = load_outline(paths.config, load_catalogue(paths.config, period), period)
    for text_id in outline.text_ids():
        file = folder / f"{text_id}.md"
        if not file.exists():
            file.write_text(
                f"Nội dung minh họa của mục {text_id}: các đơn vị đã triển khai đầy đủ nhiệm vụ "
                "theo kế hoạch (đoạn văn minh họa, không phải nội dung thật).\n",
                encoding="utf-8",
            )
    synthetic.write_processed(paths, period)
    synthetic.write_models(paths, period)
    run = paths.processed_period(period) / RUN_FILE
    run.write_text(json.dumps({"period": period, "run_id": RUN_ID}), encoding="utf-8")
    return paths


def render_public_page(base: Path, period: str) -> tuple[ProjectPaths, Path]:
    """(paths, page): `period`'s public page rendered under `base` (built-in backend)."""
    paths = project_with_narrative(base, period)
    result = render.render_report(period, "public", paths, base / "out", backend="builtin")
    return paths, result.outputs["html"]
