"""The bundled pandoc run directly and within bounds: a conversion, and a Vietnamese message
naming the document when one fails, runs out of memory or out of time."""

from __future__ import annotations

import os
import sys
import time

import pytest

from baocao.errors import BaocaoError
from baocao.report.programs.external import Bound, ExternalError, run_bounded
from baocao.report.programs.pandoc import run_pandoc
from baocao.report.render import builtin as render_builtin


def test_a_conversion_writes_its_target(tmp_path):
    source = tmp_path / "a.md"
    source.write_text("# Phần thứ nhất\n\nSố cuộc: 1.234.\n", encoding="utf-8")
    run_pandoc(str(source), str(tmp_path / "a.html"), from_format="markdown", to="html5", args=[])
    html = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert "<h1" in html and "Phần thứ nhất" in html and "1.234" in html


def test_a_failed_conversion_names_the_document_in_vietnamese(tmp_path):
    source = tmp_path / "hong.ipynb"
    source.write_text("{ không phải JSON", encoding="utf-8")
    with pytest.raises(ExternalError) as failed:
        run_pandoc(
            str(source),
            str(tmp_path / "x.html"),
            from_format="ipynb",
            to="html5",
            args=[],
            document="trang kiểm tra 181.html",
        )
    assert failed.value.reason == "failed"
    assert "pandoc không lập được trang kiểm tra 181.html" in str(failed.value)
    assert not (tmp_path / "x.html").exists()


def test_the_report_conversion_fails_with_a_vietnamese_message(tmp_path):
    source = tmp_path / "report.md"
    source.write_text("Nội dung.\n", encoding="utf-8")
    with pytest.raises(BaocaoError, match="pandoc không lập được báo cáo DOCX"):
        # a reference document that does not exist: pandoc refuses
        render_builtin._pandoc(
            source, "docx", tmp_path / "r.docx", ["--reference-doc", str(tmp_path / "khong.docx")]
        )


def junk_markdown(rows: int) -> str:
    """A Markdown table of `rows` junk rows, five times over: pandoc needs far more than 50 MB."""
    table = "| Mã | Nội dung |\n|---|---|\n" + "\n".join(
        f"| x{i} *rác* | **dòng thừa {i}** |" for i in range(rows)
    )
    return "\n\n".join([table] * 5) + "\n"


def test_pandoc_over_its_memory_bound_stops_with_a_vietnamese_message(tmp_path):
    source = tmp_path / "report.md"
    source.write_text(junk_markdown(2_000), encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(ExternalError) as failed:
        run_pandoc(
            str(source),
            str(tmp_path / "r.docx"),
            from_format="markdown",
            to="docx",
            args=[],
            document="báo cáo DOCX (bản nội bộ)",
            bound=Bound(memory_mb=50, seconds=60),  # GHC's floor is pandoc's 50 MB -H
        )
    message = str(failed.value)
    assert failed.value.reason == "memory"
    assert "pandoc cần quá 50 MB bộ nhớ khi lập báo cáo DOCX (bản nội bộ)" in message
    assert "BAOCAO_PANDOC_MEMORY_MB" in message
    assert "Heap" not in message and "+RTS" not in message  # never GHC's English advice
    assert time.perf_counter() - started < 30
    assert not (tmp_path / "r.docx").exists()


def test_pandoc_over_its_time_bound_is_stopped(tmp_path):
    source = tmp_path / "report.md"
    source.write_text(junk_markdown(2_000), encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(ExternalError, match="chạy quá 0,2 giây khi lập báo cáo HTML") as failed:
        run_pandoc(
            str(source),
            str(tmp_path / "r.html"),
            from_format="markdown",
            to="html5",
            args=[],
            document="báo cáo HTML",
            bound=Bound(memory_mb=2048, seconds=0.2),
        )
    assert failed.value.reason == "time" and time.perf_counter() - started < 10


@pytest.mark.skipif(os.name != "posix", reason="resource limits are POSIX only")
def test_a_program_over_its_memory_bound_fails_in_vietnamese(tmp_path):
    # Any program other than pandoc is bounded by a resource limit: Python asking for 1 GB
    # under 300 MB.
    with pytest.raises(ExternalError, match="cần quá 300 MB bộ nhớ khi lập thử nghiệm") as failed:
        run_bounded(
            [sys.executable, "-c", "x = bytearray(1 << 30)"],
            program="Python",
            document="thử nghiệm",
            bound=Bound(memory_mb=300, seconds=30),
        )
    assert failed.value.reason == "memory"


def test_a_program_over_its_time_is_stopped_with_what_it_started(tmp_path):
    """LibreOffice's soffice starts another process: over its time, both are stopped (a
    leftover would hold LibreOffice's profile and hang the next run), and the message does
    not blame the units' data."""
    import psutil

    mark = tmp_path / "child.pid"
    started_child = (
        "import subprocess, sys, time; "
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'], "
        "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
        f"open({str(mark)!r}, 'w').write(str(child.pid)); time.sleep(120)"
    )
    with pytest.raises(ExternalError, match="chạy quá 2 giây khi lập tệp PDF") as failed:
        run_bounded(
            [sys.executable, "-c", started_child],
            program="LibreOffice",
            document="tệp PDF",
            bound=Bound(memory_mb=1000, seconds=2),
        )
    assert "BAOCAO_EXTERNAL_TIMEOUT" in failed.value.message
    assert "số liệu đầu vào" not in failed.value.message
    child = int(mark.read_text())

    def alive() -> bool:
        try:
            return psutil.Process(child).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    deadline = time.monotonic() + 5
    while alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    if alive():  # the test's own cleanup, then the failure
        psutil.Process(child).kill()
        pytest.fail("the process LibreOffice's stand-in started outlived it")
