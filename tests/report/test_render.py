"""Rendering the real report.qmd, read back from the DOCX and the HTML it produces.

The processed data is a small fixture written into tmp_path from the real catalogue and unit
list, with known figures; the report is rendered with the built-in backend (real jupytext,
papermill, kernel and pandoc) and checked against the client's outline and those figures.
"""

from __future__ import annotations

import math
import os
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import docx
import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import requires_quarto
from docx.shared import Mm

from baocao.config.catalog import load_catalogue
from baocao.config.paths import ProjectPaths
from baocao.config.units import load_units
from baocao.errors import BaocaoError
from baocao.report.render import execute as render_execute
from baocao.report.render import job as render_job
from baocao.report.render import quarto as render_quarto
from baocao.report.render import quarto_config as qc
from baocao.report.render import reports as render

PERIOD = "2021-H1"
SOURCE = ProjectPaths.default()

# The client's outline (seed 000), as headings of the 2021-H1 report, with their levels.
OUTLINE = [
    (1, "Phần thứ nhất"),
    (2, "KẾT QUẢ CÔNG TÁC MẶT TRẬN 6 THÁNG ĐẦU NĂM 2021"),
    (
        3,
        "1. Chương trình 1: Tuyên truyền, vận động, tập hợp các tầng lớp Nhân dân; củng cố, "
        "tăng cường, phát huy sức mạnh đại đoàn kết toàn dân tộc xây dựng và bảo vệ Tổ quốc "
        "Việt Nam xã hội chủ nghĩa",
    ),
    (4, "1.1. Công tác tuyên truyền, vận động các tầng lớp nhân dân"),
    (4, "1.2. Việc đoàn kết, tập hợp các tầng lớp nhân dân"),
    (
        3,
        "2. Chương trình 2: Vận động Nhân dân thi đua học tập, lao động sáng tạo, thực hiện "
        "thắng lợi các mục tiêu phát triển kinh tế, văn hóa, xã hội, giữ vững quốc phòng, an "
        "ninh của đất nước",
    ),
    (4, "2.1. Công tác tiếp nhận ủng hộ và phân bổ nguồn lực ủng hộ phòng, chống dịch Covid-19"),
    (
        4,
        "2.2. Nâng cao chất lượng, hiệu quả cuộc vận động “Toàn dân đoàn kết xây dựng nông thôn "
        "mới, đô thị văn minh”",
    ),
    (
        4,
        "2.3. Đổi mới, nâng cao chất lượng, hiệu quả cuộc vận động “Người Việt Nam ưu tiên dùng "
        "hàng Việt Nam”",
    ),
    (4, "2.4. Đẩy mạnh thực hiện Phong trào thi đua “Đoàn kết, sáng tạo”"),
    (4, "2.5. Kết quả triển khai các chương trình"),
    (
        3,
        "3. Chương trình 3: Thực hiện dân chủ, đại diện, bảo vệ quyền và lợi ích hợp pháp, "
        "chính đáng của nhân dân; giám sát và phản biện xã hội; tham gia phòng chống tham "
        "nhũng, lãng phí, xây dựng Đảng, xây dựng Nhà nước trong sạch, vững mạnh",
    ),
    (
        4,
        "3.1. Về thực hiện dân chủ, đại diện, bảo vệ quyền và lợi ích hợp pháp, chính đáng của "
        "nhân dân",
    ),
    (4, "3.2. Về hoạt động giám sát"),
    (4, "3.3. Về công tác phản biện xã hội"),
    (
        4,
        "3.4. Về tham gia phòng, chống tham nhũng, lãng phí; xây dựng Đảng, xây dựng Nhà nước "
        "trong sạch, vững mạnh",
    ),
    (3, "4. Chương trình 4: Tăng cường đoàn kết quốc tế, mở rộng hoạt động đối ngoại Nhân dân"),
    (
        3,
        "5. Chương trình 5: Tăng cường củng cố tổ chức, đổi mới nội dung, phương thức, nâng "
        "cao hiệu quả hoạt động của MTTQ Việt Nam, đáp ứng yêu cầu nhiệm vụ trong giai đoạn "
        "mới",
    ),
    (3, "6. Đánh giá chung"),
    (4, "6.1. Kết quả đạt được"),
    (4, "6.2. Hạn chế, yếu kém"),
    (4, "6.3. Các kiến nghị, đề xuất"),
    (1, "Phần thứ hai"),
    (2, "TRỌNG TÂM CÔNG TÁC MẶT TRẬN 6 THÁNG CUỐI NĂM 2021"),
    (3, "Khái quát bối cảnh của địa phương"),
    (3, "Về các nhiệm vụ trọng tâm"),
    (
        4,
        "1. Tuyên truyền, vận động, tập hợp các tầng lớp Nhân dân; củng cố, tăng cường, phát huy "
        "sức mạnh đại đoàn kết toàn dân tộc xây dựng và bảo vệ Tổ quốc Việt Nam xã hội chủ nghĩa",
    ),
    (
        4,
        "2. Vận động Nhân dân thi đua học tập, lao động sáng tạo, thực hiện thắng lợi các mục tiêu "
        "phát triển kinh tế, văn hóa, xã hội, giữ vững quốc phòng, an ninh của đất nước",
    ),
    (
        4,
        "3. Thực hiện dân chủ, đại diện, bảo vệ quyền và lợi ích hợp pháp, chính đáng của nhân "
        "dân; giám sát và phản biện xã hội; tham gia phòng chống tham nhũng, lãng phí, xây dựng "
        "Đảng, xây dựng Nhà nước trong sạch, vững mạnh",
    ),
    (4, "4. Tăng cường đoàn kết quốc tế, mở rộng hoạt động đối ngoại Nhân dân"),
    (
        4,
        "5. Tăng cường củng cố tổ chức, đổi mới nội dung, phương thức, nâng cao hiệu quả hoạt động "
        "của MTTQ Việt Nam, đáp ứng yêu cầu nhiệm vụ trong giai đoạn mới",
    ),
    (1, "Phụ lục I"),
    (2, "SỐ LIỆU KẾT QUẢ CÔNG TÁC MẶT TRẬN 6 THÁNG ĐẦU NĂM 2021 THEO ĐƠN VỊ"),
    (1, "Phụ lục II"),
    (2, "MÔ HÌNH, CÁCH LÀM HIỆU QUẢ 6 THÁNG ĐẦU NĂM 2021 CỦA CÁC ĐƠN VỊ"),
]

