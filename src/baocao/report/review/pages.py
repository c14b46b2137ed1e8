"""Each unit's executed notebook as a self-contained HTML page, for review.

`baocao run` leaves `_output/<period>/notebooks/<unit>.ipynb`: what was read from which cell, how
each number was understood, which rules failed. A reviewer opens `<unit>.html` beside it in any
browser, offline. The notebook is first made safe to show: terminal colour codes are taken out
of tracebacks and anything that would run a script or fetch from the network (JavaScript,
widgets, HTML with external references) is dropped in favour of its plain-text form. It is then
reduced to the reviewer's page (`review.notebook`: a header naming unit, period, workbook and
run time; the Vietnamese Markdown and the cells' outputs; no code, no set-up cells), which pandoc
(the same one that writes the report, from `pypandoc-binary`) reads as a notebook. The page
uses the report's style sheet, declares `lang="vi"`, and is checked to be self-contained
before it is moved into place (temporary file + `os.replace`).
"""

from __future__ import annotations

import os
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from html import escape
from pathlib import Path

from baocao.base.files import atomic_path
from baocao.errors import BaocaoError
from baocao.report.programs.pandoc import run_pandoc
from baocao.report.review.html_check import not_embedded
from baocao.report.review.notebook import period_words, reviewer_notebook

ASSETS = Path(__file__).parents[1] / "assets"
STYLESHEETS = (ASSETS / "report.css", ASSETS / "notebook.css")
# Output kinds shown as they are; any other kind (scripts, widgets, …) is dropped.
SAFE_MIME_TYPES = (
    "text/plain",
    "text/markdown",
    "text/html",
    "text/latex",
    "image/png",
    "image/jpeg",
    "image/svg+xml",
)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def _strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def safe_notebook(nb):
    """The notebook with outputs a static page can show safely (the notebook is changed)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream":
                output["text"] = _strip_ansi(_text(output.get("text", "")))
            elif kind == "error":
                output["traceback"] = [_strip_ansi(line) for line in output.get("traceback", [])]
                output["evalue"] = _strip_ansi(output.get("evalue", ""))
            elif kind in ("display_data", "execute_result"):
                data = output.get("data", {})
                for mime in [m for m in data if m not in SAFE_MIME_TYPES]:
                    del data[mime]
                html = _text(data.get("text/html", ""))
                if html and ("<script" in html.lower() or not_embedded(html)):
                    del data["text/html"]
                if not data:
                    data["text/plain"] = "(kết quả không hiển thị được trên trang tĩnh)"
    return nb


def notebook_title(nb, ipynb: Path) -> str:
    """The page's title from the parameters papermill recorded in the notebook: "Sổ tay kiểm
    tra số liệu: Thành phố Lạng Sơn (178), kỳ 6 tháng đầu năm 2021"."""
    papermill = nb.metadata.get("papermill", {}) or {}
    parameters = papermill.get("parameters", {}) or {}
    unit = parameters.get("unit_name") or ipynb.stem
    code = parameters.get("unit_code")
    period = parameters.get("period")
    title = f"Sổ tay kiểm tra số liệu: {unit}" + (f" ({code})" if code else "")
    if period:
        title += f", kỳ {period_words(period)}"
    return title


def _has_images(nb) -> bool:
    return any(
        mime.startswith("image/")
        for cell in nb.cells
        for output in cell.get("outputs", [])
        for mime in output.get("data", {})
    )


def _pandoc(source: Path, target: Path, title: str, *, images: bool, document: str = "") -> None:
    """pandoc, notebook → standalone HTML. The style sheets go in as `<style>` in the page's
    head; `--embed-resources`, which would do the same but costs pandoc half of its time on
    a review page, is asked for only when the notebook has images to embed."""
    header = source.with_name("style.html")
    sheets = (sheet.read_text(encoding="utf-8") for sheet in STYLESHEETS)
    header.write_text("".join(f"<style>\n{css}</style>\n" for css in sheets), encoding="utf-8")
    args = [
        "--standalone",
        *(["--embed-resources", f"--resource-path={source.parent}"] if images else []),
        f"--include-in-header={header}",
        "--metadata",
        "document-css=false",  # pandoc's own style sheet: only when no --css is given
        "--metadata",
        "lang=vi",
        "--metadata",
        f"title={title}",
    ]
    run_pandoc(
        str(source), str(target), from_format="ipynb", to="html5", args=args, document=document
    )


def _failure_page(ipynb: Path, reason: str) -> str:
    """A small page in place of a notebook that could not be shown, so links still work."""
    title = f"Không hiển thị được sổ tay {ipynb.name}"
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8" />\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n<h1>{escape(title)}</h1>\n"
        f"<p>Lý do: {escape(reason)}</p>\n"
        f"<p>Hãy mở trực tiếp tệp <code>{escape(ipynb.name)}</code> (Jupyter) để xem.</p>\n"
        "</body>\n</html>\n"
    )


def _write_atomically(html: Path, write) -> Path:
    with atomic_path(html) as temporary:
        write(temporary)
    return html


def notebook_to_html(ipynb: Path, html: Path) -> Path:
    """Render one executed notebook to a self-contained HTML page at `html` (atomically)."""
    ipynb, html = Path(ipynb), Path(html)
    try:
        import nbformat  # here: a rerun with no review page to write never needs it

        nb = nbformat.read(ipynb, as_version=4)
    except (OSError, ValueError) as exc:  # nbformat's read errors are ValueErrors
        raise BaocaoError(f"Không đọc được sổ tay {ipynb}: {exc}") from None
    title = notebook_title(nb, ipynb)
    review = reviewer_notebook(safe_notebook(nb), ipynb.name)

    def write(target: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="baocao-notebook-") as tmp:
            source = Path(tmp) / "notebook.ipynb"
            nbformat.write(review, source)
            document = f"trang kiểm tra {ipynb.with_suffix('.html').name}"
            _pandoc(source, target, title, images=_has_images(review), document=document)
        outside = not_embedded(target.read_text(encoding="utf-8"))
        if outside:
            raise BaocaoError(
                f"Trang HTML của sổ tay {ipynb.name} còn tham chiếu ra ngoài tệp: "
                f"{', '.join(outside[:3])}."
            )

    return _write_atomically(html, write)


def _render_one(ipynb: Path) -> Path:
    html = ipynb.with_suffix(".html")
    try:
        return notebook_to_html(ipynb, html)
    except BaocaoError as exc:
        page = _failure_page(ipynb, str(exc))
        return _write_atomically(html, lambda target: target.write_text(page, encoding="utf-8"))


def notebooks_in(folder: Path) -> list[Path]:
    """The executed notebooks of a folder, by name (temporary `.…` files are skipped)."""
    return sorted(p for p in Path(folder).glob("*.ipynb") if not p.name.startswith("."))


def render_notebooks(folder: Path) -> list[Path]:
    """Render every notebook of `folder` to `<name>.html` beside it; returns the pages, in the
    order of the notebooks. A notebook that cannot be shown gets a short page saying why, so
    one bad notebook neither stops the others nor breaks the report's link to it."""
    sources = notebooks_in(folder)
    if not sources:
        return []
    workers = min(len(sources), os.cpu_count() or 1, 8)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_render_one, sources))
