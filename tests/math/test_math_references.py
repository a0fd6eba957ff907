"""Reference forms: bare answers, MATH solutions, GSM8K rationales, lists, choice letters, and bad ones."""

from __future__ import annotations

import pytest

from r1verify import Status

from .math_support import grade, think

MATH_SOLUTION = (
    "We have that $r = \\sqrt{0^2 + 3^2} = 3.$  Also, the angle is $\\frac{\\pi}{2}$.\n\n"
    "Therefore, the polar coordinates are $\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}.$"
)
GSM8K_RATIONALE = (
    "Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\n"
    "She makes 9 * 2 = $<<9*2=18>>18 every day at the farmer's market.\n#### 18"
)


@pytest.mark.parametrize(
    "reference, final",
    [
        ("3/4", "\\boxed{\\frac{3}{4}}"),
        ("\\frac{3}{4}", "\\boxed{0.75}"),
        ("$x=2$", "\\boxed{2}"),
        (42, "\\boxed{42}"),
        (27.0, "\\boxed{27}"),
        (0.25, "\\boxed{\\frac14}"),
        (MATH_SOLUTION, "\\boxed{(3, \\frac{\\pi}{2})}"),
        (GSM8K_RATIONALE, "The answer is 18."),
        ("Some work.\n#### 1,450,000", "\\boxed{1450000}"),
        (["\\frac{1}{2}", "0.5", "1:2"], "\\boxed{1:2}"),
        (("6", "six"), "\\boxed{\\text{six}}"),
        ("$\\frac{639}{40}$ or $\\boxed{15\\frac{39}{40}}$, i.e. $\\boxed{\\frac{639}{40}}$", "\\boxed{15.975}"),
    ],
)
def test_reference_forms(reference, final):
    verdict = grade(think(final), reference)
    assert verdict.status is Status.CORRECT, verdict.reason


def test_a_math_solution_is_graded_by_its_boxed_answer_not_its_other_numbers():
    assert grade(think("\\boxed{3}"), MATH_SOLUTION).status is Status.WRONG
    assert grade(think("\\boxed{0}"), GSM8K_RATIONALE).status is Status.WRONG
    assert grade(think("\\boxed{9}"), GSM8K_RATIONALE).status is Status.WRONG


def test_a_list_of_answers_rejects_what_is_in_none_of_them():
    assert grade(think("\\boxed{3}"), ["1", "2"]).status is Status.WRONG


@pytest.mark.parametrize("reference", ["C", "(C)", "\\text{(C)}", "\\textbf{(C)}", "(C) 42 apples"])
@pytest.mark.parametrize(
    "final, status",
    [
        ("\\boxed{C}", Status.CORRECT),
        ("\\boxed{\\text{(C)}}", Status.CORRECT),
        ("The answer is (C).", Status.CORRECT),
        ("The answer is (c) 42 apples", Status.CORRECT),
        ("\\boxed{B}", Status.WRONG),
        ("\\boxed{42}", Status.WRONG),
    ],
)
def test_multiple_choice_letters(reference, final, status):
    verdict = grade(think(final), reference)
    assert verdict.status is status
    assert verdict.details["path"] == "choice"


@pytest.mark.parametrize(
    "reference, says",
    [
        (None, "no reference"),
        ("", "contains no answer"),
        ("   ", "contains no answer"),
        ("Solution: so the answer is $\\boxed{}$.", "contains no answer"),
        ("#### ", "contains no answer"),
        ([], "empty list"),
        ({"answer": "2"}, "type dict"),
        (True, "type bool"),
        (float("nan"), "not a finite number"),
    ],
)
def test_unreadable_references_are_errors_not_wrong(reference, says):
    verdict = grade(think("\\boxed{2}"), reference)
    assert verdict.status is Status.ERROR and verdict.score is None
    assert says in verdict.reason


def test_an_unparseable_reference_is_an_error_unless_the_answer_is_written_identically():
    broken = "\\frac{1}{"
    verdict = grade(think("\\boxed{\\frac{1}{2}}"), broken)
    assert verdict.status is Status.ERROR and verdict.score is None
    assert "cannot parse the reference" in verdict.reason and "fix the reference" in verdict.reason
    unparsed = "x = \\frac{1}{2}, x = \\frac{-1 \\pm \\sqrt{13}}{4}"  # math-verify reads nothing in it
    assert grade(think(f"\\boxed{{{unparsed}}}"), f"$${unparsed}$$").status is Status.CORRECT
    assert grade(think("\\boxed{x = 1}"), f"$${unparsed}$$").status is Status.ERROR