MISSING_UNIT = "181"  # Bình Gia sends nothing
SKIPPED = ("178", "tt_tin_bai")  # TP Lạng Sơn leaves one cell blank
EXCLUDED = ("182", "ctri_y_kien_tra_loi")  # answered > collected: an error rule, not counted


# --- the fixture ---------------------------------------------------------------------------


def _value(kind: str, unit_index: int, indicator_index: int) -> float:
    if kind == "money":
        return (unit_index + 1) * 1_250_000 * (indicator_index + 1)
    if kind == "percent":
        return 80 + unit_index * 1.5
    return (unit_index + 1) * 100 + indicator_index


def write_processed(processed: Path) -> pd.DataFrame:
    """`<processed>/2021-H1/{values,status}.csv` with known figures; returns the values."""
    catalogue = load_catalogue(SOURCE.config)
    units = load_units(SOURCE.config).for_period(PERIOD)
    rows, status = [], []
    for u_index, unit in enumerate(units):
        if unit.code == MISSING_UNIT:
            status.append([unit.code, unit.name, "chưa nộp", 0, 0, 0])
            continue
        errors = 0
        for i_index, indicator in enumerate(catalogue.indicators):
            value: float | None = _value(indicator.kind, u_index, i_index)
            included = True
            if (unit.code, indicator.code) == SKIPPED:
                value = None
            if (unit.code, indicator.code) == EXCLUDED:
                value, included, errors = 10_000, False, 1
            rows.append(
                {
                    "period": PERIOD,
                    "unit_code": unit.code,
                    "indicator_code": indicator.code,
                    "value": value,
                    "reported": value is not None,
                    "included": included and value is not None,
                    "source_file": f"{unit.code}.xlsx",
                    "sheet": "Số liệu",
                    "cell": f"E{i_index + 5}",
                }
            )
        state = "có lỗi" if errors else "hợp lệ"
        status.append([unit.code, unit.name, state, len(catalogue.indicators), errors, 0])
    folder = processed / PERIOD
    folder.mkdir(parents=True)
    values = pd.DataFrame(rows)
    values.to_csv(folder / "values.csv", index=False)
    pd.DataFrame(
        status, columns=["unit_code", "unit_name", "state", "rows_read", "errors", "warnings"]
    ).to_csv(folder / "status.csv", index=False)
    return values


