"""The layering rules of docs/architecture.md, checked from the code's own imports.

- ``r1verify/`` (the core) is the ground floor: it imports no plugin, adapter or sandbox package, and no module of
  it is part of an import cycle (every import counts: module level, inside functions, under ``TYPE_CHECKING``).
- ``sandbox/`` stands on the core only; each plugin on the core and the sandbox; adapters on anything below them,
  but not on each other.
- Every core module imports on its own in a fresh interpreter.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "r1verify"


def core_modules() -> dict[str, tuple[Path, bool]]:
    """Dotted name → (file, is a package) for every module of the core."""
    found = {}
    for path in sorted(CORE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        found[".".join(parts)] = (path, is_package)
    return found


def _parse(path: Path) -> ast.Module:
    """``ast.parse``, once more after CPython 3.11's spurious "AST constructor recursion depth mismatch": the AST
    builder's depth counter is shared between threads (python/cpython#106905), and a thread an earlier test left
    running (sympy's parse_expr, the code plugin's reference parsing) can parse at the same moment."""
    source = path.read_text(encoding="utf-8")
    try:
        return ast.parse(source, filename=str(path))
    except SystemError:
        return ast.parse(source, filename=str(path))


def import_targets(path: Path, package: str) -> set[tuple[str, str | None]]:
    """``(module, name)`` for every ``from module import name`` and ``(module, None)`` for every ``import module``
    anywhere in ``path`` (module level, functions, ``TYPE_CHECKING``); relative imports resolved against
    ``package``."""
    found: set[tuple[str, str | None]] = set()
    for node in ast.walk(_parse(path)):
        if isinstance(node, ast.Import):
            found.update((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.update((module, alias.name) for alias in node.names)
    return found


def imported_names(path: Path, package: str) -> set[str]:
    """The modules ``path`` imports, as far as they can be told without importing: ``from a import b`` counts
    as ``a`` and, in case ``b`` is a submodule, ``a.b``."""
    names: set[str] = set()
    for module, name in import_targets(path, package):
        names.add(module)
        if name is not None:
            names.add(f"{module}.{name}")
    return names


def core_import_graph() -> dict[str, set[str]]:
    modules = core_modules()
    graph = {}
    for name, (path, is_package) in modules.items():
        package = name if is_package else name.rpartition(".")[0]
        targets = set()
        for module, imported in import_targets(path, package):
            if imported is not None and f"{module}.{imported}" in modules:
                targets.add(f"{module}.{imported}")  # `from . import worker`: the submodule, not the package
            elif module in modules:
                targets.add(module)
        targets.discard(name)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_scanner_sees_lazy_and_type_checking_imports(tmp_path):
    source = tmp_path / "mod.py"
    source.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .recipe import Recipe\n"
        "def f():\n    from ..plugins import get_recipe\n    import r1verify.io\n"
    )
    names = imported_names(source, "r1verify.cli")
    assert {"r1verify.cli.recipe", "r1verify.plugins", "r1verify.io"} <= names


def test_no_core_module_is_part_of_an_import_cycle():
    found = cycles(core_import_graph())
    assert found == [], f"import cycles in r1verify/: {found}"


MAX_MODULE_LINES = 400
"""Issue 17: the code plugin's modules and the sandbox image's (the runner, its package) stay small."""
SMALL_MODULE_FOLDERS = ("plugins/code/r1verify_code", "sandbox/image")


def long_modules(folders: tuple[str, ...], limit: int = MAX_MODULE_LINES) -> list[str]:
    """``path: N lines`` for every ``*.py`` under ``folders`` (sub-packages included) longer than ``limit``."""
    found = []
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > limit:
                found.append(f"{path.relative_to(ROOT)}: {lines} lines")
    return found


def test_the_module_length_check_sees_a_long_module(tmp_path, monkeypatch):
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "short.py").write_text("x = 1\n" * 400)
    (tmp_path / "pkg" / "sub" / "long.py").write_text("x = 1\n" * 401)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert long_modules(("pkg",)) == [f"{Path('pkg/sub/long.py')}: 401 lines"]


def test_no_code_plugin_or_sandbox_image_module_is_over_400_lines():
    assert all((ROOT / folder).is_dir() for folder in SMALL_MODULE_FOLDERS)
    assert long_modules(SMALL_MODULE_FOLDERS) == []


def _distribution_imports(folder: Path) -> dict[str, set[str]]:
    """Top-level r1verify* packages each file under ``folder`` imports (tests and build output excluded)."""
    out = {}
    for path in folder.rglob("*.py"):
        if any(part in ("tests", "build", ".venv") or part.endswith(".egg-info") for part in path.parts):
            continue
        tops = {name.split(".")[0] for name in imported_names(path, "_")}
        out[str(path.relative_to(ROOT))] = {t for t in tops if t == "r1verify" or t.startswith("r1verify_")}
    return out


def _own_packages(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.is_dir() and (p / "__init__.py").exists()}


def _layer_violations(folder: Path, allowed: set[str]) -> list[str]:
    allowed = allowed | _own_packages(folder)
    return [f"{file} imports {sorted(tops - allowed)}" for file, tops in _distribution_imports(folder).items()
            if tops - allowed]


def test_the_core_imports_no_plugin_adapter_or_sandbox():
    assert _layer_violations(CORE, {"r1verify"}) == []


def test_the_sandbox_stands_on_the_core_only():
    assert _layer_violations(ROOT / "sandbox", {"r1verify"}) == []


@pytest.mark.parametrize("plugin", sorted(p.name for p in (ROOT / "plugins").iterdir() if p.is_dir()))
def test_a_plugin_stands_on_the_core_and_the_sandbox(plugin):
    assert _layer_violations(ROOT / "plugins" / plugin, {"r1verify", "r1verify_sandbox"}) == []


@pytest.mark.parametrize("adapter", sorted(p.name for p in (ROOT / "adapters").iterdir() if p.is_dir()))
def test_an_adapter_does_not_import_another_adapter(adapter):
    others = set()
    for other in (ROOT / "adapters").iterdir():
        if other.is_dir() and other.name != adapter:
            others |= _own_packages(other)
    imports = _distribution_imports(ROOT / "adapters" / adapter)
    assert [f"{file} imports {sorted(tops & others)}" for file, tops in imports.items() if tops & others] == []


def test_every_core_module_imports_alone_in_a_fresh_interpreter():
    def import_alone(name: str) -> tuple[str, int, str]:
        done = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True, timeout=120)
        return name, done.returncode, done.stderr[-2000:]

    with ThreadPoolExecutor(max_workers=4) as pool:
        failures = [r for r in pool.map(import_alone, sorted(set(core_modules()) - {"r1verify.__main__"})) if r[1] != 0]
    assert failures == []
