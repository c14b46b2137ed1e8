"""What the analyst is told when a unit's notebook stops, and the time limit's setting."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from baocao.config.settings import cell_timeout
from baocao.errors import BaocaoError
from baocao.run.kernels import with_isolation_cell
from baocao.run.unit_stopped import step_name, stopped_cell

REPO = Path(__file__).resolve().parents[2]


def ran_up_to(notebook, index: int):
    """The notebook as papermill records it when cell `index` was the last to start."""
    for i, cell in enumerate(notebook.cells):
        started = "2026-01-01T00:00:00" if i <= index and cell.cell_type == "code" else None
        cell.metadata["papermill"] = {"start_time": started, "status": "completed"}
    return notebook


def test_the_step_a_notebook_stopped_at_is_named_by_its_heading_and_cell_number():
    notebook = with_isolation_cell(nbformat.read(REPO / "notebooks" / "clean_unit.ipynb", 4))
    codes = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
    # papermill marks every cell "completed" at the end: only the start times tell.
    assert stopped_cell(ran_up_to(notebook, codes[3])) == codes[3]
    assert step_name(notebook, codes[3]) == "bước “1. Đọc bảng tính”, ô lệnh thứ 4"
    assert step_name(notebook, codes[5]) == (
        "bước “3. Kiểm tra theo quy tắc của danh mục chỉ tiêu”, ô lệnh thứ 6"
    )
    assert step_name(notebook, codes[0]) == (
        "bước chuẩn bị đầu sổ tay (nhận tham số, nạp thư viện), ô lệnh thứ 1"
    )
    assert stopped_cell(ran_up_to(notebook, -1)) is None
    assert step_name(notebook, None) == "trước ô lệnh đầu tiên của sổ tay"


def test_the_cell_time_limit_comes_from_the_environment_and_is_checked():
    assert cell_timeout({}) == 600
    assert cell_timeout({"BAOCAO_CELL_TIMEOUT": " 20 "}) == 20
    for wrong in ("0", "-5", "2.5", "mười"):
        with pytest.raises(BaocaoError, match=f"BAOCAO_CELL_TIMEOUT = “{wrong}” không hợp lệ"):
            cell_timeout({"BAOCAO_CELL_TIMEOUT": wrong})
