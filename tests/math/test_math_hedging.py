"""The hedging guard: several different answers in the final answer are not rewarded by default."""

from __future__ import annotations

import pytest
from r1verify_math.extract import MAX_ANSWERS

from r1verify import Status

from .math_support import grade, think

HEDGES = [
    "\\boxed{2} or \\boxed{3}",
    "\\boxed{2}, \\boxed{3}",
    "The answer is either 2 or 3.",
    "\\boxed{2 \\text{ or } 3}",
    "\\boxed{x = 2 \\text{ or } x = 3}",
    "\\boxed{\\text{either 2 or 3}}",
    "First \\boxed{3}. Wait, no: \\boxed{2}",
]


@pytest.mark.parametrize("final", HEDGES)
def test_reject_is_the_default_and_says_why(final):
    verdict = grade(think(final), "2")
    assert verdict.status is Status.WRONG
    assert verdict.reason.startswith("hedged") and "hedging=reject" in verdict.reason
    assert verdict.details["hedged"] is True
    assert len(verdict.details["answers"]) == 2


@pytest.mark.parametrize("final", HEDGES)
def test_all_agree_rewards_a_hedge_only_if_every_answer_is_right(final):
    verdict = grade(think(final), "2", hedging="all_agree")
    assert verdict.status is Status.WRONG
    assert "1 of 2 answers are wrong" in verdict.reason


def test_last_grades_the_last_answer():
    assert grade(think("\\boxed{3} or \\boxed{2}"), "2", hedging="last").status is Status.CORRECT
    assert grade(think("\\boxed{2} or \\boxed{3}"), "2", hedging="last").status is Status.WRONG
    assert grade(think("either 3 or 2", "x"), "2", hedging="last", fallbacks=["last_line"]).status is Status.CORRECT


@pytest.mark.parametrize(
    "final, reference",
    [
        ("\\boxed{2}. Double-checking: \\boxed{2}.", "2"),
        ("\\boxed{\\frac{1}{2}}, that is \\boxed{0.5}", "0.5"),
        ("\\boxed{x=2}, so \\boxed{2}", "2"),
        ("\\boxed{(B)} i.e. \\boxed{B}", "B"),
    ],
)
def test_the_same_answer_written_twice_is_not_a_hedge(final, reference):
    verdict = grade(think(final), reference)
    assert verdict.status is Status.CORRECT, verdict.reason


def test_reject_compares_answers_cheaply_and_all_agree_semantically():
    final = "\\boxed{\\frac{\\sqrt{2}}{2}} = \\boxed{\\frac{1}{\\sqrt{2}}}"
    assert grade(think(final), "\\frac{\\sqrt2}{2}").status is Status.WRONG
    assert grade(think(final), "\\frac{\\sqrt2}{2}", hedging="all_agree").status is Status.CORRECT


def test_words_that_contain_or_do_not_split():
    assert grade(think("\\boxed{\\text{north}}"), "\\text{north}").status is Status.CORRECT
    assert grade(think("\\boxed{\\text{for all } x}"), "\\text{for all } x").status is Status.CORRECT


def test_a_list_reference_accepts_its_values_one_box_each():
    assert grade(think("\\boxed{1} and \\boxed{-2}"), "1,-2").status is Status.CORRECT
    assert grade(think("\\boxed{-2} or \\boxed{1}"), "\\{1, -2\\}").status is Status.CORRECT
    # a list built from boxes still has to be exactly the reference's list
    assert grade(think("\\boxed{1}, \\boxed{-2}, \\boxed{5}"), "1,-2").status is Status.WRONG
    assert grade(think("\\boxed{1}"), "1,-2").status is Status.WRONG


def test_hedged_choice_letters():
    assert grade(think("The answer is (B) or (C)."), "C").status is Status.WRONG
    assert grade(think("\\boxed{B} \\boxed{C}"), "C").status is Status.WRONG
    assert grade(think("\\boxed{B} \\boxed{C}"), "C", hedging="last").status is Status.CORRECT


@pytest.mark.parametrize("final", ["\\boxed{(A) \\text{ and } (C)}", "\\boxed{C, not A}", "The answer is C, A."])
def test_naming_two_letters_names_none(final):
    verdict = grade(think(final), "C")
    assert verdict.status is Status.WRONG and verdict.details["path"] == "choice"


def test_more_answers_than_kept_is_a_hedge_whatever_the_policy_except_last():
    final = " ".join(f"\\boxed{{{k}}}" for k in range(MAX_ANSWERS + 5)) + " \\boxed{2}"
    for policy in ("reject", "all_agree"):
        verdict = grade(think(final), "2", hedging=policy)
        assert verdict.status is Status.WRONG and f"more than {MAX_ANSWERS}" in verdict.reason
    assert grade(think(final), "2", hedging="last").status is Status.CORRECT
    many_ors = "\\boxed{" + " or ".join(str(k) for k in range(MAX_ANSWERS + 5)) + "}"
    assert "more than" in grade(think(many_ors), "2", hedging="all_agree").reason
