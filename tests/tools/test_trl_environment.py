"""The TRL environment in TRL's real GRPOTrainer: a tiny Qwen2 model, 2 steps on CPU, tool calls run in sandbox
sessions. Generation is scripted (the random tiny model never writes a tool call): the model's ``generate``
writes a ``python`` tool call on the first turn and a boxed answer after the tool's result; the forward and
backward passes are the real model's."""

from __future__ import annotations

import json
import pickle

import pytest
from r1verify_sandbox import SandboxConfig, SessionLimits, shared_session_pool

pytest.importorskip("trl")
torch = pytest.importorskip("torch")

from r1verify_trl.tools import PythonToolEnv, python_environment

LOCAL = SandboxConfig(backend="local")
CODE = "x = 6 * 7\nprint('x is', x)"


def test_the_tool_keeps_state_and_shaping_counts_failed_calls():
    env = PythonToolEnv(config=LOCAL, failed_call_penalty=0.5, budget_penalty=1.0,
                        limits=SessionLimits(max_calls=3), max_sessions=4, warm=1)
    env.reset(answer="42")
    pool = shared_session_pool(LOCAL, max_sessions=4, warm=1)
    assert pool.open_sessions == 0  # opened at the first call
    assert env.python(code="x = 40") == "[no output]"
    assert pool.open_sessions == 1
    assert env.python(code="x + 2") == "Out: 42"
    assert "ZeroDivisionError" in env.python(code="1/0")
    assert "budget is spent" in env.python(code="1")
    assert env.get_reward() == -1.5 and env.row == {"answer": "42"}
    assert pool.open_sessions == 0  # get_reward() ends the rollout: the container goes back at once
    assert [c["status"] for c in env.calls] == ["ok", "ok", "error", "budget_spent"]
    env.reset(answer="7")  # a fresh session: no state, no penalties
    assert "NameError" in env.python(code="x") and env.get_reward() == -0.5
    clone = pickle.loads(pickle.dumps(env))
    assert "NameError" in clone.python(code="x")  # a copy never shares the original's session
    clone._close()
    assert pickle.loads(pickle.dumps(python_environment(config=LOCAL)))().get_reward() == 0.0


def _scripted_model(tokenizer, code: str = CODE):
    """The tiny model, whose ``generate`` writes a tool call first and a boxed answer after a tool result."""
    from r1verify_trl.tiny import tiny_model

    model = tiny_model(tokenizer)
    model.config.max_position_embeddings = 8192  # byte-level tokens: the tool schema alone is ~1000 of them
    call = "<tool_call>\n" + json.dumps({"name": "python", "arguments": {"code": code}}) + "\n</tool_call>"

    def generate(input_ids=None, attention_mask=None, **_kwargs):
        rows = []
        for ids in input_ids:
            prompt = tokenizer.decode(ids, skip_special_tokens=False)
            reply = "<think>the tool printed 42</think>The answer is \\boxed{42}" if "<tool_response>" in prompt else call
            rows.append(tokenizer.encode(reply + "<|im_end|>", add_special_tokens=False))
        width = max(map(len, rows))
        pad = tokenizer.pad_token_id
        tail = torch.tensor([r + [pad] * (width - len(r)) for r in rows], dtype=input_ids.dtype)
        return torch.cat([input_ids, tail], dim=1)

    model.generate = generate
    return model


@pytest.mark.timeout(180)
def test_two_grpo_steps_with_python_tool_calls_and_a_trajectory_reward(tmp_path):
    """The docs' worked example: the recipe grades the final answer (math accuracy), get_reward() takes 0.1 off
    per failed call. Each rollout's first call prints 42 and then raises, so every rollout scores 1.0 - 0.1."""
    import datasets
    from r1verify import Recipe
    from r1verify_trl import grpo_config, reward_funcs
    from r1verify_trl.tiny import tiny_tokenizer
    from trl import GRPOTrainer
    from trl.chat_template_utils import qwen3_chat_template

    tokenizer = tiny_tokenizer(chat_template=qwen3_chat_template)
    made: list[PythonToolEnv] = []

    def factory() -> PythonToolEnv:
        made.append(PythonToolEnv(config=LOCAL, failed_call_penalty=0.1, max_sessions=8, warm=2))
        return made[-1]

    seen: list[list] = []

    def record_calls(completions, environments, **_kwargs):
        seen.append([e.calls for e in environments])
        return [0.0] * len(completions)

    recipe = Recipe.from_dict({"verifiers": {"accuracy": {"verifier": "math", "required": True}}}, name="math_tir")
    rf = reward_funcs(recipe, workers=1)
    rows = [{"prompt": [{"role": "user", "content": f"What is 6 * 7? ({i})"}], "answer": "42"} for i in range(4)]
    trainer = GRPOTrainer(
        model=_scripted_model(tokenizer, CODE + "\n1 / 0"),
        processing_class=tokenizer,
        reward_funcs=[*rf.funcs, record_calls],
        train_dataset=datasets.Dataset.from_list(rows),
        environment_factory=factory,
        args=grpo_config(
            output_dir=str(tmp_path), use_cpu=True, bf16=False, report_to="none", max_steps=2,
            per_device_train_batch_size=4, num_generations=2, max_completion_length=1024, logging_steps=1,
            save_strategy="no", log_completions=False, disable_tqdm=True, seed=0,
            reward_weights=[*rf.weights, 0.0],  # the recipe's, record_calls; TRL gives get_reward() weight 1
        ),
    )
    try:
        trainer.train()
    finally:
        rf.close()
    steps = [h for h in trainer.state.log_history if "reward" in h]
    assert len(steps) == 2
    for h in steps:
        assert h["rewards/accuracy/mean"] == 1.0 and h["rewards/PythonToolEnv/mean"] == pytest.approx(-0.1), h
        assert h["reward"] == pytest.approx(0.9) and h["tools/call_frequency"] > 0, h
    calls = [c for batch in seen for rollout in batch for c in rollout]
    assert calls and all(c["status"] == "error" and c["stdout"] == "x is 42\n" for c in calls)
    assert all(c["exception"]["type"] == "ZeroDivisionError" for c in calls)
    for env in made:
        env._close()
