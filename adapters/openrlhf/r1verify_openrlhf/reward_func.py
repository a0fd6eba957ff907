"""OpenRLHF's ``reward_func(queries, prompts, labels)`` for a recipe (``--reward.remote_url reward_func.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from r1verify import Recipe

from .batcher import BatchOptions
from .convert import ConvertOptions, request_items
from .rewards import RewardMapper, openrlhf_payload
from .service import RewardService, shared_service


class RewardFunction:
    """A callable with OpenRLHF's reward-function signature, backed by a process-wide :class:`RewardService`.

    OpenRLHF 0.11 calls it once per sample from worker threads (``asyncio.to_thread``); concurrent calls are
    micro-batched into engine batches. The recipe is checked when the object is made (an unknown verifier
    fails when OpenRLHF loads the file, not hours later); worker processes start on the first call.

    It never raises and never returns ``None``: a sample that cannot be verified gets ``error_reward`` and
    ``extra_logs["r1verify/error"] == 1``. ``timeout`` bounds one call in seconds.
    """

    def __init__(
        self,
        recipe: Recipe | str | Path,
        *,
        convert: ConvertOptions | None = None,
        batching: BatchOptions | None = None,
        workers: int | None = None,
        cache_size: int = 100_000,
        error_reward: float = 0.0,
        timeout: float = 150.0,
    ) -> None:
        self.recipe = Recipe.load(recipe)
        self.recipe.build()
        self.mapper = RewardMapper(self.recipe, error_reward=error_reward)
        self.convert = convert or ConvertOptions()
        self.timeout = float(timeout)
        self._service_args = {
            "workers": workers,
            "cache_size": cache_size,
            "batching": batching,
            "error_reward": error_reward,
        }
        self._service_key = ("reward_func", self.recipe.to_toml(), repr(sorted(self._service_args.items())))

    @property
    def service(self) -> RewardService:
        """The process-wide service (created on first use)."""
        return shared_service(self._service_key, lambda: RewardService(self.recipe, **self._service_args))

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
        except Exception as exc:  # noqa: BLE001 - e.g. worker processes cannot start; a None reward is worse
            infos = [self.mapper.failure(f"reward service unavailable: {type(exc).__name__}: {exc}") for _ in items]
        return openrlhf_payload(infos, self.mapper.keys, tensors=True)
