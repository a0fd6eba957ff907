"""The ``code`` verifier: run the program in the completion against the sample's tests, in the sandbox."""

from __future__ import annotations

import json
import math
from collections.abc import Hashable, Sequence
from typing import Any

from r1verify_sandbox import (
    DockerUnavailableError,
    ProgramResult,
    SandboxConfig,
    SandboxError,
    UnknownLanguageError,
    languages,
    shared_pool,
)

from r1verify import Sample, Verdict, Verifier

from .checker import Checker, split_checker
from .cpp_directives import RejectedProgram
from .extract import NoProgram, extract_program
from .grading import Graded, Plan
from .options import CodeOptions
from .suite import BadReference, UnsupportedTests, parse_reference

START_MARGIN = 60.0
"""Seconds allowed on top of the work itself for starting the sandbox's containers."""


def _timed(verdict: Verdict, *results: ProgramResult | None) -> Verdict:
    """The verdict with ``elapsed`` = the seconds its programs ran in the sandbox (compile, every test, the
    checker), so the slow sample of a batch can be found; the engine shares the batch time out otherwise."""
    verdict.elapsed = sum(
        (r.compile.duration if r.compile else 0.0) + sum(run.duration for run in r.runs)
        for r in results
        if r is not None
    )
    return verdict


def program_language(meta: dict[str, Any]) -> str | None:
    """The program's language a sample names: ``meta["code_language"]``, else ``meta["language"]`` when that is a
    registered sandbox language (a ``language`` column may also hold the natural language the language verifier
    checks, e.g. ``en``: that one is not the program's)."""
    value = meta.get("code_language")
    if isinstance(value, str) and value:
        return value
    value = meta.get("language")
    if isinstance(value, str) and value.strip().lower() in languages():
        return value
    return None


