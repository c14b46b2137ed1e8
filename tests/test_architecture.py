"""The package's stages and the one direction of their imports.

Stages, lowest first: config → intake → unit → run → report. A module may import from its own
stage and the stages below it, and `baocao.errors` from anywhere; the top-level modules (cli,
pipeline, sample, synthetic) may import anything and are imported by no stage.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "baocao"
STAGES = ("config", "intake", "unit", "run", "report")
SHARED = {"errors"}  # importable from every stage


def imported_modules(source: str, module: str) -> list[tuple[int, str]]:
    """(line, dotted name under `baocao`) of every import in `source`, function-level imports
    included; `module` is the importing module's dotted name, for relative imports."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: -node.level]
                prefix = ".".join([*base, node.module] if node.module else base)
            else:
                prefix = node.module or ""
            names = [f"{prefix}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name == "baocao" or name.startswith("baocao."):
                found.append((node.lineno, name.removeprefix("baocao").lstrip(".")))
    return found


def stage_of(dotted: str) -> str:
    """The stage of a module under `baocao` ("run.cache" → "run"), or "top"."""
    head = dotted.split(".")[0]
    if head in STAGES:
        return head
    return "shared" if head in SHARED else "top"


def violations(source: str, module: str) -> list[str]:
    """Imports of `module` (dotted, under baocao) that point up or to a top-level module."""
    own = stage_of(module.removeprefix("baocao."))
    if own in ("top", "shared"):
        allowed: set[str] = set(STAGES) | {"top", "shared"} if own == "top" else set()
    else:
        allowed = {*STAGES[: STAGES.index(own) + 1], "shared"}
    return [
        f"{module}:{line} imports baocao.{name}"
        for line, name in imported_modules(source, module)
        if name and stage_of(name) not in allowed
    ]


def package_modules() -> list[tuple[str, Path]]:
    return [
        (".".join(("baocao", *path.relative_to(PACKAGE).with_suffix("").parts)), path)
        for path in sorted(PACKAGE.rglob("*.py"))
    ]


def test_every_module_belongs_to_a_stage_or_is_a_known_top_level_module():
    top = {name for name, path in package_modules() if path.parent == PACKAGE}
    assert top == {
        "baocao.__init__",
        "baocao.__main__",
        "baocao.cli",
        "baocao.cli_console",
        "baocao.cli_vietnamese",
        "baocao.errors",
        "baocao.pipeline",
        "baocao.sample",
        "baocao.sample_figures",
        "baocao.sample_plan",
        "baocao.synthetic",
    }
    assert {
        p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()
    } == set(STAGES)


@pytest.mark.parametrize("stage", STAGES)
def test_imports_point_down_the_stages(stage):
    found = [
        problem
        for name, path in package_modules()
        if stage_of(name.removeprefix("baocao.")) == stage
        for problem in violations(path.read_text(encoding="utf-8"), name)
    ]
    assert found == []


def test_errors_imports_nothing_of_the_package():
    assert (
        imported_modules((PACKAGE / "errors.py").read_text(encoding="utf-8"), "baocao.errors") == []
    )


def test_an_upward_import_is_caught():
    upward = "from baocao.report.render.reports import render_reports\n"
    assert violations(upward, "baocao.run.cache") == [
        "baocao.run.cache:1 imports baocao.report.render.reports.render_reports"
    ]
    inside = "def f():\n    from ..report import blocks\n"
    assert violations(inside, "baocao.unit.clean") == [
        "baocao.unit.clean:2 imports baocao.report.blocks"
    ]
    top = "from baocao.pipeline import run_period\n"
    assert violations(top, "baocao.report.render.reports") == [
        "baocao.report.render.reports:1 imports baocao.pipeline.run_period"
    ]
    assert violations("from baocao.config.catalog import Unit\n", "baocao.report.blocks") == []


@pytest.mark.parametrize("name_path", package_modules(), ids=lambda np: np[0])
def test_no_module_is_over_about_500_lines(name_path):
    name, path = name_path
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 520, f"{name} has {lines} lines: split it along its concerns"


# --- inside report/: subpackages named for their jobs, imports one way ---------------------

REPORT = PACKAGE / "report"


def module_path(dotted: str) -> Path | None:
    """The file of module `dotted` (under baocao), or None when it names no module."""
    base = PACKAGE.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def report_import_graph() -> dict[str, set[str]]:
    """Module -> the modules of report/ it imports (function-level imports included); an
    imported name that is no module (`from m import f`) counts as its module `m`."""
    graph: dict[str, set[str]] = {}
    for name, path in package_modules():
        if not name.startswith("baocao.report."):
            continue
        targets = set()
        for _, dotted in imported_modules(path.read_text(encoding="utf-8"), name):
            if not dotted.startswith("report."):
                continue
            target = dotted if module_path(dotted) else dotted.rpartition(".")[0]
            if module_path(target) and not target.endswith("__init__"):
                targets.add(f"baocao.{target}")
        graph[name] = targets - {name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of `graph` as [a, b, …, a], or [] when it has none (depth-first search)."""
    state: dict[str, str] = {}  # "open" while on the path, "done" after
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = "open"
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = "done"
        path.pop()
        return []

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return []


def test_no_import_cycle_among_the_report_modules():
    assert find_cycle(report_import_graph()) == []


def test_a_cycle_is_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


# report/'s subpackages, lowest first (report/__init__.py): each imports only from itself and
# those before it.
REPORT_ORDER = ("programs", "narrative", "compose", "docx", "review", "render")


def test_report_subpackages_are_the_known_ones_in_order():
    found = {p.name for p in REPORT.iterdir() if (p / "__init__.py").is_file()}
    assert found == set(REPORT_ORDER)
    assert {p.stem for p in REPORT.glob("*.py")} == {"__init__"}  # no module left loose
    order = (REPORT / "__init__.py").read_text(encoding="utf-8")
    positions = [order.index(f"`{sub}`") for sub in REPORT_ORDER]
    assert positions == sorted(positions)


def test_report_subpackages_import_one_way():
    def sub(name: str) -> str:
        return name.split(".")[2]

    found = [
        f"{module} imports {target}"
        for module, targets in report_import_graph().items()
        for target in targets
        if REPORT_ORDER.index(sub(target)) > REPORT_ORDER.index(sub(module))
    ]
    assert found == []


@pytest.mark.parametrize("sub", REPORT_ORDER)
def test_each_report_subpackage_says_what_enters_and_leaves(sub):
    init = REPORT / sub / "__init__.py"
    tree = ast.parse(init.read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree) or ""
    assert len(doc) > 200, f"report/{sub}/__init__.py needs a docstring: what enters, what leaves"
    assert [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)] == []
