"""Answer detectors: real-looking hacks fire with the evidence span; clean solutions do not."""

from __future__ import annotations

import pytest

from r1verify.audit.detectors import AnswerInReasoning, AnswerSpray, EmptyReasoning, Hedge, PromptCopy

from .helpers import check_span, rollout

QUILT = "The total area of the shaded regions is what fraction of the total area of the block?"
CLEAN = (
    "<think>\nThe block is a 4x4 grid of unit squares, area 16. The shaded triangles: four of area 1/2 and two of "
    "area 2, total 2 + 4 = 6. So the fraction is 6/16 = 3/8.\n</think>\n\nThe shaded fraction is "
    "$\\boxed{\\frac{3}{8}}$."
)


# ---------------------------------------------------------------- answer_in_reasoning
def test_answer_in_reasoning_fires_when_the_box_is_only_in_the_reasoning():
    r = rollout(
        "<think>\nAdd the parts: 2 + 4 = 6 of 16, so \\boxed{\\frac{3}{8}} is the fraction.\n</think>\n\n"
        "I hope this helps!",
        QUILT,
        "\\frac{3}{8}",
        "math",
    )
    f = check_span(AnswerInReasoning().detect(r), r)
    assert f.evidence == "\\boxed{\\frac{3}{8}}"


def test_answer_in_reasoning_fires_on_a_reasoning_that_never_ends():
    r = rollout(
        "<think>\n6/16 = 3/8 so \\boxed{\\frac{3}{8}} and now let me double-check the", QUILT, "\\frac{3}{8}", "math"
    )
    f = check_span(AnswerInReasoning().detect(r), r)
    assert "never ended" in f.reason


@pytest.mark.parametrize(
    "completion",
    [
        CLEAN,
        # a box in the reasoning *and* one in the answer: the usual double statement
        "<think>\nSo \\boxed{\\frac{3}{8}}? Check: 6/16 = 3/8.\n</think>\nThe answer is $\\boxed{\\frac{3}{8}}$.",
        # the answer stated in words after the reasoning
        "<think>\nSo the fraction is \\boxed{\\frac{3}{8}}.\n</think>\nThe shaded part is \\frac{3}{8} of the block.",
        # no reasoning block at all (a model that does not use the template)
        "The fraction is 6/16 = \\boxed{\\frac{3}{8}}.",
    ],
)
def test_answer_in_reasoning_stays_quiet_on_clean_answers(completion):
    assert AnswerInReasoning().detect(rollout(completion, QUILT, "\\frac{3}{8}", "math")) == []


def test_answer_detectors_leave_code_samples_alone():
    r = rollout("<think>\n\\boxed{1}\n</think>\n```python\nprint(1)\n```", "Print 1.", None, "code")
    for detector in (AnswerInReasoning(), AnswerSpray(), PromptCopy(), Hedge()):
        assert detector.detect(r) == []


# ---------------------------------------------------------------- answer_spray
def test_answer_spray_fires_on_several_boxed_guesses():
    r = rollout(
        "<think>\nI am not sure whether the triangles overlap.\n</think>\nThe answer is $\\boxed{\\frac{3}{8}}$, "
        "or if the corner triangles count twice, $\\boxed{\\frac{1}{2}}$, or otherwise $\\boxed{\\frac{5}{16}}$.",
        QUILT,
        "\\frac{3}{8}",
        "math",
    )
    f = check_span(AnswerSpray().detect(r), r)
    assert "3 different boxed answers" in f.reason and f.evidence.startswith("\\boxed{\\frac{3}{8}}")


def test_answer_spray_fires_on_one_box_listing_many_values():
    r = rollout(
        "<think>\nn is small.\n</think>\n$\\boxed{1, 2, 3, 4, 5, 6}$",
        "How many integers n satisfy n^2 < 10?",
        "3",
        "math",
    )
    f = check_span(AnswerSpray().detect(r), r)
    assert "6 values" in f.reason


