"""`baocao run --explain` says what `baocao run` then does: one plan (`report.plan`), printed by
the one and carried out by the other. Real CLI processes, real kernels, real workbooks of the
sample (three units of 2021-H1 and one of the comparison period 2020-H1), a real render."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from baocao.report.render.profiles import PROFILE_NAMES

REPO = Path(__file__).resolve().parents[2]
PERIOD, EARLIER = "2021-H1", "2020-H1"
FILES = {
    PERIOD: ("181-binh-gia-2021-H1.xlsx", "183-cao-loc-2021-H1.xlsx", "187-chi-lang-2021-H1.xlsx"),
    EARLIER: ("181-binh-gia-2020-H1.xlsx",),
}
pytestmark = pytest.mark.slow


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    """A project of its own: configuration, notebook, report source and narrative copied, the
    sample's workbooks in a tmp raw folder, processed data and outputs in tmp folders."""
    root = tmp_path / "root"
    for folder in ("config", "notebooks", f"narrative/{PERIOD}"):
        shutil.copytree(REPO / folder, root / folder)
    for name in ("report.qmd", "requirements.lock"):
        shutil.copy(REPO / name, root / name)
    for period, names in FILES.items():
        (tmp_path / "raw" / period).mkdir(parents=True)
        for name in names:
            shutil.copy(REPO / "data" / "raw" / period / name, tmp_path / "raw" / period / name)
    return {
        **os.environ,
        "BAOCAO_ROOT": str(root),
        "BAOCAO_RAW_DIR": str(tmp_path / "raw"),
        "BAOCAO_PROCESSED_DIR": str(tmp_path / "processed"),
        "BAOCAO_OUTPUT_DIR": str(tmp_path / "out"),
        "COLUMNS": "1000",  # one table row per line
    }


def baocao(env: dict[str, str], *options: str) -> str:
    command = [sys.executable, "-m", "baocao", "run", "--period", PERIOD, "--jobs", "2"]
    done = subprocess.run(
        [*command, "--profile", "public", *options],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def explained(env: dict[str, str], *options: str) -> dict[str, tuple[bool, str]]:
    """What `--explain` prints: part → (runs, why), read from its table."""
    rows = {}
    for line in baocao(env, "--explain", *options).splitlines():
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if len(cells) == 3 and cells[1] in ("có", "không"):
            rows[cells[0]] = (cells[1] == "có", cells[2])
    return rows


def said(rows: dict[str, tuple[bool, str]]) -> dict:
    """The units, comparison and profiles `--explain` says will run."""
    profiles = {
        profile
        for profile, name in PROFILE_NAMES.items()
        for what, (runs, _) in rows.items()
        if runs and what.startswith(name)
    }
    return {
        "units": {
            what.split()[0] for what, (runs, _) in rows.items() if runs and what[0].isdigit()
        },
        "comparison": rows[f"kỳ so sánh {EARLIER}"][0],
        "profiles": profiles,
    }


def done(env: dict[str, str], *options: str) -> dict:
    """What `run` did, read from its manifest."""
    baocao(env, *options)
    manifest = Path(env["BAOCAO_OUTPUT_DIR"]) / PERIOD / "manifest.json"
    recorded = json.loads(manifest.read_text(encoding="utf-8"))
    return {
        "units": set(recorded["ran_units"]),
        "comparison": bool(recorded["comparison"]["ran_units"]),
        "profiles": set(recorded["rendered_profiles"]),
    }


def test_explain_says_what_run_then_does(env):
    first = explained(env)
    assert said(first) == {
        "units": {"181", "183", "187"},
        "comparison": True,
        "profiles": {"public"},
    }
    assert "chưa có kết quả" in first["181 Huyện Bình Gia"][1]
    assert said(first) == done(env)

    unchanged = explained(env)
    assert said(unchanged) == {"units": set(), "comparison": False, "profiles": set()}
    assert said(unchanged) == done(env)

    workbook = Path(env["BAOCAO_RAW_DIR"]) / PERIOD / FILES[PERIOD][1]
    book = load_workbook(workbook)
    book["Số liệu"]["E6"] = 999
    book.save(workbook)
    one_file = explained(env)
    assert said(one_file) == {"units": {"183"}, "comparison": False, "profiles": {"public"}}
    assert one_file["183 Huyện Cao Lộc"][1] == "tệp số liệu của đơn vị đã thay đổi"
    assert said(one_file) == done(env)

    text = Path(env["BAOCAO_ROOT"]) / "narrative" / PERIOD / "1.1.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nMột câu mới.\n", encoding="utf-8")
    narrative = explained(env)
    assert said(narrative) == {"units": set(), "comparison": False, "profiles": {"public"}}
    assert "phần viết của chuyên viên" in narrative["trang công khai (.html)"][1]
    assert said(narrative) == done(env)

    forced = explained(env, "--force")
    assert said(forced) == {
        "units": {"181", "183", "187"},
        "comparison": True,
        "profiles": {"public"},
    }
    assert said(forced) == done(env, "--force")
