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
    upward = "from baocao.report.render import render_reports\n"
    assert violations(upward, "baocao.run.cache") == [
        "baocao.run.cache:1 imports baocao.report.render.render_reports"
    ]
    inside = "def f():\n    from ..report import blocks\n"
    assert violations(inside, "baocao.unit.clean") == [
        "baocao.unit.clean:2 imports baocao.report.blocks"
    ]
    top = "from baocao.pipeline import run_period\n"
    assert violations(top, "baocao.report.render") == [
        "baocao.report.render:1 imports baocao.pipeline.run_period"
    ]
    assert violations("from baocao.config.catalog import Unit\n", "baocao.report.blocks") == []


@pytest.mark.parametrize("name_path", package_modules(), ids=lambda np: np[0])
def test_no_module_is_over_about_500_lines(name_path):
    name, path = name_path
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 520, f"{name} has {lines} lines: split it along its concerns"


# The entry points read as their steps: no function over ~60 lines or ~6 parameters.
ENTRY_MODULES = ("pipeline.py", "cli.py")
MAX_FUNCTION_LINES, MAX_PARAMETERS = 60, 6


def oversized_functions(source: str, module: str) -> list[str]:
    """Functions (methods and nested ones included) of `source` over MAX_FUNCTION_LINES lines
    (decorators to last line) or MAX_PARAMETERS parameters (positional, keyword-only, *args
    and **kwargs; `self` and `cls` not counted)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        arguments = node.args
        names = [a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)]
        names += [a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None]
        count = len([n for n in names if n not in ("self", "cls")])
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        lines = node.end_lineno - first + 1
        if lines > MAX_FUNCTION_LINES or count > MAX_PARAMETERS:
            found.append(f"{module}.{node.name}: {lines} lines, {count} parameters")
    return found


@pytest.mark.parametrize("file_name", ENTRY_MODULES)
def test_entry_point_functions_are_short_with_few_parameters(file_name):
    source = (PACKAGE / file_name).read_text(encoding="utf-8")
    assert oversized_functions(source, file_name.removesuffix(".py")) == []


def test_an_oversized_function_is_caught():
    many = "def f(self, a, b, c, d, e, f, *, g):\n    pass\n"
    assert oversized_functions(many, "m") == ["m.f: 2 lines, 7 parameters"]
    assert oversized_functions("def f(self, a, b, c, d, e, f):\n    pass\n", "m") == []
    body = "".join(f"    x{n} = {n}\n" for n in range(60))
    assert oversized_functions(f"@decorated\ndef g():\n{body}", "m") == [
        "m.g: 62 lines, 0 parameters"
    ]
    assert oversized_functions("def h(*args, **kwargs):\n    pass\n", "m") == []
