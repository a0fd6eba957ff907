"""Options of the ``code`` verifier."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class CodeOptions:
    language: str = "python"
    """Language of an untagged code block when the sample does not say (``meta.language``/the reference)."""
    score: Literal["fraction", "all"] = "fraction"
    """``fraction``: the share of tests passed (``partial`` in between); ``all``: 1 only when every test passes."""
    stop_on_failure: bool = False
    """Stop at the first failing test; later tests count as failed (saves time on wrong programs)."""
    max_tests: int = 0
    """Use only the first N tests of each sample (0: all). verl's PRIME scoring uses the first 10."""
    compare: Literal["lines", "tokens", "float", "exact"] = "lines"
    """stdout comparison: per line ignoring trailing whitespace/blank lines, per whitespace token, per token with
    numbers within ``float_tol`` (1e-6 when it is 0), or exact."""
    float_tol: float = 0.0
    """Numbers in stdout (and returned values) match within this relative/absolute tolerance (0: exactly)."""
    checker: str = ""
    """Source of a checker program (testlib convention: ``checker INPUT OUTPUT ANSWER``, exit 0 ok, 1 wrong
    answer, 2 presentation error, anything else a checker failure) that judges every stdin/stdout test instead of
    ``compare``; a reference's own ``checker`` wins. Runs in the sandbox."""
    checker_language: Literal["python", "cpp"] = "python"
    """Language of the ``checker`` option's source."""
    checker_timeout: float = 10.0
    """Wall seconds per checker run; a checker that runs past it fails (the verdict is ``error``)."""
    case_sensitive: bool = True
    """Compare stdout case-sensitively."""
    strict_returns: bool = True
    """Assert-style Python tests: functions of the solution may return only plain values (built-in, collections,
    decimal, fractions, datetime types), which stops ``__eq__`` overrides from passing every assert."""
    require_fence: bool = True
    """Only code in a fenced block counts; False takes an unfenced final answer as the program."""
    test_timeout: float = 5.0
    """Wall seconds per test (per stdin run; per test case inside a harness)."""
    sample_timeout: float = 60.0
    """Wall seconds for all of a sample's tests together; tests not started by then fail as timeouts."""
    compile_timeout: float = 30.0
    """Wall seconds to compile (C++)."""
    memory_mb: int = 512
    """Address-space limit per run, MiB."""
    max_output_kb: int = 4096
    """stdout/stderr cap per run, KiB; more is ``output_limit`` (the test fails)."""
    backend: Literal["auto", "docker", "local"] = "docker"
    """Sandbox backend: ``docker`` (isolated; with no engine every verdict is a setup error saying how to fix it),
    ``local`` (model-written programs run on this host with NO isolation), ``auto`` (Docker if an engine answers,
    else local with a one-line warning). Only an explicit ``local``/``auto`` runs programs unsandboxed."""
    workers: int = 0
    """Warm sandbox containers (0: one per CPU)."""
    image: str = ""
    """Sandbox image (empty: the one ``r1verify sandbox build`` makes)."""

    def __post_init__(self) -> None:
        if min(self.test_timeout, self.sample_timeout, self.compile_timeout) <= 0:
            raise ValueError("test_timeout, sample_timeout and compile_timeout must be positive")
        if self.memory_mb <= 0 or self.max_output_kb <= 0 or self.max_tests < 0 or self.workers < 0:
            raise ValueError("memory_mb and max_output_kb must be positive; max_tests and workers >= 0")
        if not (math.isfinite(self.float_tol) and self.float_tol >= 0):
            raise ValueError(f"float_tol must be a finite number >= 0 (e.g. 1e-6), got {self.float_tol!r}")
        if not (math.isfinite(self.checker_timeout) and self.checker_timeout > 0):
            raise ValueError(f"checker_timeout must be a positive number of seconds, got {self.checker_timeout!r}")
        if self.checker and not self.checker.strip():
            raise ValueError("checker is blank: give the checker program's source (or leave the option out)")
