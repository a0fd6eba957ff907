"""The Python harness ships as one script joined from the modules of ``r1verify_code.py_harness``: the join
must be a valid, self-contained, standard-library-only script in which no part's name shadows another's."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from importlib import resources

import pytest
from r1verify_code import grading
from r1verify_code.py_harness import PARTS, _without_relative_imports, harness_source


def _part(name: str) -> str:
    return resources.files("r1verify_code.py_harness").joinpath(f"{name}.py").read_text(encoding="utf-8")


def _defined(tree: ast.Module) -> set[str]:
    """Top-level names a module defines itself (functions, classes, assignments; not its imports)."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return names


def test_the_parts_are_every_module_of_the_package():
    folder = resources.files("r1verify_code.py_harness")
    modules = {p.name[:-3] for p in folder.iterdir() if p.name.endswith(".py") and p.name != "__init__.py"}
    assert modules == set(PARTS)


def test_no_two_parts_define_the_same_name():
    seen: dict[str, str] = {}
    clashes = []
    for name in PARTS:
        for defined in _defined(ast.parse(_part(name))):
            if defined in seen:
                clashes.append(f"{defined}: {seen[defined]} and {name}")
            seen[defined] = name
    assert clashes == []


def test_the_joined_script_has_no_relative_and_only_stdlib_imports():
    tree = ast.parse(harness_source())
    imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert not [n for n in imports if isinstance(n, ast.ImportFrom) and n.level]
    modules = {a.name.split(".")[0] for n in imports if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module.split(".")[0] for n in imports if isinstance(n, ast.ImportFrom) and n.module}
    assert modules and modules <= sys.stdlib_module_names


def test_every_name_a_part_imports_from_another_is_defined_earlier():
    defined: set[str] = set()
    for name in PARTS:
        tree = ast.parse(_part(name))
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.level:
                assert node.module in PARTS[: PARTS.index(name)], f"{name} imports .{node.module}, not joined before"
                assert {a.name for a in node.names} <= defined, f"{name}: {ast.unparse(node)}"
        defined |= _defined(tree)


def test_a_wrapped_relative_import_is_refused():
    with pytest.raises(ValueError, match="one line"):
        _without_relative_imports("x", "from .wire import (\n    send,\n)\n")


def test_the_code_verifier_ships_the_joined_script():
    assert grading._HARNESS == harness_source()
    assert grading._HARNESS.rstrip().endswith('if __name__ == "__main__":\n    main()')


def test_the_joined_script_runs_on_its_own(tmp_path):
    """Outside the sandbox, in an isolated interpreter: a passing and a failing assert-style test."""
    (tmp_path / "harness.py").write_text(harness_source())
    (tmp_path / "solution.py").write_text("def add(a, b):\n    return a + b\n")
    spec = {
        "nonce": "n0",
        "kind": "assert",
        "fn_name": "add",
        "setup": "",
        "timeout": 5,
        "tests": ["assert add(1, 2) == 3", "assert add(1, 2) == 4"],
    }
    (tmp_path / "r1v_tests.json").write_text(json.dumps(spec))
    done = subprocess.run(
        [sys.executable, "-I", "harness.py"], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    reports = [json.loads(line.split(" ", 1)[1]) for line in done.stdout.splitlines() if line.startswith("n0 ")]
    assert [r.get("ok") for r in reports[:2]] == [True, False] and reports[-1] == {"done": True}
    assert not (tmp_path / "r1v_tests.json").exists()  # the evaluator deletes the tests once read