def expected_totals(values: pd.DataFrame) -> dict[str, float]:
    """Totals worked out independently of baocao.run.aggregate: sums, and the weighted mean."""
    catalogue = load_catalogue(SOURCE.config)
    counted = values[values["included"]]
    wide = counted.pivot(index="unit_code", columns="indicator_code", values="value")
    totals = {}
    for indicator in catalogue.indicators:
        column = wide[indicator.code].dropna()
        if indicator.total_method == "weighted_mean":
            weights = wide[indicator.total_weight].reindex(column.index)
            totals[indicator.code] = float((column * weights).sum() / weights.sum())
        else:
            totals[indicator.code] = float(column.sum())
    return totals


def vn(value: float, kind: str) -> str:
    """The fixture's figure as the report must print it."""
    if kind in ("percent", "money"):  # money in triệu đồng; one decimal, rounded half up
        shown = Decimal(repr(value)) / (1_000_000 if kind == "money" else 1)
        rounded = shown.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        whole, _, decimal = f"{rounded:,.1f}".partition(".")
        whole = whole.replace(",", ".")
        # money always keeps its decimal ("1.500,0"); a share drops a zero one ("100")
        return whole if decimal == "0" and kind == "percent" else f"{whole},{decimal}"
    return f"{round(value):,}".replace(",", ".")


