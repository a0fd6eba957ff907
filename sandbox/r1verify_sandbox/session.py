"""Stateful Python sessions for tool-integrated reasoning: limits, one call's result, and the session itself.

A :class:`Session` is one persistent interpreter in a leased sandbox runner (its own container with the Docker
backend): variables, imports and files in its work directory live across :meth:`Session.run` calls and no other
session sees them. Open one with :meth:`~.session_pool.SessionPool.open_session` (or :func:`open_session`).

Nothing a call does raises here: a crash, timeout or out-of-memory is a :class:`CallResult`, and a session that
cannot go on says so in every later result (``alive`` false).
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from .session_pool import SessionPool
    from .worker import RunnerProcess


class CallStatus(str, Enum):
    """How one call ended."""

    OK = "ok"
    ERROR = "error"
    """The code raised (the exception is in the result); the session goes on."""
    TIMEOUT = "timeout"
    """Past its deadline: interrupted (the session goes on) or, when it would not stop, killed (session over)."""
    OUTPUT_LIMIT = "output_limit"
    """Wrote more than the output cap; interrupted like a timeout."""
    MEMORY_LIMIT = "memory_limit"
    """A ``MemoryError`` (the session goes on) or the interpreter was killed for memory (session over)."""
    CRASHED = "crashed"
    """The interpreter died (a segfault, ``os._exit``): the session is over."""
    BUDGET_SPENT = "budget_spent"
    """The session has made its ``max_calls`` calls; nothing ran."""
    CLOSED = "closed"
    """The session was closed (or ended earlier); nothing ran."""
    SANDBOX_ERROR = "sandbox_error"
    """The sandbox failed (the container died or stopped answering); says nothing about the code."""

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class SessionLimits:
    """Limits of one session: per call (deadline, output) and per session (memory, calls, CPU time)."""

    timeout: float = 10.0
    """Wall seconds per call; then the call is interrupted (``KeyboardInterrupt``), and killed 0.5 s later."""
    max_output: int = 64 * 1024
    """Bytes of stdout (and of stderr) kept per call; a call that writes more is interrupted."""
    memory_mb: int = 1024
    """Address-space limit of the session's interpreter, in MiB."""
    max_calls: int = 32
    """Calls per session; later calls are answered ``budget_spent`` without running."""
    cpu_seconds: int | None = None
    """CPU seconds for the whole session (``None``: ``max_calls * timeout``); past it the interpreter is killed."""
    max_procs: int = 32
    """Processes and threads the session may have (Docker backend)."""
    max_file_mb: int = 64
    """Largest file the session may write, in MiB."""
    idle_timeout: float = 600.0
    """Seconds without a call after which the pool's reaper closes the session."""

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.max_output <= 0 or self.memory_mb <= 0 or self.max_calls < 1:
            raise ValueError("timeout, max_output and memory_mb must be positive, max_calls at least 1")

    def runner_limits(self) -> dict[str, Any]:
        cpu = self.cpu_seconds or int(self.max_calls * self.timeout) + 1
        return {"memory_mb": self.memory_mb, "cpu_seconds": cpu, "max_procs": self.max_procs,
                "max_file_mb": self.max_file_mb}


@dataclass(frozen=True)
class ExceptionInfo:
    """An exception raised by a call's code."""

    type: str
    message: str
    traceback: str
    """The traceback's last lines (frames of the call's code only)."""


_ENDED_HINT = "the session has ended ({}); its variables are gone and further calls will not run"


