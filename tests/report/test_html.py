"""The HTML outputs: the report page (both profiles) and the review pages of the notebooks.

Every page must open from disk with no network request: `lang="vi"`, everything it shows inside
the file (images as data: URIs, style sheets inline, no web font, no CDN script), a table of
contents, readable tables, an A4 print style sheet. The public page must carry nothing internal.
Fast tests run pandoc alone on small inputs; slow ones render the real report.qmd (built-in
backend, real kernel) and, when Chromium is installed, open the pages in headless Chromium and
record every request and console message (Playwright, tests/report/browser.py).
"""

from __future__ import annotations

import base64
import re
import shutil
import tomllib
from pathlib import Path

import nbformat
import pytest
import yaml
from browser import chromium, needs_chromium, open_page
from bs4 import BeautifulSoup
from conftest import requires_quarto
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from test_render import PERIOD, make_paths, write_processed

from baocao.config.paths import ProjectPaths
from baocao.config.settings import load_report_settings
from baocao.errors import BaocaoError
from baocao.report.compose.titles import page_header, subject_line
from baocao.report.render import builtin as render_builtin
from baocao.report.render import formats
from baocao.report.render import job as render_job
from baocao.report.render import quarto_config as qc
from baocao.report.render import reports as render
from baocao.report.review import html_check
from baocao.report.review import pages as notebook_html

SOURCE = ProjectPaths.default()
# A 4×3 red PNG: small enough to inline, real enough for pandoc and browsers.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAFElEQVR4nGM8ISfHAANMDEgAhQMAJtoBCkAAOw8AAAAA"
    "SUVORK5CYII="
)
EXTERNAL = re.compile(r"^\s*(?:https?:|ftp:|//)", re.IGNORECASE)
CSS_URL = re.compile(r"""@import|url\(\s*["']?(?!data:|#)""", re.IGNORECASE)


# --- reading a page back (independently of baocao.report.review.html_check) -------------------------------


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def outside_references(soup: BeautifulSoup) -> list[str]:
    """Every src/href/srcset/@import/url() that does not stay inside the page."""
    found = []
    for element in soup.find_all(True):
        for attr in ("src", "href", "srcset", "poster", "data"):
            value = element.get(attr)
            if value and EXTERNAL.match(value):
                found.append(f"<{element.name} {attr}={value[:60]}>")
            loads = element.name in ("img", "script", "link") and attr in ("src", "href")
            if value and loads and not value.startswith("data:"):
                found.append(f"<{element.name} {attr}={value[:60]}> (not embedded)")
    styles = " ".join(s.get_text() for s in soup.find_all("style"))
    styles += " ".join(e["style"] for e in soup.find_all(style=True))
    found += [m.group(0) for m in CSS_URL.finditer(styles)]
    return found


def headings(soup: BeautifulSoup, levels=("h1", "h2", "h3")) -> list[str]:
    return [
        " ".join(h.get_text(" ").split())
        for h in soup.find_all(levels)
        if "title" not in (h.get("class") or []) and h.get("id") != "toc-title"
    ]


def style_text(soup: BeautifulSoup) -> str:
    return "\n".join(s.get_text() for s in soup.find_all("style"))


# --- settings: one place for both backends --------------------------------------------------


def test_profile_config_is_merged_like_quarto():
    assert qc.merge_config(
        {"format": {"html": {"toc": True, "css": ["a.css"]}}, "lang": "vi"},
        {"format": {"html": {"toc": False, "css": ["a.css", "b.css"]}}},
    ) == {"format": {"html": {"toc": False, "css": ["a.css", "b.css"]}}, "lang": "vi"}
    for profile in render.PROFILES:
        options = qc.html_options(qc.quarto_config(SOURCE.root, profile))
        assert options["lang"] == "vi"
        assert options["toc"] is True
        assert options["toc-title"] == "Mục lục"
        assert options["embed-resources"] is True
        assert options["html-math-method"] == "plain"  # no MathJax from a CDN


