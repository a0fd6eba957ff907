"""Shaping functions at their boundaries, and the overlong / length / repetition verifiers around them."""

from __future__ import annotations

import math

import pytest
from r1verify_format import Length, Overlong, Repetition
from r1verify_format.shaping import cosine_length, kimi_length, repeated_fraction, soft_overlong

from r1verify import OptionsError, Sample, Status


# ---------------------------------------------------------------- DAPO soft overlong
@pytest.mark.parametrize(
    ("length", "expected"),
    [(0, 0.0), (80, 0.0), (81, -0.05), (90, -0.5), (99, -0.95), (100, -1.0), (101, -1.0), (10**9, -1.0)],
)
def test_soft_overlong_boundaries(length, expected):
    assert soft_overlong(length, max_length=100, cache_length=20) == pytest.approx(expected)


def test_soft_overlong_without_a_cache_is_a_hard_cut():
    assert soft_overlong(100, 100, 0) == 0.0
    assert soft_overlong(101, 100, 0) == -1.0


def test_overlong_verifier_counts_characters_and_says_so():
    v = Overlong(max_length=100, cache_length=20)
    verdict = v.verify(Sample("x" * 90))
    assert verdict.status is Status.SCORED and verdict.score == pytest.approx(-0.5)
    assert verdict.details["unit"] == "characters" and verdict.details["length"] == 90
    assert "soft zone" in verdict.reason
    assert v.verify(Sample("x" * 80)).score == 0.0
    assert v.verify(Sample("x" * 500)).score == -1.0
    assert Overlong(max_length=100).options.cache == 20  # DAPO's ratio by default


def test_overlong_can_measure_only_the_reasoning():
    v = Overlong(max_length=10, cache_length=0, part="reasoning")
    assert v.verify(Sample("<think>12345</think>" + "a" * 100)).score == 0.0
    assert (
        Overlong(max_length=10, cache_length=0, part="answer").verify(Sample("<think>1</think>" + "a" * 11)).score
        == -1.0
    )


@pytest.mark.parametrize(
    "bad", [{}, {"max_length": 0}, {"max_length": 10, "cache_length": 11}, {"max_length": 10, "cache_length": -2}]
)
def test_overlong_rejects_bad_options(bad):
    with pytest.raises(OptionsError):
        Overlong(**bad)


# ---------------------------------------------------------------- Kimi length reward
@pytest.mark.parametrize(
    ("length", "correct", "expected"),
    [
        (0, True, 0.5), (50, True, 0.0), (100, True, -0.5), (25, True, 0.25),
        (0, False, 0.0), (50, False, 0.0), (75, False, -0.25), (100, False, -0.5),
        (1000, True, -0.5), (1000, False, -0.5),  # clamped: never below -0.5
    ],
)  # fmt: skip
def test_kimi_length_boundaries(length, correct, expected):
    assert kimi_length(length, 0, 100, correct) == pytest.approx(expected)


def test_kimi_length_below_min_is_clamped():
    assert kimi_length(5, 10, 110, True) == 0.5


# ---------------------------------------------------------------- cosine length reward
VALUES = {"min_value_correct": 0.5, "max_value_correct": 1.0, "min_value_wrong": -1.0, "max_value_wrong": -0.5}


@pytest.mark.parametrize(
    ("length", "correct", "expected"),
    [(0, True, 1.0), (50, True, 0.75), (100, True, 0.5), (0, False, -1.0), (50, False, -0.75), (100, False, -0.5)],
)
def test_cosine_length_boundaries(length, correct, expected):
    assert cosine_length(length, 100, correct, **VALUES) == pytest.approx(expected)


def test_cosine_length_past_max_stays_at_the_end_value():
    # open-r1 computes cos(progress * pi) with progress > 1, so a 2x-too-long correct answer gets 1.0 again
    assert cosine_length(200, 100, True, **VALUES) == 0.5
    assert 0.5 + 0.5 * 0.5 * (1 + math.cos(2 * math.pi)) == 1.0  # what open-r1 would give
    assert cosine_length(200, 100, False, **VALUES) == -0.5


