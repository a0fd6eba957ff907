"""reward_funcs(): names, weights, one engine call per batch, errors as values, logging, domain routing."""

from __future__ import annotations

import asyncio
import inspect
import math
import threading

import pytest
from r1verify_trl.batch import shared_batches
from r1verify_trl.inputs import Columns, build_samples
from trl.trainer.utils import get_callable_name, is_async_callable

from r1verify import Engine, Recipe, RecipeError, UnknownVerifierError

from .support import make_recipe

BATCH = {
    "prompts": ["What is 2+2?", "What is 2+2?", "Capital of France?", "Capital of France?"],
    "completions": ["<think>r</think>4", "<think>r</think>5", "<think>r</think>Paris", "Lyon"],
    "answer": ["4", "4", "Paris", "Paris"],
    "domain": ["math", "math", "general", "general"],
    "completion_ids": [[1], [2], [3], [4]],
}


@pytest.fixture
def engine_calls(monkeypatch):
    """Counts Engine.verify calls (the real method still runs)."""
    calls = []
    original = Engine.verify

    def counting(self, samples, **kwargs):
        calls.append(len(samples))
        return original(self, samples, **kwargs)

    monkeypatch.setattr(Engine, "verify", counting)
    return calls


def call_all(rf, logs=None, **batch):
    kwargs = {**BATCH, **batch, **(logs.kwargs() if logs else {})}
    return [f(**kwargs) for f in rf.funcs]


def test_one_function_per_verifier_with_its_name_and_weight(make_rf):
    recipe = make_recipe(
        accuracy={"verifier": "exact_match", "weight": 1.0}, bonus={"verifier": "const", "weight": 0.25}
    )
    rf = make_rf(recipe)
    assert [get_callable_name(f) for f in rf.funcs] == ["accuracy", "bonus"]  # what TRL logs them as
    assert rf.names == ["accuracy", "bonus"] and rf.weights == [1.0, 0.25]
    funcs, weights = rf  # unpacks as a pair
    assert funcs == rf.funcs and weights == rf.weights
    assert make_rf(recipe, prefix="r1/").names == ["r1/accuracy", "r1/bonus"]
    assert not any(is_async_callable(f) for f in rf.funcs)
    assert all(is_async_callable(f) for f in make_rf(recipe, asynchronous=True).funcs)


def test_configuration_errors_fail_when_the_functions_are_made(make_rf):
    with pytest.raises(UnknownVerifierError, match="no verifier named 'nope'"):
        make_rf(make_recipe(x={"verifier": "nope"}))
    with pytest.raises(RecipeError, match="unknown"):
        make_rf(make_recipe(x={"verifier": "exact_match", "options": {"delimter": "x"}}))
    with pytest.raises(ValueError, match="on_error"):
        make_rf(make_recipe(x={"verifier": "exact_match"}), on_error=float("nan"))
    with pytest.raises(TypeError, match="reference=COLUMN"):
        make_rf(make_recipe(x={"verifier": "exact_match"}), solution="answer")


def test_every_verifier_is_computed_in_one_engine_call_per_batch(make_rf, engine_calls):
    rf = make_rf(make_recipe(a={"verifier": "exact_match"}, b={"verifier": "echo"}, c={"verifier": "const"}))
    first = call_all(rf)
    assert engine_calls == [4]
    assert first[0] == [1.0, 0.0, 1.0, 0.0]  # exact_match on the text after </think>
    assert first[1] == [1.0, 0.0, 1.0, 0.0]  # echo: reference inside the completion ("Lyon" lacks it)
    assert first[2] == [1.0] * 4
    again = call_all(rf)  # the next step repeats the batch: computed again (the engine cache makes it cheap)
    assert engine_calls == [4, 4] and again == first
    call_all(rf, completions=["4"] * 4)
    assert engine_calls == [4, 4, 4]
    # equal content in other list objects (e.g. a trainer that copies its columns per function) is one batch too
    copies = [{key: list(value) for key, value in BATCH.items()} for _ in rf.funcs]
    assert [f(**batch) for f, batch in zip(rf.funcs, copies, strict=True)] == first
    assert engine_calls == [4, 4, 4, 4]


