"""An executed per-unit notebook reduced to what its reviewer reads.

The reviewer is office staff, not a programmer: the page shows the notebook's Vietnamese
Markdown and what each cell showed (tables, figures, printed lines, an error), never the Python
code; the cells that only set the run up (the kernel's isolation cell, `run.kernels`; the
parameters cell with its defaults for another unit, and papermill's injected parameters) are
left out altogether. A short header says which unit, period and workbook the notebook read and
when it ran, from the parameters papermill recorded. The executed `.ipynb` itself is not
changed: analysts open it in Jupyter for the code.

Pure: `reviewer_notebook(nb, name)` returns a new notebook of Markdown and raw HTML cells only,
which pandoc (`review.pages`) turns into the page. Outputs must already be made safe
(`review.pages.safe_notebook`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from html import escape
from pathlib import PureWindowsPath

from baocao.config.periods import Period
from baocao.errors import BaocaoError

# Cells that set the run up and say nothing to a reviewer (tags).
SETUP_TAGS = frozenset({"isolation", "parameters", "injected-parameters"})
VIETNAM_TIME = timezone(timedelta(hours=7), "giờ Việt Nam")


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def _raw_html(html: str) -> dict:
    return {"cell_type": "raw", "metadata": {"raw_mimetype": "text/html"}, "source": html}


def _markdown(text: str, attachments: dict | None = None) -> dict:
    cell = {"cell_type": "markdown", "metadata": {}, "source": text}
    if attachments:
        cell["attachments"] = attachments
    return cell


def _pre(text: str, kind: str) -> str:
    return f'<pre class="ket-qua {kind}">{escape(text.rstrip())}</pre>'


def _output_html(output) -> str | None:
    """The HTML of one (safe) output, or None for one that shows nothing."""
    kind = output.get("output_type")
    if kind == "stream":
        text = _text(output.get("text", ""))
        return _pre(text, "loi" if output.get("name") == "stderr" else "dong-in") if text else None
    if kind == "error":
        lines = "\n".join(_text(line) for line in output.get("traceback", []))
        lines = lines or f"{output.get('ename', '')}: {output.get('evalue', '')}"
        return '<p class="bao-loi">Ô này dừng vì lỗi (chi tiết kỹ thuật bên dưới):</p>' + _pre(
            lines, "loi"
        )
    data = output.get("data", {})
    if "text/html" in data:
        return f'<div class="ket-qua">{_text(data["text/html"])}</div>'
    for mime in ("image/png", "image/jpeg"):
        if mime in data:
            encoded = "".join(_text(data[mime]).split())
            return f'<p class="ket-qua"><img src="data:{mime};base64,{encoded}" alt="Hình" /></p>'
    if "image/svg+xml" in data:
        return f'<div class="ket-qua">{_text(data["image/svg+xml"])}</div>'
    for mime in ("text/plain", "text/latex"):
        if mime in data:
            return _pre(_text(data[mime]), "van-ban")
    return None


def _cell_outputs(cell) -> list:
    """The cells that show a code cell's outputs: Markdown as Markdown, the rest as HTML."""
    shown = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if output.get("output_type") in ("display_data", "execute_result") and (
            "text/markdown" in data and "text/html" not in data
        ):
            shown.append(_markdown(_text(data["text/markdown"])))
            continue
        html = _output_html(output)
        if html:
            shown.append(_raw_html(html))
    return shown


def run_time(started: object) -> str:
    """papermill's start time (ISO 8601, UTC) as a reviewer reads it: "05/07/2021 15:00 (giờ
    Việt Nam)"; "" when it is missing or unreadable."""
    try:
        moment = datetime.fromisoformat(str(started))
    except ValueError:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(VIETNAM_TIME)
    return f"{local:%d/%m/%Y %H:%M} (giờ Việt Nam)"


def period_words(period: object) -> str:
    """ "2021-H1" → "6 tháng đầu năm 2021"; a period it cannot read is shown as written."""
    try:
        return Period.parse(str(period)).label()
    except BaocaoError:
        return str(period)


def header_rows(nb, name: str) -> list[tuple[str, str]]:
    """(label, value) rows of the page's header, from the parameters papermill recorded."""
    papermill = nb.metadata.get("papermill", {}) or {}
    parameters = papermill.get("parameters", {}) or {}
    rows = []
    unit, code = parameters.get("unit_name"), parameters.get("unit_code")
    if unit or code:
        rows.append(("Đơn vị", f"{unit or ''} (mã {code})" if code else str(unit)))
    if parameters.get("period"):
        rows.append(("Kỳ báo cáo", period_words(parameters["period"])))
    if parameters.get("workbook"):
        rows.append(("Tệp số liệu", PureWindowsPath(str(parameters["workbook"])).name))
    started = run_time(papermill.get("start_time")) if papermill.get("start_time") else ""
    if started:
        rows.append(("Chạy lúc", started))
    if papermill:
        rows.append(
            (
                "Kết quả",
                "sổ tay dừng giữa chừng vì lỗi (xem ô báo lỗi bên dưới)"
                if papermill.get("exception")
                else "sổ tay chạy hết",
            )
        )
    rows.append(("Sổ tay đầy đủ (có mã lệnh)", f"{name} — mở bằng Jupyter"))
    return rows


def _header(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f'<table class="thong-tin-so-tay"><tbody>{body}</tbody></table>'


def reviewer_notebook(nb, name: str):
    """A new notebook for the reviewer's page: the header, then the notebook's Markdown cells
    and its code cells' outputs in order; no code, no set-up cells. `name` is the executed
    notebook's file name, shown in the header."""
    cells = [_raw_html(_header(header_rows(nb, name)))]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cells.append(_markdown(cell.source, cell.get("attachments")))
        elif cell.cell_type == "code":
            if SETUP_TAGS & set(cell.get("metadata", {}).get("tags", [])):
                continue
            cells.extend(_cell_outputs(cell))
    review = {
        "cells": cells,
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 4,  # cells without ids: the page carries no random anchors
    }
    import nbformat  # here: a rerun with no review page to write never needs it

    return nbformat.from_dict(review)