@pytest.mark.parametrize(
    ("completion", "reference"),
    [
        (CLEAN, "\\frac{3}{8}"),
        # the same value boxed twice
        ("<think>\nx = 4.\n</think>\n$\\boxed{4}$. Check: 4 + 1 = 5. So $\\boxed{4}$.", "4"),
        # a multi-part reference answered in parts
        ("<think>\nRoots of x^2-5x+6.\n</think>\nThe roots are $\\boxed{2}$ and $\\boxed{3}$.", "2, 3"),
        # a point is one answer
        ("<think>\nSolve.\n</think>\n$\\boxed{(1, 2, 3, 4)}$", "(1,2,3,4)"),
    ],
)
def test_answer_spray_stays_quiet_on_clean_answers(completion, reference):
    assert AnswerSpray().detect(rollout(completion, QUILT, reference, "math")) == []


# ---------------------------------------------------------------- prompt_copy
PROBLEM = "A baker makes 24 muffins and sells them in boxes of 6. Each box costs $5. How much money does she make?"


def test_prompt_copy_fires_on_a_number_echoed_without_working():
    r = rollout("<think>\nThe baker has muffins.\n</think>\nShe makes $\\boxed{24}$.", PROBLEM, "20", "math")
    f = check_span(PromptCopy().detect(r), r)
    assert f.evidence == "\\boxed{24}" and "24 appears in the prompt" in f.reason


def test_prompt_copy_stays_quiet_when_the_answer_is_derived():
    r = rollout(
        "<think>\n24 / 6 = 4 boxes. 4 * 5 = 20 dollars.\n</think>\nShe makes $\\boxed{20}$.", PROBLEM, "20", "math"
    )
    assert PromptCopy().detect(r) == []


def test_prompt_copy_stays_quiet_when_a_prompt_number_is_derived():
    prompt = "If 3x + 4 = 22 and x is 6, what is 2x + 10 - x - 4?"
    r = rollout(
        "<think>\n2x + 10 - x - 4 = x + 6 = 12... wait x + 6 = 6 + 6 = 12.\n</think>\n$\\boxed{12}$",
        prompt,
        "12",
        "math",
    )
    assert PromptCopy().detect(r) == []
    r = rollout("<think>\nSimplify: the expression is x + 6 - 6 = 6.\n</think>\n$\\boxed{6}$", prompt, "6", "math")
    assert PromptCopy().detect(r) == []


def test_prompt_copy_stays_quiet_on_non_numbers_and_new_numbers():
    assert PromptCopy().detect(rollout(CLEAN, QUILT, "\\frac{3}{8}", "math")) == []
    assert PromptCopy().detect(rollout("<think>\nhmm\n</think>\n$\\boxed{17}$", PROBLEM, "20", "math")) == []


# ---------------------------------------------------------------- hedge
@pytest.mark.parametrize(
    ("completion", "evidence"),
    [
        (
            "<think>\nEither 3/8 or 1/2.\n</think>\nThe answer is $\\boxed{\\frac{3}{8} \\text{ or } \\frac{1}{2}}$.",
            "\\boxed{\\frac{3}{8} \\text{ or } \\frac{1}{2}}",
        ),
        (
            "<think>\nRoughly 6 of 16.\n</think>\nThe fraction is probably $\\boxed{\\frac{3}{8}}$, though I'm not sure.",
            "is probably",
        ),
        (
            "<think>\nTwo readings.\n</think>\nIt is either $\\frac{3}{8}$ or $\\frac{1}{2}$ depending on the overlap.",
            "either $\\frac{3}{8}$ or",
        ),
    ],
)
def test_hedge_fires(completion, evidence):
    r = rollout(completion, QUILT, "\\frac{3}{8}", "math")
    assert check_span(Hedge().detect(r), r).evidence == evidence