def test_async_functions_share_one_engine_call_when_run_concurrently(make_rf, engine_calls, logs):
    rf = make_rf(
        make_recipe(a={"verifier": "exact_match"}, b={"verifier": "echo"}, c={"verifier": "const"}), asynchronous=True
    )
    assert all(inspect.iscoroutinefunction(f.__call__) for f in rf.funcs)

    async def gather():
        kwargs = {**BATCH, **logs.kwargs()}
        return await asyncio.gather(*(f(**kwargs) for f in rf.funcs))

    results = asyncio.run(gather())
    assert engine_calls == [4]
    assert results[0] == [1.0, 0.0, 1.0, 0.0]
    assert logs.extra["a/status"] == ["correct", "wrong", "correct", "wrong"]  # logged once, not once per function


def test_threads_calling_at_once_share_one_engine_call(make_rf, engine_calls):
    rf = make_rf(make_recipe(**{f"v{i}": {"verifier": "const", "options": {"value": i}} for i in range(6)}))
    out: dict[str, list] = {}
    threads = [threading.Thread(target=lambda f=f: out.__setitem__(f.__name__, f(**BATCH))) for f in rf.funcs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert engine_calls == [4]
    assert out == {f"v{i}": [float(i)] * 4 for i in range(6)}


def test_the_weighted_sum_of_the_functions_is_the_recipe_reward(make_rf):
    recipe = make_recipe(
        accuracy={"verifier": "exact_match", "weight": 2.0, "requires": ["gate"]},
        gate={"verifier": "const", "weight": -0.25, "min_score": 0.5, "options": {"value": 0.4}},
        plain={"verifier": "exact_match", "weight": 0.5},
    )
    rf = make_rf(recipe)
    rows = list(zip(*call_all(rf), strict=True))
    assert rows[0] == (0.0, 0.4, 1.0)  # correct, but its gate is closed: the effective score is 0
    samples = build_samples(BATCH["prompts"], BATCH["completions"], {"answer": BATCH["answer"]}, Columns(), False)
    with Engine(recipe, workers=1) as engine:
        expected = [r.reward for r in engine.verify(samples)]
    got = [sum(w * s for w, s in zip(rf.weights, row, strict=True)) for row in rows]
    assert got == pytest.approx(expected)


def test_apply_weights_bakes_the_weights_in_for_trainers_without_reward_weights(make_rf):
    recipe = make_recipe(
        a={"verifier": "const", "weight": 3.0, "options": {"value": 0.5}}, b={"verifier": "exact_match", "weight": -1.0}
    )
    rf = make_rf(recipe, apply_weights=True)
    assert rf.weights == [1.0, 1.0]
    outputs = call_all(rf)
    assert outputs[0] == [1.5] * 4
    assert outputs[1] == [-1.0, -0.0, -1.0, -0.0]


def test_domain_routing_returns_none_where_a_verifier_does_not_apply(make_rf):
    # general rows have a verifier of their own as well
    recipe = make_recipe(math={"verifier": "exact_match", "domains": ["math"]},
                         text={"verifier": "const", "domains": ["general"]}, any={"verifier": "const"})
    math_scores, text_scores, any_scores = call_all(make_rf(recipe))
    assert math_scores == [1.0, 0.0, None, None] and text_scores == [None, None, 1.0, 1.0]
    assert any_scores == [1.0] * 4
    # domain=None: the column is ignored, samples have no domain and routed verifiers do not apply...
    assert call_all(make_rf(recipe, domain=None))[0] == [None] * 4
    # ...unless the recipe names a default domain
    defaulted = Recipe.from_dict(
        {"default_domain": "math", "verifiers": {"math": {"verifier": "exact_match", "domains": ["math"]}}}
    )
    assert call_all(make_rf(defaulted, domain=None))[0] == [1.0, 0.0, 1.0, 0.0]


def test_a_verifier_that_raises_gives_on_error_and_is_counted(make_rf, logs):
    recipe = make_recipe(boom={"verifier": "explode", "weight": 1.0}, ok={"verifier": "const"})
    boom, ok = call_all(make_rf(recipe), logs)
    assert boom == [0.0] * 4 and ok == [1.0] * 4  # the recipe's on_error (0.0)
    assert logs.metrics["r1verify/boom/errors"] == [4.0]
    assert logs.metrics["r1verify/ok/errors"] == [0.0]
    assert logs.extra["boom/status"] == ["error"] * 4
    assert call_all(make_rf(recipe, on_error=None))[0] == [None] * 4
    assert call_all(make_rf(recipe, on_error=-1))[0] == [-1.0] * 4


def test_a_verifier_that_hangs_times_out_and_is_counted(make_rf, logs):
    rf = make_rf(make_recipe(stuck={"verifier": "hang", "timeout": 0.5}, ok={"verifier": "const"}), on_error=None)
    stuck, ok = call_all(rf, logs)
    assert stuck == [None] * 4 and ok == [1.0] * 4
    assert logs.metrics["r1verify/stuck/timeouts"] == [4.0]
    assert logs.extra["stuck/status"] == ["timeout"] * 4


def test_a_mapped_column_missing_from_the_dataset_stops_training_at_the_first_batch(make_rf, logs):
    """Issue 23: this used to log a warning and train on reward 0; a setup mistake raises with the fix now."""
    from r1verify_trl.inputs import ColumnError

    rf = make_rf(make_recipe(a={"verifier": "exact_match"}, b={"verifier": "const"}), reference="gold")
    with pytest.raises(ColumnError, match=r"reference column 'gold' is not in the dataset.*reference=COLUMN"):
        call_all(rf, logs)  # there is no `gold` column


def test_logs_answers_and_statuses_once_per_batch(make_rf, logs):
    rf = make_rf(make_recipe(acc={"verifier": "exact_match"}, bonus={"verifier": "const"}))
    call_all(rf, logs)
    assert logs.extra == {
        "acc/status": ["correct", "wrong", "correct", "wrong"],
        "acc/answer": ["4", "5", "Paris", "Lyon"],
        "bonus/status": ["scored"] * 4,  # const reports no answer: no answer column
    }
    assert sorted(logs.metrics) == [f"r1verify/{n}/{k}" for n in ("acc", "bonus") for k in ("errors", "timeouts")]
    call_all(rf, logs)  # a second step with the same batch logs again, so the table stays aligned
    assert len(logs.extra["acc/status"]) == 8


def test_conversational_batches_with_a_prefilled_think(make_rf, logs):
    rf = make_rf(make_recipe(seen={"verifier": "echo"}), prefill_think=True)
    completions = [[{"role": "assistant", "content": "r</think>4"}]]
    prompts = [[{"role": "user", "content": "What is 2+2?"}]]
    (scores,) = call_all(
        rf, logs, prompts=prompts, completions=completions, answer=["4"], domain=["math"], completion_ids=[[1]]
    )
    assert scores == [1.0]
    assert logs.extra["seen/answer"] == ["<think>\nr</think>4"]


def test_dataset_columns_are_meta_and_trainer_kwargs_are_not(make_rf, logs):
    rf = make_rf(make_recipe(seen={"verifier": "echo"}))
    kwargs = {**BATCH, "level": [1, 2, 3, 4], **logs.kwargs()}
    results = rf.funcs[0]._group.results("seen", kwargs)
    details = results[0].verdicts["seen"].details
    assert details["meta"] == {"level": 1}  # not trainer_state, log_extra, completion_ids...
    assert (details["reference"], details["domain"]) == ("4", "math")


def test_scores_are_finite_numbers_or_none(make_rf):
    rf = make_rf(make_recipe(a={"verifier": "exact_match"}, b={"verifier": "explode"}), on_error=None)
    for values in call_all(rf):
        assert all(v is None or (isinstance(v, float) and math.isfinite(v)) for v in values)


def test_an_engine_that_breaks_costs_one_batch_and_the_next_batch_gets_a_new_one(make_rf, logs, caplog):
    rf = make_rf(make_recipe(acc={"verifier": "exact_match"}))
    (acc,) = rf.funcs
    assert acc(**BATCH) == [1.0, 0.0, 1.0, 0.0]
    state = shared_batches(acc._group.token, acc._group.recipe, acc._group.names, 1)
    state.engine().close()  # e.g. its processes were killed from outside
    assert acc(**BATCH, **logs.kwargs()) == [0.0] * 4  # the recipe's on_error, not an exception
    assert logs.metrics["r1verify/acc/errors"] == [4.0]
    assert "next batch starts a new engine" in caplog.text
    assert acc(**BATCH) == [1.0, 0.0, 1.0, 0.0]
