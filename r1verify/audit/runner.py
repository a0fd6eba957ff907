"""Running the detectors over a stream of rollouts: per-sample detectors on each rewarded sample, group
detectors on each (step, prompt) group, the second grader on the math samples; a detector that raises is
recorded as a :class:`DetectorError` for that row, and the row's other detectors still run."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .code_runs import REGRADE_KEY, CodeRun, RunDetector, code_runs
from .detectors import GROUP_DETECTORS, SAMPLE_DETECTORS
from .engine_regrade import EngineRegrade, regraders, run_regraders
from .model import Detector, DetectorError, Finding, Flagged, GroupDetector, Rollout
from .regrade import MathVerifyGrader, RegradeMathVerify, is_math

ANSWER_CATEGORIES = ("answers", "code", "regrade")
"""Detectors of hacks on the answer's reward: they skip samples whose answer a results file shows was not paid."""


@dataclass
class AuditRun:
    """What an audit found, before it is summarised (:mod:`r1verify.audit.summary`)."""

    detectors: list[Detector | GroupDetector]
    rollouts: list[Rollout] = field(default_factory=list)
    rewarded: set[int] = field(default_factory=set)
    """Indices of the rollouts that were rewarded (reward > min_reward)."""
    flagged: dict[int, Flagged] = field(default_factory=dict)
    errors: list[DetectorError] = field(default_factory=list)
    accepted: dict[int, bool] = field(default_factory=dict)
    """The second grader's verdict on each math rollout with a reference (held-out accuracy)."""
    grader: MathVerifyGrader | None = None
    run_details: int = 0
    """Rewarded rows checked with what the sandbox saw when their program ran (:mod:`.code_runs`)."""

    def add(self, rollout: Rollout, found: Sequence[Finding]) -> None:
        """Record what a detector found in ``rollout`` (nothing when ``found`` is empty)."""
        if found:
            self.flagged.setdefault(rollout.index, Flagged(rollout)).findings.extend(found)


def select(
    only: Sequence[str] = (), skip: Sequence[str] = (), regrade: bool = True, regrade_with: Sequence[str] = ()
) -> list[Any]:
    """Detector instances by id (all of them by default; ``regrade_with``: ``--regrade-with`` specs, see
    :mod:`.engine_regrade`); ``ValueError`` naming the ids for an unknown one."""
    grader = MathVerifyGrader() if regrade else None
    every: list[Any] = [cls() for cls in (*SAMPLE_DETECTORS, *GROUP_DETECTORS)]
    if grader is not None:
        every.append(RegradeMathVerify(grader))
    every.extend(regraders(regrade_with))
    known = [d.id for d in every] + ([] if regrade else [RegradeMathVerify.id])
    for name in (*only, *skip):
        if name not in known:
            raise ValueError(f"unknown detector {name!r}; detectors: {', '.join(known)}")
    return [d for d in every if (not only or d.id in only) and d.id not in skip]


def run_audit(
    rollouts: Iterable[Rollout],
    detectors: Sequence[Any],
    min_reward: float = 0.0,
    on_row: Callable[[], None] = lambda: None,
    grader: MathVerifyGrader | None = None,
    workers: int | None = None,
) -> AuditRun:
    """Run ``detectors`` (from :func:`select`) over ``rollouts``. ``grader`` grades every math sample with a
    reference (the accuracy per step); by default the one of the ``regrade_math_verify`` detector, if selected.
    :class:`EngineRegrade` detectors run after the stream, in batches, with ``workers`` worker processes."""
    run = AuditRun(list(detectors))
    sample = [d for d in detectors if hasattr(d, "detect")]  # EngineRegrade has neither detect nor detect_group
    group = [d for d in detectors if hasattr(d, "detect_group")]
    runtime = any(isinstance(d, RunDetector) for d in sample)
    run.grader = grader or next((d.grader for d in detectors if isinstance(d, RegradeMathVerify)), None)
    groups: dict[tuple[int | None, str], list[Rollout]] = defaultdict(list)
    for rollout in rollouts:
        run.rollouts.append(rollout)
        if group:
            groups[(rollout.step, rollout.group)].append(rollout)
        if run.grader is not None and run.grader.available and is_math(rollout):
            try:
                run.accepted[rollout.index] = run.grader.accepts(rollout)
            except Exception as exc:  # noqa: BLE001 - any crash of the grader is reported, never a lost row
                run.errors.append(DetectorError(RegradeMathVerify.id, rollout.where, _describe(exc)))
        if rollout.reward > min_reward:
            run.rewarded.add(rollout.index)
            if runtime and rollout.paid_for_answer is not False and code_runs(rollout):
                run.run_details += 1
            for detector in sample:
                if rollout.paid_for_answer is False and detector.category in ANSWER_CATEGORIES:
                    continue
                if isinstance(detector, RegradeMathVerify) and run.accepted.get(rollout.index) is not False:
                    continue  # accepted, not math, or its grading crashed above (reported there)
                try:
                    run.add(rollout, detector.detect(rollout))  # regrade_math_verify: its verdict is cached
                except Exception as exc:  # noqa: BLE001 - a detector bug must not hide the row
                    run.errors.append(DetectorError(detector.id, rollout.where, _describe(exc)))
        rollout.memo.clear()
        on_row()
    regraders = [d for d in detectors if isinstance(d, EngineRegrade)]
    if regraders:
        rewarded = [r for r in run.rollouts if r.index in run.rewarded and r.paid_for_answer is not False]
        observed: dict[int, list[CodeRun]] = {}
        hits, errors = run_regraders(regraders, rewarded, workers, observed=observed)
        for rollout, hit in hits:
            run.add(rollout, [hit])
        run.errors.extend(errors)
        _detect_runs(run, [d for d in sample if isinstance(d, RunDetector)], rewarded, observed)
    for members in groups.values():
        for detector in group:
            try:
                hits = detector.detect_group(members)
            except Exception as exc:  # noqa: BLE001
                run.errors.append(DetectorError(detector.id, members[0].where, _describe(exc)))
                continue
            for rollout, hit in hits:
                if rollout.index in run.rewarded:
                    run.add(rollout, [hit])
    return run


def _detect_runs(
    run: AuditRun, detectors: Sequence[RunDetector], rewarded: Sequence[Rollout], observed: dict[int, list[CodeRun]]
) -> None:
    """The runtime detectors on what ``--regrade-with code`` saw, for the rewarded rows a results file had no
    code details for (those were read in the stream)."""
    for rollout in rewarded:
        seen = observed.get(rollout.index)
        if not seen or not detectors or code_runs(rollout):
            rollout.memo.clear()
            continue
        rollout.memo.clear()
        rollout.memo[REGRADE_KEY] = seen
        run.run_details += 1
        for detector in detectors:
            try:
                run.add(rollout, detector.detect(rollout))
            except Exception as exc:  # noqa: BLE001
                run.errors.append(DetectorError(detector.id, rollout.where, _describe(exc)))
        rollout.memo.clear()


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]