def make_paths(tmp: Path) -> ProjectPaths:
    return ProjectPaths(
        root=SOURCE.root, raw=tmp / "raw", processed=tmp / "processed", output=tmp / "output"
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("render")
    paths = make_paths(tmp)
    values = write_processed(paths.processed)
    result = render.render_report(PERIOD, "internal", paths, tmp / "out", backend="builtin")
    print(f"builtin render: {result.seconds:.1f} s")
    return result, values


# --- fast checks ---------------------------------------------------------------------------


def test_output_names_by_profile():
    assert render_job.output_names(PERIOD, "official") == {"docx": "bao-cao-2021-H1.docx"}
    assert render_job.output_names(PERIOD, "internal") == {
        "docx": "bao-cao-2021-H1-noi-bo.docx",
        "html": "bao-cao-2021-H1-noi-bo.html",
    }
    assert render_job.output_names(PERIOD, "public") == {"html": "bao-cao-2021-H1-cong-khai.html"}


def test_choose_backend_follows_quarto_on_path(monkeypatch):
    monkeypatch.delenv("BAOCAO_BACKEND", raising=False)
    expected = "quarto" if shutil.which("quarto") else "builtin"
    assert render.choose_backend(None) == expected
    assert render.choose_backend("builtin") == "builtin"
    with pytest.raises(BaocaoError, match="không có cách lập báo cáo|Không có cách lập báo cáo"):
        render.choose_backend("latex")


def _fake_quarto(folder: Path, prints: str) -> Path:
    """An executable `quarto` that only answers `--version` (the code under test only asks)."""
    folder.mkdir()
    script = folder / "quarto"
    script.write_text(f"#!/bin/sh\necho {prints}\n", encoding="utf-8")
    script.chmod(0o755)
    return folder


@pytest.mark.skipif(os.name == "nt", reason="a shell script stands for quarto")
def test_an_older_quarto_is_refused_naming_the_version_found(tmp_path, monkeypatch):
    old = _fake_quarto(tmp_path / "old", "1.4.550")
    monkeypatch.setenv("PATH", f"{old}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("BAOCAO_BACKEND", raising=False)
    for requested in ("quarto", None):  # asked for, or chosen because it is on PATH
        with pytest.raises(BaocaoError) as caught:
            render.choose_backend(requested)
        message = caught.value.message
        assert "Quarto 1.4.550" in message and "cũ hơn bản 1.8" in message, message
        assert "--backend builtin" in message
    assert render.choose_backend("builtin") == "builtin"
    supported = _fake_quarto(tmp_path / "supported", "1.8.25")
    monkeypatch.setenv("PATH", f"{supported}{os.pathsep}{os.environ['PATH']}")
    assert render.choose_backend(None) == "quarto"
    # BAOCAO_BACKEND chooses like --backend, which wins over it.
    monkeypatch.setenv("BAOCAO_BACKEND", "builtin")
    assert render.choose_backend(None) == "builtin"
    assert render.choose_backend("quarto") == "quarto"
    monkeypatch.setenv("BAOCAO_BACKEND", "latex")
    with pytest.raises(BaocaoError, match="“latex” \\(biến môi trường BAOCAO_BACKEND\\)"):
        render.choose_backend(None)


def test_cell_options_are_yaml():
    options, code = render_execute.cell_options(
        '#| tags: [parameters]\n#| output: asis\nprint("x")'
    )
    assert options == {"tags": ["parameters"], "output": "asis"}
    assert code == 'print("x")'


def test_quarto_project_uses_the_generated_reference_doc():
    internal = qc.quarto_config(SOURCE.root, "internal")
    assert Path(internal["format"]["docx"]["reference-doc"]) == qc.QUARTO_REFERENCE_DOC
    assert internal["format"]["html"]["embed-resources"] is True
    # The public profile is the published page alone: `quarto render --profile public` too.
    assert set(qc.quarto_config(SOURCE.root, "public")["format"]) == {"html"}
    official = qc.quarto_config(SOURCE.root, "official")["format"]["docx"]
    assert Path(official["reference-doc"]) == qc.QUARTO_REFERENCE_DOC
    # Quarto's own render runs the project's scripts (finishing and checks, quarto_hooks).
    project = qc.quarto_config(SOURCE.root, "internal")["project"]
    script = "src/baocao/report/assets/quarto_script.py"
    assert project["pre-render"] == f"{script} pre-render"
    assert project["post-render"] == f"{script} post-render"
    assert (SOURCE.root / script).is_file()


def test_quarto_command_renders_the_executed_notebook_without_executing_it(tmp_path):
    job = render_job.RenderJob(
        period=PERIOD,
        profiles=("internal", "public"),
        paths=make_paths(tmp_path),
        out_dir=tmp_path,
        names={p: render_job.output_names(PERIOD, p) for p in ("internal", "public")},
        title="Tiêu đề",
        parameters={"period": PERIOD},
    )
    command = render_quarto.quarto_command("quarto", job, "public", "html")
    assert command[:3] == ["quarto", "render", "report.ipynb"]
    pairs = dict(zip(command[3::2], command[4::2], strict=True))
    assert pairs == {
        "--to": "html",
        "--output": "bao-cao-2021-H1-cong-khai.html",
        "--metadata": "title:Tiêu đề",
        "--profile": "public",
    }
    assert "--execute" not in command and "--execute-params" not in command


def test_quarto_project_keeps_the_settings_and_names_no_user_folder(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    render_quarto.quarto_project(SOURCE.root, project, project / "reference.docx")
    assert sorted(p.name for p in project.iterdir()) == [
        "_quarto-internal.yml",
        "_quarto-official.yml",
        "_quarto-public.yml",
        "_quarto.yml",
    ]
    config = yaml.safe_load((project / "_quarto.yml").read_text(encoding="utf-8"))
    # No user folder, no user script; the notebook named (Quarto's own search skips hidden paths).
    assert config["project"] == {"type": "default", "render": ["report.ipynb"]}
    assert config["format"]["docx"]["reference-doc"] == "reference.docx"
    html = config["format"]["html"]
    assert Path(html["css"]) == (SOURCE.root / "src/baocao/report/assets/report.css").resolve()
    assert [Path(f) for f in html["filters"]] == [
        (SOURCE.root / "src/baocao/report/assets/tables.lua").resolve()
    ]
    assert config["profile"] == {"group": [["official", "internal", "public"]]}
    assert qc.quarto_config(project, "public")["format"]["html"]["toc"] is True


def test_unknown_profile_is_refused(tmp_path):
    with pytest.raises(BaocaoError, match="internal"):
        render.render_report(PERIOD, "draft", make_paths(tmp_path), tmp_path, backend="builtin")


# --- the rendered report -------------------------------------------------------------------


@pytest.mark.slow
def test_builtin_writes_both_formats(rendered):
    result, _ = rendered
    assert result.backend == "builtin"
    assert {fmt: p.name for fmt, p in result.outputs.items()} == {
        "docx": "bao-cao-2021-H1-noi-bo.docx",
        "html": "bao-cao-2021-H1-noi-bo.html",
    }
    out_dir = result.outputs["docx"].parent
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "bao-cao-2021-H1-noi-bo.docx",
        "bao-cao-2021-H1-noi-bo.html",
    ], "no temporary file may be left behind"


@pytest.mark.slow
def test_docx_page_and_fonts(rendered):
    document = docx.Document(rendered[0].outputs["docx"])
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1)
    assert abs(section.page_height - Mm(297)) < Mm(1)
    assert section.page_height > section.page_width
    for margin, mm in (("top", 20), ("bottom", 20), ("left", 30), ("right", 15)):
        assert abs(getattr(section, f"{margin}_margin") - Mm(mm)) < Mm(0.5), margin
    for name in ("Normal", "Body Text", "First Paragraph", "Heading 1", "Heading 4", "Title"):
        style = document.styles[name]
        fonts = style.element.rPr.rFonts
        assert style.font.name == "Times New Roman", name
        assert (
            fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}asciiTheme")
            is None
        ), name
    assert document.styles["Body Text"].font.size.pt == 14
    assert document.styles["Heading 3"].font.bold is True
    assert document.styles["Heading 3"].font.color.rgb == docx.shared.RGBColor(0, 0, 0)


