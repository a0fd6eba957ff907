"""Re-grading rewarded samples with r1verify's own verifiers (``--regrade-with math:preset=strict``): the math
plugin's other preset, or any verifier, as a second grader beside plain math-verify.

One detector per verifier instance, id ``regrade_<instance name>``. It runs after the per-sample detectors, over
the rewarded samples in its scope (the spec's ``domains``; for ``math``, math samples with a reference), in
batches through one :class:`r1verify.Engine` (deadlines, worker processes and deduplication as everywhere). A
``wrong``, ``no_answer`` or ``format_error`` verdict is a finding (the evidence: the answer the verifier read,
else the final answer region); ``timeout`` and ``error`` are reported as errors of the row, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine import Engine
from ..recipe import Recipe, VerifierSpec
from ..sample import Sample
from ..verdict import Status
from .code_runs import CodeRun, runs_of
from .model import DetectorError, Finding, Rollout, finding
from .regrade import is_math

REJECTS = (Status.WRONG, Status.NO_ANSWER, Status.FORMAT_ERROR)
FAILURES = (Status.TIMEOUT, Status.ERROR)
BATCH = 512


@dataclass
class EngineRegrade:
    """The detector of one verifier instance of the re-grading recipe."""

    spec: VerifierSpec
    category: str = "regrade"

    @property
    def id(self) -> str:
        return f"regrade_{self.spec.name}"

    @property
    def explanation(self) -> str:
        return f"a rewarded sample that r1verify's {self.spec.verifier} ({self.spec.name}), as a second grader, rejects"

    def applies(self, rollout: Rollout) -> bool:
        if self.spec.domains is not None and (rollout.domain or "") not in self.spec.domains:
            return False
        return is_math(rollout) if self.spec.verifier == "math" else True


def regraders(specs: Sequence[str]) -> list[EngineRegrade]:
    """One detector per ``--regrade-with`` spec (``ValueError`` with the reason for a bad one)."""
    from ..plugins import PluginError, UnknownVerifierError
    from ..recipe import RecipeError

    if not specs:
        return []
    try:
        recipe = Recipe.from_verifier_args(list(specs), name="audit-regrade")
        recipe.build()  # unknown verifiers and bad options fail now, before any row is read
    except (RecipeError, PluginError, UnknownVerifierError) as exc:
        raise ValueError(f"--regrade-with: {exc}") from None
    return [EngineRegrade(spec) for spec in recipe.specs]


def run_regraders(
    detectors: Sequence[EngineRegrade],
    rollouts: Sequence[Rollout],
    workers: int | None = None,
    on_batch: Callable[[int], None] = lambda n: None,
    observed: dict[int, list[CodeRun]] | None = None,
) -> tuple[list[tuple[Rollout, Finding]], list[DetectorError]]:
    """Grade ``rollouts`` (the rewarded ones) with every detector's verifier; the findings and the failures.
    ``observed`` collects, by rollout index, what the code verifiers saw when the programs ran (for the
    runtime detectors, :mod:`.code_runs`)."""
    if not detectors:
        return [], []
    recipe = Recipe(name="audit-regrade", specs=[d.spec for d in detectors])
    todo = [r for r in rollouts if any(d.applies(r) for d in detectors)]
    hits: list[tuple[Rollout, Finding]] = []
    errors: list[DetectorError] = []
    with Engine(recipe, workers=workers) as engine:
        for start in range(0, len(todo), BATCH):
            chunk = todo[start : start + BATCH]
            samples = [Sample(r.completion, prompt=r.prompt, reference=r.reference, domain=r.domain) for r in chunk]
            for rollout, result in zip(chunk, engine.verify(samples)):
                for detector in detectors:
                    verdict = result.verdicts.get(detector.spec.name)
                    if verdict is None or not detector.applies(rollout):
                        continue
                    if observed is not None and detector.spec.verifier == "code":
                        seen = runs_of(verdict.details, detector.id, verdict.status.value)
                        if seen is not None:
                            observed.setdefault(rollout.index, []).append(seen)
                    if verdict.status in FAILURES:
                        errors.append(
                            DetectorError(detector.id, rollout.where, f"{verdict.status.value}: {verdict.reason}"[:300])
                        )
                    elif verdict.status in REJECTS:
                        hits.append((rollout, _finding(detector, rollout, verdict)))
            on_batch(len(chunk))
    return hits, errors


def _finding(detector: EngineRegrade, rollout: Rollout, verdict: Any) -> Finding:
    text = rollout.completion
    lo, hi = rollout.final_region() or (len(text), len(text))
    answer = (verdict.details or {}).get("answer")
    if isinstance(answer, str) and answer and (at := text.rfind(answer)) >= 0:
        lo, hi = at, at + len(answer)
    reason = f"{detector.spec.name} says {verdict.status.value}: {verdict.reason}"[:200]
    return finding(detector.id, reason, text, lo, hi)