@dataclass(frozen=True)
class CallResult:
    """One call's outcome: structured (fields, :meth:`to_dict`) and as text for the model (:meth:`text`)."""

    status: CallStatus
    stdout: str = ""
    stderr: str = ""
    value: str | None = None
    """``repr`` of the trailing expression's value (``None`` when there is none or it is ``None``)."""
    exception: ExceptionInfo | None = None
    duration: float = 0.0
    """Wall seconds of the call in the sandbox."""
    call: int = 0
    """1-based index of the call in its session (0: it did not run)."""
    alive: bool = True
    """Whether the session can take another call."""
    ended: str = ""
    """Why the session ended (when ``alive`` is false)."""
    stdout_bytes: int = 0
    """Bytes the call wrote to stdout (``stdout`` holds at most ``max_output`` of them)."""
    stderr_bytes: int = 0
    truncated: bool = False
    """``stdout`` or ``stderr`` holds less than the call wrote."""

    @property
    def ok(self) -> bool:
        return self.status is CallStatus.OK

    @property
    def failed(self) -> bool:
        """The call did not end ``ok`` (an exception, a limit, a dead session, ...)."""
        return self.status is not CallStatus.OK

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        return data

    @classmethod
    def from_runner(cls, answer: dict[str, Any]) -> CallResult:
        exc = answer.get("exception")
        return cls(
            status=CallStatus(answer.get("status", "crashed")),
            stdout=answer.get("stdout", ""),
            stderr=answer.get("stderr", ""),
            value=answer.get("value"),
            exception=ExceptionInfo(str(exc.get("type")), str(exc.get("message")), str(exc.get("traceback")))
            if isinstance(exc, dict)
            else None,
            duration=float(answer.get("duration", 0.0)),
            call=int(answer.get("call", 0)),
            alive=bool(answer.get("alive", False)),
            ended=str(answer.get("ended", "")),
            stdout_bytes=int(answer.get("stdout_bytes", 0)),
            stderr_bytes=int(answer.get("stderr_bytes", 0)),
            truncated=bool(answer.get("truncated", False)),
        )

    @classmethod
    def not_run(cls, status: CallStatus, why: str) -> CallResult:
        return cls(status=status, alive=False, ended=why)

    def text(self, max_chars: int = 2000) -> str:
        """Short text for the model: output, the value, the error, and what a limit or a dead session means."""
        parts = []
        if self.stdout:
            parts.append(self.stdout.rstrip("\n"))
        if self.stderr:
            parts.append("[stderr]\n" + self.stderr.rstrip("\n"))
        if self.truncated and self.status is not CallStatus.OUTPUT_LIMIT:
            parts.append("[output truncated]")
        if self.value is not None:
            parts.append(f"Out: {self.value}")
        if self.exception is not None and self.status is not CallStatus.TIMEOUT:
            parts.append(self.exception.traceback or f"{self.exception.type}: {self.exception.message}")
        kept = "; the session's state is kept" if self.alive else ""
        notes = {
            CallStatus.TIMEOUT: f"[timeout: the call ran past its deadline and was interrupted{kept}]",
            CallStatus.OUTPUT_LIMIT: f"[output limit: the call wrote too much and was interrupted{kept}]",
            CallStatus.BUDGET_SPENT: "[no more calls: this session's call budget is spent]",
        }
        if self.status in notes:
            parts.append(notes[self.status])
        elif self.status is CallStatus.MEMORY_LIMIT and self.exception is None:
            parts.append("[memory limit: the interpreter ran out of memory]")
        if not self.alive and self.status is not CallStatus.BUDGET_SPENT:
            parts.append(f"[{_ENDED_HINT.format(self.ended or self.status.value)}]")
        text = "\n".join(parts) if parts else "[no output]"
        if len(text) > max_chars:
            half = max_chars // 2
            text = f"{text[:half]}\n...[{len(text) - 2 * half} characters trimmed]...\n{text[-half:]}"
        return text


class Session:
    """One open session. Thread-safe (calls run one at a time); :meth:`close` is idempotent.

    Example::

        with open_session() as session:
            session.run("import math; r = math.sqrt(2)")
            print(session.run("round(r, 3)").text())   # Out: 1.414
    """

    def __init__(self, pool: SessionPool, runner: RunnerProcess, limits: SessionLimits) -> None:
        self.limits = limits
        self._pool = pool
        self._runner: RunnerProcess | None = runner
        self._lock = threading.Lock()
        self._ended = ""
        self.calls = 0
        """Calls made so far (including those that failed)."""
        self.history: list[CallResult] = []
        """Every call's result, in order."""
        self.last_used = time.monotonic()
        self.busy = False

    @property
    def alive(self) -> bool:
        return self._runner is not None and not self._ended

    @property
    def closed(self) -> bool:
        return self._runner is None

    def run(self, code: str) -> CallResult:
        """Run ``code`` in the session; never raises for anything the code does (or the sandbox does)."""
        with self._lock:
            self.busy = True
            try:
                result = self._run(code)
            finally:
                self.busy = False
                self.last_used = time.monotonic()
            self.history.append(result)
            return result

    def _run(self, code: str) -> CallResult:
        if self._runner is None:
            return CallResult.not_run(CallStatus.CLOSED, self._ended or "the session was closed")
        if self._ended:
            return CallResult.not_run(CallStatus.CLOSED, self._ended)
        if self.calls >= self.limits.max_calls:
            return CallResult(status=CallStatus.BUDGET_SPENT, alive=False,
                              ended=f"all {self.limits.max_calls} calls were made")
        self.calls += 1
        try:
            result = self._pool._call(self._runner, code, self.limits)
        except Exception as exc:  # noqa: BLE001 - e.g. the pool closed under this call: never raise into a trainer
            result = CallResult.not_run(CallStatus.SANDBOX_ERROR, f"the sandbox failed: {type(exc).__name__}: {exc}")
        if not result.alive:
            self._ended = result.ended or result.status.value
        return result

    def close(self, reason: str = "the session was closed") -> None:
        """Give the runner back (idempotent, does not wait): in the background its interpreter and every process
        are killed and its scratch emptied, and it waits, warm, for the next session."""
        with self._lock:
            self._close(reason)

    def _close(self, reason: str) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            self._ended = self._ended or reason
            self._pool._release(self, runner)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close_later(self) -> None:
        """Hand the session to the pool's reaper, which closes it soon; never blocks (safe in GC callbacks)."""
        runner, self._runner = getattr(self, "_runner", None), None
        if runner is not None:
            self._ended = self._ended or "the session was closed"
            self._pool._abandoned.put(runner)

    def __del__(self) -> None:
        # A rollout dropped its session without closing it: the pool's reaper closes it (never here, in GC).
        self.close_later()