class CodeVerifier(Verifier):
    """Runs the last fenced code block of the final answer against the sample's tests in the Docker sandbox.

    The reference holds the tests: stdin/stdout cases, call-based cases (function name, arguments, expected
    value) or assert-style test code (HumanEval ``check``, MBPP asserts), as a dict/list or a JSON string.
    Score: the fraction of tests passed (``score=all``: all or nothing). Statuses: ``correct``, ``partial``,
    ``wrong`` (failed tests or a compile error), ``no_answer`` (no program), ``error`` (bad reference, or the
    sandbox failed).
    """

    name = "code"
    Options = CodeOptions
    placement = "inline"  # the sandbox enforces every deadline; the engine only waits for the batch
    default_timeout = 60.0

    def verify(self, sample: Sample) -> Verdict:
        return self.verify_batch([sample])[0]

    def verify_batch(self, samples: Sequence[Sample]) -> list[Verdict]:
        """Extract every program, run them all concurrently over the sandbox pool, grade each."""
        specs = languages()
        plans: list[Plan | Verdict] = [self._plan(sample, specs) for sample in samples]
        todo = [p for p in plans if isinstance(p, Plan)]
        if todo:
            try:
                pool = shared_pool(self._sandbox_config())
            except SandboxError as exc:  # no engine, no image: every sample would fail the same way
                return [self._sandbox_failure(exc) if isinstance(p, Plan) else p for p in plans]
            results = pool.run_many([p.program for p in todo])
            checks = [p.checker_program(r) for p, r in zip(todo, results)]
            ran = iter(pool.run_many([c for c in checks if c is not None]) if any(checks) else [])
            checked = [next(ran) if c is not None else None for c in checks]
            graded = iter(
                _timed(self._verdict(p, p.grade(r, c)), r, c) for p, r, c in zip(todo, results, checked)
            )
            plans = [next(graded) if isinstance(p, Plan) else p for p in plans]
        return plans  # type: ignore[return-value]

    def cache_key(self, sample: Sample) -> Hashable:
        """The program and the tests: GRPO groups that produce the same code run it once."""
        try:
            program = extract_program(
                sample.completion,
                languages(),
                required=self._required(sample),
                default=self.options.language,
                require_fence=self.options.require_fence,
            )
            found: Any = (program.code, program.language)
        except (NoProgram, UnknownLanguageError) as exc:
            found = ("none", str(exc))
        reference = sample.reference
        if not isinstance(reference, str):
            reference = json.dumps(reference, sort_keys=True, default=repr)
        return found, reference, program_language(sample.meta)

    def batch_deadline(self, n: int, timeout: float) -> float:
        """Rounds of the pool's width, each as long as a sample may take (its checker's round included: any
        reference may name a checker), plus container start-up."""
        o = self.options
        per_sample = max(timeout, 2 * (o.sample_timeout + o.compile_timeout) + 10.0)
        width = SandboxConfig(workers=o.workers).size
        return per_sample * math.ceil(max(1, n) / width) + START_MARGIN

    # ------------------------------------------------------------------ internals
    def _sandbox_failure(self, exc: SandboxError) -> Verdict:
        """The verdict of every sample when the sandbox cannot start: a setup error (the run stops on it) whose
        reason says how to fix it; the programs never run elsewhere unless ``backend`` says so."""
        reason = f"sandbox: {exc}"
        if isinstance(exc, DockerUnavailableError):
            reason += (
                f". With backend={self.options.backend!r} the code verifier runs model-written programs in Docker "
                "only: start the Docker daemon and check it with `docker info`; backend=local runs them on this "
                "host WITHOUT isolation (`-v code:backend=local`, `options = { backend = \"local\" }` in a "
                "recipe); backend=auto falls back to local when no engine answers"
            )
        return Verdict.error_for(exc, reason)

    def _sandbox_config(self) -> SandboxConfig:
        o = self.options
        return SandboxConfig(backend=o.backend, workers=o.workers, image=o.image)

    @staticmethod
    def _required(sample: Sample) -> str | None:
        language = program_language(sample.meta)
        if language is not None:
            return language
        reference = sample.reference
        if isinstance(reference, dict) and isinstance(reference.get("language"), str):
            return reference["language"]
        return None

    def _plan(self, sample: Sample, specs: dict[str, Any]) -> Plan | Verdict:
        o = self.options
        try:
            reference, checker = split_checker(sample.reference)
            if checker is None and o.checker:
                checker = Checker(o.checker, o.checker_language)
            suite = parse_reference(reference).limit(o.max_tests)
            if checker is not None:
                checker.wrapped()  # a C++ checker without main fails here, before anything runs
                if suite.kind != "stdio":
                    raise BadReference(f"a checker judges stdin/stdout tests; these are {suite.kind}-style tests")
        except BadReference as exc:  # NoTests: a setup error when every sample says so (the wrong column)
            return Verdict.error_for(exc, f"reference: {exc}")
        try:
            program = extract_program(
                sample.completion,
                specs,
                required=self._required(sample) or suite.language,
                default=o.language,
                require_fence=o.require_fence,
            )
        except NoProgram as exc:
            return Verdict.no_answer(str(exc))
        except UnknownLanguageError as exc:
            return Verdict.error(str(exc))
        try:
            return Plan(program, suite, o, checker)
        except UnsupportedTests as exc:  # our limitation, not the answer's fault
            return Verdict.error(str(exc), language=program.language)
        except (BadReference, RejectedProgram) as exc:  # tests for another language; a rejected C++ solution
            return Verdict.wrong(str(exc), language=program.language)

    def _verdict(self, plan: Plan, graded: Graded) -> Verdict:
        details: dict[str, Any] = {"language": plan.extracted.language, "format": plan.suite.source_format}
        if graded.sandbox_error is not None:
            return Verdict.error(f"sandbox: {graded.sandbox_error}", **details)
        if graded.checker_error is not None:
            return Verdict.error(f"checker: {graded.checker_error}", **details)
        if graded.compile_error is not None:
            return Verdict.wrong(
                graded.compile_error, compile_error=True, passed=0, total=len(plan.suite.tests), **details
            )
        outcomes = graded.outcomes
        passed = sum(o.passed for o in outcomes)
        total = len(outcomes)
        details.update(passed=passed, total=total, tests=[o.to_dict(i) for i, o in enumerate(outcomes)])
        first_failure = next((f"test {i}: {o.reason}" for i, o in enumerate(outcomes) if not o.passed), "")
        if passed == total:
            return Verdict.correct(f"all {total} tests passed", **details)
        if passed == 0 or self.options.score == "all":
            return Verdict.wrong(f"{passed}/{total} tests passed; {first_failure}", **details)
        return Verdict.partial(passed / total, f"{passed}/{total} tests passed; {first_failure}", **details)