def _docx_headings(document) -> list[tuple[int, str]]:
    return [
        (int(p.style.name.split()[-1]), p.text)
        for p in document.paragraphs
        if p.style.name.startswith("Heading ")
    ]


@pytest.mark.slow
def test_docx_has_the_outline_in_order(rendered):
    document = docx.Document(rendered[0].outputs["docx"])
    assert _docx_headings(document) == OUTLINE
    # docx_finish replaces pandoc's Title paragraph with the official "BÁO CÁO" + subject.
    assert not [p for p in document.paragraphs if p.style.name == "Title"]
    title, subject = (p.text for p in document.paragraphs[:2])
    assert title == "BÁO CÁO"
    assert subject.replace("\n", " ") == (
        "Kết quả công tác Mặt trận 6 tháng đầu năm 2021, "
        "nhiệm vụ trọng tâm công tác 6 tháng cuối năm 2021"
    )


def appendix_by_code(tables: list[list[list[str]]], catalogue, units) -> dict[str, dict]:
    """Phụ lục I's tables (cells as text, header first) → indicator code → {unit code: cell,
    "total": the province's row}, found by each column's heading "<label> (<ĐVT>)"."""
    heading = {
        f"{i.label} ({'triệu đồng' if i.kind == 'money' else i.unit})": i.code
        for i in catalogue.indicators
    }
    found: dict[str, dict] = {}
    for table in tables:
        header, body = table[0], table[1:]
        assert header[:2] == ["STT", "Đơn vị"]
        assert [r[1] for r in body] == [*(u.short for u in units), "Tổng cộng"]
        for c, text in enumerate(header[2:], start=2):
            code = heading[text]
            assert code not in found, code
            found[code] = {u.code: body[n][c] for n, u in enumerate(units)}
            found[code]["total"] = body[-1][c]
    return found


@pytest.mark.slow
def test_docx_appendix_is_a_word_table_with_the_figures(rendered):
    result, values = rendered
    catalogue = load_catalogue(SOURCE.config)
    units = load_units(SOURCE.config).for_period(PERIOD)
    document = docx.Document(result.outputs["docx"])
    appendix = [
        [[c.text for c in row.cells] for row in t.rows]
        for t in document.tables
        if t.rows[-1].cells[1].text == "Tổng cộng"
    ]
    assert len(appendix) > 1  # Phụ lục I is several tables, grouped by section
    by_code = appendix_by_code(appendix, catalogue, units)
    assert list(by_code) == catalogue.codes

    totals = expected_totals(values)
    for indicator in catalogue.indicators:
        row = by_code[indicator.code]
        assert row["total"] == vn(totals[indicator.code], indicator.kind), indicator.code
        assert row[MISSING_UNIT] == "–"
    assert by_code[SKIPPED[1]][SKIPPED[0]] == "–"
    assert by_code[EXCLUDED[1]][EXCLUDED[0]] == "–"
    # Spot values: TP Lạng Sơn (first unit), first indicator; a money and the percentage.
    assert by_code["tt_so_cuoc"]["178"] == "100"
    money = catalogue.codes.index("covid_tien_tiep_nhan")
    assert by_code["covid_tien_tiep_nhan"]["183"] == vn(5 * 1_250_000 * (money + 1), "money")
    assert by_code["ntm_ty_le_hai_long"]["180"] == "81,5"


