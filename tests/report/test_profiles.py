"""One execution of report.qmd serves every profile; the profile decides at conversion time."""

from __future__ import annotations

import shutil
import subprocess

import pypandoc
import pytest
from conftest import requires_quarto
from quarto_renders import project_copy
from test_render import PERIOD, SOURCE, write_processed

from baocao.config.paths import ProjectPaths
from baocao.report.render import builtin as render_builtin
from baocao.report.render import formats
from baocao.report.render import reports as render
from baocao.report.render.profiles import PROFILES, by_profile, when_profile


def test_same_text_in_every_profile_is_printed_once_without_condition():
    assert by_profile(dict.fromkeys(PROFILES, "Chung.\n")) == "Chung.\n"


def test_different_texts_are_each_inside_their_profile():
    text = by_profile({"official": "Để ký.", "internal": "Bản nháp.", "public": "Công khai."})
    assert text == (
        ':::: {.content-visible when-profile="official"}\n\nĐể ký.\n\n::::\n\n'
        ':::: {.content-visible when-profile="internal"}\n\nBản nháp.\n\n::::\n\n'
        ':::: {.content-visible when-profile="public"}\n\nCông khai.\n\n::::\n'
    )
    assert by_profile({"internal": "Chỉ nội bộ."}) == when_profile("internal", "Chỉ nội bộ.")


def test_a_text_all_profiles_but_one_share_is_printed_once_unless_that_profile():
    """The restricted sub-parts: in the document to sign and the internal draft, not public."""
    text = by_profile({"official": "Vụ việc.", "internal": "Vụ việc."})
    assert text == ':::: {.content-visible unless-profile="public"}\n\nVụ việc.\n\n::::\n'


def test_unknown_profile_is_an_error():
    with pytest.raises(ValueError, match="draft"):
        by_profile({"draft": "x"})


@pytest.mark.parametrize("profile", PROFILES)
def test_pandoc_keeps_only_the_profiles_content(tmp_path, profile):
    """The built-in backend's conversion (conditional.lua) with the report's nested divs."""
    internal = "# Phần\n\n::: {.internal}\n\n**Nội bộ**\n\n:::\n"
    source = tmp_path / "report.md"
    variants = {"internal": internal, "public": "# Phần\n\nCông khai."}
    source.write_text(
        by_profile({**variants, "official": "# Phần\n\nĐể ký."})
        + by_profile({"official": "Hạn chế.", "internal": "Hạn chế."}),
        encoding="utf-8",
    )
    html = pypandoc.convert_file(
        str(source),
        "html5",
        format="markdown",
        extra_args=[
            "--metadata",
            f"baocao-profile={profile}",
            f"--lua-filter={render_builtin.CONDITIONAL_FILTER}",
        ],
    )
    assert ("Nội bộ" in html) == (profile == "internal")
    assert ("Công khai." in html) == (profile == "public")
    assert ("Để ký." in html) == (profile == "official")
    assert ("Hạn chế." in html) == (profile != "public")
    assert "content-visible" not in html and "when-profile" not in html
    assert '<h1 id="phần">Phần</h1>' in html  # a real heading, in the table of contents


def _project_with_counting_report(tmp_path) -> ProjectPaths:
    """A copy of the project whose report.qmd also counts its own executions in a file."""
    return project_copy(tmp_path)


@pytest.mark.slow
def test_every_output_of_every_profile_comes_from_one_execution(tmp_path):
    paths = _project_with_counting_report(tmp_path)
    write_processed(paths.processed)
    result = render.render_reports(PERIOD, PROFILES, paths, tmp_path / "out", backend="builtin")
    assert (paths.processed / "executions.txt").read_text(encoding="utf-8") == "x"
    assert {p: sorted(f) for p, f in result.files.items()} == {
        "official": ["docx"],
        "internal": ["docx", "html"],
        "public": ["html"],
    }
    assert set(result.timings) == {"execute", "convert"}
    internal = result.files["internal"]["html"].read_text(encoding="utf-8")
    public = result.files["public"]["html"].read_text(encoding="utf-8")
    assert "Tình hình tiếp nhận số liệu" in internal
    assert "Tình hình tiếp nhận số liệu" not in public
    assert formats.html_problems(public, "public") == []


def _git_status() -> str:
    done = subprocess.run(
        ["git", "status", "--porcelain"],
        cwd=SOURCE.root,
        capture_output=True,
        encoding="utf-8",
        check=True,
    )
    return done.stdout


