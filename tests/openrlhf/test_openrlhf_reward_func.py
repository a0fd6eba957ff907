"""Path 1: the generated reward-function file, loaded and called by OpenRLHF's own SingleTurnAgentExecutor."""

from __future__ import annotations

import asyncio
import importlib.util
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import torch

from .openrlhf_harness import FakeLLM, chat_prompt, chatml_tokenizer, sampling_params, to_experiences

KEYS = {"r1verify/behave", "r1verify/passed", "r1verify/timeout", "r1verify/error"}


@pytest.fixture
def reward_file(r1verify_cli, behave_recipe, tmp_path):
    out = tmp_path / "reward_func.py"
    result = r1verify_cli(
        "openrlhf", "reward-func", "--recipe", behave_recipe, "-o", out, "--workers", "2", "--error-reward", "-1"
    )
    assert result.exit_code == 0, result.output
    assert "--reward.remote_url" in result.stderr
    return out


async def rollout(executor, question, label, response, *, max_length=256, max_tokens=None):
    prompt, label = chat_prompt(question, label)
    return await executor.execute(
        prompt, label, sampling_params(max_tokens), max_length, chatml_tokenizer(), FakeLLM(response)
    )


def test_rewards_scores_and_extra_logs_reach_openrlhf_experiences(openrlhf, reward_file):
    executor = openrlhf.agent.SingleTurnAgentExecutor(str(reward_file))
    cases = [
        ("6 * 7?", "42", "42"),
        ("6 * 7?", "42", "41"),
        ("boom?", "42", "raise"),
        ("hang?", "42", "sleep"),
        ("bad label?", '{"reference": "42", "domain": 7}', "42"),
    ]

    async def run_all():
        return await asyncio.gather(*(rollout(executor, q, label, r) for q, label, r in cases))

    responses = asyncio.run(run_all())
    # A verifier that raised or hung counts the recipe's on_error (0.0); --error-reward (-1) is for samples that
    # could not be verified at all (here: an unreadable label). All are flagged in extra_logs.
    assert [r["reward"].tolist() for r in responses] == [[1.0], [0.0], [0.0], [0.0], [-1.0]]
    assert [r["scores"].tolist() for r in responses] == [[1.0], [0.0], [0.0], [0.0], [0.0]]
    for r in responses:
        assert set(r["extra_logs"]) == KEYS  # the same keys every time, or OpenRLHF's batching breaks
    logs = [{k: v.item() for k, v in r["extra_logs"].items()} for r in responses]
    assert [(x["r1verify/error"], x["r1verify/timeout"]) for x in logs] == [(0, 0), (0, 0), (1, 0), (1, 1), (1, 0)]

    experiences, batch = to_experiences(responses)
    assert batch.rewards.tolist() == [1.0, 0.0, 0.0, 0.0, -1.0]
    assert batch.scores.tolist() == [1.0, 0.0, 0.0, 0.0, 0.0]
    assert [e.scores[0].item() for e in experiences] == [1.0, 0.0, 0.0, 0.0, 0.0]  # what dynamic filtering reads
    assert KEYS <= set(batch.info) and all(len(batch.info[k]) == 5 for k in KEYS)
    assert batch.info["r1verify/timeout"].tolist() == [0.0, 0.0, 0.0, 1.0, 0.0]
    openrlhf.experience.split_experience_batch(batch)  # raises if any info entry lost its per-sample alignment


def test_a_left_truncated_prompt_still_grades_the_response(openrlhf, reward_file):
    executor = openrlhf.agent.SingleTurnAgentExecutor(str(reward_file))
    question = "Read this long context carefully. " * 12 + "What is 6 * 7?"
    prompt, _ = chat_prompt(question, "42")
    prompt_tokens = len(chatml_tokenizer()(text=prompt, add_special_tokens=False)["input_ids"])
    response = asyncio.run(rollout(executor, question, "42", "42", max_length=prompt_tokens - 10 + 8, max_tokens=8))
    query = chatml_tokenizer().decode(response["observation_tokens"], skip_special_tokens=False)
    assert not query.startswith(prompt)  # OpenRLHF really cut the prompt
    assert response["reward"].tolist() == [1.0]


def test_the_reward_function_batches_concurrent_calls_from_threads(behave_recipe, reward_file):
    spec = importlib.util.spec_from_file_location("reward_func", reward_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    prompt = "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n"

    def call(i: int) -> float:
        out = module.reward_func([prompt + str(i % 5) + "<|im_end|>"], [prompt], ["3"])
        assert isinstance(out["rewards"], torch.Tensor) and out["rewards"].shape == (1,)
        return out["rewards"].item()

    with ThreadPoolExecutor(24) as pool:
        rewards = list(pool.map(call, range(120)))
    assert rewards == [1.0 if i % 5 == 3 else 0.0 for i in range(120)]
    stats = module.reward_func.service.stats()
    assert stats.requests == 120 and stats.batches < 120


def test_unreadable_input_gets_the_error_reward_instead_of_none(reward_file):
    spec = importlib.util.spec_from_file_location("reward_func", reward_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.reward_func([None, "x"], ["p", "p"], ['{"reference": "1", "domain": 5}', "x"])
    assert out["rewards"].tolist() == [-1.0, 1.0]
    assert out["extra_logs"]["r1verify/error"].tolist() == [1.0, 0.0]
    assert "query must be a string" in out["errors"][0]
    json.dumps(out["errors"])


def test_the_file_refuses_to_load_when_its_verifier_is_not_installed(r1verify_cli, tmp_path, behave_recipe):
    out = tmp_path / "reward_func.py"
    assert r1verify_cli("openrlhf", "reward-func", "-r", behave_recipe, "-o", out).exit_code == 0
    text = out.read_text().replace("verifiers.behave]", 'verifiers.behave]\nverifier = "no_such_verifier"')
    out.write_text(text)
    spec = importlib.util.spec_from_file_location("reward_func", out)
    module = importlib.util.module_from_spec(spec)
    with pytest.raises(LookupError, match="no verifier named 'no_such_verifier'"):
        spec.loader.exec_module(module)
