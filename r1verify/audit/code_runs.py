"""What the sandbox saw when a sample's program ran: the code verifier's per-test details, read from an r1verify
results file (``verdicts.<instance>.details``) or from the ``--regrade-with code`` run.

The code verifier records, per test, whether it passed, its seconds, and for a failed test the reason: the
harness's error text (``AssertionError``, ``the solution's process exited (exit(), os._exit() or a crash)``,
``the solution's process broke the protocol (...)``), the sandbox's account of a stdin/stdout run
(``runtime_error (exit 1, 0.031s): <last stderr line>``), or ``wrong answer: expected '...', got '...'`` (the
first 200 characters of each). A passed test keeps no output, so the runtime detectors read the failed tests of
samples that were still rewarded (a ``partial`` score) and say nothing about rows without these details.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from .model import Finding, Rollout

REGRADE_KEY = "regrade_runs"
"""``Rollout.memo`` key under which the runner puts the ``--regrade-with code`` run's observations."""


@dataclass(frozen=True, slots=True)
class TestRun:
    """One test as the verifier recorded it."""

    index: int
    passed: bool
    reason: str
    seconds: float | None


@dataclass(frozen=True, slots=True)
class CodeRun:
    """One verifier's run of the sample's program."""

    source: str
    """Where the observation is: ``verdicts.<instance>`` of a results file, or ``regrade_<instance>``."""
    status: str
    passed: int
    total: int
    tests: tuple[TestRun, ...]

    def field(self, test: TestRun) -> str:
        """The finding's field for a test's reason: a path into the details."""
        return f"{self.source}.details.tests[{test.index}].reason"


def runs_of(details: Any, source: str, status: str) -> CodeRun | None:
    """A :class:`CodeRun` from a code verdict's ``details`` (``None`` when they are not the code verifier's)."""
    if not isinstance(details, dict):
        return None
    tests = details.get("tests")
    if not isinstance(tests, list) or not isinstance(details.get("total"), int):
        return None
    parsed = []
    for position, test in enumerate(tests):
        if not isinstance(test, dict) or not isinstance(test.get("passed"), bool):
            continue
        index = test.get("test")
        seconds = test.get("seconds")
        parsed.append(
            TestRun(
                index if isinstance(index, int) else position,
                test["passed"],
                str(test.get("reason") or ""),
                float(seconds) if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) else None,
            )
        )
    passed = details.get("passed")
    return CodeRun(
        source,
        status,
        passed if isinstance(passed, int) else sum(t.passed for t in parsed),
        details["total"],
        tuple(parsed),
    )


def code_runs(rollout: Rollout) -> list[CodeRun]:
    """Every code run observed for ``rollout``: a results file's code verdicts, else the regrade run's."""
    memo = rollout.memo.get("code_runs")
    if memo is not None:
        return memo
    found: list[CodeRun] = []
    for name, verdict in (rollout.verdicts or {}).items():
        if isinstance(verdict, dict):
            run = runs_of(verdict.get("details"), f"verdicts.{name}", str(verdict.get("status", "")))
            if run is not None:
                found.append(run)
    if not found:
        found = list(rollout.memo.get(REGRADE_KEY, ()))
    rollout.memo["code_runs"] = found
    return found


class RunDetector:
    """A detector of the program's observed run: subclasses give ``id``, ``explanation`` and :meth:`check`,
    which returns the test whose reason is the evidence and the finding's reason. Silent without observations."""

    id: ClassVar[str]
    category: ClassVar[str] = "code"
    explanation: ClassVar[str]

    def detect(self, rollout: Rollout) -> list[Finding]:
        for run in code_runs(rollout):
            hit = self.check(run)
            if hit is not None:
                test, start, end, reason = hit
                span = test.reason[start:end]
                if len(span) > 300:
                    span = span[:200] + " … " + span[-90:]
                return [Finding(self.id, reason, run.field(test), start, end, span)]
        return []

    def check(self, run: CodeRun) -> tuple[TestRun, int, int, str] | None:
        """The test whose reason shows the hack, the span of that reason, and why; ``None`` when none does."""
        raise NotImplementedError
