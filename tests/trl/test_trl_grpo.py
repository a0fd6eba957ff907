"""The adapter in a real GRPOTrainer: a tiny Qwen2 model trained for 2 steps on CPU, no mocks."""

from __future__ import annotations

import math

import pytest
from r1verify_trl.tiny import tiny_math_rows, tiny_tokenizer

from r1verify import Engine, Sample

from .support import make_recipe, run_grpo, step_logs

pytestmark = pytest.mark.slow

PROMPT = "{problem}\nPut the final answer in \\boxed{{}}.\n<think>\n"  # the prompt opens the reasoning


@pytest.fixture(scope="session")
def tokenizer():
    return tiny_tokenizer()  # its chat template pre-fills <think> too


@pytest.fixture(scope="module")
def datasets_lib():
    import datasets

    return datasets


def standard_rows() -> list[dict]:
    return [
        {"prompt": PROMPT.format(problem=r["problem"]), "answer": r["answer"], "domain": ("math", "general")[i % 2]}
        for i, r in enumerate(tiny_math_rows()[:8])
    ]


def test_standard_dataset_logs_every_verifier_and_trl_applies_the_recipe_weights(
    make_rf, tokenizer, datasets_lib, tmp_path
):
    recipe = make_recipe(
        accuracy={"verifier": "exact_match", "weight": 1.0},
        seen={"verifier": "echo", "weight": 0.0},
        const_a={"verifier": "const", "weight": 0.5, "options": {"value": 1.0}},
        const_b={"verifier": "const", "weight": 2.0, "options": {"value": 0.25}},
        math_only={"verifier": "const", "weight": 3.0, "domains": ["math"], "options": {"value": 0.5}},
    )
    rows = standard_rows()
    rf = make_rf(recipe)
    trainer = run_grpo(rf, datasets_lib.Dataset.from_list(rows), tokenizer, str(tmp_path))

    logs = step_logs(trainer)
    assert len(logs) == 2
    for entry in logs:
        for name in rf.names:
            assert f"rewards/{name}/mean" in entry
            assert entry[f"r1verify/{name}/errors"] == 0.0
        assert entry["rewards/const_a/mean"] == 1.0 and entry["rewards/const_b/mean"] == 0.25
        # the mean over the rows it applies to (None when the batch drew only `general` prompts)
        assert entry["rewards/math_only/mean"] in (0.5, None)

    # the last batch, row by row: TRL's weighted sum is the recipe's reward, routed rows are NaN
    per_func = {name: list(trainer._logs["rewards"][name]) for name in rf.names}
    n = len(trainer._logs["completion"])
    assert n == 4
    by_prompt = {r["prompt"]: r for r in rows}
    samples = [
        Sample(completion=c, prompt=p, reference=by_prompt[p]["answer"], domain=by_prompt[p]["domain"])
        for p, c in zip(trainer._logs["prompt"], trainer._logs["completion"], strict=True)
    ]
    # the verifiers saw the completions as TRL decoded them (no prefill_think: nothing moved)
    assert list(trainer._logs["extra"]["seen/answer"]) == [s.completion for s in samples]
    with Engine(recipe, workers=1) as engine:
        expected = engine.verify(samples)
    for i, (sample, result) in enumerate(zip(samples, expected, strict=True)):
        for name in rf.names:
            got, want = per_func[name][i], result.scores[name]
            assert (math.isnan(got) and want is None) or got == pytest.approx(want), (name, i)
        assert math.isnan(per_func["math_only"][i]) == (sample.domain != "math")
    rewards = [
        sum(
            w * (per_func[name][i] if not math.isnan(per_func[name][i]) else 0.0)
            for name, w in zip(rf.names, rf.weights, strict=True)
        )
        for i in range(n)
    ]
    assert rewards == pytest.approx([r.reward for r in expected])
    assert logs[-1]["reward"] == pytest.approx(sum(rewards) / n, abs=1e-5)


def test_conversational_dataset_with_a_template_that_prefills_think_and_async_functions(
    make_rf, tokenizer, datasets_lib, tmp_path
):
    rows = [
        {"prompt": [{"role": "user", "content": r["problem"]}], "solution": r["answer"]} for r in tiny_math_rows()[:8]
    ]
    recipe = make_recipe(accuracy={"verifier": "exact_match", "weight": 1.0}, seen={"verifier": "echo", "weight": 0.5})
    rf = make_rf(recipe, prefill_think=True, asynchronous=True)
    trainer = run_grpo(rf, datasets_lib.Dataset.from_list(rows), tokenizer, str(tmp_path))

    logs = step_logs(trainer)
    assert len(logs) == 2 and trainer.state.global_step == 2
    assert all(f"rewards/{name}/mean" in entry for entry in logs for name in rf.names)
    completions = list(trainer._logs["completion"])
    assert all(isinstance(c, list) and c[0]["role"] == "assistant" for c in completions)
    # the template wrote <think> after the assistant header; the verifier saw it in front of the model's text
    assert list(trainer._logs["extra"]["seen/answer"]) == ["<think>\n" + c[0]["content"] for c in completions]
    assert set(trainer._logs["extra"]["accuracy/status"]) <= {"correct", "wrong", "no_answer", "format_error"}


def test_verifier_errors_and_timeouts_do_not_stop_training(make_rf, tokenizer, datasets_lib, tmp_path):
    recipe = make_recipe(
        boom={"verifier": "explode", "weight": 1.0},
        stuck={"verifier": "hang", "weight": 1.0, "timeout": 0.5},
        ok={"verifier": "const", "weight": 1.0, "options": {"value": 0.5}},
    )
    rf = make_rf(recipe, on_error=None)
    trainer = run_grpo(rf, datasets_lib.Dataset.from_list(standard_rows()), tokenizer, str(tmp_path))

    assert trainer.state.global_step == 2
    for entry in step_logs(trainer):
        assert entry["r1verify/boom/errors"] == 4.0 and entry["r1verify/stuck/timeouts"] == 4.0
        assert entry["r1verify/ok/errors"] == 0.0
        assert entry["rewards/boom/mean"] is None and entry["rewards/stuck/mean"] is None  # None: left out
        assert entry["rewards/ok/mean"] == 0.5 and entry["reward"] == 0.5
    assert set(trainer._logs["extra"]["boom/status"]) == {"error"}
