"""Two readings that must never turn a wrong answer into a correct one (found in review of the decimal-comma and
shared-value rules): a list is not a decimal number, and a system of equations does not name quantities."""

from __future__ import annotations

import pytest
from r1verify_math import MathVerifier

from r1verify import Sample, Status

CASES = [
    # a list with a space, a LaTeX list, a fractional part of zeros: lists, not decimal commas
    ("The answer is 2, 3.", "2.3", Status.WRONG),
    ("The answer is 3, 5.", "3.5", Status.WRONG),
    ("The final answer is 1, 25.", "1.25", Status.WRONG),
    ("The answer is $2,3$.", "2.3", Status.WRONG),
    ("The answer is 1,0000.", "1", Status.WRONG),
    # decimal commas as their writers mean them
    ("The answer is 1000,99.", "1000.99", Status.CORRECT),
    ("The answer is 0,111.", "0.111", Status.CORRECT),
    ("The answer is $3{,}5$.", "3.5", Status.CORRECT),
    ("The answer is 2,3.", "2.3", Status.CORRECT),
    # a system of equations is not several quantities sharing one value
    ("\\boxed{5}", "a+b=5, a-b=5", Status.WRONG),
    ("\\boxed{0}", "x+y=0, x-y=0", Status.WRONG),
    ("\\boxed{2}", "f(x)=2, g(x)=2", Status.WRONG),
    # named quantities that share it
    ("\\boxed{90^\\circ}", "\\angle BEA_1=90, \\angle AEB_1=90", Status.CORRECT),
    ("\\boxed{1}", "x=1,y=1", Status.CORRECT),
    ("\\boxed{5}", "AB=5, BC=5", Status.CORRECT),
    ("\\boxed{1}", "x=1,y=2", Status.WRONG),
]


@pytest.mark.parametrize(("answer", "reference", "status"), CASES)
def test_reading(answer, reference, status):
    verdict = MathVerifier().verify(Sample(f"<think>Work it out.</think>{answer}", reference=reference))
    assert verdict.status is status, verdict.reason
