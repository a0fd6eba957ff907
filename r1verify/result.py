"""The outcome of verifying one sample with a recipe."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .verdict import Verdict


@dataclass(slots=True)
class Result:
    """Reward and verdicts for one sample.

    - ``reward``: the recipe's weighted sum of effective scores.
    - ``passed``: every ``required`` verifier passed and the reward reached ``min_reward``.
    - ``verdicts``: one per verifier of the recipe, keyed by its instance name (skipped ones included).
    - ``scores``: the effective score each verifier contributed before weighting (``None`` when skipped).
    """

    reward: float
    passed: bool
    verdicts: dict[str, Verdict]
    scores: dict[str, float | None]

    def to_dict(self) -> dict[str, Any]:
        return {
            "reward": self.reward,
            "passed": self.passed,
            "verdicts": {name: v.to_dict() for name, v in self.verdicts.items()},
        }
