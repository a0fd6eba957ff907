"""Through r1verify: entry point, recipes, GRPO deduplication, pickling, the CLI, pathological inputs."""

from __future__ import annotations

import json
import pickle
import time

import pytest
from click.testing import CliRunner
from r1verify_math import MathVerifier

from r1verify import Engine, Recipe, Sample, Status
from r1verify.cli import cli
from r1verify.plugins import get_verifier_class

from .conftest import FAST_DEADLINE
from .math_support import think, verdict_of

PATHOLOGICAL = {
    "power tower": think("\\boxed{9^{9^{9^{9}}}}"),
    "huge polynomial": think("\\boxed{(x+1)^{2000}}"),
    "a megabyte of boxes": think("\\boxed{}" * 131_072),
    "a million factorial": think("\\boxed{1000000!}"),
    "braces nested 300 deep": think("\\boxed{" + "{" * 300 + "1" + "}" * 300 + "}"),
    "a megabyte of unclosed boxes": think("\\boxed{" * 150_000),
}


def test_registered_through_its_entry_point():
    assert get_verifier_class("math") is MathVerifier
    assert {"sympy", "math_verify"} <= set(MathVerifier.preload_modules)
    assert MathVerifier.placement == "pool"


def test_a_toml_recipe(tmp_path, math_engine):
    recipe = tmp_path / "r1.toml"
    recipe.write_text(
        "[verifiers.accuracy]\n"
        'verifier = "math"\n'
        "timeout = 2.5\n"
        'options = { delimiter = "<|end_of_thought|>", hedging = "last" }\n'
    )
    loaded = Recipe.load(recipe)
    verifier = loaded.build()[0][1]
    assert verifier.options.delimiter == "<|end_of_thought|>" and verifier.options.hedging == "last"
    assert loaded.specs[0].timeout == 2.5


def test_rewards_through_the_engine(math_engine):
    samples = [
        Sample(think("\\boxed{\\frac{1}{2}}"), reference="0.5", domain="r1"),
        Sample(think("\\boxed{2} or \\boxed{3}"), reference="2", domain="r1"),
        Sample("no reasoning tags: \\boxed{4}", reference="4", domain="r1"),
        Sample("no reasoning tags: \\boxed{4}", reference="4", domain="plain"),
        Sample(think("\\boxed{\\frac{1}{2006!}}"), reference="\\frac{1}{2004!}", domain="r1"),
        Sample(think("\\boxed{4}"), reference=None, domain="r1"),
    ]
    results = math_engine.verify(samples)
    statuses = [r.verdicts[s.domain].status for r, s in zip(results, samples, strict=True)]
    assert statuses == [
        Status.CORRECT,
        Status.WRONG,
        Status.FORMAT_ERROR,
        Status.CORRECT,
        Status.WRONG,
        Status.ERROR,
    ]
    assert [r.reward for r in results] == [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]


def test_a_grpo_group_with_one_final_answer_is_one_piece_of_work():
    verifier = MathVerifier()
    group = [Sample(think("\\boxed{42}", f"attempt {i}: 6*7"), reference="42") for i in range(8)]
    group.append(Sample(think("The answer is \\boxed{42}."), reference="#### 42"))  # same answer, same reference
    assert len({verifier.cache_key(s) for s in group}) == 1
    assert verifier.cache_key(group[0]) != verifier.cache_key(Sample(think("\\boxed{41}"), reference="42"))
    assert verifier.cache_key(group[0]) != verifier.cache_key(Sample(think("\\boxed{42}"), reference="43"))


def test_the_engine_verifies_a_group_once_and_fans_the_verdict_out(math_engine):
    group = [Sample(think("\\boxed{\\frac{7}{9}}", f"try {i}"), reference="7/9", domain="r1") for i in range(8)]
    results = math_engine.verify(group)
    assert {r.verdicts["r1"].status for r in results} == {Status.CORRECT}
    again = math_engine.verify(group[:1])[0].verdicts["r1"]
    assert again.details.get("cached") is True  # the cross-batch cache holds the one verdict


def test_pickles_only_its_options():
    verifier = MathVerifier(hedging="all_agree")
    verifier.verify(Sample(think("\\boxed{1}"), reference="1"))  # builds the reference cache
    clone = pickle.loads(pickle.dumps(verifier))
    assert clone == verifier and not hasattr(clone, "_gold_cache")
    assert clone.verify(Sample(think("\\boxed{1}"), reference="1")).status is Status.CORRECT


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_inputs_are_bounded_by_the_deadline(math_engine, name):
    started = time.monotonic()
    verdict = verdict_of(math_engine, Sample(PATHOLOGICAL[name], reference="1", domain="fast"))
    elapsed = time.monotonic() - started
    assert verdict.status in (Status.TIMEOUT, Status.WRONG, Status.NO_ANSWER), verdict.reason
    assert elapsed < FAST_DEADLINE + 2.0  # deadline + 0.5 s in the benchmark; generous here (shared CPU)


def test_the_engine_keeps_working_after_killing_a_worker(math_engine):
    stuck = Sample(PATHOLOGICAL["huge polynomial"], reference="1", domain="fast")  # a power tower is decided at once
    fine = Sample(think("\\boxed{\\sqrt{4}}"), reference="2", domain="fast")
    results = math_engine.verify([stuck, fine])
    assert results[0].verdicts["fast"].status is Status.TIMEOUT
    assert results[1].verdicts["fast"].status is Status.CORRECT


def test_the_cli_verifies_a_math_dataset(tmp_path):
    rows = [
        {"completion": "<think>6*7</think> \\boxed{42}", "solution": "42"},
        {"completion": "<think>6*7</think> \\boxed{41}", "solution": "So it is $\\boxed{42}$."},
        {"completion": "6*7 = 42\n#### 42", "solution": "Six sevens.\n#### 42"},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        cli,
        ["verify", str(src), "-v", "math:require_delimiter=false,timeout=3", "--out", str(out), "--workers", "1"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    scored = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["reward"] for r in scored] == [1.0, 0.0, 1.0]
    assert scored[1]["verdicts"]["math"]["status"] == "wrong"


def test_a_recipe_with_gates_and_weights(math_engine):
    recipe = Recipe.from_dict(
        {
            "verifiers": {
                "accuracy": {"verifier": "math", "weight": 2.0, "required": True},
                "plain": {"verifier": "math", "options": {"delimiter": ""}, "weight": 0.5},
            }
        }
    )
    with Engine(recipe, workers=1) as engine:
        result = engine.verify([Sample(think("\\boxed{3}"), reference="3")])[0]
    assert result.reward == 2.5 and result.passed
