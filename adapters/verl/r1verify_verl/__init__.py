"""veRL integration for r1verify: a reward function, batched reward managers and parquet conversion.

- ``reward.custom_reward_function.path=pkg://r1verify_verl.functions`` and ``name=compute_score``: one response
  at a time, the way veRL calls it; concurrent calls share one engine call.
- ``reward.reward_manager.name=r1verify`` (veRL 0.9's reward loop): :class:`R1VerifyRewardManager`.
- :class:`R1VerifyBatchRewardManager`: the ``batch`` style, a whole ``DataProto`` in one engine call.
- ``r1verify verl convert data.jsonl --out train.parquet``: veRL's parquet layout.

See docs/verl.md. The managers import veRL; the rest does not.
"""

from typing import Any

from .functions import compute_score, compute_score_batch
from .routing import sample_from_verl, source_domain
from .scoring import Scorer, ScoreSettings

__all__ = [
    "R1VerifyBatchRewardManager",
    "R1VerifyRewardManager",
    "ScoreSettings",
    "Scorer",
    "compute_score",
    "compute_score_batch",
    "sample_from_verl",
    "source_domain",
]


def __getattr__(name: str) -> Any:
    if name in ("R1VerifyRewardManager", "R1VerifyBatchRewardManager"):
        from . import manager

        return getattr(manager, name)
    raise AttributeError(f"module 'r1verify_verl' has no attribute {name!r}")
