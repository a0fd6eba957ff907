"""Final-answer extraction: the delimiter, boxes, fallbacks, caps, and the options that configure them."""

from __future__ import annotations

import pytest
from r1verify_math import MathVerifier
from r1verify_math.extract import extract
from r1verify_math.options import MathOptions

from r1verify import OptionsError, Status

from .math_support import grade, think


# --------------------------------------------------------------------------- the reasoning delimiter
def test_only_the_text_after_the_last_delimiter_is_graded():
    completion = "<think>maybe \\boxed{3}</think> scratch </think> so \\boxed{2}"
    assert grade(completion, "2").status is Status.CORRECT
    assert grade(completion, "3").status is Status.WRONG


def test_an_answer_left_inside_the_reasoning_is_no_answer():
    verdict = grade("<think>it is \\boxed{2}</think> I am not sure.", "2")
    assert verdict.status is Status.NO_ANSWER
    assert "only inside the reasoning" in verdict.reason


def test_a_configurable_delimiter():
    completion = "<|begin_of_thought|>\\boxed{7}<|end_of_thought|> The answer is \\boxed{5}"
    assert grade(completion, "5", delimiter="<|end_of_thought|>").status is Status.CORRECT
    assert grade(completion, "7", delimiter="<|end_of_thought|>").status is Status.WRONG


def test_without_the_delimiter_the_default_is_format_error():
    verdict = grade("The answer is \\boxed{2}", "2")
    assert verdict.status is Status.FORMAT_ERROR
    assert "require_delimiter=false" in verdict.reason  # the message names the fix


def test_require_delimiter_false_grades_the_whole_completion_when_the_delimiter_is_missing():
    assert grade("The answer is \\boxed{2}", "2", require_delimiter=False).status is Status.CORRECT
    # ... but still only the final answer when the delimiter is there
    assert grade(think("nothing", "\\boxed{2}"), "2", require_delimiter=False).status is Status.NO_ANSWER


def test_an_empty_delimiter_grades_the_whole_completion():
    assert grade("reasoning </think> \\boxed{2}", "2", delimiter="").status is Status.CORRECT
    assert grade("\\boxed{2}", "2", delimiter="").status is Status.CORRECT


def test_nothing_after_the_delimiter_is_no_answer():
    assert grade("<think>hmm</think>   ", "2").status is Status.NO_ANSWER


# --------------------------------------------------------------------------- boxes
def test_a_box_is_preferred_over_the_answer_is_phrase():
    assert grade(think("The answer is 3, so \\boxed{2}"), "2").status is Status.CORRECT


@pytest.mark.parametrize(
    "final",
    [
        "\\fbox{2}",
        "\\boxed 2",
        "\\boxed{\\boxed{2}}",
        "$\\boxed{2}$.",
        "\\[\\boxed{ 2 }\\]",
    ],
)
def test_box_forms(final):
    assert grade(think(final), "2").status is Status.CORRECT


def test_empty_and_placeholder_boxes_are_not_answers():
    completion = think("Fill in $4 = \\boxed{\\phantom{2}}$ and $\\boxed{}$; the answer is \\boxed{4}.")
    assert grade(completion, "4").status is Status.CORRECT
    assert grade(think("\\boxed{} \\boxed{\\phantom{2}}"), "4").status is Status.NO_ANSWER


def test_a_box_that_never_closes_is_not_an_answer():
    assert grade(think("so the answer is \\boxed{\\frac{1}{2"), "1/2").status is Status.NO_ANSWER


def test_boxes_with_deeply_nested_content_are_found():
    nested = "\\frac{\\sqrt{\\frac{1}{\\sqrt{\\frac{1}{4}}}}}{2}"
    verdict = grade(think(f"\\boxed{{{nested}}}"), "\\frac{\\sqrt{2}}{2}")
    assert verdict.status is Status.CORRECT, verdict.reason


