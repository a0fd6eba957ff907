"""Answer equivalence beyond math-verify's defaults, the cheap paths, and no rounding false positives."""

from __future__ import annotations

import pytest

from r1verify import Status

from .math_support import grade, think

EQUAL = [
    # sets, intervals, tuples, matrices
    ("\\{1,2\\}", "\\{2, 1\\}", "set"),
    ("[1,2)", "[1, 2)", "interval"),
    ("(-\\infty, 0] \\cup (1, \\infty)", "(-\\infty,0]\\cup(1,\\infty)", "union of intervals"),
    ("\\left( 3, \\frac{\\pi}{2} \\right)", "(3, \\frac{\\pi}{2})", "tuple"),
    ("(6,31,-1)", "(6, 31, -1)", "triple"),
    ("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\begin{pmatrix}1\\\\2\\end{pmatrix}", "matrix"),
    ("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}", "matrix kinds"),
    # equations
    ("2", "x = 2", "x=2 vs 2"),
    ("x=2", "2", "2 vs x=2"),
    ("x \\in [-2,7]", "[-2,7]", "x in interval"),
    ("y = 2x + 3", "y=2x+3", "equation"),
    # units and \text noise
    ("5", "5 \\text{ cm}", "text unit"),
    ("5.4 \\text{ cents}", "5.4", "reference unit"),
    ("\\frac{270}7\\text{ degrees}", "\\frac{270}{7}", "unit after a fraction"),
    ("12", "12 inches^2", "bare unit"),
    ("\\$32,\\!348", "32348", "currency and thin-space separator"),
    ("\\text{Evelyn}", "Evelyn", "text answer"),
    ("\\text{east}", "\\textbf{East}", "case of words"),
    ("4:30 p.m.", "4:30 \\text{ p.m.}", "time of day"),
    # percentages
    ("50\\%", "50", "percent vs number"),
    ("50", "50\\%", "number vs percent"),
    ("25\\%", "25 percent", "percent word"),
    # thousands separators
    ("7425000", "7,425,000", "commas"),
    ("10{,}000", "10000", "braced comma"),
    ("11,\\! 111,\\! 111,\\! 100", "11111111100", "MATH thin spaces"),
    ("1000", "1 000", "space"),
    # fractions
    ("\\dfrac{3}{4}", "\\tfrac34", "dfrac/tfrac"),
    ("\\frac{3}{4}", "0.75", "decimal"),
    ("12\\frac{3}{5}", "\\frac{63}{5}", "mixed number"),
    ("1\\frac{1}{4}", "1.25", "mixed number decimal"),
    ("-\\frac{40}{153}", "\\frac{-40}{153}", "sign placement"),
    ("0.1", ".1", "leading dot"),
    ("0", "000", "leading zeros"),
    ("\\frac13", "0.333333", "decimal to 6 places (math-verify's rounding)"),
    # degrees
    ("30^\\circ", "30", "degrees"),
    ("30", "30^{\\circ}", "degrees braced"),
    ("45", "45°", "degree sign"),
    # symbolic
    ("\\frac{\\sqrt{2}}{2}", "\\frac{1}{\\sqrt{2}}", "radicals"),
    ("(r+5)^2", "(r+5)(r+5)", "expansion"),
    ("\\frac{1}{2004!}", "\\frac{1}{2004!}", "same factorial"),
    ("\\pi", "3.141593", "pi to 6 places"),
    ("1+i", "i+1", "complex"),
    ("0", "\\sin(\\pi)", "evaluates to zero"),
]

DIFFERENT = [
    ("\\frac{1}{2004!}", "\\frac{1}{2006!}", "tiny rationals"),
    ("10^{-20}", "10^{-21}", "tiny powers"),
    ("2^{-100}", "2^{-101}", "tiny binary powers"),
    ("e^{-100}", "e^{-101}", "tiny irrationals"),
    ("10^{-9}", "2 \\cdot 10^{-9}", "tiny decimals"),
    ("\\frac13", "0.33", "decimal to 2 places"),
    ("123456789.123", "123456789.1234", "decimal places"),
    ("[1,2)", "(1,2]", "interval ends"),
    ("\\{1,2\\}", "\\{1,3\\}", "set elements"),
    ("32349", "32, 349", "a list is not a thousands separator"),
    ("1.2", "1,2", "a list is not a decimal comma"),
    ("x=2", "y=2", "different variables"),
    ("2", "x = 3", "equation value"),
    ("10", "10x", "a variable is not a unit"),
    ("50\\%", "5", "percent"),
    ("0.5", "50\\%", "a percentage is the number before its sign, not a fraction"),
    ("12\\frac{3}{5}", "\\frac{36}{5}", "mixed number is not a product"),
    ("4:30 p.m.", "4:30 \\text{ a.m.}", "time of day"),
    ("\\text{east}", "\\text{west}", "words"),
    ("(3, \\frac{\\pi}{2})", "(3, \\frac{\\pi}{3})", "tuple element"),
    ("\\infty", "-\\infty", "infinities"),
    ("\\pi", "3.14159", "pi to 5 places"),
    ("0", "10^{-30}", "tiny is not zero"),
    ("28", "\\sqrt{34} + 3\\sqrt{10}", "radicals vs integer"),
    ("2i", "3i", "complex"),
    ("5", "5 \\text{ is not the answer}", "a phrase is not a unit"),
]


@pytest.mark.parametrize("reference, answer, case", EQUAL, ids=[c for *_, c in EQUAL])
def test_equal(reference, answer, case):
    verdict = grade(think(f"\\boxed{{{answer}}}"), reference)
    assert verdict.status is Status.CORRECT, verdict.reason


@pytest.mark.parametrize("reference, answer, case", DIFFERENT, ids=[c for *_, c in DIFFERENT])
def test_different(reference, answer, case):
    verdict = grade(think(f"\\boxed{{{answer}}}"), reference)
    assert verdict.status is Status.WRONG, verdict.details


def test_math_verify_itself_calls_1_over_2004_factorial_equal_to_1_over_2006_factorial():
    """The upstream behaviour r1verify corrects (if math-verify fixes it, this test says so)."""
    from math_verify import parse, verify

    gold = parse("$\\frac{1}{2004!}$", parsing_timeout=None)
    pred = parse("$\\frac{1}{2006!}$", parsing_timeout=None)
    assert verify(gold, pred, timeout_seconds=None) is True
    assert grade(think("\\boxed{\\frac{1}{2006!}}"), "\\frac{1}{2004!}").status is Status.WRONG


@pytest.mark.parametrize(
    "reference, answer, path",
    [
        ("\\frac{3}{4}", "\\dfrac{3}{4}", "string"),
        ("\\frac{3}{4}", "0.75", "exact"),
        ("18", "18.00", "exact"),
        ("\\frac{3}{4}", "0.7", "exact"),
        ("\\sqrt{2}", "\\frac{2}{\\sqrt{2}}", "symbolic"),
    ],
)
def test_cheap_paths_decide_before_math_verify(reference, answer, path):
    assert grade(think(f"\\boxed{{{answer}}}"), reference).details["path"] == path
