"""Path 3: the generated multi-turn agent file, run by OpenRLHF's own MultiTurnAgentExecutor."""

from __future__ import annotations

import asyncio
import itertools
import json

import pytest

from .openrlhf_harness import (
    FakeLLM,
    chat_prompt,
    chatml_tokenizer,
    load_agent_executor,
    sampling_params,
    to_experiences,
)

ADD_TESTS = [{"input": "1 2\n", "output": "3\n"}, {"input": "2 5\n", "output": "7\n"}]
WRONG_PROGRAM = "<think>subtract?</think>\n```python\na, b = map(int, input().split())\nprint(a - b)\n```"
RIGHT_PROGRAM = "<think>add.</think>\n```python\na, b = map(int, input().split())\nprint(a + b)\n```"


def agent_file(r1verify_cli, tmp_path, *args):
    out = tmp_path / "agent_func.py"
    result = r1verify_cli("openrlhf", "agent", "-o", out, "--workers", "1", *args)
    assert result.exit_code == 0, result.output
    assert "--train.agent_func_path" in result.stderr
    return out


def run_episode(executor, question, label, *responses, max_length=1024):
    llm = FakeLLM(*responses)
    prompt, label = chat_prompt(question, label)
    response = asyncio.run(executor.execute(prompt, label, sampling_params(), max_length, chatml_tokenizer(), llm))
    return response, llm


def feedback_texts(response, llm):
    """The environment feedback OpenRLHF appended between the model's turns, as text."""
    tokenizer = chatml_tokenizer()
    tokens = response["observation_tokens"]
    ranges = response["action_ranges"]
    return [
        tokenizer.decode(tokens[end:nxt], skip_special_tokens=False)
        for (_, end), (nxt, _) in itertools.pairwise(ranges)
    ]


def test_a_wrong_answer_gets_feedback_and_the_second_answer_is_rewarded(openrlhf, r1verify_cli, tmp_path):
    path = agent_file(r1verify_cli, tmp_path, "-v", "exact_match:required=true", "--max-turns", "3")
    executor = load_agent_executor(path)
    response, llm = run_episode(executor, "What is 6 * 7?", "42", "<think>6*7</think> 41", "<think>redo</think> 42")
    assert len(llm.prompts) == 2 and len(response["action_ranges"]) == 2
    assert response["reward"] == 1.0  # the sum of the per-turn changes = the last answer's reward
    assert response["scores"] == 1.0
    assert response["extra_logs"]["r1verify/turns"] == 2.0 and response["extra_logs"]["r1verify/exact_match"] == 1.0
    [feedback] = feedback_texts(response, llm)
    assert feedback.startswith("\n<|im_start|>user\nYour answer did not pass:")  # ChatML detected from the prompt
    assert feedback.endswith("<|im_end|>\n<|im_start|>assistant\n")
    assert "41" in feedback and "42" not in feedback  # the reference is never shown to the model
    # the second generation saw the whole conversation: prompt, first answer (with its end token), feedback
    assert llm.prompts[1] == response["observation_tokens"][: response["action_ranges"][1][0]]

    _, batch = to_experiences([response, response])
    assert batch.rewards.tolist() == [1.0, 1.0]
    assert batch.info["r1verify/turns"].tolist() == [2.0, 2.0]
    openrlhf.experience.split_experience_batch(batch)


def test_the_episode_stops_after_max_turns_with_the_last_answers_reward(openrlhf, r1verify_cli, tmp_path):
    path = agent_file(
        r1verify_cli,
        tmp_path,
        "-v",
        "exact_match:required=true",
        "-v",
        "exact_match:as=bonus,weight=0",
        "--max-turns",
        "2",
    )
    executor = load_agent_executor(path)
    response, llm = run_episode(executor, "What is 6 * 7?", "42", "42", "41", "42")
    assert len(llm.prompts) == 1 and response["reward"] == 1.0  # passed at once: no second turn
    response, llm = run_episode(executor, "What is 6 * 7?", "42", "40", "41", "42")
    assert len(llm.prompts) == 2 and response["reward"] == 0.0 and response["scores"] == 0.0
    keys = set(response["extra_logs"])
    assert keys == {
        "r1verify/exact_match",
        "r1verify/bonus",
        "r1verify/passed",
        "r1verify/timeout",
        "r1verify/error",
        "r1verify/turns",
    }


def test_an_unreadable_label_ends_the_episode_flagged_instead_of_confusing_the_model(openrlhf, r1verify_cli, tmp_path):
    path = agent_file(r1verify_cli, tmp_path, "-v", "exact_match", "--error-reward", "-0.5")
    executor = load_agent_executor(path)
    response, llm = run_episode(executor, "q", '{"reference": "1", "domain": 3}', "1", "1")
    assert len(llm.prompts) == 1
    assert response["reward"] == -0.5 and response["extra_logs"]["r1verify/error"] == 1.0


def test_the_agent_works_with_the_behave_recipe_and_a_hanging_verifier(openrlhf, r1verify_cli, tmp_path, behave_recipe):
    path = agent_file(r1verify_cli, tmp_path, "--recipe", behave_recipe, "--feedback", "plain")
    executor = load_agent_executor(path)
    response, llm = run_episode(executor, "q", "ok", "sleep", "ok")
    # a verifier timeout is an infrastructure failure: the episode ends there, flagged
    assert len(llm.prompts) == 1 and response["extra_logs"]["r1verify/timeout"] == 1.0
    response, llm = run_episode(executor, "q", "ok", "no", "ok")
    assert len(llm.prompts) == 2 and response["reward"] == 1.0
    assert feedback_texts(response, llm)[0].startswith("\n\nUser: Your answer did not pass:")


@pytest.mark.docker
def test_code_agent_runs_programs_in_the_sandbox_and_feeds_back_the_failing_test(
    openrlhf, r1verify_cli, tmp_path, docker_pool
):
    # backend/workers as the session's shared pool (tests/sandbox/fixtures.py), so its warm containers are reused
    code = "code:required=true,backend=docker,workers=2"
    path = agent_file(r1verify_cli, tmp_path, "-v", code, "--max-turns", "3")
    executor = load_agent_executor(path)
    label = json.dumps({"reference": ADD_TESTS, "domain": "code"})  # a dataset column holding JSON
    response, llm = run_episode(executor, "Read a and b, print a + b.", label, WRONG_PROGRAM, RIGHT_PROGRAM)
    [feedback] = feedback_texts(response, llm)
    assert "0/2 tests passed" in feedback and "expected '3\\n', got '-1\\n'" in feedback
    assert response["reward"] == 1.0 and response["extra_logs"]["r1verify/turns"] == 2.0
    assert response["extra_logs"]["r1verify/code"] == 1.0


def test_bad_agent_options_exit_2(r1verify_cli, tmp_path):
    result = r1verify_cli("openrlhf", "agent", "-v", "exact_match", "-o", tmp_path / "a.py", "--feedback", "xml")
    assert result.exit_code == 2 and "{feedback}" in result.stderr
    result = r1verify_cli("openrlhf", "agent", "-o", tmp_path / "a.py")
    assert result.exit_code == 2 and "give a recipe" in result.stderr