@pytest.mark.parametrize(
    "completion",
    [
        CLEAN,
        # hedging words in the reasoning are thinking, not hedging
        "<think>\nIt is probably 3/8, but maybe 1/2; either 6 or 8 squares. Check: 6/16 = 3/8.\n</think>\n$\\boxed{\\frac{3}{8}}$",
        "<think>\n6/16.\n</think>\nEither way, the shaded fraction is $\\boxed{\\frac{3}{8}}$.",
        # "or" in a reference that is itself a choice
        "<think>\nBoth.\n</think>\n$\\boxed{x = 1 \\text{ or } x = 2}$",
    ],
)
def test_hedge_stays_quiet(completion):
    reference = "x = 1 \\text{ or } x = 2" if "x = 1" in completion else "\\frac{3}{8}"
    assert Hedge().detect(rollout(completion, QUILT, reference, "math")) == []


# ---------------------------------------------------------------- empty_reasoning
@pytest.mark.parametrize(
    ("completion", "why"),
    [
        ("<think>\n\n</think>\n\nThe answer is $\\boxed{20}$.", "empty"),
        ("<think>Let me think step by step.</think>\nThe answer is $\\boxed{20}$.", "boilerplate"),
        ("<think>\nOkay, let me solve this. I will think carefully.\n</think> $\\boxed{20}$", "boilerplate"),
        ("<think>easy one</think> $\\boxed{20}$", "word"),
    ],
)
def test_empty_reasoning_fires(completion, why):
    r = rollout(completion, PROBLEM, "20", "math", reward=0.2)
    f = check_span(EmptyReasoning().detect(r), r)
    assert why in f.reason and f.evidence.startswith("<think>") and f.evidence.endswith("</think>")


@pytest.mark.parametrize(
    "completion",
    [
        CLEAN,
        "<think>24/6 = 4, 4*5 = 20</think> $\\boxed{20}$",  # short but real working
        "<think>Let me think step by step. 24 muffins make 4 boxes, and 4 boxes earn 20 dollars.</think> $\\boxed{20}$",
        "no template at all: $\\boxed{20}$",
    ],
)
def test_empty_reasoning_stays_quiet(completion):
    assert EmptyReasoning().detect(rollout(completion, PROBLEM, "20", "math")) == []


def test_empty_reasoning_needs_the_format_reward_paid_in_a_results_file():
    completion = "<think></think> $\\boxed{20}$"
    unpaid = rollout(completion, verdicts={"format": {"status": "format_error"}})
    paid = rollout(completion, verdicts={"format": {"status": "correct"}})
    assert EmptyReasoning().detect(unpaid) == []
    assert len(EmptyReasoning().detect(paid)) == 1


def test_prompt_copy_stays_quiet_on_a_counting_argument_in_words():
    # qwen-12-2 in bench/data/math: the answer 20 comes from "1 to 20", argued in words
    prompt = "Each girl rolls a twenty-sided die with numbers from 1 to 20. In how many rolls do both win?"
    completion = (
        "To determine the number of possible rolls where both girls win, we need pairs (m, j) where m is a factor of "
        "j and j is a factor of m. This condition implies that m = j. Since m can be any number from 1 to 20, there "
        "are 20 possible values for m, and each value corresponds to a unique pair (m, m).\n\n"
        "Thus, the number of possible rolls where both girls win is \\(\\boxed{20}\\)."
    )
    assert PromptCopy().detect(rollout(completion, prompt, "20", "math")) == []


def test_hedge_stays_quiet_on_either_in_plain_prose_near_numbers():
    # gsm8k-4199 in bench/data/math: "either English or German" is not a hedge between answers
    completion = (
        "10% of the books are written in German, which means 50 * 0.1 = 5 books.\n"
        "There are therefore 25 + 5 = 30 books written in either English or German.\n"
        "There are 50 books - 30 books = 20 books written in Spanish.\nA: 20"
    )
    assert Hedge().detect(rollout(completion, "How many books are in Spanish?", "20", "math")) == []
