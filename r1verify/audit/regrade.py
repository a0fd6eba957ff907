"""A second, independent grader for math: plain math-verify (``parse`` + ``verify`` at its defaults, the way
most reward functions call it), on the final answer region, against the reference.

The audit asks it about rewarded math samples (``regrade_math_verify`` lists the ones it rejects) and about every
sample with a reference (the held-out accuracy per step that trends compare detector rates with). math-verify's
own deadlines use ``signal.alarm``, which works only in the main thread; elsewhere they are off. Identical
(answer, reference) pairs are graded once. A bare reference is parsed inside ``\\boxed{}`` (as veRL's
``math_verify.compute_score`` does: bare ``4a-2`` would otherwise read as 4), a GSM8K rationale by its ``#### N``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, ClassVar

from ..quietlog import quiet_logger
from .model import Finding, Rollout, finding
from .text import boxed

MATH_DOMAINS = ("math", "gsm8k", "aime", "amc")


def is_math(rollout: Rollout) -> bool:
    """A math sample with a text or number reference (a row without a domain counts when its reference is one)."""
    if rollout.reference is None or isinstance(rollout.reference, (dict, list, bool)):
        return False
    domain = (rollout.domain or "math").lower()
    return domain.startswith(MATH_DOMAINS)


class MathVerifyGrader:
    """Plain math-verify with a per-pair cache; ``available`` is False when math-verify is not installed."""

    name: ClassVar[str] = "math-verify"

    def __init__(self) -> None:
        try:
            import math_verify
        except ImportError:
            self.available = False
        else:
            self.available = True
            self._mv: Any = math_verify
        self._cache: dict[tuple[str, str], bool] = {}

    def graded_text(self, rollout: Rollout) -> tuple[int, int]:
        """The span math-verify reads: the final answer (:meth:`Rollout.final_region`), empty when the
        reasoning never ended."""
        return rollout.final_region() or (len(rollout.completion),) * 2

    def accepts(self, rollout: Rollout) -> bool:
        """Whether math-verify finds the answer equal to the reference; exceptions propagate (the caller
        reports them as a detector error)."""
        lo, hi = self.graded_text(rollout)
        answer = rollout.completion[lo:hi]
        reference = str(rollout.reference)
        key = (answer, reference)
        if key not in self._cache:
            self._cache[key] = self._verify(answer, reference) if answer.strip() else False
        return self._cache[key]

    def _verify(self, answer: str, reference: str) -> bool:
        main = threading.current_thread() is threading.main_thread()
        timeout = 5 if main else None
        mv = self._mv
        reference = reference.rpartition("####")[2].strip() if "####" in reference else reference
        boxed_first = "\\boxed" not in reference and "$" not in reference
        with quiet_logger("math_verify"):  # math-verify logs every timed-out completion whole
            gold = (boxed_first and mv.parse("\\boxed{" + reference + "}", parsing_timeout=timeout)) or mv.parse(
                reference, parsing_timeout=timeout
            )
            return bool(mv.verify(gold, mv.parse(answer, parsing_timeout=timeout), timeout_seconds=timeout))


class RegradeMathVerify:
    id: ClassVar[str] = "regrade_math_verify"
    category: ClassVar[str] = "regrade"
    explanation: ClassVar[str] = "a rewarded math sample that plain math-verify, as a second grader, rejects"

    def __init__(self, grader: MathVerifyGrader | None = None) -> None:
        self.grader = grader or MathVerifyGrader()

    def detect(self, rollout: Rollout) -> Sequence[Finding]:
        if not self.grader.available or not is_math(rollout) or self.grader.accepts(rollout):
            return []
        lo, hi = self.grader.graded_text(rollout)
        boxes = list(boxed(rollout.completion, lo, hi))
        if boxes:
            lo, hi = boxes[-1].start, boxes[-1].end
        reason = f"math-verify does not find the answer equal to the reference {str(rollout.reference)[:40]!r}"
        if lo == hi:
            reason = "math-verify finds no final answer (the reasoning never ended)"
        return [finding(self.id, reason, rollout.completion, lo, hi)]
