"""The package's layers import downward only: no cycle, no reaching up, no private names across modules.

Each module of seedance_lint/ belongs to a layer; an import (at the top of a
module or inside a function, lazy or not) may only go to its own layer or one
below. Sibling packages of one layer (linting and cost; the check and cost
reporters) do not import each other. docs/design.md draws the same picture.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "seedance_lint"

#: Layer of each module or package prefix, top (0) to bottom; the longest matching prefix wins.
LAYERS = {
    "seedance_lint": 0,
    "seedance_lint.__main__": 0,
    "seedance_lint.cli": 0,
    "seedance_lint.api": 0,
    "seedance_lint.commands": 1,
    "seedance_lint.reporters": 2,
    "seedance_lint.linting": 3,
    "seedance_lint.cost": 3,
    "seedance_lint.config": 4,
    "seedance_lint.rules": 5,
    "seedance_lint.input": 6,
    "seedance_lint.core": 7,
}
#: Packages of one layer that must not import each other.
SIBLINGS = [
    ("seedance_lint.linting", "seedance_lint.cost"),
    ("seedance_lint.reporters.check", "seedance_lint.reporters.cost"),
    ("seedance_lint.reporters.check", "seedance_lint.reporters.reconcile"),
    ("seedance_lint.reporters.cost", "seedance_lint.reporters.reconcile"),
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _layer(module: str) -> int:
    while module not in LAYERS:
        module = module.rpartition(".")[0]
    return LAYERS[module]


def _imports(module: str) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, names) of every import of ours in a module, wherever it stands."""
    path = MODULES[module]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            target, names = node.module, [alias.name for alias in node.names]
            if target.startswith("seedance_lint"):
                for name in names:  # `from seedance_lint.input import jsonl` imports a module
                    if f"{target}.{name}" in MODULES:
                        found.append((node.lineno, f"{target}.{name}", []))
                    else:
                        found.append((node.lineno, target, [name]))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names if alias.name.startswith("seedance_lint")]
    return found


def test_every_module_has_a_layer() -> None:
    assert len(MODULES) > 40
    for module in MODULES:
        _layer(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_downward_only(module: str) -> None:
    wrong = [
        f"line {line}: {target} (layer {_layer(target)})"
        for line, target, _ in _imports(module)
        if _layer(target) < _layer(module)
    ]
    assert not wrong, f"{module} (layer {_layer(module)}) imports up: {wrong}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_siblings_stay_apart(module: str) -> None:
    for one, other in SIBLINGS:
        for mine, theirs in ((one, other), (other, one)):
            if module.startswith(mine):
                reached = [target for _, target, _ in _imports(module) if target.startswith(theirs)]
                assert not reached, f"{module} imports its sibling {theirs}: {reached}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_private_name_is_imported_from_another_module(module: str) -> None:
    private = [
        f"line {line}: {name} from {target}"
        for line, target, names in _imports(module)
        for name in names
        if name.startswith("_") and not name.startswith("__") and target != module
    ]
    assert not private, private


def test_no_import_cycle() -> None:
    graph = {
        module: {target for _, target, _ in _imports(module) if target in MODULES and target != module}
        for module in MODULES
    }
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            raise AssertionError("import cycle: " + " -> ".join([*path[path.index(module) :], module]))
        if module in done:
            return
        for target in sorted(graph[module]):
            visit(target, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


def test_the_project_never_forks_by_hand() -> None:
    """Processes come from concurrent.futures (core/executor.py), never from os.fork."""
    for module, path in MODULES.items():
        assert "os.fork" not in path.read_text(encoding="utf-8"), module
