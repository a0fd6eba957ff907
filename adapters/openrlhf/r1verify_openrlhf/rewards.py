"""Turn engine results into what OpenRLHF reads: a reward, a score for dynamic filtering, and extra logs."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from r1verify import Recipe, Result, Status

LOG_PREFIX = "r1verify/"


@dataclass(frozen=True, slots=True)
class RewardInfo:
    """One sample's reward as OpenRLHF wants it.

    - ``reward``: the recipe's reward (used for advantages).
    - ``score``: in [0, 1], used only by OpenRLHF's dynamic filtering (groups with 0 < mean < 1 are kept).
    - ``logs``: numeric extra logs, the same keys for every sample of a recipe (see :class:`RewardMapper`).
    - ``error``: why verification failed (first failing verifier and its reason), else ``None``.
    - ``result``: the engine's result with every verdict (``None`` when verification could not happen).
    """

    reward: float
    score: float
    logs: dict[str, float]
    error: str | None = None
    result: Result | None = None


class RewardMapper:
    """Maps :class:`~r1verify.Result` objects of one recipe to :class:`RewardInfo`.

    Extra-log keys (always all present, always floats):

    - ``r1verify/<verifier>``: each verifier's effective score before weighting (0 when skipped: OpenRLHF averages
      every key over all samples, so a missing value cannot be left out);
    - ``r1verify/<verifier>/applied``, for verifiers that can be skipped (``domains`` or ``skip_without_reference``):
      1 when the verifier judged the sample (not skipped, not failed). On mixed data the verifier's own rate is
      ``mean(r1verify/<verifier>) / mean(r1verify/<verifier>/applied)``, e.g. the code pass rate;
    - ``r1verify/passed``: 1 when the row passed the recipe (no verifier failed, its ``required`` verifiers, or
      every judging one when none is required, passed, and ``min_reward`` is reached);
    - ``r1verify/timeout``: 1 when a verifier (or the whole call) ran out of time;
    - ``r1verify/error``: 1 when a verifier failed or timed out, the input could not be read, or the call failed
      (a missing reference counts: most verifiers answer ``error`` without one). The reward
      is then the recipe's ``on_error`` score for that verifier, or ``error_reward`` for a failed call.

    The score is ``passed`` (1/0) when the recipe defines a pass criterion (a ``required`` verifier or
    ``min_reward``); otherwise the reward divided by the sum of positive weights, clipped to [0, 1].
    """

    def __init__(self, recipe: Recipe, *, error_reward: float = 0.0) -> None:
        if not math.isfinite(error_reward):
            raise ValueError("error_reward must be a finite number")
        self.recipe = recipe
        self.error_reward = float(error_reward)
        self.spec_names = tuple(spec.name for spec in recipe.specs)
        self.routed = tuple(s.name for s in recipe.specs if s.domains is not None or s.skip_without_reference)
        self.keys = (
            *(LOG_PREFIX + name for name in self.spec_names),
            *(f"{LOG_PREFIX}{name}/applied" for name in self.routed),
            LOG_PREFIX + "passed",
            LOG_PREFIX + "timeout",
            LOG_PREFIX + "error",
        )
        self._has_criterion = any(s.required for s in recipe.specs) or recipe.min_reward is not None
        self._max_reward = sum(max(s.weight, 0.0) for s in recipe.specs)

    def score(self, result: Result) -> float:
        if self._has_criterion:
            return 1.0 if result.passed else 0.0
        if self._max_reward <= 0:
            return 1.0 if result.reward > 0 else 0.0
        return min(1.0, max(0.0, result.reward / self._max_reward))

    def from_result(self, result: Result) -> RewardInfo:
        logs = {LOG_PREFIX + name: float(result.scores.get(name) or 0.0) for name in self.spec_names}
        for name in self.routed:
            status = result.verdicts[name].status
            logs[f"{LOG_PREFIX}{name}/applied"] = 0.0 if status is Status.SKIPPED or status.is_failure else 1.0
        failures = [(name, v) for name, v in result.verdicts.items() if v.status.is_failure]
        logs[LOG_PREFIX + "passed"] = 1.0 if result.passed else 0.0
        logs[LOG_PREFIX + "timeout"] = 1.0 if any(v.status is Status.TIMEOUT for _, v in failures) else 0.0
        logs[LOG_PREFIX + "error"] = 1.0 if failures else 0.0
        error = f"{failures[0][0]}: {failures[0][1].status.value}: {failures[0][1].reason}" if failures else None
        return RewardInfo(float(result.reward), self.score(result), logs, error, result)

    def failure(self, reason: str, *, timeout: bool = False) -> RewardInfo:
        """The reward of a sample whose verification could not happen (bad input, failed or overdue call)."""
        logs = dict.fromkeys(self.keys, 0.0)
        logs[LOG_PREFIX + "error"] = 1.0
        logs[LOG_PREFIX + "timeout"] = 1.0 if timeout else 0.0
        return RewardInfo(self.error_reward, 0.0, logs, reason)


def openrlhf_payload(infos: list[RewardInfo], keys: tuple[str, ...], *, tensors: bool) -> dict[str, Any]:
    """The dict OpenRLHF reads: ``rewards``, ``scores``, ``extra_logs`` (one entry per sample each) and, for
    people reading logs, ``errors`` (ignored by OpenRLHF).

    ``tensors=True`` gives 1-D float tensors, like OpenRLHF's own ``reward_func`` example (its single-turn
    executor wraps them with ``torch.tensor([value])``, which keeps a one-element tensor one-dimensional);
    ``tensors=False`` (or no torch installed) gives JSON lists, like its ``serve_rm`` HTTP server.
    """
    columns: dict[str, list[float]] = {
        "rewards": [i.reward for i in infos],
        "scores": [i.score for i in infos],
    }
    logs = {k: [i.logs[k] for i in infos] for k in keys}
    torch = _torch() if tensors else None
    if torch is not None:
        return {
            "rewards": torch.tensor(columns["rewards"], dtype=torch.float32),
            "scores": torch.tensor(columns["scores"], dtype=torch.float32),
            "extra_logs": {k: torch.tensor(v, dtype=torch.float32) for k, v in logs.items()},
            "errors": [i.error for i in infos],
        }
    return {**columns, "extra_logs": logs, "errors": [i.error for i in infos]}


def _torch() -> Any:
    try:
        import torch
    except ImportError:  # OpenRLHF always has torch; elsewhere lists do
        return None
    return torch
