"""think_format: every rule of the strict R1 template, with prefilled and custom-tag variants."""

from __future__ import annotations

import pickle

import pytest
from r1verify_format import ThinkFormat

from r1verify import OptionsError, Sample, Status

GOOD = "<think>\nLet me add 2 and 2.\n</think>\nThe answer is 4."


def check(completion: str, prompt=None, **options):
    return ThinkFormat(**options).verify(Sample(completion, prompt=prompt))


@pytest.mark.parametrize(
    "completion",
    [
        GOOD,
        "<think>2+2=4</think>4",  # no newlines needed
        "  \n<think>2+2=4</think>\n\n4\n",  # whitespace around is fine
        "<think>\nreason\n</think>\n<answer>\n4\n</answer>",
        "<think>reason</think><answer>4</answer>",
        "<think>I may write a < b and use <b>html</b> tags</think> done",  # other tags are not ours
    ],
)
def test_well_formed_completions_pass(completion):
    verdict = check(completion)
    assert verdict.status is Status.CORRECT and verdict.score == 1.0, verdict.reason
    assert verdict.reason


@pytest.mark.parametrize(
    ("completion", "status", "words"),
    [
        ("The answer is 4.", Status.FORMAT_ERROR, "no <think> block"),
        ("<think>reasoning that never ends", Status.FORMAT_ERROR, "never closed"),
        ("reasoning</think>4", Status.FORMAT_ERROR, "prefilled"),  # the error names the fix
        ("Sure! <think>r</think>4", Status.FORMAT_ERROR, "text before <think>"),
        ("</think><think>r</think>4", Status.FORMAT_ERROR, "</think> before <think>"),
        ("<think>a<think>b</think>c</think>4", Status.FORMAT_ERROR, "2 <think> tags"),  # nested
        ("<think>a</think><think>b</think>4", Status.FORMAT_ERROR, "2 <think> tags"),  # repeated
        ("<think>a</think>4</think>", Status.FORMAT_ERROR, "2 </think> tags"),  # stray closing tag
        ("<think>a</think>4<think>", Status.FORMAT_ERROR, "2 <think> tags"),  # stray opening tag
        ("<think>  \n </think>4", Status.FORMAT_ERROR, "empty reasoning"),
        ("<think>r</think>   \n", Status.NO_ANSWER, "no final answer"),
        ("<think>r</think><answer> </answer>", Status.NO_ANSWER, "empty <answer>"),
        ("<think>r</think><answer>4</answer> and also 5", Status.FORMAT_ERROR, "trailing text"),
        ("<think>r</think>so <answer>4</answer>", Status.FORMAT_ERROR, "text between"),
        ("<think>r</think><answer>4", Status.FORMAT_ERROR, "expected one <answer>"),
        ("<think>r</think>4</answer>", Status.FORMAT_ERROR, "expected one <answer>"),
        ("<think>r</think><answer>4</answer><answer>5</answer>", Status.FORMAT_ERROR, "expected one"),
        ("<think>r</think></answer>4<answer>", Status.FORMAT_ERROR, "expected one"),
        ("<think>r <answer>4</answer></think>4", Status.FORMAT_ERROR, "inside the reasoning"),
        ("<Think>r</Think>4", Status.FORMAT_ERROR, "malformed tag '<Think>'"),
        ("<think>r</ think>4", Status.FORMAT_ERROR, "malformed tag '</ think>'"),
        ("<think>r</think/>4", Status.FORMAT_ERROR, "malformed"),
        ("<think>r</think><ANSWER>4</ANSWER>", Status.FORMAT_ERROR, "malformed"),
    ],
)
def test_each_rule_is_enforced_with_a_reason(completion, status, words):
    verdict = check(completion)
    assert verdict.status is status, verdict.reason
    assert verdict.score == 0.0
    assert words in verdict.reason