def test_length_verifier_reference_correctness():
    v = Length(max_length=100)
    right = v.verify(Sample("<think>" + "a" * 20 + "</think> \\boxed{42}", reference="42"))
    assert right.status is Status.SCORED and right.details["correct"] is True
    assert right.score == pytest.approx(0.5 - len("<think>" + "a" * 20 + "</think> \\boxed{42}") / 100)
    wrong = v.verify(Sample("<think>a</think> 41", reference="42"))
    assert wrong.details["correct"] is False and wrong.score == 0.0  # short wrong answers get no bonus
    assert v.verify(Sample("<think>" + "a" * 200 + "</think>41", reference="42")).score == -0.5
    assert v.verify(Sample("<think>a</think><answer> $42$. </answer>", reference=["41", "\\boxed{42}"])).details[
        "correct"
    ]


def test_length_reference_match_is_not_a_loophole():
    v = Length(max_length=100)
    assert not v.verify(Sample("<think>a</think>", reference="")).details["correct"]  # empty matches nothing
    assert not v.verify(Sample("<think>a</think> 42 or 43", reference="42")).details["correct"]
    assert not v.verify(Sample("42", reference="4")).details["correct"]


def test_length_meta_correctness():
    v = Length(max_length=100, correctness="meta")
    for value, correct in [(True, True), (0, False), ("correct", True), ("format_error", False),
                           ({"status": "wrong", "score": 0.0}, False)]:  # fmt: skip
        assert v.verify(Sample("x" * 10, meta={"correct": value})).details["correct"] is correct
    missing = v.verify(Sample("x"))
    assert missing.status is Status.ERROR and "meta has no 'correct'" in missing.reason
    assert v.verify(Sample("x", meta={"correct": 0.7})).status is Status.ERROR
    assert v.verify(Sample("x", meta={"correct": "timeout"})).status is Status.ERROR


def test_length_verifier_correctness_from_another_verifier():
    v = Length(max_length=100, correctness="verifier", judge="exact_match", judge_options={"delimiter": "</think>"})
    assert v.verify(Sample("<think>a</think>42", reference="42")).details["correct"] is True
    assert v.verify(Sample("<think>a</think>41", reference="42")).details["correct"] is False
    failed = v.verify(Sample("<think>a</think>41"))  # exact_match errors without a reference
    assert failed.status is Status.ERROR and "could not decide" in failed.reason


def test_length_cosine_mode_and_bad_options():
    v = Length(mode="cosine", max_length=100)
    assert v.verify(Sample("x" * 100, reference="y")).score == pytest.approx(-0.5)
    assert Length(mode="cosine", max_length=100).verify(Sample("", reference="")).status is Status.SCORED
    for bad in ({}, {"max_length": 10, "min_length": 10}, {"max_length": 10, "min_value_correct": 2.0}):
        with pytest.raises(OptionsError):
            Length(**bad)
    with pytest.raises(OptionsError):
        Length(max_length=10, correctness="vibes")


def test_length_without_reference_is_an_error_not_a_guess():
    verdict = Length(max_length=10).verify(Sample("4"))
    assert verdict.status is Status.ERROR and "no reference" in verdict.reason and verdict.score is None


# ---------------------------------------------------------------- repetition
def test_repeated_fraction_boundaries():
    assert repeated_fraction([], 3) == (0.0, 0, 0)
    assert repeated_fraction(["a", "b"], 3) == (0.0, 0, 0)
    assert repeated_fraction(["a", "b", "c"], 3) == (0.0, 1, 1)
    assert repeated_fraction(["a"] * 10, 3) == (pytest.approx(1 - 1 / 8), 8, 1)
    assert repeated_fraction(list("abcabc"), 3) == (pytest.approx(1 - 3 / 4), 4, 3)