@pytest.mark.skipif(
    shutil.which("git") is None or not (SOURCE.root / ".git").exists(),
    reason="not a git checkout (git status cannot be read)",
)
@pytest.mark.slow
def test_a_render_from_the_repository_modifies_no_tracked_file(tmp_path):
    before = _git_status()
    paths = ProjectPaths(
        root=SOURCE.root, raw=tmp_path / "raw", processed=tmp_path / "p", output=tmp_path / "o"
    )
    write_processed(paths.processed)
    render.render_reports(PERIOD, PROFILES, paths, tmp_path / "out", backend="builtin")
    assert _git_status() == before


def test_gitignore_has_the_line_quarto_would_add():
    """Quarto appends `/.quarto/` and `**/*.quarto_ipynb` to a project's .gitignore when those
    exact lines are missing (project-gitignore.ts in quarto-cli)."""
    lines = (SOURCE.root / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/.quarto/" in lines and "**/*.quarto_ipynb" in lines


def _docx_texts(path) -> list[str]:
    import docx

    return [p.text.strip() for p in docx.Document(str(path)).paragraphs if p.text.strip()]


def _docx_tables(path) -> list[list[str]]:
    import docx

    return [[cell.text for row in t.rows for cell in row.cells] for t in docx.Document(path).tables]


def _html_text(path) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    main = soup.find("main") or soup.body
    for nav in main.find_all(["nav", "script", "style"]):
        nav.decompose()
    return " ".join(main.get_text(" ").split())


@pytest.mark.quarto
@requires_quarto
@pytest.mark.slow
def test_quarto_and_builtin_backends_give_the_same_report_text(backend_renders):
    paths, results = backend_renders
    # One execution per render, whichever the backend.
    assert (paths.processed / "executions.txt").read_text(encoding="utf-8") == "xx"
    builtin, quarto = results["builtin"].files, results["quarto"].files
    for profile in ("official", "internal"):
        assert _docx_texts(quarto[profile]["docx"]) == _docx_texts(builtin[profile]["docx"])
        assert _docx_tables(quarto[profile]["docx"]) == _docx_tables(builtin[profile]["docx"])
    for profile in ("internal", "public"):
        assert _html_text(quarto[profile]["html"]) == _html_text(builtin[profile]["html"])
    assert set(quarto["official"]) == {"docx"} and set(quarto["public"]) == {"html"}
    # Quarto's own conditional content: the annex only in the internal draft, the restricted
    # sub-part (3.4's cases) in the document to sign but not on the public page.
    official = " ".join(_docx_texts(quarto["official"]["docx"]))
    assert "Tình hình tiếp nhận số liệu" not in official and "Các vụ việc có dấu hiệu" in official
    assert "không công bố" not in official
    assert "Các vụ việc có dấu hiệu" not in _html_text(quarto["public"]["html"])


@pytest.mark.quarto
@requires_quarto
@pytest.mark.slow
def test_plain_quarto_render_in_the_project_gives_the_report_of_baocao_run(
    backend_renders, plain_quarto
):
    """`quarto render report.qmd -P period:2021-H1 --profile internal` in the project folder,
    as a Quarto user runs it: the project's pre-render and post-render scripts finish and check
    the outputs and publish them under baocao run's names in _output/<kỳ>/, with the same
    text."""
    paths, done = plain_quarto
    assert done.returncode == 0, done.stderr[-2000:]
    output = paths.root / "_output"
    published = output / PERIOD
    assert sorted(p.name for p in published.iterdir()) == [
        f"bao-cao-{PERIOD}-noi-bo.docx",
        f"bao-cao-{PERIOD}-noi-bo.html",
    ]
    assert not list(output.glob("report.*"))  # nothing left unfinished beside them
    builtin = backend_renders[1]["builtin"].files["internal"]
    docx_file, html_file = (
        published / f"bao-cao-{PERIOD}-noi-bo.docx",
        published / f"bao-cao-{PERIOD}-noi-bo.html",
    )
    assert _docx_texts(docx_file) == _docx_texts(builtin["docx"])
    assert _docx_tables(docx_file) == _docx_tables(builtin["docx"])
    assert _html_text(html_file) == _html_text(builtin["html"])
    assert formats.html_problems(html_file.read_text(encoding="utf-8"), "internal") == []
