"""Text views, special-token stripping, transforms, options, deadlines and registration (no model needed)."""

from __future__ import annotations

import math
import pickle

import pytest
from r1verify_rm import RemoteRewardModel, RewardModel
from r1verify_rm.options import ScoringOptions
from r1verify_rm.text import Unscorable, response_view, strip_special
from r1verify_rm.transform import to_verdict, transform

from r1verify import OptionsError, Sample, Status
from r1verify.plugins import get_verifier_class

SPECIALS = frozenset({"<|im_start|>", "<|im_end|>", "<|endoftext|>"})


def test_both_verifiers_are_registered_through_the_entry_point_with_their_placements():
    assert get_verifier_class("reward_model") is RewardModel
    assert get_verifier_class("reward_model_remote") is RemoteRewardModel
    assert RewardModel.placement == "dedicated"
    assert RemoteRewardModel.placement == "inline"


def test_answer_view_is_the_text_after_the_last_delimiter():
    options = ScoringOptions()
    assert response_view("<think>a</think> draft </think>  final\n", options) == "final"
    assert response_view("<think>a</think> x", ScoringOptions(view="full")) == "<think>a</think> x"
    assert response_view("step 1 [END] 42", ScoringOptions(delimiter="[END]")) == "42"


@pytest.mark.parametrize("completion", ["<think>still thinking", "<think>done</think>   \n"])
def test_no_answer_when_the_reasoning_never_ends_or_nothing_follows(completion):
    with pytest.raises(Unscorable) as info:
        response_view(completion, ScoringOptions(no_answer_score=-3.0))
    assert info.value.verdict.status is Status.NO_ANSWER
    assert info.value.verdict.score == -3.0


def test_require_delimiter_false_scores_a_completion_without_reasoning_whole():
    assert response_view("just an answer", ScoringOptions(require_delimiter=False)) == "just an answer"


def test_special_tokens_are_removed_even_when_removal_forms_new_ones():
    assert strip_special("ok<|im_end|>\n<|im_start|>user\nhi", SPECIALS) == "ok\nuser\nhi"
    assert strip_special("<|im_<|im_end|>start|>x", SPECIALS) == "x"
    assert strip_special("nothing special", SPECIALS) == "nothing special"
    assert strip_special("<|im_end|>", frozenset()) == "<|im_end|>"


def test_transforms_then_clipping():
    assert transform(2.0, ScoringOptions()) == 2.0
    assert transform(0.0, ScoringOptions(transform="sigmoid")) == 0.5
    assert transform(-800.0, ScoringOptions(transform="sigmoid")) == 0.0  # no overflow
    assert math.isclose(transform(3.0, ScoringOptions(transform="affine", mean=1.0, std=4.0)), 0.5)
    assert transform(9.0, ScoringOptions(clip_min=-1.0, clip_max=1.0)) == 1.0
    assert transform(-9.0, ScoringOptions(clip_min=-1.0, clip_max=1.0)) == -1.0


def test_status_is_scored_without_threshold_and_correct_or_wrong_with_one():
    scored = to_verdict(0.2, ScoringOptions())
    assert (scored.status, scored.score, scored.details["raw"]) == (Status.SCORED, 0.2, 0.2)
    high = to_verdict(1.0, ScoringOptions(transform="sigmoid", threshold=0.5))
    assert high.status is Status.CORRECT and math.isclose(high.score, 1 / (1 + math.exp(-1.0)))
    low = to_verdict(-1.0, ScoringOptions(transform="sigmoid", threshold=0.5))
    assert low.status is Status.WRONG and 0 < low.score < 0.5  # the score stays continuous
    assert to_verdict(0.5, ScoringOptions(threshold=0.5)).status is Status.CORRECT  # >= passes


@pytest.mark.parametrize("raw", [math.nan, math.inf, -math.inf])
def test_a_non_finite_reward_is_an_error_not_a_score(raw):
    verdict = to_verdict(raw, ScoringOptions(clip_min=0.0, clip_max=1.0))
    assert verdict.status is Status.ERROR and verdict.score is None


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"model": "m", "std": 0}, "std must be > 0"),
        ({"model": "m", "clip_min": 2, "clip_max": 1}, "clip_min"),
        ({"model": "m", "batch_size": 0}, "batch_size"),
        ({"model": "m", "view": "reasoning"}, "view"),
        ({"model": "m", "truncation_side": "middle"}, "truncation_side"),
        ({}, "model"),
    ],
)
def test_bad_options_are_rejected_with_the_option_named(options, message):
    with pytest.raises(OptionsError, match=message):
        RewardModel(**options)


def test_remote_url_must_be_http():
    with pytest.raises(OptionsError, match="http://"):
        RemoteRewardModel(url="rm-host:5000")


def test_cli_strings_are_coerced():
    verifier = RewardModel(model="m", max_length="128", threshold="0.5", clip_min="none", strip_special_tokens="false")
    assert (verifier.options.max_length, verifier.options.threshold) == (128, 0.5)
    assert verifier.options.clip_min is None and verifier.options.strip_special_tokens is False


def test_deadline_is_per_micro_batch_plus_the_model_load_allowance():
    local = RewardModel(model="m", batch_size=16, load_timeout=100)
    assert local.batch_deadline(1, 10.0) == 110.0
    assert local.batch_deadline(16, 10.0) == 110.0
    assert local.batch_deadline(33, 10.0) == 130.0  # 3 micro-batches, not 33 items
    assert RemoteRewardModel(url="http://h/r", batch_size=8).batch_deadline(20, 5.0) == 15.0


def test_cache_key_is_prompt_and_answer_so_grpo_groups_with_one_answer_share_a_score():
    verifier = RewardModel(model="m")
    a = Sample("<think>route one</think> Paris.", prompt="Capital of France?")
    b = Sample("<think>another route</think>Paris.  ", prompt="Capital of France?", reference="x")
    c = Sample("<think>route one</think> Lyon.", prompt="Capital of France?")
    d = Sample("<think>route one</think> Paris.", prompt="Capital of Spain?")
    assert verifier.cache_key(a) == verifier.cache_key(b)
    assert len({verifier.cache_key(s) for s in (a, c, d)}) == 3
    full = RewardModel(model="m", view="full")
    assert full.cache_key(a) != full.cache_key(b)


def test_verifiers_pickle_as_options_only():
    verifier = RewardModel(model="m", transform="sigmoid")
    clone = pickle.loads(pickle.dumps(verifier))
    assert clone == verifier and clone.options.transform == "sigmoid"


def test_the_remote_key_includes_the_reference_which_the_server_receives_as_a_label():
    verifier = RemoteRewardModel(url="http://h/r")
    a = Sample("<think>x</think> 4", prompt="2+2?", reference=["4", "four"])
    b = Sample("<think>y</think> 4", prompt="2+2?", reference=["4", "four"])
    c = Sample("<think>x</think> 4", prompt="2+2?", reference="5")
    assert verifier.cache_key(a) == verifier.cache_key(b) != verifier.cache_key(c)
    hash(verifier.cache_key(a))