def test_quarto_profiles_are_declared():
    config = yaml.safe_load((SOURCE.root / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["profile"]["group"] == [list(render.PROFILES)]
    public = yaml.safe_load((SOURCE.root / "_quarto-public.yml").read_text(encoding="utf-8"))
    assert "docx" not in (public.get("format") or {}), "the public profile is HTML only"


def test_pandoc_html_args_come_from_the_project_settings():
    options = qc.html_options(qc.quarto_config(SOURCE.root, "public"))
    args = qc.pandoc_html_args(options, SOURCE.root)
    assert {"--standalone", "--embed-resources", "--toc"} <= set(args)
    assert "toc-title=Mục lục" in args
    files = [Path(a.split("=", 1)[1]) for a in args if a.startswith(("--css=", "--lua-filter="))]
    assert [f.name for f in files] == ["report.css", "tables.lua"]
    assert all(f.is_file() and f.parent == qc.ASSETS for f in files)


def test_a_missing_stylesheet_is_named(tmp_path):
    with pytest.raises(BaocaoError, match="khong-co.css"):
        qc.pandoc_html_args({"css": "khong-co.css"}, tmp_path)


def test_assets_are_package_data():
    pyproject = tomllib.loads((SOURCE.root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["baocao"]
    for asset in qc.ASSETS.iterdir():
        assert any(asset.match(p) for p in patterns), asset.name


def test_stylesheet_is_offline_with_an_a4_print_layout():
    css = (qc.ASSETS / "report.css").read_text(encoding="utf-8")
    assert not CSS_URL.search(css) and "http" not in css
    assert re.search(r"@page\s*{\s*size:\s*A4;\s*margin:\s*20mm 15mm 20mm 30mm;", css)
    assert '"Times New Roman", Times' in css and "serif" in css
    assert "@font-face" not in css
    print_rules = css[css.index("@media print") :]
    assert "break-inside: avoid" in print_rules and "page-break-after: avoid" in print_rules


# --- pandoc with the project's settings, on a small document --------------------------------

SMALL = """\
---
title: "Trang thử"
---

# Phần thứ nhất

## Mục một

![Biểu đồ](chart.png)

| STT | Chỉ tiêu | ĐVT | A | B | C | D | Tổng cộng |
|:---:|:---------|:---:|--:|--:|--:|--:|----------:|
| 1 | Số cuộc | cuộc | 1.250 | 2 | 3 | 4 | 1.259 |

::: {.content-visible when-profile="internal"}
Chỉ bản nội bộ: [sổ tay](notebooks/178.html)
:::

::: {.content-hidden when-format="html"}
Chỉ trong DOCX.
:::

# Phụ lục I
"""


def pandoc_page(tmp_path: Path, profile: str, text: str = SMALL) -> Path:
    """`text` (SMALL) through the built-in backend's HTML arguments (pandoc only, no kernel)."""
    (tmp_path / "chart.png").write_bytes(PNG)
    source = tmp_path / "page.md"
    source.write_text(text, encoding="utf-8")
    options = qc.html_options(qc.quarto_config(SOURCE.root, profile))
    target = tmp_path / f"{profile}.html"
    args = [
        "--metadata=lang=vi",
        f"--metadata=baocao-profile={profile}",
        f"--lua-filter={render_builtin.CONDITIONAL_FILTER}",
        f"--resource-path={tmp_path}",
        *qc.pandoc_html_args(options, SOURCE.root),
    ]
    render_builtin._pandoc(source, "html5", target, args)
    return target


def test_page_is_self_contained_with_toc_image_and_tables(tmp_path):
    page = pandoc_page(tmp_path, "internal")
    soup = soup_of(page)
    assert soup.html["lang"] == "vi"
    assert outside_references(soup) == []
    assert html_check.self_contained_problems(page.read_text(encoding="utf-8")) == []
    toc = soup.find("nav", id="TOC")
    assert toc.find(id="toc-title").get_text() == "Mục lục"
    assert [a.get_text() for a in toc.find_all("a")] == ["Phần thứ nhất", "Mục một", "Phụ lục I"]
    for link in toc.find_all("a"):
        assert soup.find(id=link["href"].removeprefix("#")) is not None
    images = soup.find_all("img")
    assert len(images) == 1 and images[0]["src"].startswith("data:image/png;base64,")
    wrapper = soup.find("table").parent
    assert wrapper.name == "div" and wrapper["class"] == ["table-scroll", "wide"]
    number = soup.find("table").find("tbody").find_all("td")[3]
    assert number.get_text() == "1.250" and "right" in number.get("style", "")
    assert "@page" in style_text(soup) and "size: A4" in style_text(soup)
    assert "Chỉ bản nội bộ" in soup.get_text() and "Chỉ trong DOCX" not in soup.get_text()


def test_the_signed_documents_header_opens_the_page(tmp_path):
    """compose.titles.page_header, moved by tables.lua above the table of contents: the bodies,
    the number, the nation, the place and date as in the DOCX; the title names the page once."""
    settings = load_report_settings(SOURCE.config, PERIOD)
    text = SMALL.replace("# Phần thứ nhất", page_header(PERIOD, settings) + "\n# Phần thứ nhất")
    soup = soup_of(pandoc_page(tmp_path, "public", text))
    body = [e for e in soup.body.children if getattr(e, "name", None)]
    assert [e.name for e in body[:3]] == ["header", "h1", "nav"]
    header = body[0]
    line = {p["class"][0]: " ".join(p.get_text().split()) for p in header.find_all("p")}
    assert line == {
        "co-quan-cap-tren": "ỦY BAN MTTQ VIỆT NAM TỈNH LẠNG SƠN",
        "co-quan-ban-hanh": "BAN THƯỜNG TRỰC",
        "so-ky-hieu": "Số: 12/BC-MTTQ-BTT",
        "quoc-hieu-ten": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "tieu-ngu": "Độc lập - Tự do - Hạnh phúc",
        "dia-danh-ngay": "Lạng Sơn, ngày 05 tháng 7 năm 2021",
    }
    # The parent body may break before "TỈNH" only; the nation's name never breaks.
    parent = header.find("p", class_="co-quan-cap-tren")
    assert [s.get_text() for s in parent.find_all("span")] == [
        "ỦY BAN MTTQ VIỆT NAM",
        "TỈNH LẠNG SƠN",
    ]
    assert header.find("p", class_="quoc-hieu-ten").find("span") is None
    assert " ".join(body[1].get_text(" ").split()) == "BÁO CÁO " + subject_line(PERIOD, settings)
    assert soup.title.get_text() == "Trang thử"  # the metadata title names the page
    assert len(soup.find_all("h1", class_="title")) == 1
    assert html_check.public_problems(str(soup)) == []


def test_conditional_content_follows_the_profile(tmp_path):
    html = pandoc_page(tmp_path, "public").read_text(encoding="utf-8")
    assert "Chỉ bản nội bộ" not in html and "notebooks/" not in html
    assert "baocao-profile" not in html
    assert html_check.public_problems(html) == []


# --- the checks before publishing -----------------------------------------------------------

CLEAN = (
    '<!DOCTYPE html><html lang="vi"><head><style>p{color:red}</style></head><body>{}</body></html>'
)


@pytest.mark.parametrize(
    "body",
    [
        '<img src="https://example.org/a.png">',
        '<img src="figures/a.png">',
        '<script src="//cdn.example.org/require.js"></script>',
        '<link rel="stylesheet" href="http://fonts.example.org/css">',
        "<style>@import url(https://fonts.example.org/x.css);</style>",
        "<div style=\"background: url('https://example.org/b.png')\"></div>",
        '<img srcset="data:image/png;base64,AA 1x, https://example.org/c.png 2x">',
    ],
)
def test_outside_resources_are_found(body):
    problems = html_check.self_contained_problems(CLEAN.replace("{}", body))
    assert problems and all("không nằm trong tệp" in p for p in problems)


def test_embedded_resources_pass():
    body = '<img src="data:image/png;base64,AA"><a href="#muc-1">Mục 1</a>'
    assert html_check.self_contained_problems(CLEAN.replace("{}", body)) == []
    # Script code is not text a reader sees; "báo cáo" with its marks is not the tool's name.
    body += "<script>const baocao = 1;</script><p>Báo cáo số 12</p>"
    assert html_check.public_problems(CLEAN.replace("{}", body)) == []
    assert html_check.self_contained_problems("<html><body></body></html>") == [
        "thẻ <html> không khai báo ngôn ngữ (lang)"
    ]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('<a href="notebooks/178.html">Sổ tay</a>', "sổ tay nội bộ"),
        ('<a href=".\\notebooks\\178.html">Sổ tay</a>', "sổ tay nội bộ"),
        ('<div class="callout internal"><p>Vụ việc</p></div>', "nội bộ"),
        ('<div class="content-visible" data-when-profile="internal"></div>', "nội bộ"),
        ("<p>3.4. [Chưa có nội dung]</p>", "chưa viết"),
        ('<a href="https://example.org">trang ngoài</a>', "liên kết ra ngoài"),
        ("<p><em>Lập bằng công cụ baocao; mã lần chạy 6f8c88e1a100.</em></p>", "công cụ"),
        ("<title>Báo cáo (BaoCao)</title>", "công cụ"),
    ],
)
def test_public_page_refuses_internal_content(body, reason):
    html = CLEAN.replace("{}", body)
    problems = html_check.public_problems(html)
    assert problems and reason in problems[0]


def test_check_html_raises_in_vietnamese_before_publishing(tmp_path):
    page = tmp_path / ".staged.part"
    page.write_text(CLEAN.replace("{}", '<a href="notebooks/178.html">x</a>'), encoding="utf-8")
    job = render_job.RenderJob(
        period=PERIOD,
        profiles=render.PROFILES,
        paths=make_paths(tmp_path),
        out_dir=tmp_path,
        names={p: render_job.output_names(PERIOD, p) for p in render.PROFILES},
        title="Tiêu đề",
    )
    with pytest.raises(BaocaoError, match="Không xuất bản trang HTML bản công khai") as caught:
        formats.check_html(job, "public", page)
    assert "liên kết tới sổ tay nội bộ: notebooks/178.html" in str(caught.value)
    assert "bao-cao-2021-H1-cong-khai.html" in str(caught.value)
    formats.check_html(job, "internal", page)  # notebook links belong in the internal page


# --- the review pages of the notebooks ------------------------------------------------------


def executed_notebook(path: Path, unit_code: str = "178") -> Path:
    """A small notebook shaped like one papermill ran: parameters, tables, a figure, an error."""
    nb = new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "papermill": {
                "parameters": {
                    "period": PERIOD,
                    "unit_code": unit_code,
                    "unit_name": "Thành phố Lạng Sơn",
                },
                "start_time": "2021-07-01T08:00:00.000000",
            },
        }
    )
    parameters = (
        '# Parameters (overridden by papermill)\nperiod = "2020-H1"\nunit_name = "Huyện Đình Lập"'
    )
    table = (
        '<table class="dataframe"><thead><tr><th>Chỉ tiêu</th><th>Số liệu</th></tr></thead>'
        "<tbody><tr><td>Số cuộc tuyên truyền</td><td>1.250</td></tr></tbody></table>"
    )
    nb.cells = [
        new_markdown_cell("# Làm sạch và kiểm tra số liệu của một đơn vị"),
        new_code_cell(
            "# Isolation: this kernel serves several units in turn\n%reset_selective -f .",
            metadata={"tags": ["isolation"]},
        ),
        new_code_cell(parameters, metadata={"tags": ["parameters"]}),
        new_code_cell(
            'unit_code = "178"\nunit_name = "Th\\xe0nh ph\\u1ed1"\n'
            'workbook = "C:\\\\du-lieu\\\\178-tp-lang-son-2021-H1.xlsx"',
            metadata={"tags": ["injected-parameters"]},
        ),
        new_code_cell("from baocao.unit import review  # imports"),
        new_code_cell(
            "review.values_table(cleaned)",
            outputs=[
                new_output(
                    "execute_result",
                    data={"text/html": table, "text/plain": "bảng"},
                    execution_count=1,
                ),
                new_output("stream", name="stdout", text="\x1b[0;32mhợp lệ\x1b[0m\n"),
            ],
        ),
        new_code_cell(
            "chart()",
            outputs=[
                new_output("display_data", data={"image/png": base64.b64encode(PNG).decode()}),
                new_output(
                    "display_data",
                    data={
                        "text/html": '<script src="https://cdn.example.org/w.js"></script>x',
                        "application/javascript": "alert(1)",
                        "text/plain": "Biểu đồ tương tác",
                    },
                ),
            ],
        ),
        new_code_cell(
            "1 / 0",
            outputs=[
                new_output(
                    "error",
                    ename="ZeroDivisionError",
                    evalue="division by zero",
                    traceback=["\x1b[0;31mZeroDivisionError\x1b[0m: division by zero"],
                )
            ],
        ),
    ]
    nbformat.write(nb, path)
    return path


