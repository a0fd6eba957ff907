"""Red-team families A and B (notes/redteam.md): relations inside a box that the one-value check did not know
(B), and text around a box that changes its value or denies it (A). Both presets grade them non-correct; the
legitimate endings a box usually has stay correct."""

from __future__ import annotations

import pytest

from r1verify import Status

from .math_support import grade, think

PRESETS = ("strict", "lenient")


def not_correct(final: str, reference: str = "5") -> str:
    reason = ""
    for preset in PRESETS:
        verdict = grade(think(final), reference, preset=preset)
        assert verdict.status is not Status.CORRECT, f"{preset}: {final!r} vs {reference!r}: {verdict.reason}"
        reason = verdict.reason
    return reason


def correct(final: str, reference: str = "5") -> None:
    for preset in PRESETS:
        verdict = grade(think(final), reference, preset=preset)
        assert verdict.status is Status.CORRECT, f"{preset}: {final!r} vs {reference!r}: {verdict.reason}"


# --------------------------------------------------------------------------- B: relations inside the box
B_CASES = [
    ("\\boxed{\\neq 5}", "5"),
    ("\\boxed{≠ 5}", "5"),
    ("\\boxed{\\neq 5}", "\\frac{10}{2}"),
    ("\\boxed{x \\ne 5}", "5"),
    ("\\boxed{\\gtrsim 5}", "5"),
    ("\\boxed{\\lesssim 5}", "5"),
    ("\\boxed{\\leqq 5}", "5"),
    ("\\boxed{\\geqq 5}", "5"),
    ("\\boxed{\\ll 5}", "5"),
    ("\\boxed{\\gg 5}", "5"),
    ("\\boxed{\\nless 5}", "5"),
    ("\\boxed{\\ngtr 5}", "5"),
    ("\\boxed{\\propto 5}", "5"),
    ("\\boxed{\\subset 5}", "5"),
    ("\\boxed{\\in 5}", "5"),
    ("\\boxed{x \\in 5}", "5"),
    ("\\boxed{x \\gtrsim 5}", "[5, \\infty)"),  # a loose bound is not the ray an inequality may state
]


@pytest.mark.parametrize("final, reference", B_CASES)
def test_b_relations_inside_the_box_are_not_one_value(final, reference):
    not_correct(final, reference)


def test_b_interval_and_relation_references_keep_working():
    correct("\\boxed{x \\in [-2,7]}", "[-2,7]")
    correct("\\boxed{x \\in (1, 2)}", "(1,2)")
    correct("\\boxed{x \\in \\{1, 2\\}}", "\\{1, 2\\}")
    correct("\\boxed{x \\neq 3}", "x \\neq 3")
    correct("\\boxed{x \\neq 3}", "x != 3")


def test_b_an_approximate_value_is_graded_on_its_value():
    # as "the answer is approximately 5" is (docs/math.md): \approx is not a mark, a chain must approximate
    correct("\\boxed{\\approx 5}")
    correct("\\boxed{x \\approx 5}")
    not_correct("\\boxed{4 \\approx 5}")


# --------------------------------------------------------------------------- A: text around the box
A_CASES = [
    "The answer is NOT \\boxed{5}.",
    "The answer isn't \\boxed{5}.",
    "The incorrect answer is \\boxed{5}.",
    "A wrong answer would be \\boxed{5}; the right one is 6.",
    "The answer is probably \\boxed{5}.",
    "Maybe \\boxed{5}.",
    "The answer is at least \\boxed{5}.",
    "The answer is greater than \\boxed{5}.",
    "The answer is twice \\boxed{5}.",
    "The answer is the square of \\boxed{5}.",
    "Is the answer \\boxed{5}?",
    "The answer is \\boxed{5} squared.",
    "The answer is \\boxed{5} thousand.",
    "The answer is \\boxed{5} minus one.",
    "$-\\boxed{5}$",
    "$\\boxed{5}^2$",
    "$\\boxed{5}0$",
    "\\boxed{5}.5",
    "\\boxed{5},000",
    "$\\boxed{5}!$",
    "$\\frac{\\boxed{5}}{2}$",
    "$\\boxed{5} = 6$",
    "$\\boxed{5} \\neq 6$",
    "$n = 6 = \\boxed{5}$",
    "The answer is not equal to \\boxed{5}.",
    "The answer could be \\boxed{5}.",
]


@pytest.mark.parametrize("final", A_CASES)
def test_a_text_around_the_box_that_changes_or_takes_it_back(final):
    not_correct(final)


LEGITIMATE = [
    ("Therefore, the answer is $\\boxed{5}$.", "5"),
    ("So $x = \\boxed{5}$", "5"),
    ("$\\boxed{5}$ apples", "5"),
    ("The length is $\\boxed{5}$ cm", "5"),
    ("\\boxed{5}.", "5"),
    ("$$\\boxed{5}$$", "5"),
    ("\\boxed{5}\n\n**Final Answer**", "5"),
    ("The area is \\boxed{3.14}", "3.14"),
    ("There are \\boxed{5} ways to arrange them.", "5"),
    ("Tom has \\boxed{5} more apples than Jerry.", "5"),
    ("The least value is \\boxed{5}.", "5"),
    ("The square root is \\boxed{4}.", "4"),
    ("Therefore, the product is \\(\\boxed{-\\frac{40}{153}}\\).", "-\\frac{40}{153}"),
    ("Since 7 is not prime, the answer is \\boxed{5}.", "5"),
    ("The number of integers not divisible by 3 is \\boxed{5}.", "5"),
    ("$x = 2 + 3 = \\boxed{5}$", "5"),
    ("$f(2) = \\boxed{5}$", "5"),
    ("$k \\in \\boxed{(1, 2)}$", "(1,2)"),
    ("The minimum is \\boxed{5} when $x = 2$.", "5"),
    ("$\\boxed{-5}$", "-5"),
    ("$-\\boxed{5}$", "-5"),  # the value written is -5
    ("The answer is \\boxed{5} thousand.", "5000"),  # a multiplier word scales the box, as inside it
    ("\\boxed{5}\n\nWhat else? Nothing.", "5"),
    ("\\[\\boxed{\\frac{3}{8}}\\]", "\\frac{3}{8}"),
]


@pytest.mark.parametrize("final, reference", LEGITIMATE)
def test_a_legitimate_box_endings_stay_correct(final, reference):
    correct(final, reference)


def test_a_approximation_and_percent_follow_the_answer_phrase_rules():
    # "the answer is approximately 3.14" is graded on 3.14, and \boxed{5\%} is 5 under percent="number"
    correct("The answer is approximately \\boxed{3.14}.", "3.14")
    correct("The answer is \\boxed{5} percent.", "5")
    not_correct("The answer is \\boxed{5} percent.", "0.05")
