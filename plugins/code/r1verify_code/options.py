"""Options of the ``code`` verifier."""

from __future__ import annotations

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
    compare: Literal["lines", "tokens", "exact"] = "lines"
    """stdout comparison: per line ignoring trailing whitespace/blank lines, per whitespace token, or exact."""
    float_tol: float = 0.0
    """Numbers in stdout (and returned values) match within this relative/absolute tolerance (0: exactly)."""
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
    backend: Literal["auto", "docker", "local"] = "auto"
    """Sandbox backend: ``docker`` (isolated), ``local`` (NO isolation), ``auto`` (Docker if an engine answers)."""
    workers: int = 0
    """Warm sandbox containers (0: one per CPU)."""
    image: str = ""
    """Sandbox image (empty: the one ``r1verify sandbox build`` makes)."""

    def __post_init__(self) -> None:
        if min(self.test_timeout, self.sample_timeout, self.compile_timeout) <= 0:
            raise ValueError("test_timeout, sample_timeout and compile_timeout must be positive")
        if self.memory_mb <= 0 or self.max_output_kb <= 0 or self.max_tests < 0 or self.workers < 0:
            raise ValueError("memory_mb and max_output_kb must be positive; max_tests and workers >= 0")
        if self.float_tol < 0:
            raise ValueError("float_tol must be >= 0")
