"""What running a program in the sandbox gives back: typed statuses, per-run results."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class ExecStatus(str, Enum):
    """How one run (or compile step) ended. User-code failures are data; only ``sandbox_error`` is ours."""

    OK = "ok"
    """Exited with status 0."""
    RUNTIME_ERROR = "runtime_error"
    """Non-zero exit or killed by a signal (segfault, abort, ...)."""
    COMPILE_ERROR = "compile_error"
    """The compile step failed (non-zero exit, or it hit a limit)."""
    TIMEOUT = "timeout"
    """Ran past its wall deadline or its CPU-time limit; the whole process group was killed."""
    MEMORY_LIMIT = "memory_limit"
    """Ran out of its memory limit (an allocation failed, or the kernel killed it)."""
    OUTPUT_LIMIT = "output_limit"
    """Wrote more than the output cap; killed."""
    SANDBOX_ERROR = "sandbox_error"
    """The sandbox failed (the container died or stopped answering); says nothing about the program."""

    def __str__(self) -> str:
        return self.value


@dataclass(slots=True)
class RunResult:
    """One execution: status, exit code (``None`` when killed by a signal), captured output, timings."""

    status: ExecStatus
    exit_code: int | None = None
    signal: int | None = None
    stdout: str = ""
    stderr: str = ""
    duration: float = 0.0
    """Wall seconds."""
    cpu_time: float = 0.0
    max_rss_mb: float = 0.0
    stdout_bytes: int = 0
    """Bytes the program wrote to stdout (``stdout`` holds at most the output cap)."""
    stderr_bytes: int = 0

    @property
    def ok(self) -> bool:
        return self.status is ExecStatus.OK

    @classmethod
    def from_runner(cls, data: dict[str, Any]) -> RunResult:
        return cls(
            status=ExecStatus(data["status"]),
            exit_code=data.get("exit_code"),
            signal=data.get("signal"),
            stdout=data.get("stdout", ""),
            stderr=data.get("stderr", ""),
            duration=float(data.get("duration", 0.0)),
            cpu_time=float(data.get("cpu_time", 0.0)),
            max_rss_mb=float(data.get("max_rss_mb", 0.0)),
            stdout_bytes=int(data.get("stdout_bytes", 0)),
            stderr_bytes=int(data.get("stderr_bytes", 0)),
        )

    @classmethod
    def sandbox_error(cls, reason: str) -> RunResult:
        return cls(ExecStatus.SANDBOX_ERROR, stderr=reason)

    def describe(self) -> str:
        """A short human-readable account, e.g. ``runtime_error (exit 1): ValueError: ...``."""
        how = f"exit {self.exit_code}" if self.exit_code is not None else f"signal {self.signal}"
        last = self.stderr.strip().splitlines()[-1:] if self.stderr.strip() else []
        return f"{self.status.value} ({how}, {self.duration:.3f}s)" + (f": {last[0][:200]}" if last else "")


@dataclass(slots=True)
class ProgramResult:
    """A program's compile step (``None`` for interpreted languages) and one run per input, in order.

    With ``stop_on_failure`` there may be fewer runs than inputs. ``error`` is set, and ``status`` is
    ``sandbox_error``, when the sandbox itself failed for this program.
    """

    runs: list[RunResult] = field(default_factory=list)
    compile: RunResult | None = None
    error: str | None = None
    runner: str = ""
    """The runner (container name) that ran it."""

    @property
    def status(self) -> ExecStatus:
        """``sandbox_error``, ``compile_error``, the first run that is not ok, or ``ok``."""
        if self.error is not None:
            return ExecStatus.SANDBOX_ERROR
        if self.compile is not None and not self.compile.ok:
            return ExecStatus.COMPILE_ERROR
        for run in self.runs:
            if not run.ok:
                return run.status
        return ExecStatus.OK

    @classmethod
    def failed(cls, reason: str, runner: str = "") -> ProgramResult:
        return cls(error=reason, runner=runner)
