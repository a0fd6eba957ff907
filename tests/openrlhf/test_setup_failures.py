"""Issue 23 part 2 for OpenRLHF: a setup failure every sample shares stops the run (the reward-function file
raises into OpenRLHF, the server answers 503 with the reason), instead of training on error_reward."""

from __future__ import annotations

import httpx
import pytest

from r1verify import Recipe
from r1verify.guard import RunStopped

from ..test_guard import COMPLETION, JUDGE_DOWN


def test_openrlhf_reward_function_raises_and_serve_answers_503(serve_in_thread):
    from r1verify_openrlhf.reward_func import RewardFunction
    from r1verify_openrlhf.service import RewardService, close_shared_services

    recipe = Recipe.from_verifier_args([JUDGE_DOWN])
    queries = [COMPLETION] * 8
    try:
        with pytest.raises(RunStopped, match="llm_judge"):
            RewardFunction(recipe, workers=1)(queries, None, ["2"] * 8)
    finally:
        close_shared_services()
    url = serve_in_thread(RewardService(recipe, workers=1))
    assert httpx.get(url + "/health").status_code == 200
    reply = httpx.post(url + "/get_reward", json={"query": queries, "labels": ["2"] * 8}, timeout=60)
    assert reply.status_code == 503 and "run stopped" in reply.json()["error"]
    assert 'code="503"' in httpx.get(url + "/metrics").text
    health = httpx.get(url + "/health")  # no longer "ok" while every request is refused
    assert health.status_code == 503 and health.json()["status"] == "run stopped"
    assert "llm_judge" in health.json()["reason"]
