"""The core's layout: its subpackages and top-level modules import one another without circles
(docs/architecture.md, "Import direction": if two need each other, a third owns the shared part).
Imports inside functions count (the circle this replaced ran through one); imports under
``if TYPE_CHECKING:`` do not (they never run). Modules within one subpackage are not checked."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import automl_core

ROOT = Path(automl_core.__file__).parent


def _unit(module: str) -> str:
    """The subpackage or top-level module of ``automl_core.<module>`` (``""`` for the package itself)."""
    return module.split(".")[1] if "." in module else ""


def _imported(file: Path) -> set[str]:
    """The ``automl_core`` modules ``file`` imports, at module level or inside a function."""
    parts = ["automl_core", *file.relative_to(ROOT).with_suffix("").parts]
    package = parts if file.name == "__init__.py" else parts[:-1]
    package = package[:-1] if package[-1] == "__init__" else package
    found = set()
    for node in _nodes_that_run(ast.parse(file.read_text(encoding="utf-8"), str(file))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            for alias in node.names:  # ``from .. import search`` imports a module, not the package
                found.add(f"{module}.{alias.name}" if _is_module(f"{module}.{alias.name}") else module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m == "automl_core" or m.startswith("automl_core.")}


def _is_module(name: str) -> bool:
    """Whether ``automl_core.<...>`` names a module or subpackage of the core (not a name in one)."""
    path = ROOT.joinpath(*name.split(".")[1:])
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _nodes_that_run(tree: ast.AST):
    """Every node of ``tree`` but those under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                stack.extend(child.orelse)
            else:
                stack.append(child)


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for file in ROOT.rglob("*.py"):
        source = _unit(
            ".".join(["automl_core", *file.relative_to(ROOT).with_suffix("").parts]).removesuffix(".__init__")
        )
        targets = {_unit(m) for m in _imported(file)} - {source}
        graph.setdefault(source, set()).update(targets)
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one unit (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def test_the_core_has_no_import_circles():
    graph = _graph()  # "" is automl_core/__init__.py: what it imports may not import it back
    assert {"", "search", "fit", "workers", "plugin", "data", "model", "estimator"} <= set(graph)
    assert _circles(graph) == []


def test_the_check_finds_a_circle():
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_check_reads_imports_as_python_runs_them(tmp_path, monkeypatch):
    """``from .. import search`` names the subpackage, not the root; an import for the type
    checker alone never runs."""
    fake = tmp_path / "automl_core"
    for name in ("fit", "search"):
        (fake / name).mkdir(parents=True)
        (fake / name / "__init__.py").write_text("")
    (fake / "fit" / "_run.py").write_text(
        "from typing import TYPE_CHECKING\nfrom .. import search\nif TYPE_CHECKING:\n    from ..model import Model\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", fake)
    assert _imported(fake / "fit" / "_run.py") == {"automl_core.search"}
