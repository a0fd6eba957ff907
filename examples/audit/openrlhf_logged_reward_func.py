"""An OpenRLHF reward-function file that scores with another one and logs every rollout for `r1verify audit`.

OpenRLHF keeps one sample per step (wandb's ``train/generated_samples``); to audit a run, log them all:

    r1verify openrlhf reward-func --recipe reasoning-rl -o /shared/reward_func.py
    R1VERIFY_INNER_REWARD_FUNC=/shared/reward_func.py R1VERIFY_ROLLOUT_LOG=/shared/rollouts \\
        python -m openrlhf.cli.train_ppo_ray ... --reward.remote_url examples/audit/openrlhf_logged_reward_func.py
    r1verify audit /shared/rollouts --map completion=response --map reference=label --map step=call

Each rollout process appends to its own ``<pid>.jsonl`` in ``R1VERIFY_ROLLOUT_LOG``: the prompt, the response
(the query minus its prompt), the label, the reward, and ``call``, the process's count of reward calls (one per
rollout batch: the step, give or take the processes' interleaving).
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from typing import Any

_inner: Any = None
_calls = 0


def _load() -> Any:
    global _inner
    if _inner is None:
        spec = importlib.util.spec_from_file_location(
            "r1verify_inner_reward_func", os.environ["R1VERIFY_INNER_REWARD_FUNC"]
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _inner = module.reward_func
    return _inner


def reward_func(queries: list[str], prompts: list[str], labels: list[Any], **kwargs: Any) -> Any:
    global _calls
    out = _load()(queries, prompts, labels, **kwargs)
    rewards = out["rewards"] if isinstance(out, dict) else out
    rewards = rewards.tolist() if hasattr(rewards, "tolist") else list(rewards)
    folder = Path(os.environ.get("R1VERIFY_ROLLOUT_LOG", "rollouts"))
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{os.getpid()}.jsonl").open("a", encoding="utf-8") as fh:
        for query, prompt, label, reward in zip(queries, prompts, labels, rewards):
            response = query.removeprefix(prompt)
            record = {"call": _calls, "prompt": prompt, "response": response, "label": label, "reward": reward}
            fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    _calls += 1
    return out