# --------------------------------------------------------------------------- fallbacks
@pytest.mark.parametrize(
    "final",
    [
        "The answer is 12.",
        "The final answer is $12$. I hope it is correct.",
        "Final Answer: The final answer is 12. I hope it is correct.",
        "So the correct answer is 12",
        "**Answer:** 12",
        "A: 12",
    ],
)
def test_answer_is_fallback(final):
    verdict = grade(think(final), "12")
    assert verdict.status is Status.CORRECT, verdict.reason
    assert verdict.details["source"] == "answer_is"


def test_gsm8k_fallback():
    verdict = grade(think("16 - 3 - 4 = 9 and 9 * 2 = 18\n#### 18"), "18")
    assert verdict.status is Status.CORRECT and verdict.details["source"] == "gsm8k"


def test_last_math_and_last_line_fallbacks_are_off_by_default():
    completion = think("We get $x = 4$ and then\n$y = 5$")
    assert grade(completion, "5").status is Status.NO_ANSWER
    assert grade(completion, "5", fallbacks=["last_math"]).status is Status.CORRECT
    assert grade(think("so we get\n5"), "5", fallbacks=["last_line"]).status is Status.CORRECT


def test_fallbacks_are_tried_in_the_order_given():
    completion = think("The answer is 4.\n$5$")
    assert grade(completion, "4", fallbacks=["answer_is", "last_math"]).status is Status.CORRECT
    assert grade(completion, "5", fallbacks=["last_math", "answer_is"]).status is Status.CORRECT


def test_no_fallbacks_accepts_boxed_answers_only():
    verdict = grade(think("The answer is 4."), "4", fallbacks=[])
    assert verdict.status is Status.NO_ANSWER and "needs a box" in verdict.reason


# --------------------------------------------------------------------------- caps
def test_an_answer_over_the_cap_is_wrong_without_parsing():
    long_answer = "2" + "\\," * 600  # 1201 characters that read as 2
    verdict = grade(think(f"\\boxed{{{long_answer}}}"), "2")
    assert verdict.status is Status.WRONG and "max_answer_chars=1000" in verdict.reason
    assert grade(think(f"\\boxed{{{long_answer}}}"), "2", max_answer_chars=5000).status is Status.CORRECT


def test_an_answer_nesting_braces_too_deep_is_wrong_without_parsing():
    verdict = grade(think("\\boxed{" + "{" * 40 + "1" + "}" * 40 + "}"), "1")
    assert verdict.status is Status.WRONG and "nests braces" in verdict.reason


def test_a_megabyte_of_empty_boxes_is_no_answer_and_keeps_few_answers():
    completion = think("\\boxed{}" * 131_072)
    extraction = extract(completion, MathOptions())
    assert extraction.problem == "not_found"
    assert grade(completion, "2").status is Status.NO_ANSWER


def test_a_repeated_box_is_one_answer():
    extraction = extract(think("\\boxed{7}" * 50_000), MathOptions())
    assert extraction.answers == ("7",)


# --------------------------------------------------------------------------- options
@pytest.mark.parametrize(
    "options, message",
    [
        ({"fallbacks": ["answer_is", "last_word"]}, r"unknown fallback\(s\) last_word; choose from"),
        ({"fallbacks": ["gsm8k", "gsm8k"]}, "twice"),
        ({"hedging": "first"}, "expected one of"),
        ({"max_answer_chars": 0}, "at least 1"),
        ({"delimeter": "</think>"}, r"unknown option\(s\) delimeter"),
    ],
)
def test_bad_options_are_errors_that_name_the_fix(options, message):
    with pytest.raises(OptionsError, match=message):
        MathVerifier(**options)


def test_options_coerce_from_cli_strings():
    verifier = MathVerifier(fallbacks="answer_is|last_line", require_delimiter="false", max_answer_chars="50")
    assert verifier.options == MathOptions(
        fallbacks=("answer_is", "last_line"), require_delimiter=False, max_answer_chars=50
    )
