"""Reading a sample's tests from the formats real code datasets use, into one :class:`TestSuite`."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from r1verify.builtin import NO_REFERENCE_FIX

Kind = Literal["stdio", "call", "assert"]


class BadReference(ValueError):
    """The reference does not describe tests in a known format; the message says what was expected."""


class UnsupportedTests(BadReference):
    """The reference's tests are in the program's own language, in a style this verifier cannot run there."""


class NoTests(BadReference):
    """The sample has no reference, or one that holds no tests at all (a plain answer, prose, a solution program):
    when a run's first samples all say so, the wrong column was read — a setup mistake (:mod:`r1verify.guard`)."""

    setup_error = True


@dataclass(frozen=True)
class StdioTest:
    """Feed ``stdin``; the program's stdout must match ``expected``."""

    stdin: str
    expected: str


@dataclass(frozen=True)
class CallTest:
    """Call the function with ``args``; its return value must equal ``expected``.

    ``unwrap``: APPS/TACO store each expected return value inside a one-element list; their own checker accepts
    the bare value too, and so does this one for those datasets.
    """

    args: list[Any]
    expected: Any
    unwrap: bool = False


@dataclass(frozen=True)
class AssertTest:
    """Test code that passes when it runs without raising (an ``assert`` statement, ``check(fn)``, a C++ main)."""

    code: str


@dataclass(frozen=True)
class TestSuite:
    kind: Kind
    tests: tuple[StdioTest | CallTest | AssertTest, ...]
    fn_name: str = ""
    """Call-based: the function to call; HumanEval: the entry point (the one solution name that may shadow a
    builtin in the tests' namespace)."""
    setup: str = ""
    """Assert-style: code run after the solution and before the tests (HumanEval's test code, MBPP's setup)."""
    language: str | None = None
    """The language the reference declares, if any."""
    source_format: str = field(default="", compare=False)
    """Which dataset layout was recognised (for details and error messages)."""

    def limit(self, max_tests: int) -> TestSuite:
        """The first ``max_tests`` tests (0: all)."""
        if max_tests <= 0 or len(self.tests) <= max_tests:
            return self
        return TestSuite(self.kind, self.tests[:max_tests], self.fn_name, self.setup, self.language, self.source_format)


FORMATS = """Accepted references (a dict, a list, or the same as a JSON string):
  {"inputs": [stdin, ...], "outputs": [stdout, ...]}                       stdin/stdout (APPS, TACO, verl, PRIME)
  {"fn_name": "f", "inputs": [...], "outputs": [...]}                      call-based (LiveCodeBench, APPS, LeetCode)
  [{"input": s, "output": s}, ...] or {"test_cases": [...]}               stdin/stdout (open-r1, code_contests)
  {"test": "def check(candidate): ...", "entry_point": "f"}               HumanEval
  {"test_list": ["assert f(1) == 2", ...], "test_setup_code": ""}        MBPP
  "assert f(1) == 2\\nassert f(2) == 3"                                    assert code"""


def parse_reference(reference: Any) -> TestSuite:
    """The :class:`TestSuite` a reference describes; raises :class:`BadReference` naming the accepted formats."""
    if reference is None:
        raise NoTests(f"the sample has no reference (tests); {NO_REFERENCE_FIX}")
    if isinstance(reference, str):
        return _parse_text(reference)
    if isinstance(reference, Mapping):
        return _parse_dict(reference)
    if isinstance(reference, Sequence):
        return _parse_list(reference, language=None)
    raise BadReference(f"a reference of type {type(reference).__name__} is not understood; " + FORMATS)


def _parse_text(text: str) -> TestSuite:
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            value = json.loads(stripped)
        except ValueError as exc:
            if not _python_asserts(stripped):  # broken (e.g. truncated) JSON, not a Python test
                raise BadReference(f"the reference looks like JSON but does not parse: {exc}; " + FORMATS) from None
        else:
            return parse_reference(value)
    if not stripped:
        raise NoTests(f"the reference is empty; {NO_REFERENCE_FIX}")
    return _assert_code(text, entry_point="", language=None, source_format="assert code")


