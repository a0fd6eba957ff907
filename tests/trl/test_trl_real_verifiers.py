"""The adapter with the project's own verifiers (math, think_format, language), alone and in a real GRPOTrainer."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from r1verify_trl import reward_funcs
from r1verify_trl.tiny import tiny_math_rows, tiny_tokenizer

from r1verify import Engine, Recipe, Sample
from r1verify.plugins import verifiers

from .support import run_grpo, step_logs

NEEDED = {"math", "think_format", "language"}
pytestmark = pytest.mark.skipif(
    not NEEDED <= set(verifiers()), reason=f"needs the {', '.join(sorted(NEEDED))} verifiers installed"
)

RECIPE = Recipe.from_dict(
    {
        "verifiers": {
            "format": {"verifier": "think_format", "weight": 0.2},
            "accuracy": {"verifier": "math", "weight": 1.0, "domains": ["math"]},
            "language": {"verifier": "language", "weight": 0.1},
        }
    },
    name="r1",
)

ZH_PROMPT = "小明有3个苹果，又买了6个。他现在一共有几个苹果？请把最终答案写在方框里。\n<think>\n"
EN_PROMPT = "Tom has 3 apples and buys 6 more. How many apples does he have now? Box the final answer.\n<think>\n"
ROWS = [  # (prompt ending in the template's <think>, completion without it, reference)
    (EN_PROMPT, "He had 3 and bought 6 more, so he has 3 + 6 = 9 apples in total.</think>\nSo \\boxed{9}.", "9"),
    (EN_PROMPT, "He had 3 and bought 6 more, so he has 3 + 6 = 10 apples in total.</think>\n\\boxed{10}", "9"),
    (EN_PROMPT, "<think>Three plus six is nine apples in total for him.</think>\n\\boxed{9}", "9"),  # re-opened
    (EN_PROMPT, "Three plus six is nine apples, so the answer is \\boxed{9}.", "9"),  # never closed
    (ZH_PROMPT, "他原来有3个苹果，又买了6个苹果，所以一共有9个苹果。</think>\n\\boxed{9}", "9"),
    (ZH_PROMPT, "He had three apples and then bought six more apples, nine in total.</think>\n\\boxed{9}", "9"),
]


@pytest.fixture(scope="module")
def rf():
    funcs = reward_funcs(RECIPE, workers=2)
    yield funcs
    funcs.close()


def scores_by_row(rf, **batch) -> list[dict]:
    outputs = {f.__name__: f(**batch) for f in rf.funcs}
    return [{name: outputs[name][i] for name in outputs} for i in range(len(batch["completions"]))]


def test_the_adapter_gives_the_verdicts_the_engine_gives_the_raw_rows(rf):
    """Moving the template's <think> from the prompt into the completion (prefill_think) changes no verdict."""
    prompts, completions, answers = map(list, zip(*ROWS, strict=True))
    batch = {"prompts": prompts, "completions": completions, "answer": answers, "domain": ["math"] * len(ROWS)}
    with Engine(RECIPE, workers=1) as engine:
        raw = [Sample(completion=c, prompt=p, reference=a, domain="math") for p, c, a in ROWS]
        expected = [r.scores for r in engine.verify(raw)]
    moved = reward_funcs(RECIPE, workers=1, prefill_think=True)
    try:
        assert scores_by_row(moved, **batch) == expected
    finally:
        moved.close()
    got = scores_by_row(rf, **batch)
    assert got == expected
    assert [row["format"] for row in got] == [1.0, 1.0, 0.0, 0.0, 1.0, 1.0]
    assert [row["accuracy"] for row in got][:3] == [1.0, 0.0, 1.0]
    assert got[4]["language"] > 0.9  # Chinese question, Chinese reasoning
    assert got[5]["language"] < 0.1  # Chinese question, English reasoning


def test_conversational_prompts_need_prefill_think_when_the_template_adds_the_tag(rf):
    prompts = [[{"role": "user", "content": EN_PROMPT.removesuffix("\n<think>\n")}]] * 2
    completions = [[{"role": "assistant", "content": ROWS[0][1]}], [{"role": "assistant", "content": ROWS[2][1]}]]
    batch = {"prompts": prompts, "completions": completions, "answer": ["9", "9"], "domain": ["math", "math"]}
    prefilled = reward_funcs(RECIPE, workers=1, prefill_think=True)
    try:
        with_option = scores_by_row(prefilled, **batch)
    finally:
        prefilled.close()
    assert [row["format"] for row in with_option] == [1.0, 0.0]  # the second re-opens the tag
    assert [row["accuracy"] for row in with_option] == [1.0, 1.0]
    # without the option the verifiers cannot know the template opened the block
    assert [row["format"] for row in scores_by_row(rf, **batch)] == [0.0, 1.0]