def test_notebook_page_is_self_contained(tmp_path):
    ipynb = executed_notebook(tmp_path / "178.ipynb")
    page = notebook_html.notebook_to_html(ipynb, tmp_path / "178.html")
    assert page == tmp_path / "178.html"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["178.html", "178.ipynb"]
    html = page.read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == "vi"
    assert " ".join(soup.find("h1", class_="title").get_text().split()) == (
        "Sổ tay kiểm tra số liệu: Thành phố Lạng Sơn (178), kỳ 6 tháng đầu năm 2021"
    )
    assert outside_references(soup) == []
    assert soup.find_all("script") == [] and "alert(1)" not in html
    assert "Biểu đồ tương tác" in soup.get_text()  # the plain form of the dropped output
    [image] = soup.find_all("img")
    assert image["src"].startswith("data:image/png;base64,")
    assert "Số cuộc tuyên truyền" in soup.find("table", class_="dataframe").get_text()
    assert "\x1b" not in html and "ZeroDivisionError: division by zero" in soup.get_text()
    assert "font-family" in style_text(soup) and "Times New Roman" in style_text(soup)


def test_render_notebooks_renders_each_and_survives_a_broken_one(tmp_path):
    executed_notebook(tmp_path / "178.ipynb")
    executed_notebook(tmp_path / "180.ipynb", unit_code="180")
    executed_notebook(tmp_path / ".181.partial.ipynb")  # a run in progress: skipped
    (tmp_path / "182.ipynb").write_text("{ không phải JSON", encoding="utf-8")
    pages = notebook_html.render_notebooks(tmp_path)
    assert [p.name for p in pages] == ["178.html", "180.html", "182.html"]
    assert "(180)" in soup_of(pages[1]).find("h1").get_text()
    broken = soup_of(pages[2])
    assert broken.html["lang"] == "vi"
    assert broken.find("h1").get_text() == "Không hiển thị được sổ tay 182.ipynb"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert notebook_html.render_notebooks(tmp_path / "khong-co") == []