def test_answer_tags_required_and_forbidden():
    assert check(GOOD, answer_tags="required").status is Status.FORMAT_ERROR
    assert "answer_tags = required" in check(GOOD, answer_tags="required").reason
    tagged = "<think>r</think><answer>4</answer>"
    assert check(tagged, answer_tags="required").status is Status.CORRECT
    assert check(tagged, answer_tags="forbidden").status is Status.FORMAT_ERROR
    assert check(GOOD, answer_tags="forbidden").status is Status.CORRECT


def test_prefilled_yes_expects_no_opening_tag():
    assert check("Let me add.\n</think>\n4", prefilled="yes").status is Status.CORRECT
    nested = check("<think>Let me add.</think>4", prefilled="yes")  # the model opened a second block
    assert nested.status is Status.FORMAT_ERROR and "nested" in nested.reason
    assert check("</think>4", prefilled="yes").status is Status.FORMAT_ERROR  # empty reasoning
    assert check("no closing tag at all", prefilled="yes").status is Status.FORMAT_ERROR
    assert check("r</think>4", prefilled="no").status is Status.FORMAT_ERROR


def test_prefilled_auto_reads_the_prompt():
    templated = "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n<think>\n"
    verdict = check("Let me add.\n</think>\n4", prompt=templated)
    assert verdict.status is Status.CORRECT and verdict.details["prefilled"] is True
    assert check(GOOD, prompt=templated).status is Status.FORMAT_ERROR  # a second <think>
    assert check(GOOD, prompt=[{"role": "user", "content": "What is 2+2?"}]).status is Status.CORRECT
    assert check("Let me add.</think>4", prompt="What is 2+2?").status is Status.FORMAT_ERROR


def test_custom_tag_names():
    text = "<reasoning>add</reasoning><solution>4</solution>"
    assert check(text, think_tag="reasoning", answer_tag="solution").status is Status.CORRECT
    assert check(text).status is Status.FORMAT_ERROR  # with the default names there is no <think>
    mixed = check("<reasoning>add</reasoning><think>x</think>4", think_tag="reasoning")
    assert mixed.status is Status.CORRECT  # <think> is not a tag of this template


@pytest.mark.parametrize("bad", [{"think_tag": "<think>"}, {"answer_tag": "my answer"}, {"think_tag": "x", "answer_tag": "X"},
                                 {"answer_tags": "sometimes"}, {"prefilled": "maybe"}, {"colour": "red"}])  # fmt: skip
def test_bad_options_are_rejected(bad):
    with pytest.raises(OptionsError):
        ThinkFormat(**bad)


def test_cli_strings_are_coerced_and_the_verifier_pickles():
    verifier = ThinkFormat(answer_tags="required", prefilled="yes")
    clone = pickle.loads(pickle.dumps(verifier))
    assert clone == verifier
    assert clone.verify(Sample("r</think><answer>4</answer>")).status is Status.CORRECT


def test_cache_key_ignores_the_reference_but_not_the_prefill():
    v = ThinkFormat()
    assert v.cache_key(Sample(GOOD, reference="1")) == v.cache_key(Sample(GOOD, reference="2"))
    assert v.cache_key(Sample(GOOD, prompt="q <think>")) != v.cache_key(Sample(GOOD, prompt="q"))


def test_huge_and_adversarial_inputs_stay_fast_and_correct():
    many = "<think>" + "</think>" * 10_000
    assert check(many).status is Status.FORMAT_ERROR
    long_reasoning = "<think>" + "step. " * 200_000 + "</think>42"
    assert check(long_reasoning).status is Status.CORRECT
    lone_brackets = "<think>" + "< " * 100_000 + "<" + " " * 100_000 + "so</think>1"
    assert check(lone_brackets).status is Status.CORRECT
    comments = "<think>" + "<!--\u200b" * 50_000 + "</think>1"
    assert check(comments).status is Status.FORMAT_ERROR  # one unclosed comment hides it all


