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