def test_repetition_matches_openr1_on_words():
    # open-r1's get_repetition_penalty_reward(ngram_size=2, max_penalty=-1.0)
    v = Repetition(ngram_size=2, unit="word")
    assert v.verify(Sample("this is a test sentence")).score == 0.0
    assert v.verify(Sample("this this this this")).score == pytest.approx(-(1 - 1 / 3))
    assert v.verify(Sample("")).score == 0.0
    assert v.verify(Sample("word")).score == 0.0
    assert v.verify(Sample("this is this is this is")).score == pytest.approx(-(1 - 2 / 5))


def test_repetition_sees_chinese_without_a_segmenter():
    fresh = "小明有三个苹果，妈妈又给了他两个梨，现在他一共有几个水果？"
    loop = "所以答案是五。" * 30
    by_words = Repetition(unit="word")
    assert by_words.verify(Sample(loop)).score == 0.0  # one "word": whitespace splitting sees nothing
    auto = Repetition()
    assert auto.verify(Sample(fresh)).score == 0.0
    assert auto.verify(Sample(loop)).score < -0.9
    assert auto.verify(Sample(loop)).details["ngrams"] == len(loop) - 2
    mixed = Repetition().verify(Sample("The answer is 5。答案是5。" * 20))
    assert mixed.score < -0.8


def test_repetition_is_bounded_by_max_penalty():
    v = Repetition(max_penalty=-0.5)
    assert v.verify(Sample("a " * 1000)).score == pytest.approx(-0.5 * (1 - 1 / 998))
    with pytest.raises(OptionsError):
        Repetition(max_penalty=0.5)
    with pytest.raises(OptionsError):
        Repetition(ngram_size=0)
    with pytest.raises(OptionsError):
        Repetition(unit="token")  # needs a tokenizer


# ---------------------------------------------------------------- tokens
@pytest.fixture(scope="module")
def tokenizer_file(tmp_path_factory):
    """A tiny word-level tokenizer built offline: one token per whitespace-separated word."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    words = ["<unk>", "the", "answer", "is", "4", "<think>", "</think>", "so"]
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    path = tmp_path_factory.mktemp("tok") / "tokenizer.json"
    tok.save(str(path))
    return path


def test_lengths_in_tokens_with_a_tokenizer_file(tokenizer_file):
    v = Overlong(max_length=4, cache_length=0, tokenizer=str(tokenizer_file))
    verdict = v.verify(Sample("the answer is 4"))
    assert verdict.details == {**verdict.details, "unit": "tokens", "length": 4}
    assert verdict.score == 0.0
    assert v.verify(Sample("the answer is so 4")).score == -1.0  # 5 tokens, although 18 characters
    assert (
        Overlong(max_length=4, cache_length=0, tokenizer=str(tokenizer_file.parent)).verify(Sample("a b c d e")).score
        == -1.0
    )


def test_repetition_over_token_ids(tokenizer_file):
    v = Repetition(unit="token", tokenizer=str(tokenizer_file), ngram_size=2)
    verdict = v.verify(Sample("so so so so so"))
    assert verdict.score == pytest.approx(-(1 - 1 / 4))


def test_a_missing_tokenizer_is_an_error_that_names_the_fix(tmp_path):
    verdict_or_exc = None
    v = Overlong(max_length=4, tokenizer=str(tmp_path / "nope.json"))
    with pytest.raises(FileNotFoundError, match="tokenizer.json file or a local tokenizer directory"):
        verdict_or_exc = v.verify(Sample("x"))
    assert verdict_or_exc is None


def test_lengths_in_tokens_with_a_transformers_tokenizer_directory(tmp_path):
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.WordLevel({"<unk>": 0, "the": 1, "answer": 2}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>").save_pretrained(tmp_path)
    verdict = Overlong(max_length=3, cache_length=0, tokenizer=str(tmp_path)).verify(Sample("the answer is 4"))
    assert verdict.details["unit"] == "tokens" and verdict.details["length"] == 4 and verdict.score == -1.0
