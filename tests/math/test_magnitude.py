"""Issue 24 row 13: answers like 2^{2^{2^{2^{2^{2}}}}} or ((5!)!)! against 65536 are `wrong` at once (a size
bound), not a `timeout` after sympy spent the whole deadline on a number with millions of digits."""

from __future__ import annotations

import math

import pytest
from r1verify_math.magnitude import log10_of

from r1verify import Engine, Recipe, Sample


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2^{16}", 16 * math.log10(2)), ("5!", math.log10(120)), ("(3!)!", math.log10(720)), ("2^{3^{2}}", 9 * math.log10(2)),
     ("0^{5}", -math.inf), ("1^{10^{10^{10}}}", 0.0), ("2^{2^{2^{2^{2^{2}}}}}", math.inf), ("3 \\cdot 2^{4}", math.log10(48))],
)
def test_log10_of_towers_and_factorials(text, expected):
    assert log10_of(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["2^{x}", "\\frac{1}{2}", "65536", "2+2^{3}", "(2^{3}", "-2^{3}", ""])
def test_other_expressions_are_left_to_the_other_comparisons(text):
    assert log10_of(text) is None


def test_huge_towers_are_wrong_without_spending_the_deadline():
    recipe = Recipe.from_verifier_args(["math:timeout=5"])
    cases = [("2^{2^{2^{2^{2^{2}}}}}", "65536", "wrong"), ("((5!)!)!", "65536", "wrong"),
             ("10^{10^{10^{10}}}", "7", "wrong"), ("2^{2^{2^{2}}}", "65536", "correct"), ("(3!)!", "720", "correct")]
    with Engine(recipe, workers=1) as engine:
        engine.verify([Sample(completion="<think>warm</think> \\boxed{1}", reference="1")])  # worker start-up
        results = engine.verify([Sample(completion=f"<think>x</think> \\boxed{{{a}}}", reference=r) for a, r, _ in cases])
    assert [r.verdicts["math"].status.value for r in results] == [want for *_, want in cases]  # was: timeout
