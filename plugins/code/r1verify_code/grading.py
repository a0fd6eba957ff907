"""Turning (program, tests) into one sandbox program, and its result into per-test outcomes."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from r1verify_sandbox import ExecStatus, Limits, Program, ProgramResult, RunResult

from .assert_tests import ASSEMBLERS
from .checker import Checker, judge
from .compare import stdout_matches, values_match
from .cpp_tests import assemble
from .extract import Extracted
from .options import CodeOptions
from .py_harness import harness_source
from .suite import AssertTest, BadReference, CallTest, StdioTest, TestSuite, UnsupportedTests

_HARNESS = harness_source()
_SHOWN = 200
"""Characters of expected/actual output kept in per-test details."""


@dataclass
class TestOutcome:
    passed: bool
    reason: str = ""
    seconds: float | None = None

    def to_dict(self, index: int) -> dict[str, Any]:
        row: dict[str, Any] = {"test": index, "passed": self.passed}
        if self.reason:
            row["reason"] = self.reason
        if self.seconds is not None:
            row["seconds"] = round(self.seconds, 4)
        return row


@dataclass
class Graded:
    outcomes: list[TestOutcome]
    compile_error: str | None = None
    sandbox_error: str | None = None
    checker_error: str | None = None
    """The checker program failed (crashed, timed out, exit status other than 0/1/2): the verdict is an error."""


class Plan:
    """One sample's program and how to grade what comes back."""

    def __init__(
        self, extracted: Extracted, suite: TestSuite, options: CodeOptions, checker: Checker | None = None
    ) -> None:
        self.extracted = extracted
        self.suite = suite
        self.options = options
        self.checker = checker
        self.nonce = secrets.token_hex(16)
        self.program = self._build()

    # ------------------------------------------------------------------ building
    def _limits(self, timeout: float) -> Limits:
        o = self.options
        return Limits(
            timeout=timeout,
            memory_mb=o.memory_mb,
            max_output=o.max_output_kb * 1024,
            compile_timeout=o.compile_timeout,
            total_timeout=o.sample_timeout,
        )

    def _build(self) -> Program:
        suite, code, language = self.suite, self.extracted.code, self.extracted.language
        o = self.options
        if suite.kind == "stdio":
            return Program(
                code,
                language,
                inputs=[t.stdin for t in suite.tests],  # type: ignore[union-attr]
                limits=self._limits(o.test_timeout),
                stop_on_failure=o.stop_on_failure,
            )
        budget = min(o.test_timeout * len(suite.tests) + 1.0, o.sample_timeout)
        if language == "python":
            spec = {
                "nonce": self.nonce,
                "kind": suite.kind,
                "fn_name": suite.fn_name,
                "setup": suite.setup,
                "tests": [t.args if isinstance(t, CallTest) else t.code for t in suite.tests],  # type: ignore[union-attr]
                "stop_on_failure": o.stop_on_failure,
                "strict": o.strict_returns,
                "timeout": o.test_timeout,
            }
            files = {"solution.py": code, "r1v_tests.json": json.dumps(spec)}
            return Program(_HARNESS, "python", files=files, limits=self._limits(budget), trusted_source=True)
        assembler = {"cpp": assemble, **ASSEMBLERS}.get(language)
        if assembler is not None and suite.kind == "assert":
            tests = "\n".join(t.code for t in suite.tests)  # type: ignore[union-attr]
            return Program(assembler(code, tests, self.nonce), language, limits=self._limits(budget))
        supported = "Python programs" + (
            f" (and {', '.join(sorted(['cpp', *ASSEMBLERS]))} for assert-style test code)"
            if suite.kind == "assert"
            else ""
        )
        if suite.language == language:  # the tests are in this language: ours to run, and we cannot
            raise UnsupportedTests(f"{suite.kind}-style tests in {language} do not run here: they run {supported}")
        raise BadReference(f"{suite.kind}-style tests run {supported}; this program is {language}")

    def checker_program(self, result: ProgramResult) -> Program | None:
        """The checker's program for the tests whose run ended ok (``None``: no checker, or nothing to check)."""
        compiled = result.compile is None or result.compile.ok
        if self.checker is None or result.error is not None or not compiled:
            return None
        cases = [
            (i, test.stdin, run.stdout, test.expected)  # type: ignore[union-attr]
            for i, (test, run) in enumerate(zip(self.suite.tests, result.runs))
            if run.ok
        ]
        if not cases:
            return None
        o = self.options
        limits = Limits(
            timeout=o.checker_timeout,
            memory_mb=max(o.memory_mb, 512),
            max_output=64 * 1024,
            compile_timeout=o.compile_timeout,
            total_timeout=min(o.checker_timeout * len(cases) + 1.0, o.sample_timeout),
        )
        return self.checker.program(cases, limits)

    # ------------------------------------------------------------------ grading
    def grade(self, result: ProgramResult, checked: ProgramResult | None = None) -> Graded:
        """Per-test outcomes; ``checked`` is what the checker's program gave (when there is a checker)."""
        if result.error is not None:
            return Graded([], sandbox_error=result.error)
        if result.compile is not None and not result.compile.ok:
            return Graded([], compile_error=_compile_reason(result.compile))
        if self.suite.kind == "stdio":
            judged, checker_error = self._checker_judgements(result.runs, checked)
            return Graded(self._grade_stdio(result.runs, judged), checker_error=checker_error)
        return self._grade_marked(result.runs[0] if result.runs else None)

    def _checker_judgements(
        self, runs: list[RunResult], checked: ProgramResult | None
    ) -> tuple[dict[int, tuple[str, str]], str | None]:
        if self.checker is None:
            return {}, None
        indices = [i for i, run in enumerate(runs[: len(self.suite.tests)]) if run.ok]
        if not indices:
            return {}, None
        if checked is None:
            return {}, "the checker did not run"
        if checked.error is not None:
            return {}, f"sandbox: {checked.error}"
        if checked.compile is not None and not checked.compile.ok:
            return {}, f"the checker does not compile: {_compile_reason(checked.compile)}"
        judged: dict[int, tuple[str, str]] = {}
        for n, index in enumerate(indices):
            if n >= len(checked.runs):
                return judged, f"test {index}: the checker did not run (its time budget was spent)"
            verdict, message = judge(checked.runs[n])
            if verdict == "failed":
                return judged, f"test {index}: the checker failed: {message}"
            judged[index] = (verdict, message)
        return judged, None

    def _grade_stdio(
        self, runs: list[RunResult], judged: dict[int, tuple[str, str]] | None = None
    ) -> list[TestOutcome]:
        o = self.options
        outcomes = []
        for index, test in enumerate(self.suite.tests):
            assert isinstance(test, StdioTest)
            if index >= len(runs):
                reason = "not run: stopped at the first failure" if o.stop_on_failure else "not run: time budget spent"
                outcomes.append(TestOutcome(False, reason))
                continue
            run = runs[index]
            if not run.ok:
                outcomes.append(TestOutcome(False, run.describe(), run.duration))
            elif self.checker is not None:
                verdict, message = (judged or {}).get(index, ("failed", "not checked"))
                passed = verdict == "ok"
                what = {"wrong": "wrong answer", "presentation": "presentation error"}.get(verdict, "not checked")
                reason = "" if passed else f"{what} (checker)" + (f": {message}" if message else "")
                outcomes.append(TestOutcome(passed, reason, run.duration))
            elif stdout_matches(
                run.stdout, test.expected, mode=o.compare, float_tol=o.float_tol, case_sensitive=o.case_sensitive
            ):
                outcomes.append(TestOutcome(True, seconds=run.duration))
            else:
                reason = f"wrong answer: expected {test.expected[:_SHOWN]!r}, got {run.stdout[:_SHOWN]!r}"
                outcomes.append(TestOutcome(False, reason, run.duration))
        if o.stop_on_failure:
            first = next((i for i, out in enumerate(outcomes) if not out.passed), None)
            if first is not None:
                for out in outcomes[first + 1 :]:
                    out.passed, out.reason = False, "not counted: stopped at the first failure"
        return outcomes

    def _markers(self, run: RunResult) -> list[dict[str, Any]]:
        prefix = self.nonce + " "
        found = []
        for line in run.stdout.splitlines():
            if line.startswith(prefix):
                try:
                    found.append(json.loads(line[len(prefix) :]))
                except ValueError:
                    continue
        return found

    def _grade_marked(self, run: RunResult | None) -> Graded:
        n = len(self.suite.tests)
        if run is None:
            return Graded([TestOutcome(False, "not run")] * n)
        markers = self._markers(run)
        done = any(m.get("done") for m in markers)
        if self.extracted.language != "python":  # one program: the tests ran to their end, then exit 0
            passed = run.ok and done
            reason = (
                ""
                if passed
                else (run.describe() if not run.ok else "the tests did not finish (exit before main returned?)")
            )
            return Graded([TestOutcome(passed, reason, run.duration)])
        load_error = next((m["load_error"] for m in markers if "load_error" in m), None)
        if load_error is not None:
            return Graded([TestOutcome(False, f"the solution failed to load: {load_error}")] * n)
        by_index = {m["i"]: m for m in markers if isinstance(m.get("i"), int)}
        if run.ok and done:
            missing = "not run: stopped at the first failure"
        elif run.ok:
            missing = "the program exited before the tests finished (exit() or os._exit in the solution?)"
        else:
            missing = run.describe()
        outcomes = []
        for index, test in enumerate(self.suite.tests):
            mark = by_index.get(index)
            if mark is None:
                outcomes.append(TestOutcome(False, missing))
            elif "error" in mark:
                outcomes.append(TestOutcome(False, mark["error"], mark.get("seconds")))
            elif isinstance(test, CallTest):
                outcomes.append(self._grade_value(test, mark))
            else:
                assert isinstance(test, AssertTest)
                outcomes.append(TestOutcome(bool(mark.get("ok")), "", mark.get("seconds")))
        if self.options.stop_on_failure and self.suite.kind == "call":
            first = next((i for i, out in enumerate(outcomes) if not out.passed), None)
            if first is not None:
                for out in outcomes[first + 1 :]:
                    out.passed, out.reason = False, "not counted: stopped at the first failure"
        return Graded(outcomes)

    def _grade_value(self, test: CallTest, mark: dict[str, Any]) -> TestOutcome:
        got, tol = mark.get("value"), self.options.float_tol
        ok = values_match(got, test.expected, tol) or (
            test.unwrap
            and isinstance(test.expected, list)
            and len(test.expected) == 1
            and values_match(got, test.expected[0], tol)
        )
        reason = "" if ok else f"expected {json.dumps(test.expected)[:_SHOWN]}, got {json.dumps(got)[:_SHOWN]}"
        return TestOutcome(ok, reason, mark.get("seconds"))


def _compile_reason(compiled: RunResult) -> str:
    if compiled.status is ExecStatus.COMPILE_ERROR:
        lines = [line for line in compiled.stderr.splitlines() if "error" in line] or compiled.stderr.splitlines()
        return "compile error: " + (lines[0][:300] if lines else f"exit {compiled.exit_code}")
    return f"compile step {compiled.status.value} after {compiled.duration:.1f}s"
