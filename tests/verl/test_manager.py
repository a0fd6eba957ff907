"""The adapter through veRL 0.9.1's own code: its reward-manager registries, its ``NaiveRewardManager`` with the
function veRL's ``get_custom_reward_fn`` loads, its reward-loop ``RewardLoopWorker`` and its ``verl.plugins``
entry-point loading, on a real ``verl.DataProto`` laid out as veRL's rollout hands it over (verl_harness.py).

The reward loop is driven through ``RewardLoopWorker`` itself, built in-process: it needs a tokenizer directory
(the offline one, saved) and no server, since a rule-based reward uses neither the reward model nor its router.
Only the Ray actor wrapper around it (``RewardLoopManager``) is not run: it needs a Ray cluster.
The code rows run on the code verifier's local-subprocess backend (recipe_toml), not Docker, to stay fast.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from .verl_harness import code_rows, data_proto, last_valid, math_rows

EMPTY = {"prompt": "What is 2 + 2?", "response": "", "data_source": "openai/gsm8k", "ground_truth": "4"}
PER_VERIFIER = {"score", "acc", "accuracy", "accuracy_status", "code", "code_status", "format", "format_status", "error"}


@pytest.fixture(scope="module")
def rows():
    return math_rows() + code_rows() + [EMPTY]


@pytest.fixture(scope="module")
def ours(tok, rows, recipe_path):
    """Our batch manager, found through veRL's legacy registry, on the whole DataProto."""
    from verl.workers.reward_manager import get_reward_manager_cls

    data = data_proto(tok, rows)
    manager = get_reward_manager_cls("r1verify")(tok, num_examine=0, recipe=str(recipe_path))
    return data, manager(data, return_dict=True)


def test_registries_name_our_managers():
    from verl.experimental.reward_loop.reward_manager import get_reward_manager_cls as loop_cls
    from verl.workers.reward_manager import get_reward_manager_cls

    from r1verify_verl.manager import R1VerifyBatchRewardManager, R1VerifyRewardManager

    assert get_reward_manager_cls("r1verify") is R1VerifyBatchRewardManager
    assert loop_cls("r1verify") is R1VerifyRewardManager


def test_batch_manager_rewards_on_the_last_valid_token(ours, rows):
    data, out = ours
    tensor, extra = out["reward_tensor"], out["reward_extra_info"]
    assert tensor.shape == data.batch["responses"].shape and tensor.dtype == torch.float32
    scores = extra["score"]
    assert len(scores) == len(rows) and PER_VERIFIER <= set(extra)
    assert all(len(v) == len(rows) for v in extra.values())  # veRL turns each key into one array per batch
    for i, pos in enumerate(last_valid(data)):
        assert tensor[i, pos].item() == pytest.approx(scores[i])
        assert torch.count_nonzero(torch.cat([tensor[i, :pos], tensor[i, pos + 1 :]])) == 0
    assert last_valid(data)[0] < tensor.shape[1] - 1  # right padding: the last position is not the reward's
    assert data.batch["acc"].tolist() == pytest.approx(scores)


def test_batch_manager_right_and_wrong_rows(ours, rows):
    _, out = ours
    extra = out["reward_extra_info"]
    n_math, n_code = len(math_rows()), len(code_rows())
    assert n_math == n_code == 4
    for i, row in enumerate(rows[:-1]):
        kind = "accuracy" if i < n_math else "code"
        assert extra[f"{kind}_status"][i] == ("correct" if row["label"] else "wrong"), (i, row["data_source"])
        assert extra["acc"][i] == float(row["label"])
        other = "code" if kind == "accuracy" else "accuracy"
        assert extra[f"{other}_status"][i] == "skipped"  # routed to one domain only
        assert extra["score"][i] == pytest.approx(1.2 if row["label"] else 0.2)  # + 0.2 * think_format
    assert extra["error"][:-1] == [""] * (len(rows) - 1)


def test_empty_response_is_zero_with_a_status(ours):
    _, out = ours
    extra = out["reward_extra_info"]
    assert extra["score"][-1] == 0.0 and extra["acc"][-1] == 0.0
    assert extra["accuracy_status"][-1] == "format_error" and extra["format_status"][-1] == "format_error"


def test_unreadable_rows_are_errors_not_exceptions(tok, recipe_path):
    from verl.workers.reward_manager import get_reward_manager_cls

    data = data_proto(tok, math_rows()[:2])
    data.non_tensor_batch["reward_model"] = np.array(["not a dict", {"ground_truth": "4"}], dtype=object)
    out = get_reward_manager_cls("r1verify")(tok, recipe=str(recipe_path))(data, return_dict=True)
    extra = out["reward_extra_info"]
    assert extra["score"][0] == -1.0 and "reward_model must be a dict" in extra["error"][0]  # recipe's on_error
    assert extra["accuracy_status"][0] == "error"
    assert extra["accuracy_status"][1] in ("correct", "wrong") and extra["error"][1] == ""