@pytest.mark.slow
def test_html_is_vietnamese_self_contained_with_the_outline(rendered):
    html = rendered[0].outputs["html"].read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == "vi"
    for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
        for element in soup.find_all(tag):
            link = element.get(attr) or ""
            assert not link.startswith(("http://", "https://", "//")), link
    headings = [
        (int(h.name[1]), " ".join(h.get_text(" ").split()))
        for h in soup.find_all(["h1", "h2", "h3", "h4"])
        if "title" not in (h.get("class") or []) and h.get("id") != "toc-title"
    ]
    assert headings == OUTLINE
    assert soup.find(id="TOC") is not None


@pytest.mark.slow
def test_html_appendix_totals(rendered):
    result, values = rendered
    catalogue = load_catalogue(SOURCE.config)
    units = load_units(SOURCE.config).for_period(PERIOD)
    soup = BeautifulSoup(result.outputs["html"].read_text(encoding="utf-8"), "html.parser")
    tables = [
        [
            [" ".join(c.get_text(" ").split()) for c in tr.find_all(["td", "th"])]
            for tr in t.find_all("tr")
        ]
        for t in soup.find_all("table")
        if t.caption and t.caption.get_text().startswith("Bảng ")
    ]
    by_code = appendix_by_code(tables, catalogue, units)
    totals = expected_totals(values)
    assert [by_code[i.code]["total"] for i in catalogue.indicators] == [
        vn(totals[i.code], i.kind) for i in catalogue.indicators
    ]
    assert not math.isnan(totals["ntm_ty_le_hai_long"])


@pytest.mark.slow
def test_public_profile_is_html_only_without_the_status_table(tmp_path, rendered):
    paths = make_paths(tmp_path)
    write_processed(paths.processed)
    result = render.render_report(PERIOD, "public", paths, tmp_path / "out", backend="builtin")
    assert list(result.outputs) == ["html"]
    assert result.outputs["html"].name == "bao-cao-2021-H1-cong-khai.html"
    html = result.outputs["html"].read_text(encoding="utf-8")
    assert "Tình hình tiếp nhận số liệu" not in html
    internal = rendered[0].outputs["html"].read_text(encoding="utf-8")
    assert "Tình hình tiếp nhận số liệu" in internal


@pytest.mark.slow
def test_failed_render_names_the_cell_and_keeps_previous_outputs(tmp_path):
    paths = make_paths(tmp_path)  # no processed data written
    out = tmp_path / "out"
    out.mkdir()
    previous = out / "bao-cao-2021-H1.docx"
    previous.write_bytes(b"previous report")
    with pytest.raises(BaocaoError) as caught:
        render.render_report(PERIOD, "official", paths, out, backend="builtin")
    message = str(caught.value)
    assert message.startswith("Lỗi khi lập báo cáo, ở bước đọc số liệu đã xử lý của kỳ: ")
    assert "load_report_data" not in message and "report.qmd" not in message
    assert "Chưa có dữ liệu đã xử lý của kỳ 2021-H1" in message
    assert previous.read_bytes() == b"previous report"
    assert sorted(p.name for p in out.iterdir()) == ["bao-cao-2021-H1.docx"]


@pytest.mark.quarto
@requires_quarto
@pytest.mark.slow
def test_quarto_backend_renders_the_same_outline(backend_renders):
    result = backend_renders[1]["quarto"]  # the shared render (tests/report/quarto_renders.py)
    assert result.backend == "quarto"
    assert set(result.files["internal"]) == {"docx", "html"}
    document = docx.Document(result.files["official"]["docx"])
    texts = [text for _, text in _docx_headings(document)]
    assert texts == [text for _, text in OUTLINE]


def test_a_failing_cell_is_named_by_the_part_of_the_report_it_writes_never_by_its_code():
    from baocao.config.catalog import load_catalogue
    from baocao.config.outline import load_outline
    from baocao.report.render.execute import _cell_name, read_report

    outline = load_outline(SOURCE.config, load_catalogue(SOURCE.config, PERIOD), PERIOD)
    parts = {part.id: part.heading for part in outline.parts}
    cells = [c for c in read_report(SOURCE.report_source).cells if c.cell_type == "code"]
    names = [_cell_name(cell, parts) for cell in cells]
    assert "phần “Phần thứ nhất”" in names and "phần “Phụ lục II”" in names
    for cell, name in zip(cells, names, strict=True):
        assert "report.qmd" not in name, name  # every cell is labelled with a known name
        for line in cell.metadata["baocao_code"].splitlines():
            if line.strip() and not line.startswith("#"):
                assert line.strip() not in name, name
