"""End to end with the math verifier on real model completions: OpenRLHF's executors get, through the reward
file and through a real `r1verify serve` process, exactly the rewards the engine gives directly."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

import pytest

from r1verify import Engine, Recipe, Sample

from .openrlhf_harness import FakeLLM, chat_prompt, chatml_tokenizer, sampling_params, to_experiences
from .test_openrlhf_server import STOPPED, start_server

ROWS = [json.loads(line) for line in (Path(__file__).parents[1] / "data/openrlhf/math_cot_sample.jsonl").open()]
MATH = "math:require_delimiter=false,required=true"  # Qwen2.5-Math CoT completions have no </think>


@pytest.fixture(scope="module")
def direct_rewards() -> list[float]:
    with Engine(Recipe.from_verifier_args([MATH]), workers=2) as engine:
        return [r.reward for r in engine.verify([Sample(row["completion"], reference=row["gt"]) for row in ROWS])]


def rollouts(executor) -> list[dict]:
    async def run_all():
        return await asyncio.gather(
            *(
                executor.execute(
                    *chat_prompt(row["question"], row["gt"], system="Reason step by step."),
                    sampling_params(),
                    8192,
                    chatml_tokenizer(),
                    FakeLLM(row["completion"]),
                )
                for row in ROWS
            )
        )

    return asyncio.run(run_all())


def test_reward_file_with_math_matches_the_engine(openrlhf, r1verify_cli, tmp_path, direct_rewards):
    out = tmp_path / "reward_func.py"
    assert r1verify_cli("openrlhf", "reward-func", "-v", MATH, "-o", out, "--workers", "2").exit_code == 0
    responses = rollouts(openrlhf.agent.SingleTurnAgentExecutor(str(out)))
    _, batch = to_experiences(responses, max_len=8192)
    assert batch.rewards.tolist() == direct_rewards
    assert batch.info["r1verify/error"].tolist() == [0.0] * len(ROWS)
    assert 0 < sum(direct_rewards) < len(ROWS)  # the sample holds right and wrong answers
    agree = sum((r > 0) == row["label_qwen_grader"] for r, row in zip(direct_rewards, ROWS))
    assert agree >= len(ROWS) - 2, agree  # sanity against Qwen's own grader (not a human label)


def test_r1verify_serve_with_math_matches_the_engine(openrlhf, direct_rewards):
    proc, url = start_server("-v", MATH)
    try:
        responses = rollouts(openrlhf.agent.SingleTurnAgentExecutor([url]))
        assert [r["reward"] for r in responses] == [[x] for x in direct_rewards]
        _, batch = to_experiences(responses, max_len=8192)
        assert batch.rewards.flatten().tolist() == direct_rewards
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) in STOPPED