def test_verl_naive_manager_with_our_function_gives_the_same_scores(tok, rows, recipe_path, ours):
    """veRL's own NaiveRewardManager (one compute_score per sample) with the function its loader resolves."""
    from omegaconf import OmegaConf
    from verl.trainer.ppo.reward import get_custom_reward_fn
    from verl.workers.reward_manager import NaiveRewardManager

    config = OmegaConf.create(
        {"reward": {"custom_reward_function": {
            "path": "pkg://r1verify_verl.functions", "name": "compute_score",
            "reward_kwargs": {"recipe": str(recipe_path)},
        }}}
    )
    fn = get_custom_reward_fn(config)
    data = data_proto(tok, rows)
    naive = NaiveRewardManager(tok, num_examine=0, compute_score=fn)(data, return_dict=True)
    _, batch = ours
    assert torch.equal(naive["reward_tensor"], batch["reward_tensor"])
    for key in PER_VERIFIER:
        assert list(naive["reward_extra_info"][key]) == batch["reward_extra_info"][key], key


def test_verl_reward_loop_worker_runs_our_loop_manager(tok, rows, recipe_path, ours, tmp_path):
    """veRL 0.9's RewardLoopWorker builds R1VerifyRewardManager from the config and calls run_single per sample;
    the samples of one chunk are verified in one engine call."""
    from omegaconf import OmegaConf
    from verl.experimental.reward_loop.reward_loop import RewardLoopWorker

    from r1verify_verl.manager import R1VerifyRewardManager

    tok.save_pretrained(tmp_path / "tok")
    config = OmegaConf.create(
        {
            "actor_rollout_ref": {"model": {"path": str(tmp_path / "tok"), "tokenizer_path": None}},
            "reward": {
                "custom_reward_function": {"path": None, "name": "compute_score"},
                "reward_manager": {"source": "register", "name": "r1verify", "module": {"path": None}},
                "reward_model": {"enable": False},
                "reward_kwargs": {"recipe": str(recipe_path), "max_wait": 0.2},
            },
        }
    )
    worker = RewardLoopWorker(config)
    manager = worker.reward_manager
    assert isinstance(manager, R1VerifyRewardManager)
    calls: list[int] = []
    score = manager.scorer.score

    def counting(items):
        calls.append(len(items))
        return score(items)

    manager.scorer.score = counting
    try:
        data = data_proto(tok, rows)
        outs = asyncio.run(worker.compute_score_batch(data))
    finally:
        del manager.scorer.score  # the scorer is shared by every manager of this recipe
    _, batch = ours
    assert [o["reward_score"] for o in outs] == batch["reward_extra_info"]["score"]
    assert [o["reward_extra_info"]["code_status"] for o in outs] == batch["reward_extra_info"]["code_status"]
    assert calls == [len(rows)]  # one engine call for the chunk, not one per sample
    rm = R1VerifyRewardManager.assemble_rm_scores(data, [o["reward_score"] for o in outs])
    assert torch.equal(rm, batch["reward_tensor"])  # veRL's own placement agrees with the batch manager's


def test_run_single_never_raises(tok, recipe_path):
    from omegaconf import OmegaConf

    from r1verify_verl.manager import R1VerifyRewardManager

    config = OmegaConf.create({"reward": {"reward_kwargs": {"recipe": str(recipe_path), "timeout": 30}}})
    manager = R1VerifyRewardManager(config, tok)
    data = data_proto(tok, [EMPTY])
    data.non_tensor_batch["reward_model"] = np.array([None], dtype=object)
    out = asyncio.run(manager.run_single(data))
    assert out["reward_score"] == -1.0 and "reward_model must be a dict" in out["reward_extra_info"]["error"]
    with pytest.raises(ValueError, match="reward_kwargs.recipe"):  # a recipe that cannot start: at build time
        R1VerifyRewardManager(OmegaConf.create({"reward": {"reward_kwargs": {"recipe": "no-such-recipe"}}}), tok)


@pytest.mark.parametrize("policy, loaded", [("auto", True), ("none", False)])
def test_verl_plugin_entry_point(policy, loaded):
    """``import verl`` alone loads the ``verl.plugins`` entry point, which registers ``r1verify``."""
    code = (
        "import sys, verl\n"
        "from verl.workers.reward_manager.registry import REWARD_MANAGER_REGISTRY as R\n"
        "print('r1verify_verl.manager' in sys.modules, 'r1verify' in R)\n"
    )
    env = {**os.environ, "VERL_USE_EXTERNAL_PLUGINS": policy}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [str(loaded), str(loaded)]
