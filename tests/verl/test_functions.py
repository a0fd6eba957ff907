"""compute_score / compute_score_batch: routing, the score dict, never raising, batching of concurrent calls."""

from __future__ import annotations

import json
import pickle
from concurrent.futures import ThreadPoolExecutor

import pytest

from r1verify_verl import compute_score, compute_score_batch, sample_from_verl
from r1verify_verl.routing import parse_domains
from r1verify_verl.scoring import Scorer

RIGHT = "<think>2 + 2 = 4</think> The answer is $\\boxed{4}$."
WRONG = "<think>2 + 2 = 5</think> The answer is $\\boxed{5}$."
PROGRAM = "<think>read two ints</think>\n```python\na, b = map(int, input().split())\nprint(a + b)\n```"
TESTS = json.dumps({"inputs": ["1 2\n", "5 5\n"], "outputs": ["3\n", "10\n"]})


def test_routing_by_data_source_extra_info_and_ability():
    assert sample_from_verl("openai/gsm8k", "x", "4").domain == "math"
    assert sample_from_verl("aime_2024", "x", "4").domain == "math"
    assert sample_from_verl("codecontests", "x", TESTS).domain == "code"
    assert sample_from_verl("mine", "x", "4").domain is None  # the recipe's default_domain decides
    assert sample_from_verl("mine", "x", "4", domains={"mine": "code"}).domain == "code"
    assert sample_from_verl("openai/gsm8k", "x", "4", {"domain": "code"}).domain == "code"  # extra_info wins
    assert sample_from_verl("mine", "x", "4", {"ability": "Code"}).domain == "code"
    assert parse_domains("a/b=code, c=math") == {"a/b": "code", "c": "math"}
    with pytest.raises(ValueError, match="SOURCE=DOMAIN"):
        parse_domains("a/b")


def test_sample_fields_from_numpy_values():
    np = pytest.importorskip("numpy")
    s = sample_from_verl(
        "x", "y", np.array(["1", "2"], dtype=object), {"index": np.int64(3), "question": "q?", "num_turns": 2}
    )
    assert s.reference == ["1", "2"] and s.meta == {"index": 3, "question": "q?", "data_source": "x"}
    assert s.prompt == "q?"
    flagged = sample_from_verl("x", "y", TESTS, {"ground_truth_json": True})
    assert flagged.reference["outputs"] == ["3\n", "10\n"]
    with pytest.raises(ValueError, match="flagged as JSON"):
        sample_from_verl("x", "y", "[1, 2", {"ground_truth_json": True})


def test_math_and_code_scores(recipe_path):
    kw = {"recipe": str(recipe_path)}
    right = compute_score("openai/gsm8k", RIGHT, "4", {"index": 0}, **kw)
    wrong = compute_score("openai/gsm8k", WRONG, "4", **kw)
    code = compute_score("codecontests", PROGRAM, TESTS, None, **kw)
    assert right["score"] == pytest.approx(1.2) and right["acc"] == 1.0 and right["accuracy_status"] == "correct"
    assert wrong["score"] == pytest.approx(0.2) and wrong["acc"] == 0.0 and wrong["accuracy_status"] == "wrong"
    assert code["code_status"] == "correct" and code["accuracy_status"] == "skipped" and code["accuracy"] is None
    assert set(right) == set(wrong) == set(code)  # veRL stacks every key across the batch
    assert right["error"] == wrong["error"] == code["error"] == ""


@pytest.mark.parametrize(
    "args",
    [
        ("openai/gsm8k", None, "4", None),
        ("openai/gsm8k", b"bytes", "4", None),
        ("openai/gsm8k", RIGHT, "4", "not a dict"),
        ("openai/gsm8k", RIGHT, "4", {"domain": 7}),
        ("codecontests", PROGRAM, "[1, 2", {"ground_truth_json": True}),
    ],
)
def test_bad_input_is_an_error_never_an_exception(recipe_path, args):
    out = compute_score(*args, recipe=str(recipe_path))
    assert out["score"] == -1.0  # the recipe's on_error
    assert out["acc"] == 0.0 and out["error"].startswith("bad input:")
    assert out["accuracy_status"] == "error"


def test_a_recipe_that_cannot_start_stops_the_run_with_the_fix():
    """Issue 23: a misspelled recipe scored every sample 0.0 with one error line each; it raises now."""
    with pytest.raises(ValueError, match="no-such-recipe.*reward_kwargs.recipe"):
        compute_score("openai/gsm8k", RIGHT, "4", recipe="no-such-recipe", on_error=-0.5)
    with pytest.raises(ValueError, match="no-such-recipe"):
        compute_score_batch(["a"], [RIGHT], ["4"], recipe="no-such-recipe")


def test_a_crashing_engine_is_every_rows_error(recipe_path, monkeypatch):
    from r1verify import Engine

    def boom(self, samples, **kw):
        raise RuntimeError("pool died")

    monkeypatch.setattr(Engine, "verify", boom)
    [out] = compute_score_batch(["openai/gsm8k"], [RIGHT], ["4"], recipe=str(recipe_path))
    assert out["score"] == -1.0 and "pool died" in out["error"] and out["format_status"] == "error"


def test_batch_lengths_and_order(recipe_path):
    outs = compute_score_batch(
        ["openai/gsm8k", "codecontests", "openai/gsm8k"], [RIGHT, PROGRAM, 42], ["4", TESTS, "4"],
        [{}, {}, {}], recipe=str(recipe_path),
    )
    assert [o["acc"] for o in outs] == [1.0, 1.0, 0.0] and outs[2]["error"].startswith("bad input")
    bad = compute_score_batch(["a"], [RIGHT, RIGHT], ["4", "4"], recipe=str(recipe_path))
    assert len(bad) == 2 and all("differ in length" in o["error"] for o in bad)


def test_concurrent_calls_share_engine_calls(recipe_path, monkeypatch):
    calls: list[int] = []
    real = Scorer.score

    def counting(self, items):
        calls.append(len(items))
        return real(self, items)

    monkeypatch.setattr(Scorer, "score", counting)
    with ThreadPoolExecutor(32) as pool:  # how veRL's reward loop runs a sync compute_score
        outs = list(pool.map(lambda i: compute_score("openai/gsm8k", RIGHT if i % 2 else WRONG, "4",
                                                     recipe=str(recipe_path)), range(64)))
    assert [o["acc"] for o in outs] == [float(i % 2) for i in range(64)]
    assert sum(calls) == 64 and len(calls) < 64


def test_entries_pickle():
    assert pickle.loads(pickle.dumps(compute_score)) is compute_score
    assert pickle.loads(pickle.dumps(compute_score_batch)) is compute_score_batch