def test_the_project_notebook_renders(tmp_path):
    ipynb = shutil.copy(SOURCE.notebooks / "clean_unit.ipynb", tmp_path / "clean_unit.ipynb")
    soup = soup_of(notebook_html.notebook_to_html(Path(ipynb), tmp_path / "clean_unit.html"))
    assert soup.html["lang"] == "vi" and outside_references(soup) == []
    assert soup.find("h1", class_="title").get_text() == "Sổ tay kiểm tra số liệu: clean_unit"
    assert soup.find("pre") is None and "import" not in soup.get_text()
    # No image to embed: the style sheets go in as <style>, the page still stands alone.
    assert "Times New Roman" in style_text(soup) and "div.ket-qua" in style_text(soup)
    assert soup.find("link") is None and "max-width: 36em" not in style_text(soup)


def test_notebook_page_is_a_reviewers_page(tmp_path):
    """Markdown and outputs only: no code, no set-up cells (isolation, parameters and their
    defaults for another unit and period, papermill's escaped injection); a header with the
    unit, the period in words, the workbook and the run time."""
    ipynb = executed_notebook(tmp_path / "178.ipynb")
    nb = nbformat.read(ipynb, as_version=4)
    nb.metadata.papermill.parameters["workbook"] = "C:\\du-lieu\\178-tp-lang-son-2021-H1.xlsx"
    nbformat.write(nb, ipynb)
    soup = soup_of(notebook_html.notebook_to_html(ipynb, tmp_path / "178.html"))
    text = soup.get_text()
    for code in ("review.values_table", "Isolation", "%reset", "Parameters", "import", "1 / 0"):
        assert code not in text, code
    assert "2020-H1" not in text and "Đình Lập" not in text and "\\x" not in text
    assert soup.find("code", class_="sourceCode") is None
    header = soup.find("table", class_="thong-tin-so-tay")
    rows = {tr.th.get_text(): tr.td.get_text() for tr in header.find_all("tr")}
    assert rows["Đơn vị"] == "Thành phố Lạng Sơn (mã 178)"
    assert rows["Kỳ báo cáo"] == "6 tháng đầu năm 2021"
    assert rows["Tệp số liệu"] == "178-tp-lang-son-2021-H1.xlsx"
    assert rows["Chạy lúc"] == "01/07/2021 15:00 (giờ Việt Nam)"
    assert rows["Kết quả"] == "sổ tay chạy hết"
    # the outputs stay, in order: the table, the printed line, the figure, the error
    assert "Số cuộc tuyên truyền" in text and "hợp lệ" in text
    assert soup.find("img") is not None and "ZeroDivisionError" in text


