"""veRL reward managers that verify a whole step's responses in one :meth:`Engine.verify` call.

- :class:`R1VerifyRewardManager`: veRL 0.9's reward loop (``reward.reward_manager``). The loop calls
  ``run_single`` for every sample of a chunk at once; the manager's batcher turns them into one engine call.
- :class:`R1VerifyBatchRewardManager`: the ``batch`` style of ``verl.workers.reward_manager`` (the registry of
  veRL <= 0.6 trainers and of scripts that call a manager on a ``DataProto``): ``manager(data, return_dict=True)``
  decodes every response, verifies them together, and puts each reward on its last valid response token.

Both are registered as ``r1verify`` in their registry when this module is imported (veRL imports it through
the ``verl.plugins`` entry point). Importing this module imports veRL.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import torch
from verl import DataProto
from verl.experimental.reward_loop.reward_manager import register as register_loop_manager
from verl.experimental.reward_loop.reward_manager.base import RewardManagerBase
from verl.workers.reward_manager import register as register_legacy_manager
from verl.workers.reward_manager.abstract import AbstractRewardManager

from .batcher import Batcher, BatchOptions
from .functions import DEFAULT_TIMEOUT
from .routing import sample_from_verl
from .scoring import MANAGER_KEYS, Scorer, option_number, start_scorer

NAME = "r1verify"


def _plain_mapping(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    try:
        from omegaconf import DictConfig, OmegaConf

        if isinstance(value, DictConfig):
            value = OmegaConf.to_container(value, resolve=True)
    except ImportError:  # pragma: no cover - veRL always brings omegaconf
        pass
    if not isinstance(value, Mapping):
        raise TypeError(f"reward_kwargs must be a mapping, got {type(value).__name__}")
    return dict(value)




def _valid_lengths(data: DataProto) -> torch.Tensor:
    prompt_len = data.batch["prompts"].shape[-1]
    return data.batch["attention_mask"][:, prompt_len:].sum(dim=-1)


def _row_value(non_tensor: Mapping[str, Any], key: str, i: int) -> Any:
    values = non_tensor.get(key)
    return None if values is None else values[i]


def _items(data: DataProto, tokenizer: Any, scorer: Scorer, reward_fn_key: str = "data_source") -> list[Any]:
    """One sample per row of ``data`` (or the exception saying why a row cannot be read)."""
    lengths = _valid_lengths(data).tolist()
    responses = data.batch["responses"]
    texts = tokenizer.batch_decode(
        [responses[i][:n].tolist() for i, n in enumerate(lengths)], skip_special_tokens=True
    )
    nt = data.non_tensor_batch
    items: list[Any] = []
    for i, text in enumerate(texts):
        try:
            reward_model = _row_value(nt, "reward_model", i)
            if not isinstance(reward_model, Mapping):
                raise TypeError(f"row {i}: reward_model must be a dict with ground_truth, got {type(reward_model).__name__}")
            items.append(
                sample_from_verl(
                    _row_value(nt, reward_fn_key, i),
                    text,
                    reward_model.get("ground_truth"),
                    _row_value(nt, "extra_info", i),
                    domains=scorer.settings.domains,
                    ability=_row_value(nt, "ability", i),
                    prompt=_row_value(nt, "raw_prompt", i),
                )
            )
        except (TypeError, ValueError) as exc:
            items.append(exc)
    return items


@register_loop_manager(NAME)
class R1VerifyRewardManager(RewardManagerBase):
    """veRL 0.9 reward-loop manager: ``reward.reward_manager.name=r1verify`` (options in ``reward.reward_kwargs``:
    ``recipe``, ``workers``, ``domains``, ``on_error``, ``timeout``, ``max_wait``).

    ``run_single`` returns ``{"reward_score": score, "reward_extra_info": <score dict>}``; concurrent calls share
    one engine call. veRL's ``compute_score`` argument is not used: the recipe decides.
    """

    def __init__(
        self,
        config: Any,
        tokenizer: Any,
        compute_score: Any = None,
        reward_router_address: str | None = None,
        reward_model_tokenizer: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(config, tokenizer, compute_score)
        reward_cfg = config.get("reward") if hasattr(config, "get") else None
        options = {**_plain_mapping(reward_cfg.get("reward_kwargs") if reward_cfg is not None else None), **kwargs}
        self.scorer = start_scorer(options, MANAGER_KEYS)
        self.timeout = option_number(options, "timeout", DEFAULT_TIMEOUT)
        self.batcher = Batcher(self.scorer, BatchOptions(max_wait=option_number(options, "max_wait", 0.005)))

    async def run_single(self, data: DataProto) -> dict[str, Any]:
        data = data[-1:]  # multi-sequence outputs: the last sequence is the response (as veRL's naive manager)
        try:
            [item] = _items(data, self.tokenizer, self.scorer)
        except Exception as exc:  # noqa: BLE001 - never raise into the reward loop
            item = ValueError(f"cannot read the sample: {type(exc).__name__}: {exc}")
        try:
            score = await asyncio.wait_for(asyncio.wrap_future(self.batcher.submit(item)), self.timeout)
        except asyncio.TimeoutError:
            score = self.scorer.failed(f"r1verify: no result within {self.timeout:g} s (reward_kwargs.timeout)")
        return {"reward_score": score["score"], "reward_extra_info": score}


@register_legacy_manager(NAME)
class R1VerifyBatchRewardManager(AbstractRewardManager):
    """A whole ``DataProto`` in one engine call (the ``batch`` reward-manager style).

    ``R1VerifyBatchRewardManager(tokenizer, num_examine=0, recipe="reasoning-rl")(data, return_dict=True)`` gives
    ``{"reward_tensor": [batch, response_len] with each reward on the last valid token, "reward_extra_info":
    {key: [one value per row]}}``; ``data.batch["acc"]`` gets the rewards, as veRL's ``batch`` manager sets it.
    """

    def __init__(
        self,
        tokenizer: Any,
        num_examine: int = 0,
        compute_score: Any = None,
        reward_fn_key: str = "data_source",
        **reward_kwargs: Any,
    ) -> None:
        self.tokenizer = tokenizer
        self.num_examine = num_examine
        self.reward_fn_key = reward_fn_key
        self.scorer = start_scorer(reward_kwargs)

    def __call__(self, data: DataProto, return_dict: bool = False) -> torch.Tensor | dict[str, Any]:
        from_rm = self._extract_reward_from_rm_scores(data, return_dict)
        if from_rm is not None:
            return from_rm
        n = len(data)
        try:
            items = _items(data, self.tokenizer, self.scorer, self.reward_fn_key)
        except Exception as exc:  # noqa: BLE001 - a malformed batch is every row's error, not a crash
            items = [ValueError(f"cannot read the batch: {type(exc).__name__}: {exc}")] * n
        scores = self.scorer.score(items)
        reward_tensor = torch.zeros_like(data.batch["responses"], dtype=torch.float32)
        lengths = _valid_lengths(data).tolist()
        extra: dict[str, list[Any]] = defaultdict(list)
        rewards = []
        for i, score in enumerate(scores):
            rewards.append(score["score"])
            reward_tensor[i, max(int(lengths[i]), 1) - 1] = score["score"]
            for key, value in score.items():
                extra[key].append(value)
        for i in range(min(self.num_examine, n)):
            print("[r1verify]", {k: v for k, v in scores[i].items()})
        data.batch["acc"] = torch.tensor(rewards, dtype=torch.float32, device=reward_tensor.device)
        if return_dict:
            return {"reward_tensor": reward_tensor, "reward_extra_info": dict(extra)}
        return reward_tensor
