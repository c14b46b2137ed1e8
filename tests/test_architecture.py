"""The package's stages, the one direction of their imports, and what a module may import.

Stages, lowest first: config → intake → unit → run → report. A module may import from its own
stage and the stages below it, and `baocao.errors` and `baocao.base` (low-level helpers, which
import nothing of baocao but errors) from anywhere; the top-level modules (cli, pipeline,
sample, synthetic) may import anything and are imported by no stage. No module imports another
module's private (`_underscore`) name, and the modules of one stage import each other without a
cycle. Function-level imports count everywhere.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "baocao"
STAGES = ("config", "intake", "unit", "run", "report")
SHARED = {"errors", "base"}  # importable from every stage


def absolute_module(node: ast.ImportFrom, module: str) -> str:
    """The dotted module a `from … import` reads from, relative imports resolved against
    `module` (the importing module's dotted name; a package's as `x.__init__`)."""
    if not node.level:
        return node.module or ""
    base = module.split(".")[: -node.level]
    return ".".join([*base, node.module] if node.module else base)


def imported_modules(source: str, module: str) -> list[tuple[int, str]]:
    """(line, dotted name under `baocao`) of every import in `source`, function-level imports
    included; `module` is the importing module's dotted name, for relative imports."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            prefix = absolute_module(node, module)
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
        "baocao.cli_outline",
        "baocao.cli_period",
        "baocao.cli_findings",
        "baocao.cli_vietnamese",
        "baocao.errors",
        "baocao.pipeline",
        "baocao.sample",
        "baocao.sample_figures",
        "baocao.sample_plan",
        "baocao.synthetic",
    }
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()} == {
        *STAGES,
        "base",
    }


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


def is_private(name: str) -> bool:
    """`_name`, but not a dunder such as `__version__`."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _dotted(node: ast.expr) -> str | None:
    """`a.b.c` of a chain of attributes on a name; None for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def _is_module(dotted: str) -> bool:
    """Whether `baocao.<...>` names a module or package of the package (not a name in one)."""
    parts = dotted.split(".")[1:]
    where = PACKAGE.joinpath(*parts)
    return where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()


def private_imports(source: str, module: str) -> list[str]:
    """Where `module` (dotted, under baocao) uses a private name of another baocao module:
    `from baocao.x import _y` (relative and function-level imports too), `import baocao._x`,
    and `m._y` on a name bound to a baocao module (`from baocao.intake import layout`)."""
    tree = ast.parse(source)
    found = []
    modules: set[str] = set()  # local names bound to a baocao module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            prefix = absolute_module(node, module)
            if prefix != "baocao" and not prefix.startswith("baocao."):
                continue
            for alias in node.names:
                if is_private(alias.name):
                    found.append(f"{module}:{node.lineno} imports {prefix}.{alias.name}")
                elif _is_module(f"{prefix}.{alias.name}"):
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("baocao."):
                    if any(is_private(part) for part in alias.name.split(".")):
                        found.append(f"{module}:{node.lineno} imports {alias.name}")
                    modules.add(alias.asname or "baocao")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            owner = _dotted(node.value)
            if owner and (owner in modules or owner.startswith("baocao.")):
                found.append(f"{module}:{node.lineno} uses {owner}.{node.attr}")
    return found


def group_of(dotted: str) -> str:
    """The stage (or `base`) a module under baocao belongs to; "top" for the top-level ones."""
    head = dotted.split(".")[0]
    return head if head in (*STAGES, "base") and "." in dotted else "top"


def import_graph(sources: dict[str, str]) -> dict[str, set[str]]:
    """module → the modules it imports, among the modules of `sources` (dotted under baocao,
    a package as `x.__init__`), function-level imports included. An imported name resolves to
    the longest prefix of it that is one of the modules (`config.names.match_key` →
    `config.names`)."""
    known = {m.removeprefix("baocao.").removesuffix(".__init__") for m in sources}
    graph: dict[str, set[str]] = {}
    for module, source in sources.items():
        own = module.removeprefix("baocao.").removesuffix(".__init__")
        targets = graph.setdefault(own, set())
        for _, name in imported_modules(source, module):
            parts = name.split(".")
            target = next(
                (
                    ".".join(parts[:n])
                    for n in range(len(parts), 0, -1)
                    if ".".join(parts[:n]) in known
                ),
                None,
            )
            if target is not None and target != own:
                targets.add(target)
    return graph