# --- the real report.qmd through the built-in backend ---------------------------------------


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The pages of the test fixture's figures (the internal draft's and the public one), every
    profile rendered in one output folder."""
    tmp = tmp_path_factory.mktemp("html")
    paths = make_paths(tmp)
    write_processed(paths.processed)
    out = tmp / "out"
    result = render.render_reports(PERIOD, render.PROFILES, paths, out, backend="builtin")
    return {profile: files["html"] for profile, files in result.files.items() if "html" in files}


PAGES = ("internal", "public")  # the profiles with a page (the official one is a DOCX)


@pytest.mark.slow
@pytest.mark.parametrize("profile", PAGES)
def test_report_page_is_self_contained(pages, profile):
    page = pages[profile]
    assert page.name == render_job.output_names(PERIOD, profile)["html"]
    assert oct(page.stat().st_mode & 0o044) == oct(0o044), "readable by a web server"
    soup = soup_of(page)
    assert soup.html["lang"] == "vi"
    assert outside_references(soup) == []
    assert all(img["src"].startswith("data:image/") for img in soup.find_all("img"))
    assert "@page" in style_text(soup) and "20mm 15mm 20mm 30mm" in style_text(soup)
    assert soup.find("script", src=True) is None


@pytest.mark.slow
def test_report_toc_lists_the_headings(pages):
    soup = soup_of(pages["internal"])
    toc = soup.find("nav", id="TOC")
    assert toc.find(id="toc-title").get_text() == "Mục lục"
    entries = [" ".join(a.get_text(" ").split()) for a in toc.find_all("a")]
    assert entries == headings(soup) and len(entries) > 10
    assert entries[:2] == ["Phần thứ nhất", "KẾT QUẢ CÔNG TÁC MẶT TRẬN 6 THÁNG ĐẦU NĂM 2021"]
    for link in toc.find_all("a"):
        assert soup.find(id=link["href"].removeprefix("#")) is not None


@pytest.mark.slow
def test_report_appendix_scrolls_on_screen(pages):
    soup = soup_of(pages["internal"])
    appendix = [t for t in soup.find_all("table") if t.caption and "Tổng cộng" in t.get_text()]
    assert len(appendix) > 1  # Phụ lục I: one table per group of sections
    for table in appendix:
        assert table.parent["class"] == ["table-scroll", "wide"]
        assert table.thead is not None  # the header row, kept in view by report.css
        last = [row.find_all("td")[-1] for row in table.find("tbody").find_all("tr")]
        assert all("right" in cell.get("style", "") for cell in last)


@pytest.mark.slow
def test_public_page_has_nothing_internal(pages):
    html = pages["public"].read_text(encoding="utf-8")
    assert html_check.public_problems(html) == []
    soup = BeautifulSoup(html, "html.parser")
    links = [a["href"] for a in soup.find_all("a", href=True)]
    assert not [link for link in links if "notebooks" in link or not link.startswith("#")]
    assert "Tình hình tiếp nhận số liệu" not in soup.get_text()
    assert html_check.PLACEHOLDER_MARKER not in soup.get_text()
    assert soup.find(class_="internal") is None
    # Both profiles present the same outline.
    assert headings(soup) == headings(soup_of(pages["internal"]))


PRINTS_A_NOTEBOOK_LINK = """\
---
title: "Thử"
---