# ---------------------------------------------------------------- invisible reasoning or answer (red team)
INVISIBLE = {
    "zero-width space": "\u200b",
    "word joiner": "\u2060\u2060",
    "byte order mark": "\ufeff",
    "soft hyphen": "\u00ad",
    "hangul filler": "\u3164",
    "halfwidth hangul filler": "\uffa0",
    "braille blank": "\u2800",
    "markdown rule": "---",
    "dot": ".",
    "punctuation lines": "...\n***\n- - -\n",
    "html comment": "<!-- -->",
    "html comment with words": "<!-- I did not think at all -->",
    "unclosed html comment": "<!-- hidden to the end",
    "zero-width inside the comment opener": "<!\u200b-- hidden -->",
    "mixed": "\u200b\n<!-- x -->\n---\n\u2800\u3164.",
}


@pytest.mark.parametrize("filler", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_invisible_reasoning_is_empty(filler):
    for completion in (f"<think>{filler}</think>\n\\boxed{{4}}", f"<think>{filler}</think><answer>4</answer>"):
        verdict = check(completion)
        assert verdict.status is Status.FORMAT_ERROR and "empty reasoning" in verdict.reason, verdict.reason
    assert check(f"{filler}</think>4", prefilled="yes").status is Status.FORMAT_ERROR


@pytest.mark.parametrize("filler", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_invisible_answer_is_no_answer(filler):
    for completion in (
        f"<think>reasoning here</think>{filler}",
        f"<think>reasoning here</think><answer>{filler}</answer>",
    ):
        verdict = check(completion)
        assert verdict.status is Status.NO_ANSWER and verdict.score == 0.0, verdict.reason
        assert "no final answer" in verdict.reason


@pytest.mark.parametrize(
    ("reasoning", "answer"),
    [("2+2=4", "4"), ("\u200b2+2=4\u200b", "\u200b4"), ("<!-- note -->add them", "<!-- -->4"), ("---\nok", "π"),
     ("加", "四"), ("x", "٤"), ("a < b, so --> done", "x²")],
)  # fmt: skip
def test_any_visible_letter_or_digit_is_content(reasoning, answer):
    assert check(f"<think>{reasoning}</think>{answer}").status is Status.CORRECT
    assert check(f"<think>{reasoning}</think><answer>{answer}</answer>").status is Status.CORRECT


@pytest.mark.parametrize(
    "reasoning",
    [
        "Let me think step by step.",
        "Okay, let me solve this.",
        "reasoning here",
        "Thinking...",
        "Let's think about this.\nI will solve it step by step.",
        "So, I need to solve this problem.",
    ],
)
def test_a_reasoning_of_boilerplate_only_is_a_format_error_unless_allowed(reasoning):
    """The stock phrase a policy learns when the format reward checks only the tags (the audit's hack corpus)."""
    for completion in (f"<think>{reasoning}</think>\nThe answer is $\\boxed{{20}}$.", f"{reasoning}</think>20"):
        prompt = "<think>" if completion.startswith(reasoning) else None
        verdict = check(completion, prompt)
        assert verdict.status is Status.FORMAT_ERROR and verdict.score == 0.0
        assert "only boilerplate" in verdict.reason
        assert check(completion, prompt, boilerplate="allow").status is Status.CORRECT


@pytest.mark.parametrize(
    "reasoning",
    [
        "Let me think. 24 muffins in boxes of 6 is 4 boxes, at $5 each $20.",  # boilerplate, then the work
        "Some reasoning",  # open-r1's test cases
        "x",
        "Hmm.",
        "Let me think about whether the triangle is isosceles: AB = AC, so yes.",
        "The moon pulls water.",
        "Let me think: 2+3=5, times 4 is 20.",  # the stock opening with the work in the same sentence
        "Let me solve for x: x = 12/4 = 3.",
        "I need to solve 3x+1=10 so x=3.",
        "So let me figure out 6*7 = 42.",
    ],
)
def test_a_reasoning_that_says_something_passes(reasoning):
    assert check(f"<think>{reasoning}</think>\n20").status is Status.CORRECT