def cycles_within_groups(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles among modules of one group (`group_of`), each as its modules, sorted:
    the strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if group_of(target) != group_of(node):
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def package_sources() -> dict[str, str]:
    return {name: path.read_text(encoding="utf-8") for name, path in package_modules()}


@pytest.mark.parametrize("group", [*STAGES, "base", "top"])
def test_no_module_imports_a_private_name_of_another(group):
    found = [
        problem
        for name, source in package_sources().items()
        if group_of(name.removeprefix("baocao.").removesuffix(".__init__")) == group
        for problem in private_imports(source, name)
    ]
    assert found == [], f"{len(found)} imports of private names:\n" + "\n".join(found)


PRIVATE_CASES = [  # (source, importing module, what is caught)
    (
        "from baocao.config.versions import _guard\n",
        "baocao.config.units",
        ["baocao.config.units:1 imports baocao.config.versions._guard"],
    ),
    (
        "def f():\n    from .workbook import _rows, text_of\n",
        "baocao.intake.read",
        ["baocao.intake.read:2 imports baocao.intake.workbook._rows"],
    ),
    (
        "from baocao.intake import layout\n\nx = layout._HIDDEN\n",
        "baocao.unit.clean",
        ["baocao.unit.clean:3 uses layout._HIDDEN"],
    ),
    (
        "import baocao.run.store\n\nbaocao.run.store._UMASK\n",
        "baocao.pipeline",
        ["baocao.pipeline:3 uses baocao.run.store._UMASK"],
    ),
    (
        "from baocao import __version__\nfrom baocao.base.keys import match_key\nx._y\n",
        "baocao.cli",
        [],
    ),
]


@pytest.mark.parametrize(("source", "module", "caught"), PRIVATE_CASES)
def test_a_private_import_is_caught(source, module, caught):
    assert private_imports(source, module) == caught


def test_no_import_cycle_inside_a_stage():
    assert cycles_within_groups(import_graph(package_sources())) == []


def test_an_import_cycle_inside_a_stage_is_caught():
    hidden = {  # the cycle config had, hidden by a function-level import
        "baocao.config.names": "from baocao.config.units import Unit\n",
        "baocao.config.units": "from baocao.config.periods import Period\n",
        "baocao.config.periods": "def f():\n    from baocao.config.names import match_key\n",
        "baocao.config.__init__": "",
        "baocao.run.cache": "from baocao.config import names\n",
    }
    assert cycles_within_groups(import_graph(hidden)) == [
        ["config.names", "config.periods", "config.units"]
    ]
    across = {  # across stages an import points down; `test_imports_point_down_the_stages`
        "baocao.config.units": "from baocao.run.cache import key\n",
        "baocao.run.cache": "from baocao.config.units import Unit\n",
    }
    assert cycles_within_groups(import_graph(across)) == []


def base_violations(source: str, module: str) -> list[str]:
    """Imports of a `baocao.base` module that reach beyond `errors` and `base` itself."""
    return [
        f"{module}:{line} imports baocao.{name}"
        for line, name in imported_modules(source, module)
        if name and name.split(".")[0] not in ("errors", "base")
    ]


def test_base_imports_nothing_of_the_package_but_errors():
    found = [
        problem
        for name, source in package_sources().items()
        if name.startswith("baocao.base.") or name == "baocao.base"
        for problem in base_violations(source, name)
    ]
    assert found == []
    # and importing it loads nothing else of the package
    modules = [name for name, _ in package_modules() if name.startswith("baocao.base.")]
    code = (
        f"import sys\nimport {', '.join(m.removesuffix('.__init__') for m in modules)}\n"
        "print(sorted(m for m in sys.modules if m.startswith('baocao')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(eval(done.stdout))  # a printed list of strings
    assert loaded - {"baocao", "baocao.errors"} == {m.removesuffix(".__init__") for m in modules}


def test_a_base_module_importing_a_stage_is_caught():
    assert base_violations("from baocao.config.names import match_key\n", "baocao.base.keys") == [
        "baocao.base.keys:1 imports baocao.config.names.match_key"
    ]
    allowed = "from baocao.errors import BaocaoError\nfrom baocao.base.numbers import LOCALE\n"
    assert base_violations(allowed, "baocao.base.files") == []


@pytest.mark.parametrize("stage", [*STAGES, "top"])
def test_base_is_importable_from_every_stage(stage):
    module = "baocao.cli" if stage == "top" else f"baocao.{stage}.some_module"
    assert violations("from baocao.base.keys import match_key\n", module) == []
    assert violations("from ..base import numbers\n", "baocao.report.charts") == []


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
