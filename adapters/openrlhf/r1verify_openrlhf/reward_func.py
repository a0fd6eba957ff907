"""OpenRLHF's ``reward_func(queries, prompts, labels)`` for a recipe (``--reward.remote_url reward_func.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from r1verify import Recipe
from r1verify.guard import RunStopped

from .convert import request_items
from .rewards import openrlhf_payload
from .service import ServiceClient


class RewardFunction(ServiceClient):
    """A callable with OpenRLHF's reward-function signature, backed by a process-wide :class:`RewardService`.

    OpenRLHF 0.11 calls it once per sample from worker threads (``asyncio.to_thread``); concurrent calls are
    micro-batched into engine batches. The recipe is checked when the object is made (an unknown verifier
    fails when OpenRLHF loads the file, not hours later); worker processes start on the first call.

    It never raises and never returns ``None``: a sample that cannot be verified gets ``error_reward`` and
    ``extra_logs["r1verify/error"] == 1``. ``timeout`` bounds one call in seconds. Options (``convert``,
    ``batching``, ``workers``, ``cache_size``, ``error_reward``, ``timeout``): see :class:`ServiceClient`.
    """

    def __init__(self, recipe: Recipe | str | Path, **options: Any) -> None:
        super().__init__("reward_func", recipe, **options)

    def __call__(
        self,
        queries: Sequence[str],
        prompts: Sequence[str] | None = None,
        labels: Sequence[Any] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        items = request_items(queries, prompts, labels, self.convert)
        try:
            infos = self.service.rewards(items, timeout=self.timeout)
        except RunStopped:
            raise  # a setup failure or too many errors: OpenRLHF stops with the reason instead of training on zeros
        except Exception as exc:  # noqa: BLE001 - e.g. worker processes cannot start; a None reward is worse
            infos = [self.mapper.failure(f"reward service unavailable: {type(exc).__name__}: {exc}") for _ in items]
        return openrlhf_payload(infos, self.mapper.keys, tensors=True)
