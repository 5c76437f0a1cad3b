"""The shape of the package, read from the source text (nothing in engine/ is imported here): no import cycle
between its modules, and no module over 300 lines."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "engine"
MAX_LINES = 300


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name, for its __init__.py)."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return isinstance(test, ast.Name | ast.Attribute) and ast.unparse(test).endswith("TYPE_CHECKING")


def imports(known: dict[str, Path]) -> dict[str, set[tuple[str, str, int]]]:
    """(importer, imported, line) between modules of the package, split by where the import runs: `module` when
    the module is imported (its top level, class bodies, top-level if/try), `function` when a function is called.
    Imports under `if TYPE_CHECKING:` never run and are left out. `from pkg import name` is an import of the
    submodule pkg.name where that is a module, else of pkg."""

    def resolve(dotted: str) -> str | None:
        while dotted and dotted not in known:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    found: dict[str, set[tuple[str, str, int]]] = {"module": set(), "function": set()}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]

        def visit(node: ast.AST, where: str, name: str = name, package: str = package) -> None:
            for child in ast.iter_child_nodes(node):
                if _is_type_checking(child):
                    continue
                inner = "function" if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) else where
                targets: list[str | None] = []
                if isinstance(child, ast.Import):
                    targets = [resolve(alias.name) for alias in child.names]
                elif isinstance(child, ast.ImportFrom):
                    base = child.module or ""
                    if child.level:
                        parts = package.split(".")[: len(package.split(".")) - child.level + 1]
                        base = ".".join([*parts, base] if base else parts)
                    targets = [
                        f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else resolve(base)
                        for alias in child.names
                    ]
                found[inner] |= {(name, target, child.lineno) for target in targets if target and target != name}
                visit(child, inner)

        visit(ast.parse(path.read_text(encoding="utf-8"), str(path)), "module")
    return found


def find_cycle(edges: set[tuple[str, str, int]]) -> list[str] | None:
    """One import cycle as a closed path of module names, or None (depth-first search, iterative)."""
    graph: dict[str, list[str]] = {}
    for source, target, _ in sorted(edges):
        graph.setdefault(source, []).append(target)
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path, on_path = [start], {start}
        stack = [iter(graph.get(start, []))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                finished = path.pop()
                done.add(finished)
                on_path.discard(finished)
                stack.pop()
            elif nxt in on_path:
                return [*path[path.index(nxt) :], nxt]
            elif nxt not in done:
                path.append(nxt)
                on_path.add(nxt)
                stack.append(iter(graph.get(nxt, [])))
    return None


def _show(cycle: list[str], edges: set[tuple[str, str, int]]) -> str:
    lines = {(s, t): n for s, t, n in edges}
    return " -> ".join(cycle) + "  (" + ", ".join(f"{s} line {lines[s, t]}" for s, t in itertools.pairwise(cycle)) + ")"


@pytest.fixture(scope="module")
def edges() -> dict[str, set[tuple[str, str, int]]]:
    return imports(modules())


def test_the_walker_sees_the_packages_own_imports(edges: dict[str, set[tuple[str, str, int]]]) -> None:
    """A walker that found nothing would pass every cycle test below."""
    pairs = {(s, t) for s, t, _ in edges["module"]}
    assert ("engine.reasoning.reasoner", "engine.reasoning.compiler") in pairs
    assert edges["function"], "no function-level import found"
    every = {(s, t) for s, t, _ in edges["module"] | edges["function"]}
    assert ("engine.knowledge.rulebase", "engine.knowledge.checks") in every


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({("a", "b", 1), ("b", "c", 2), ("c", "a", 3), ("c", "d", 4)}) == ["a", "b", "c", "a"]
    assert find_cycle({("a", "b", 1), ("b", "c", 2), ("a", "c", 3)}) is None


def test_no_import_cycle_when_modules_load(edges: dict[str, set[tuple[str, str, int]]]) -> None:
    cycle = find_cycle(edges["module"])
    assert cycle is None, f"module-level import cycle: {_show(cycle, edges['module'])}"


def test_no_import_cycle_hidden_in_a_function(edges: dict[str, set[tuple[str, str, int]]]) -> None:
    """An import moved into a function to dodge a cycle is still a cycle in the design: reported separately."""
    every = edges["module"] | edges["function"]
    cycle = find_cycle(every)
    assert cycle is None, f"import cycle through a function-level import: {_show(cycle, every)}"


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_over_300_lines(name: str) -> None:
    path = modules()[name]
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE.parent)} has {lines} lines (at most {MAX_LINES}): split it"
