"""What a verifier says about one sample: a status, a score and a reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Status(str, Enum):
    """The kind of verdict. Judgements and failures are kept apart: a crash is never ``wrong``."""

    CORRECT = "correct"
    """The output is right (score 1.0 unless the verifier says otherwise)."""
    PARTIAL = "partial"
    """Partly right, e.g. some tests pass (score in (0, 1))."""
    WRONG = "wrong"
    """An answer was found and it is wrong."""
    NO_ANSWER = "no_answer"
    """No gradable answer was found (e.g. nothing after the reasoning, no code block)."""
    FORMAT_ERROR = "format_error"
    """The output breaks the required format."""
    SCORED = "scored"
    """A plain score with no right/wrong judgement (reward models without a threshold, shaping terms)."""
    TIMEOUT = "timeout"
    """The verifier ran past its hard deadline and was killed."""
    ERROR = "error"
    """The verifier (or its input) failed; the reason says why. Not a judgement of the output."""
    SKIPPED = "skipped"
    """The verifier does not apply to this sample (e.g. another domain)."""

    @property
    def is_failure(self) -> bool:
        """True for infrastructure failures (timeout, error), which are not judgements of the output."""
        return self in (Status.TIMEOUT, Status.ERROR)

    def __str__(self) -> str:
        return self.value


_DEFAULT_SCORE: dict[Status, float | None] = {
    Status.CORRECT: 1.0,
    Status.WRONG: 0.0,
    Status.NO_ANSWER: 0.0,
    Status.FORMAT_ERROR: 0.0,
}


@dataclass(slots=True)
class Verdict:
    """One verifier's judgement of one sample.

    ``score`` is ``None`` when there is no score: the verifier was skipped, timed out or failed.
    ``details`` holds what helps a human or a trainer log (extracted answer, per-test results, ...);
    it must be JSON-serialisable. ``verifier`` and ``elapsed`` are filled in by the engine.
    """

    status: Status
    score: float | None = None
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    verifier: str = ""
    elapsed: float = 0.0

    def __post_init__(self) -> None:
        self.status = Status(self.status)
        if self.score is None:
            self.score = _DEFAULT_SCORE.get(self.status)
        elif self.score != self.score:  # NaN would poison every mean downstream
            raise ValueError("a verdict score cannot be NaN; use score=None for 'no score'")
        else:
            self.score = float(self.score)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Verdict, (self.status, self.score, self.reason, self.details, self.verifier, self.elapsed))

    # Constructors that read well inside a verifier: ``return Verdict.wrong("expected 3, got 4")``.
    @classmethod
    def correct(cls, reason: str = "", *, score: float = 1.0, **details: Any) -> Verdict:
        return cls(Status.CORRECT, score, reason, details)

    @classmethod
    def partial(cls, score: float, reason: str = "", **details: Any) -> Verdict:
        return cls(Status.PARTIAL, score, reason, details)

    @classmethod
    def wrong(cls, reason: str = "", *, score: float = 0.0, **details: Any) -> Verdict:
        return cls(Status.WRONG, score, reason, details)

    @classmethod
    def no_answer(cls, reason: str = "", *, score: float = 0.0, **details: Any) -> Verdict:
        return cls(Status.NO_ANSWER, score, reason, details)

    @classmethod
    def format_error(cls, reason: str = "", *, score: float = 0.0, **details: Any) -> Verdict:
        return cls(Status.FORMAT_ERROR, score, reason, details)

    @classmethod
    def scored(cls, score: float, reason: str = "", **details: Any) -> Verdict:
        return cls(Status.SCORED, score, reason, details)

    @classmethod
    def error(cls, reason: str, **details: Any) -> Verdict:
        return cls(Status.ERROR, None, reason, details)

    @classmethod
    def setup_error(cls, reason: str, **details: Any) -> Verdict:
        """An ``error`` every sample would share because of configuration or environment (an endpoint that is
        down, a model name the server does not know, a sandbox image not built): the reason should say the fix.
        A run stops on these instead of training on zeros (see :mod:`r1verify.guard`)."""
        return cls(Status.ERROR, None, reason, {**details, "setup": True})

    @classmethod
    def error_for(cls, exc: BaseException, reason: str, **details: Any) -> Verdict:
        """The ``error`` verdict of a failure ``exc``: a :meth:`setup_error` when its class sets
        ``setup_error = True`` (a missing reference column, no Docker engine), else a plain one."""
        make = cls.setup_error if getattr(exc, "setup_error", False) else cls.error
        return make(reason, **details)

    @property
    def is_setup_error(self) -> bool:
        return self.status is Status.ERROR and self.details.get("setup") is True

    @classmethod
    def timeout(cls, reason: str, **details: Any) -> Verdict:
        return cls(Status.TIMEOUT, None, reason, details)

    @classmethod
    def skipped(cls, reason: str, **details: Any) -> Verdict:
        return cls(Status.SKIPPED, None, reason, details)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the form written to output files)."""
        return {
            "score": self.score,
            "status": self.status.value,
            "reason": self.reason,
            "details": self.details,
            "elapsed": round(self.elapsed, 6),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], verifier: str = "") -> Verdict:
        return cls(
            Status(data["status"]),
            data.get("score"),
            data.get("reason", ""),
            dict(data.get("details") or {}),
            verifier,
            float(data.get("elapsed", 0.0)),
        )


def as_verdict(value: Any) -> Verdict:
    """Turn what a verifier returned into a Verdict.

    Verifiers should return a :class:`Verdict`; as a convenience a ``bool`` means correct/wrong and
    a number means a plain score. Anything else is a bug in the verifier and raises ``TypeError``.
    """
    if isinstance(value, Verdict):
        return value
    if isinstance(value, bool):
        return Verdict.correct() if value else Verdict.wrong()
    if isinstance(value, (int, float)):
        return Verdict.scored(float(value))
    raise TypeError(f"verifier returned {type(value).__name__}; expected a Verdict, bool or number")
