"""The audit's data types: a rollout as the trainer logged it, a detector's finding, and the detector protocol.

A finding always names its detector, says why in one line, and points at the evidence: a character span of one
field of the rollout (``completion`` or ``prompt``) and the text of that span, so a reader can check it by eye.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from .text import Regions, is_code, regions


@dataclass(slots=True)
class Rollout:
    """One logged sample: the texts, the reward the run paid, and what else the log had."""

    index: int
    """Position in the input (0-based), counting valid rows only."""
    where: str
    """``file:line`` or ``file:row N``, for messages."""
    prompt: str
    completion: str
    reward: float
    step: int | None = None
    reference: Any = None
    domain: str | None = None
    group: str = ""
    """Which prompt's group (GRPO) the sample belongs to: the mapped group column, else the prompt text."""
    id: str = ""
    """The row's own id when it has one, else ``where``."""
    verdicts: dict[str, Any] | None = None
    """An r1verify results file's verdicts by verifier (status, score, reason), when the input is one."""
    paid_for_answer: bool | None = None
    """From a results file's verdicts: whether an answer verifier (not format, language or length) passed;
    ``None`` for a plain log, where only the reward is known."""
    template: str = "r1"
    """The reasoning template the completions follow (``r1verify.templates``)."""
    _regions: Regions | None = field(default=None, repr=False, compare=False)
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """What detectors derive once and share (the parsed program, its tests)."""

    def regions(self) -> Regions:
        """Where the reasoning and the final answer are (computed once)."""
        if self._regions is None:
            self._regions = regions(self.completion, self.template)
        return self._regions

    def mentions(self, keywords: tuple[str, ...]) -> bool:
        """Whether the lower-cased completion contains one of ``keywords``: a cheap filter before a costly
        regular expression (the lower-cased text is computed once per rollout)."""
        low = self.memo.get("lower")
        if low is None:
            low = self.memo["lower"] = self.completion.lower()
        return any(k in low for k in keywords)

    def final_region(self) -> tuple[int, int] | None:
        """Where the final answer is: the answer region; for a completion without a reasoning block, from the
        paragraph of its last ``\\boxed`` (at most 1,500 characters before it) to the end, or its last 600
        characters if it has no box; ``None`` when the reasoning never ended."""
        where = self.regions()
        if where.answer is not None or where.reasoning is not None:
            return where.answer
        text = self.completion
        last = text.rfind("\\boxed")
        if last < 0:
            return (max(0, len(text) - 600), len(text))
        start = text.rfind("\n\n", 0, last)
        return (max(0, start, last - 1500), len(text))

    def answer_text(self) -> tuple[int, str] | None:
        """The final answer region's offset and text, or ``None`` when the reasoning never ended."""
        span = self.regions().answer
        return None if span is None else (span[0], self.completion[span[0] : span[1]])


@dataclass(frozen=True, slots=True)
class Finding:
    """A detector firing on one rollout."""

    detector: str
    reason: str
    """One line: what was seen, in words a user checks against the evidence."""
    field: str
    """Which text the span is in: ``completion`` or ``prompt``."""
    start: int
    end: int
    evidence: str
    """The text of the span (cut to 300 characters for very long spans)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "detector": self.detector,
            "reason": self.reason,
            "span": {"field": self.field, "start": self.start, "end": self.end},
            "evidence": self.evidence,
        }


def finding(detector: str, reason: str, text: str, start: int, end: int, field: str = "completion") -> Finding:
    """A finding whose evidence is ``text[start:end]`` (long spans keep their head and tail)."""
    span = text[start:end]
    if len(span) > 300:
        span = span[:200] + " … " + span[-90:]
    return Finding(detector, reason, field, start, end, span)


@runtime_checkable
class Detector(Protocol):
    """A per-sample detector: a pure function of one rollout (no I/O, no state between calls)."""

    id: ClassVar[str]
    category: ClassVar[str]
    """answers, code, format, grader or regrade: answers, code and regrade detectors skip samples a results
    file shows were not paid for their answer."""
    explanation: ClassVar[str]
    """One line: the hack this detector looks for."""

    def detect(self, rollout: Rollout) -> Sequence[Finding]: ...


@runtime_checkable
class GroupDetector(Protocol):
    """A detector of a prompt's whole group of samples (e.g. reward rising with length)."""

    id: ClassVar[str]
    category: ClassVar[str]
    explanation: ClassVar[str]

    def detect_group(self, group: Sequence[Rollout]) -> list[tuple[Rollout, Finding]]: ...


@dataclass
class DetectorError:
    """A detector that raised on a row: reported, never a silent drop of the row."""

    detector: str
    where: str
    error: str

    def to_dict(self) -> dict[str, Any]:
        return {"detector": self.detector, "where": self.where, "error": self.error}


@dataclass
class Flagged:
    """A rollout with everything the detectors found in it."""

    rollout: Rollout
    findings: list[Finding] = field(default_factory=list)


class AnswerDetector:
    """A detector of the final answer of a math-like sample: code samples are left to the code detectors;
    subclasses give ``id``, ``explanation`` and :meth:`check`."""

    id: ClassVar[str]
    category: ClassVar[str] = "answers"
    explanation: ClassVar[str]

    def detect(self, rollout: Rollout) -> list[Finding]:
        return [] if is_code(rollout.domain) else self.check(rollout)

    def check(self, rollout: Rollout) -> list[Finding]:
        raise NotImplementedError