```{python}
#| tags: [parameters]
period = "2021-H1"
processed_dir = ""
profile = "internal"
root = ""
```

# Phụ lục I

```{python}
#| output: asis
print("[Sổ tay của đơn vị 178](notebooks/178.html)")
```
"""


@pytest.mark.slow
def test_public_render_refuses_a_notebook_link_and_keeps_the_previous_page(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "report.qmd").write_text(PRINTS_A_NOTEBOOK_LINK, encoding="utf-8")
    for name in ("_quarto.yml", "_quarto-public.yml"):
        shutil.copy(SOURCE.root / name, root / name)
    shutil.copytree(SOURCE.config, root / "config")  # the DOCX's header and signature
    paths = ProjectPaths(root=root, raw=tmp_path, processed=tmp_path, output=tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    previous = out / "bao-cao-2021-H1-cong-khai.html"
    previous.write_text("trang cũ", encoding="utf-8")
    with pytest.raises(BaocaoError, match="liên kết tới sổ tay nội bộ: notebooks/178.html"):
        render.render_report(PERIOD, "public", paths, out, backend="builtin")
    assert previous.read_text(encoding="utf-8") == "trang cũ"
    assert sorted(p.name for p in out.iterdir()) == [previous.name]
    internal = render.render_report(PERIOD, "internal", paths, out, backend="builtin")
    assert soup_of(internal.outputs["html"]).find("a", href="notebooks/178.html") is not None


@pytest.mark.quarto
@requires_quarto
@pytest.mark.slow
def test_quarto_public_page_is_self_contained(backend_renders):
    result = backend_renders[1]["quarto"]  # the shared render (tests/report/quarto_renders.py)
    soup = soup_of(result.files["public"]["html"])
    assert soup.html["lang"] == "vi"
    assert outside_references(soup) == []
    assert html_check.public_problems(str(soup)) == []
    # No "Other Formats / MS Word" links (Quarto's format-links): the page offers no document.
    assert not [a["href"] for a in soup.find_all("a", href=True) if a["href"].endswith(".docx")]
    assert "Other Formats" not in soup.get_text()


# --- a real browser: headless Chromium through Playwright (tests/report/browser.py) ---------


@pytest.fixture
def browser():
    """Headless Chromium (Debian's), one per test."""
    with chromium() as opened:
        yield opened


def assert_offline_and_clean(log, page: Path) -> None:
    url = page.resolve().as_uri()
    outside = [r for r in log.requests if r != url and not r.startswith("data:")]
    assert outside == [], "the page made network requests"
    assert log.errors == [], "the page logged errors"


@needs_chromium
@pytest.mark.slow
@pytest.mark.parametrize("profile", PAGES)
def test_report_opens_offline_in_chromium(pages, profile, browser, tmp_path):
    page = pages[profile]
    tab, log = open_page(browser, page)
    assert_offline_and_clean(log, page)
    assert tab.evaluate("document.documentElement.lang") == "vi"
    assert tab.evaluate("document.querySelectorAll('#TOC a').length") > 10
    # The appendix scrolls inside its box instead of widening the page.
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "the page is wider than the window"
    )
    assert tab.evaluate(
        "(() => { const b = document.querySelector('.table-scroll.wide');"
        " const th = b.querySelector('thead th');"
        " return getComputedStyle(b).overflowX === 'auto'"
        " && getComputedStyle(th).position === 'sticky'"
        " && b.getBoundingClientRect().right <= window.innerWidth; })()",
    ), "the appendix should sit in a scrolling box, inside the window, its header sticky"
    # Every image is decoded (an embedded image that failed would have naturalWidth 0).
    assert tab.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    shot = tab.screenshot(path=tmp_path / f"{profile}.png")
    assert len(shot) > 10_000


@needs_chromium
@pytest.mark.slow
def test_notebook_page_opens_offline_in_chromium(tmp_path, browser):
    page = notebook_html.notebook_to_html(
        executed_notebook(tmp_path / "178.ipynb"), tmp_path / "178.html"
    )
    tab, log = open_page(browser, page)
    assert_offline_and_clean(log, page)
    assert tab.evaluate("document.images[0].naturalWidth") == 4