def _json_field(value: Any, what: str) -> Any:
    """A field that datasets store either as a value or as its JSON text."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError as exc:
        raise BadReference(f"{what} is a string that is not valid JSON: {exc}") from None


_PYTHON = (None, "python", "py", "python3")
_OTHER_ASSERTION = re.compile(r"(?:\bassert\w*!?\s*[(.]|@test\b|\bstopifnot\s*\(|\bassertEquals?\b)")
"""An assertion in test code of another language (C/C++ ``assert(``, JavaScript ``assert.deepEqual(``, Rust
``assert_eq!(``, Julia ``@test``, R ``stopifnot(``, luaunit ``assertEquals``)."""
_PYTHON_ASSERT_LINE = re.compile(r"(?m)^\s*assert\s[^;\n]*$")
"""A line that is a Python ``assert`` statement (a C-family ``assert (x);`` ends with a semicolon)."""


def _python_asserts(code: str) -> int:
    """How many ``assert`` statements the code holds anywhere (0 when it is not Python)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return 0
    return sum(isinstance(n, ast.Assert) for n in ast.walk(tree))


def _live_asserts(tree: ast.AST, called: frozenset[str] = frozenset()) -> int:
    """``assert`` statements that can run and test something: not ``assert True``, not under ``if``/``while`` of
    a false constant (``if False:``), nor in a function nothing refers to (a ``check`` the tests never call).
    ``called``: names run from outside the code (the HumanEval ``check``). The harness also counts the asserts
    each test runs: this only finds the test code that can never check anything, which is the reference's
    fault."""
    used = set(called)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
            used.add(node.id)
        elif isinstance(node, ast.Attribute):
            used.add(node.attr)
    count = 0
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Assert) and not isinstance(node.test, ast.Constant):  # `assert True` checks nothing
            count += 1
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name not in used:
            continue
        if isinstance(node, (ast.If, ast.While)) and isinstance(node.test, ast.Constant):
            todo.extend(node.body if node.test.value else node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))
    return count


def _short(text: str) -> str:
    text = text.strip()
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _require_checks(
    codes: Sequence[str], language: str | None, what: str, called: frozenset[str] = frozenset()
) -> None:
    """Raise :class:`BadReference` unless the test code really tests something: Python test code (the language
    is Python or not given) must compile and hold at least one ``assert`` statement; test code that is not
    Python and declares no language must at least hold an assertion of its language. A plain answer (``"120"``),
    prose or a solution program is not a test: every program that loads would pass it."""
    if isinstance(language, str) and language.strip().lower() not in _PYTHON:
        return  # another language's test code: its own harness decides (C++, JavaScript, Rust), or none runs it
    code = "\n".join(codes)
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        if language is None and not _PYTHON_ASSERT_LINE.search(code) and _OTHER_ASSERTION.search(code):
            return  # test code of another language (C++ with asserts and a main), run as one test
        raise BadReference(
            f"{what} {_short(code)} is not test code: it does not compile as Python ({exc.msg}, line "
            f"{exc.lineno}); " + FORMATS
        ) from None
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, absurd nesting
        raise BadReference(f"{what} is not valid Python: {type(exc).__name__}: {exc}") from None
    if not any(isinstance(n, ast.Assert) for n in ast.walk(tree)):
        raise NoTests(
            f"{what} {_short(code)} is not test code: it holds no `assert` statement, so every program would "
            "pass it (a plain answer, prose or a solution program is not a test; is the reference read from the "
            "right column? --map reference=COLUMN); " + FORMATS
        )
    if not _live_asserts(tree, called):
        raise BadReference(
            f"{what} {_short(code)} checks nothing: its `assert` statements can never run (under `if False`, or "
            "in a function nothing calls; HumanEval's `check` needs an `entry_point`); " + FORMATS
        )


def _parse_dict(ref: Mapping[str, Any]) -> TestSuite:
    language = ref.get("language") if isinstance(ref.get("language"), str) else None
    if "input_output" in ref:  # APPS / TACO rows
        inner = _json_field(ref["input_output"], "input_output")
        if not isinstance(inner, Mapping):
            raise BadReference("input_output must hold {'inputs': [...], 'outputs': [...]}")
        return _parse_dict({**inner, **({"language": language} if language else {})})
    if "test_cases" in ref:
        cases = _json_field(ref["test_cases"], "test_cases")
        if isinstance(cases, Mapping):
            return _parse_dict({**cases, **({"language": language} if language else {})})
        return _parse_list(cases, language)
    if "inputs" in ref and "outputs" in ref:
        return _inputs_outputs(ref, language)
    if "test_list" in ref or "asserts" in ref:
        items = ref.get("test_list", ref.get("asserts"))
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items) or not items:
            raise BadReference("test_list must be a non-empty list of assert statements")
        setup = "\n".join([*map(str, ref.get("test_imports") or []), str(ref.get("test_setup_code") or "")])
        _require_checks([setup, *items], language, "the test_list")
        return TestSuite(
            "assert",
            tuple(AssertTest(i) for i in items),
            setup=setup.strip(),
            language=language,
            source_format="MBPP test_list",
        )
    if "test" in ref or "tests" in ref:
        test = ref.get("test", ref.get("tests"))
        if isinstance(test, str) and test.strip()[:1] in ("{", "["):
            try:
                test = json.loads(test)
            except ValueError as exc:
                if not _python_asserts(test):
                    raise BadReference(f"the test looks like JSON but does not parse: {exc}; " + FORMATS) from None
        if isinstance(test, str):
            return _assert_code(test, str(ref.get("entry_point") or ""), language, "HumanEval test")
        if isinstance(test, Mapping) and isinstance(test.get("code"), str):  # HumanEval-X style {"code": ...}
            return _assert_code(test["code"], str(ref.get("entry_point") or ""), language, "test code")
        suite = parse_reference(test)
        return (
            suite
            if language is None
            else TestSuite(suite.kind, suite.tests, suite.fn_name, suite.setup, language, suite.source_format)
        )
    raise BadReference(f"a reference with keys {sorted(ref)[:8]} is not understood; " + FORMATS)


def _text(value: Any, what: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n".join(value)  # APPS sometimes stores a case as a list of lines
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise BadReference(f"{what} must be text, got {type(value).__name__}")


def _inputs_outputs(ref: Mapping[str, Any], language: str | None) -> TestSuite:
    inputs, outputs = ref["inputs"], ref["outputs"]
    if not isinstance(inputs, list) or not isinstance(outputs, list) or len(inputs) != len(outputs) or not inputs:
        raise BadReference("inputs and outputs must be non-empty lists of the same length")
    fn_name = ref.get("fn_name")
    if not fn_name:
        tests = tuple(StdioTest(_text(i, "an input"), _text(o, "an output")) for i, o in zip(inputs, outputs))
        return TestSuite("stdio", tests, language=language, source_format="inputs/outputs")
    calls = []
    for given, expected in zip(inputs, outputs):
        if isinstance(given, str):  # LiveCodeBench: one JSON value per line; the output is JSON too
            try:
                args = [json.loads(line) for line in given.split("\n") if line.strip()]
                value = json.loads(expected) if isinstance(expected, str) else expected
            except ValueError as exc:
                raise BadReference(f"call-based case is not JSON: {exc}") from None
            calls.append(CallTest(args, value))
        elif isinstance(given, list):  # APPS / TACO: the argument list; outputs wrapped in a list
            calls.append(CallTest(given, expected, unwrap=True))
        else:
            raise BadReference(f"call-based inputs must be lists of arguments or JSON lines, got {given!r:.80}")
    return TestSuite("call", tuple(calls), fn_name=str(fn_name), language=language, source_format="fn_name call")


def _parse_list(items: Any, language: str | None) -> TestSuite:
    if not isinstance(items, list) or not items:
        raise BadReference("test cases must be a non-empty list; " + FORMATS)
    if all(isinstance(i, str) for i in items):
        _require_checks(items, language, "the list of test code")
        return TestSuite("assert", tuple(AssertTest(i) for i in items), language=language, source_format="asserts")
    tests = []
    for item in items:
        if not isinstance(item, Mapping) or "input" not in item or "output" not in item:
            raise BadReference(f"a test case must be {{'input': ..., 'output': ...}}, got {item!r:.80}")
        given, expected = item["input"], item["output"]
        if isinstance(given, Mapping):  # SandboxFusion: {"input": {"stdin": ...}, "output": {"stdout": ...}}
            given = given.get("stdin", "")
        if isinstance(expected, Mapping):
            expected = expected.get("stdout", "")
        tests.append(StdioTest(_text(given, "an input"), _text(expected, "an output")))
    return TestSuite("stdio", tuple(tests), language=language, source_format="input/output cases")


def _assert_code(code: str, entry_point: str, language: str | None, source_format: str) -> TestSuite:
    """HumanEval-style test code (``check`` + entry point) or a run of asserts, one test per top-level assert."""
    what = "the reference" if source_format == "assert code" else "the test code"
    _require_checks([code], language, what, frozenset({"check"}) if entry_point else frozenset())
    if entry_point:
        return TestSuite(
            "assert",
            (AssertTest(f"check({entry_point})"),),
            fn_name=entry_point,
            setup=code,
            language=language,
            source_format=source_format,
        )
    try:
        tree = ast.parse(code)
    except SyntaxError:  # not Python (e.g. C++ test code with a main): one test
        return TestSuite("assert", (AssertTest(code),), language=language, source_format=source_format)
    if (
        tree.body
        and all(isinstance(n, (ast.Assert, ast.Import, ast.ImportFrom)) for n in tree.body)
        and any(isinstance(n, ast.Assert) for n in tree.body)
    ):
        imports = [ast.get_source_segment(code, n) or "" for n in tree.body if not isinstance(n, ast.Assert)]
        asserts = [ast.get_source_segment(code, n) or "" for n in tree.body if isinstance(n, ast.Assert)]
        return TestSuite(
            "assert",
            tuple(AssertTest(a) for a in asserts),
            setup="\n".join(imports),
            language=language,
            source_format="asserts",
        )
    return TestSuite("assert", (AssertTest(code),), language=language, source_format=source_format)