def test_prefill_think_and_the_format_verifiers_prefilled_option_are_two_ways_to_say_the_same(rf):
    prompts = [[{"role": "user", "content": "Tom has 3 apples and buys 6 more. How many?"}]] * 3
    texts = [ROWS[0][1], ROWS[2][1], ROWS[3][1]]  # prefill-style, re-opened, never closed
    batch = {
        "prompts": prompts,
        "completions": [[{"role": "assistant", "content": t}] for t in texts],
        "answer": ["9"] * 3,
        "domain": ["math"] * 3,
    }
    told = Recipe.from_dict({"verifiers": {"format": {"verifier": "think_format", "options": {"prefilled": "yes"}}}})
    via_adapter = reward_funcs(RECIPE, workers=1, prefill_think=True)
    via_option = reward_funcs(told, workers=1)
    try:
        assert [r["format"] for r in scores_by_row(via_adapter, **batch)] == [1.0, 0.0, 0.0]
        assert [r["format"] for r in scores_by_row(via_option, **batch)] == [1.0, 0.0, 0.0]
    finally:
        via_adapter.close()
        via_option.close()
    with pytest.raises(ValueError, match="count twice"):
        reward_funcs(told, prefill_think=True)


@pytest.mark.slow
def test_real_verifiers_in_a_real_trainer_on_text_prompts(tmp_path):
    import datasets

    rows = [
        {"prompt": r["problem"] + "\n<think>\n", "answer": r["answer"], "domain": "math"} for r in tiny_math_rows()[:8]
    ]
    funcs = reward_funcs(RECIPE, workers=2)
    try:
        trainer = run_grpo(funcs, datasets.Dataset.from_list(rows), tiny_tokenizer(), str(tmp_path))
    finally:
        funcs.close()
    logs = step_logs(trainer)
    assert len(logs) == 2
    for entry in logs:
        for name in ("format", "accuracy", "language"):
            assert f"rewards/{name}/mean" in entry
            assert entry[f"r1verify/{name}/timeouts"] == 0.0
        assert entry["r1verify/format/errors"] == entry["r1verify/accuracy/errors"] == 0.0
    statuses = trainer._logs["extra"]
    assert len(statuses["format/status"]) == len(trainer._logs["completion"])
    # the tiny model writes noise: never a correct answer, never a crash
    assert set(statuses["accuracy/status"]) <= {"wrong", "no_answer", "format_error"}


@pytest.mark.slow
def test_the_example_script_trains_offline_on_chat_prompts(tmp_path):
    """examples/trl_grpo.py --tiny: conversational prompts, a template that pre-fills <think>, math + format."""
    path = Path(__file__).resolve().parents[2] / "examples" / "trl_grpo.py"
    spec = importlib.util.spec_from_file_location("trl_grpo_example", path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    summary = example.main(["--tiny", "--output-dir", str(tmp_path), "--max-completion-length", "8"])
    assert {"rewards/accuracy/mean", "rewards/format/mean", "reward", "r1verify/accuracy/errors"} <= set(summary)
    assert summary["r1verify/accuracy/errors"] == summary["r1verify/format/errors"] == 0.0


@pytest.mark.slow
@pytest.mark.docker
@pytest.mark.usefixtures("sandbox_image")
def test_code_and_math_routed_by_domain_in_a_real_trainer(tmp_path):
    """The code verifier (Docker sandbox) next to math: each row is scored by its domain's verifier only."""
    import json
    import math

    import datasets

    test = "def check(candidate):\n    assert candidate(2) == 4\n"
    rows = []
    for r in tiny_math_rows()[:4]:
        rows.append({"prompt": r["problem"] + "\n<think>\n", "answer": r["answer"], "domain": "math"})
        rows.append(
            {
                "prompt": "Write square(x).\n<think>\n",
                "answer": json.dumps({"test": test, "entry_point": "square"}),  # datasets keep tests as text
                "domain": "code",
            }
        )
    recipe = Recipe.from_dict(
        {
            "verifiers": {
                "accuracy": {"verifier": "math", "domains": ["math"]},
                "code": {"verifier": "code", "domains": ["code"], "options": {"backend": "docker"}},
            }
        }
    )
    funcs = reward_funcs(recipe, workers=2)
    try:
        trainer = run_grpo(funcs, datasets.Dataset.from_list(rows), tiny_tokenizer(), str(tmp_path))
    finally:
        funcs.close()
    for entry in step_logs(trainer):
        assert "rewards/code/mean" in entry and "rewards/accuracy/mean" in entry
        assert entry["r1verify/code/errors"] == entry["r1verify/code/timeouts"] == 0.0
    statuses = trainer._logs["extra"]
    # random noise has no fenced program: no_answer for code rows, math rows skip the code verifier
    assert set(statuses["code/status"]) <= {"no_answer", "skipped"} and "no_answer" in statuses["code/status"]
    assert not any(isinstance(v, float) and math.isnan(v) for v in statuses["code/status"])
