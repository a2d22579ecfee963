"""The house: every import, at module level or inside a function, points down a layer; no cycles.

Layers, bottom up (README's module map): errors and names; the model and the likelihood
table; I/O and the engine; analysis and world; rendering; the public API (``escalate``
itself); the command line. A module may import from a lower layer, or from its own package.
"""

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "escalate"

#: The layer of each top-level part of the package.
LAYERS = {
    "escalate.errors": 0,
    "escalate.names": 0,
    "escalate.model": 1,
    "escalate.likelihoods": 1,
    "escalate.io": 2,
    "escalate.engine": 2,
    "escalate.analysis": 3,
    "escalate.world": 3,
    "escalate.render": 4,
    "escalate": 5,  # the public API re-exports every layer below
    "escalate.cli": 6,
    "escalate.__main__": 7,
}

#: The one allowed upward import: a result draws itself (Escalation.draw, .save, _repr_png_).
#: The renderers read EscalationData in analysis.result, so this closes no cycle.
ALLOWED_UPWARD = {("escalate.analysis.paths", "escalate.render.drawing")}


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(root: Path) -> dict[str, set[str]]:
    """Every module's imports of the package's own modules, at any depth of the code."""
    paths = {module_name(root, p): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in paths}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([node.module] if node.module else []))
                targets = [f"{base}.{a.name}" for a in node.names]
            else:
                continue
            for target in targets:
                while target and target not in paths:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def part(module: str) -> str:
    """The top-level part a module belongs to (``escalate.io.toml`` -> ``escalate.io``)."""
    pieces = module.split(".")
    return ".".join(pieces[:2]) if len(pieces) > 1 else module


def layer(module: str) -> int:
    return LAYERS[part(module)]


def problems(graph: dict[str, set[str]], allowed: set[tuple[str, str]] = ALLOWED_UPWARD) -> list[str]:
    """Each arrow that does not point down a layer, and each cycle."""
    found = []
    for source, targets in sorted(graph.items()):
        for target in sorted(targets):
            if (source, target) in allowed or part(source) == part(target) != "escalate":
                continue
            if layer(target) >= layer(source):
                found.append(f"{source} (layer {layer(source)}) imports {target} (layer {layer(target)})")
    try:
        cycle = nx.find_cycle(nx.DiGraph([(s, t) for s, ts in graph.items() for t in ts]))
        found.append("cycle: " + " -> ".join(s for s, _ in cycle) + f" -> {cycle[0][0]}")
    except nx.NetworkXNoCycle:
        pass
    return found


def test_every_part_of_the_package_has_a_layer():
    assert {part(m) for m in imports(PACKAGE)} == set(LAYERS)


def test_every_import_points_down_a_layer_and_none_closes_a_cycle():
    assert problems(imports(PACKAGE)) == []


def test_the_allowed_upward_import_is_still_needed():
    graph = imports(PACKAGE)
    assert all(target in graph[source] for source, target in ALLOWED_UPWARD)


@pytest.mark.parametrize(
    ("module", "code", "expected"),
    [
        (
            "model/helper.py",
            "def f():\n    from escalate.io import files\n",
            "escalate.model.helper (layer 1) imports",
        ),
        (
            "io/helper.py",
            "from escalate.engine import compile\n",
            "escalate.io.helper (layer 2) imports escalate.engine",
        ),
        (
            "engine/helper.py",
            "import escalate\n",
            "escalate.engine.helper (layer 2) imports escalate (layer 5)",
        ),
        ("model/a.py", "from . import b\n", "cycle: "),
    ],
)
def test_the_check_finds_an_upward_import_or_a_cycle(tmp_path, module, code, expected):
    root = tmp_path / "escalate"
    for name in ("io/files.py", "engine/compile.py", "model/b.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("from escalate.model import a\n" if name == "model/b.py" else "")
    (root / "__init__.py").write_text("")
    for folder in ("io", "engine", "model"):
        (root / folder / "__init__.py").write_text("")
    (root / module).write_text(code)
    assert any(p.startswith(expected) for p in problems(imports(root))), problems(imports(root))


def test_modules_stay_under_400_lines():
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 400
    }
    assert long == {}


#: The house style keeps functions (``def`` to last line, docstring included) within this many lines.
MAX_FUNCTION_LINES = 60
#: Functions allowed past the limit, as ``file:name``: none today.
LENGTH_EXEMPT: tuple[str, ...] = ()


def long_functions(root: Path, exempt: tuple[str, ...] = LENGTH_EXEMPT) -> list[str]:
    """Each function or method over MAX_FUNCTION_LINES lines, but for the ``file:name`` exempt."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES and f"{relative}:{node.name}" not in exempt:
                    found.append(f"{relative}:{node.lineno} {node.name} is {lines} lines")
    return found


def test_functions_stay_within_60_lines():
    assert long_functions(PACKAGE) == []


def test_the_length_check_finds_a_long_function(tmp_path):
    root = tmp_path / "escalate"
    (root / "world").mkdir(parents=True)
    too_long = "def f():\n" + "    x = 1\n" * MAX_FUNCTION_LINES
    (root / "long.py").write_text("class C:\n    async " + too_long.replace("\n    ", "\n        "))
    (root / "world" / "long.py").write_text(too_long)
    (root / "short.py").write_text("def g():\n" + "    x = 1\n" * (MAX_FUNCTION_LINES - 1))
    assert long_functions(root, exempt=("world/long.py:f",)) == ["long.py:2 f is 61 lines"]
    assert long_functions(root, exempt=()) == ["long.py:2 f is 61 lines", "world/long.py:1 f is 61 lines"]
