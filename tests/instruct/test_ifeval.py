"""The ifeval verifier: partial credit, what is graded, errors that are never `wrong`, and reward hacks."""

from __future__ import annotations

import json
import pickle

import pytest

from r1verify import Engine, Recipe, Sample, Status
from r1verify_instruct import IFEval

KEYWORDS = ["keywords:existence"]


def verdict(completion, ids, kwargs, *, prompt="Write something.", **options):
    sample = Sample(completion, prompt=prompt, meta={"instruction_id_list": ids, "kwargs": kwargs})
    return IFEval(**options).verify(sample)


def test_partial_credit_is_the_fraction_followed_with_failed_ids_and_what_they_asked():
    v = verdict(
        "<think>plan</think> correlated and experiencing, no commas here",
        ["keywords:existence", "punctuation:no_comma", "length_constraints:number_words"],
        [{"keywords": ["correlated", "experiencing"]}, {}, {"relation": "at least", "num_words": 300}],
    )
    assert v.status is Status.PARTIAL and v.score == pytest.approx(1 / 3)
    assert v.details["followed"] == ["keywords:existence"]
    assert [f["id"] for f in v.details["failed"]] == ["punctuation:no_comma", "length_constraints:number_words"]
    assert "at least 300 words" in v.details["failed"][1]["instruction"]
    assert "1/3 instructions followed (strict)" in v.reason and "punctuation:no_comma" in v.reason


def test_all_followed_is_correct_and_none_is_wrong():
    assert verdict("<think>x</think> correlated", KEYWORDS, [{"keywords": ["correlated"]}]).status is Status.CORRECT
    v = verdict("<think>x</think> nothing", KEYWORDS, [{"keywords": ["correlated"]}])
    assert v.status is Status.WRONG and v.score == 0.0


def test_keywords_only_in_the_reasoning_do_not_count():
    """Hack: satisfy the keyword check inside <think> and answer without them."""
    completion = "<think>I must use correlated and experiencing.</think> Here is my email."
    assert verdict(completion, KEYWORDS, [{"keywords": ["correlated", "experiencing"]}]).status is Status.WRONG
    # part=completion (opt-in) grades the reasoning too
    graded_all = verdict(completion, KEYWORDS, [{"keywords": ["correlated", "experiencing"]}], part="completion")
    assert graded_all.status is Status.CORRECT


def test_a_keyword_list_that_says_nothing_follows_only_the_keyword_instruction():
    """Hack: list every keyword. The keyword instruction is literally followed (docs/instruct.md); any length or
    content instruction next to it is not."""
    v = verdict(
        "<think>x</think> correlated experiencing",
        ["keywords:existence", "length_constraints:number_words"],
        [{"keywords": ["correlated", "experiencing"]}, {"relation": "at least", "num_words": 300}],
    )
    assert v.status is Status.PARTIAL and v.score == 0.5


def test_a_one_word_all_caps_answer_is_not_english_for_the_checker():
    """Hack: one capitalised word for "answer in English, all capital letters": langdetect (seeded) does not call
    it English, so change_case:english_capital fails."""
    v = verdict("<think>x</think> HELLO", ["change_case:english_capital"], [{}])
    assert v.status is Status.WRONG


def test_unclosed_reasoning_and_empty_answers_are_no_answer():
    v = verdict("<think>correlated forever", KEYWORDS, [{"keywords": ["correlated"]}])
    assert v.status is Status.NO_ANSWER and "never closed" in v.reason
    assert verdict("<think>x</think>  \n", KEYWORDS, [{"keywords": ["a"]}]).status is Status.NO_ANSWER


def test_without_a_reasoning_block_the_whole_completion_is_the_answer():
    v = verdict("correlated", KEYWORDS, [{"keywords": ["correlated"]}])
    assert v.status is Status.CORRECT and "no reasoning block" in v.details["graded"]


def test_templates_say_where_the_answer_is():
    completion = "correlated is in the reasoning</think> answer"  # qwen3: the prompt ends with <think>
    v = verdict(completion, KEYWORDS, [{"keywords": ["correlated"]}], template="qwen3")
    assert v.status is Status.WRONG


@pytest.mark.parametrize(
    ("ids", "kwargs", "needle"),
    [
        (["keywords:nope"], [{}], "unknown instruction id 'keywords:nope'"),
        (KEYWORDS, [{"keywords": ["a"], "foo": 1}], "unexpected kwargs foo"),
        (KEYWORDS, [{}], "lacks kwargs keywords"),
        (KEYWORDS, [{"keywords": ["a"]}, {}], "1 instruction ids but 2 kwargs"),
        (["length_constraints:number_words"], [{"relation": "sort of", "num_words": 3}], "sort of"),
        (["keywords:letter_frequency"], [{"letter": "#", "let_frequency": 2, "let_relation": "at least"}], "'#'"),
        ([], [], "no instruction ids"),
        ("keywords:existence", [{}], "must be a list of instruction ids"),
    ],
)
def test_rows_that_cannot_be_checked_are_errors_naming_the_problem(ids, kwargs, needle):
    v = verdict("<think>x</think> a", ids, kwargs)
    assert v.status is Status.ERROR and v.score is None
    assert needle in v.reason


