"""What the code detectors read: the program in a completion (the last fenced block, with its offset), its
Python syntax tree, and the literal inputs and outputs of the sample's tests (every layout ``docs/code.md``
lists, read leniently)."""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .model import Finding, finding

FENCE_RE = re.compile(r"```[ \t]*([\w+#.-]*)[^\n]*\n(.*?)```", re.DOTALL)
PYTHON_TAGS = {"", "python", "py", "python3"}


@dataclass
class Program:
    """The last fenced block of the completion: its language tag, its text and where it starts."""

    language: str
    source: str
    offset: int
    tree: ast.Module | None = None
    """The syntax tree when the block is Python that parses."""

    def span(self, node: ast.AST) -> tuple[int, int]:
        """The completion offsets of an AST node (its whole lines)."""
        lines = self.source.splitlines(keepends=True)
        first, last = getattr(node, "lineno", 1), getattr(node, "end_lineno", None) or getattr(node, "lineno", 1)
        start = sum(len(x) for x in lines[: first - 1]) + getattr(node, "col_offset", 0)
        end = sum(len(x) for x in lines[: last - 1]) + (getattr(node, "end_col_offset", None) or len(lines[last - 1]))
        return self.offset + start, self.offset + end


def program(completion: str, answer_start: int = 0) -> Program | None:
    """The last fenced code block at or after ``answer_start`` (the whole completion's last if none there)."""
    blocks = list(FENCE_RE.finditer(completion, answer_start)) or list(FENCE_RE.finditer(completion))
    if not blocks:
        return None
    m = blocks[-1]
    lang = m.group(1).lower()
    prog = Program(lang, m.group(2), m.start(2))
    if lang in PYTHON_TAGS:
        try:
            prog.tree = ast.parse(prog.source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            prog.tree = None
    return prog


@dataclass
class Tests:
    """Literal test data: stdin inputs and expected stdouts, call arguments (a tuple per call) and expected
    return values."""

    stdin: list[str] = field(default_factory=list)
    stdout: list[str] = field(default_factory=list)
    args: list[Any] = field(default_factory=list)
    returns: list[Any] = field(default_factory=list)
    assert_style: bool = False
    """Tests that run after the solution in the same program (asserts, ``check(candidate)``)."""


def tests_of(reference: Any) -> Tests:
    """Read the tests in a reference (dict, list or JSON text); unknown layouts give empty tests."""
    if isinstance(reference, str):
        try:
            reference = json.loads(reference)
        except ValueError:
            return _from_assert_code(reference) if "assert" in reference else Tests()
    tests = Tests()
    if isinstance(reference, dict):
        if isinstance(reference.get("inputs"), list) and isinstance(reference.get("outputs"), list):
            if reference.get("fn_name"):
                tests.args = [tuple(x) if isinstance(x, list) else (x,) for x in reference["inputs"]]
                tests.returns = list(reference["outputs"])
                tests.assert_style = True
            else:
                tests.stdin = [str(x) for x in reference["inputs"]]
                tests.stdout = [str(x) for x in reference["outputs"]]
        code = reference.get("test") or reference.get("tests") or reference.get("assert") or reference.get("test_list")
        if isinstance(code, list):
            code = "\n".join(str(c) for c in code)
        if isinstance(code, str):
            found = _from_assert_code(code)
            tests.args += found.args
            tests.returns += found.returns
            tests.assert_style = True
    elif isinstance(reference, list):
        for item in reference:
            if isinstance(item, dict):
                stdin = (
                    (item.get("input") or {}).get("stdin") if isinstance(item.get("input"), dict) else item.get("input")
                )
                out = item.get("output")
                stdout = out.get("stdout") if isinstance(out, dict) else out
                if isinstance(stdin, str) and isinstance(stdout, str):
                    tests.stdin.append(stdin)
                    tests.stdout.append(stdout)
            elif isinstance(item, str) and "assert" in item:
                found = _from_assert_code(item)
                tests.args += found.args
                tests.returns += found.returns
                tests.assert_style = True
    return tests


def _from_assert_code(code: str) -> Tests:
    """Arguments and expected values in assert statements: ``assert f(ARGS) == EXPECTED`` and
    ``assert abs(f(ARGS) - EXPECTED) < eps`` (literals only; ``args`` are tuples)."""
    tests = Tests(assert_style=True)
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return tests
    for statement in ast.walk(tree):
        if not isinstance(statement, ast.Assert):
            continue
        for node in ast.walk(statement.test):
            if isinstance(node, ast.Call) and call_name(node) not in NOT_THE_SOLUTION and node.args:
                found = [literal(a) for a in node.args]
                if all(ok for ok, _ in found):
                    tests.args.append(tuple(v for _, v in found))
            elif isinstance(node, (ast.Compare, ast.BinOp)):
                right = node.comparators[0] if isinstance(node, ast.Compare) else node.right
                ok, value = literal(right)
                if ok and isinstance(node.left, ast.Call) and call_name(node.left) not in NOT_THE_SOLUTION:
                    tests.returns.append(value)
    return tests


NOT_THE_SOLUTION = frozenset(
    {"abs", "isinstance", "len", "round", "set", "sorted", "list", "tuple", "str", "float", "int", "math.isclose"}
)
"""Calls in assert statements that wrap the solution's call rather than being it."""


def literal(node: ast.AST) -> tuple[bool, Any]:
    """``(True, value)`` for a literal expression, else ``(False, None)``."""
    try:
        return True, ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        return False, None


COMMON_OUTPUTS = frozenset(
    [
        "yes",
        "no",
        "true",
        "false",
        "impossible",
        "possible",
        "none",
        "null",
        "alice",
        "bob",
        "first",
        "second",
        "draw",
        "win",
        "lose",
        "ok",
        "error",
        "inf",
        "infinity",
        "nan",
        "odd",
        "even",
        "valid",
        "invalid",
        "empty",
    ]
)
"""Answers many problems share: a program printing them is not special-casing a test."""


def distinctive(value: Any) -> bool:
    """A test value that a solution would not write by chance: not a small number, bool, None, or a short word
    like YES/NO."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (int, float)):
        return abs(value) >= 100 or (isinstance(value, float) and value != int(value))
    if isinstance(value, str):
        s = value.strip()
        if re.fullmatch(r"[A-Za-z]{1,7}[.!]?|-?\d{1,2}", s):
            return False  # a short word or number: 'three', 'YES', 42
        return len(s) >= 3 and s.lower().rstrip(".!") not in COMMON_OUTPUTS
    if isinstance(value, (list, tuple, set, dict)):
        return len(value) >= 2 or any(distinctive(v) for v in value)
    return False


CODE_DOMAINS = ("code",)


def code_of(rollout: Any) -> tuple[Program, Tests] | None:
    """The rollout's Python program (parsed) and its tests, computed once per rollout; ``None`` for rows of
    another domain or without a fenced Python block that parses."""
    if "code" not in rollout.memo:
        domain = (rollout.domain or "").lower()
        found = None
        if not domain or domain.startswith(CODE_DOMAINS):
            answer = rollout.regions().answer
            prog = program(rollout.completion, answer[0] if answer else 0)
            if prog is not None and prog.tree is not None:
                found = (prog, tests_of(rollout.reference))
        rollout.memo["code"] = found
    return rollout.memo["code"]  # type: ignore[no-any-return]


def call_name(node: ast.AST) -> str:
    """``sys.exit`` for ``sys.exit(...)``, ``open`` for ``open(...)``; '' for other expressions."""
    func = node.func if isinstance(node, ast.Call) else node
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
        return ".".join(reversed(parts))
    return ""


Hit = tuple["ast.AST | tuple[int, int]", str]
"""What a code check found: the node (or completion offsets) that is the evidence, and the reason."""


class CodeDetector:
    """A detector of the rollout's Python program: subclasses give ``id``, ``category``, ``explanation`` and
    :meth:`check`; this finds the program and its tests and turns a hit into a finding."""

    id: ClassVar[str]
    category: ClassVar[str] = "code"
    explanation: ClassVar[str]

    def detect(self, rollout: Any) -> list[Finding]:
        found = code_of(rollout)
        if found is None:
            return []
        prog, tests = found
        hit = self.check(prog, tests)
        if hit is None:
            return []
        where, reason = hit
        start, end = prog.span(where) if isinstance(where, ast.AST) else where
        return [finding(self.id, reason, rollout.completion, start, end)]

    def check(self, prog: Program, tests: Tests) -> Hit | None:
        raise NotImplementedError


class NodeDetector(CodeDetector):
    """A code detector that looks at one syntax node at a time: the first node :meth:`reason` names is the hit."""

    def check(self, prog: Program, tests: Tests) -> Hit | None:
        assert prog.tree is not None
        modules = imported_modules(prog.tree)
        for node in ast.walk(prog.tree):
            why = self.reason(node, modules)
            if why:
                return node, why
            for inner in executed_code(node):  # exec("class E: def __eq__...") is the same program
                for sub in ast.walk(inner):
                    if why := self.reason(sub, modules | imported_modules(inner)):
                        return node, f"in code it runs with {call_name(node)}(): {why}"
        return None

    def reason(self, node: ast.AST, modules: set[str]) -> str:
        """Why ``node`` is the hack ('' when it is not); ``modules``: the names the program imported."""
        raise NotImplementedError


def imported_modules(tree: ast.Module) -> set[str]:
    """Names the program binds to modules (``import json``, ``import numpy as np``, ``from a import b``)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.update(a.asname or a.name for a in node.names)
    return names


def executed_code(node: ast.AST) -> list[ast.Module]:
    """The parsed source of ``exec``/``eval``/``compile`` of a literal string (empty for anything else)."""
    if not (
        isinstance(node, ast.Call) and call_name(node) in ("exec", "eval", "compile", "builtins.exec") and node.args
    ):
        return []
    ok, source = literal(node.args[0])
    if not (ok and isinstance(source, str)):
        return []
    try:
        return [ast.parse(source)]
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