def test_start_verb_is_graded_with_the_packaged_tagger():
    assert verdict("<think>x</think> Write a poem about the sea.", ["words:start_verb"], [{}]).status is Status.CORRECT
    assert verdict("<think>x</think> The sea is calm.", ["words:start_verb"], [{}]).status is Status.WRONG


def test_missing_pos_tagger_is_an_error_not_wrong(monkeypatch):
    from r1verify_instruct import checkers, nltk_data

    def missing() -> None:
        raise LookupError("the textblob-aptagger package is not installed")

    monkeypatch.setattr(nltk_data, "configure_tagger", missing)
    checkers._tagger.cache_clear()
    try:
        v = verdict("<think>x</think> Write a poem.", ["words:start_verb"], [{}])
    finally:
        checkers._tagger.cache_clear()
    assert v.status is Status.ERROR and "averaged_perceptron_tagger_eng" in v.reason
    assert "textblob-aptagger package is not installed" in v.reason


def test_none_kwargs_are_dropped_as_in_the_benchmark_files():
    kwargs = [{"keywords": ["a"], "num_words": None, "relation": None}]
    assert verdict("<think>x</think> a", KEYWORDS, kwargs).status is Status.CORRECT


def test_reference_object_json_text_and_chat_prompts():
    reference = json.dumps({"instruction_id_list": KEYWORDS, "kwargs": [{"keywords": ["tea"]}]})
    chat = [{"role": "system", "content": "s"}, {"role": "user", "content": "Mention tea."}]
    sample = Sample("<think>x</think> tea please", prompt=chat, reference=reference)
    assert IFEval().verify(sample).status is Status.CORRECT
    sample = Sample("<think>x</think> tea", meta={"ids": KEYWORDS, "kw": json.dumps([{"keywords": ["tea"]}])})
    assert IFEval(ids_key="ids", kwargs_key="kw").verify(sample).status is Status.CORRECT


def test_the_prompt_reaches_instructions_that_need_it():
    prompt = "Say hi. First repeat the request word for word without change, then give your answer"
    kwargs = [{"prompt_to_repeat": "Say hi."}]
    assert verdict("<think>x</think>Say hi. Hi!", ["combination:repeat_prompt"], kwargs, prompt=prompt).score == 1.0
    assert verdict("<think>x</think>Hi!", ["combination:repeat_prompt"], kwargs, prompt=prompt).score == 0.0


def test_verifier_pickles_and_cache_key_covers_answer_and_row():
    v = IFEval(mode="loose")
    clone = pickle.loads(pickle.dumps(v))
    assert clone == v and clone.options.mode == "loose"
    a = Sample("<think>1</think> tea", meta={"instruction_id_list": KEYWORDS, "kwargs": [{"keywords": ["tea"]}]})
    b = Sample("<think>2</think> tea", meta={"instruction_id_list": KEYWORDS, "kwargs": [{"keywords": ["tea"]}]})
    c = Sample("<think>2</think> tea", meta={"instruction_id_list": KEYWORDS, "kwargs": [{"keywords": ["te"]}]})
    assert v.cache_key(a) == v.cache_key(b) != v.cache_key(c)


def test_through_the_engine_with_a_deadline(ifbench_rows):
    rows = ifbench_rows[:40]
    samples = [Sample(f"<think>plan</think>{r['response']}", prompt=r["prompt"], meta=r) for r in rows]
    samples.append(Sample("<think>x</think> a", meta={"instruction_id_list": ["nope:nope"], "kwargs": [{}]}))
    recipe = Recipe.from_verifier_args(["ifeval:mode=loose"])
    with Engine(recipe, workers=2) as engine:
        results = engine.verify(samples)
    statuses = [r.verdicts["ifeval"].status for r in results]
    assert statuses[-1] is Status.ERROR and "nope:nope" in results[-1].verdicts["ifeval"].reason
    assert all(s in (Status.CORRECT, Status.PARTIAL, Status.WRONG) for s in statuses[:-1])
    direct = IFEval(mode="loose")
    assert [r.verdicts["ifeval"].score for r in results[:-1]] == [direct.verify(s).score for s in samples[:-1]]


def test_rows_without_instructions_can_be_skipped():
    plain = Sample("<think>x</think> hello")
    assert IFEval().verify(plain).status is Status.ERROR
    assert IFEval(no_instructions="skip").verify(plain).status is Status.SKIPPED
    empty = Sample("<think>x</think> hello", meta={"instruction_id_list": [], "kwargs": []})
    assert IFEval(no_instructions="skip").verify(empty).status is Status.SKIPPED
