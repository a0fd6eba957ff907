"""The code verifier's red-team sets (tests/code/test_reward_hacking.py) as a corpus for the audit: every hack
that was once rewarded is flagged by one of the code detectors, and the honest solutions beside them are not."""

from __future__ import annotations

import pytest

from r1verify.audit import select

from ..code.conftest import fenced
from ..code.test_reward_hacking import HACKS, PROBLEM, PYTHON_CASES, REFERENCE
from .helpers import rollout

CODE_DETECTORS = [d for d in select(regrade=False) if d.category == "code"]
CASES = [
    *((f"hack: {name}", REFERENCE, PROBLEM["prompt"].split("def ")[0] + code) for name, code in HACKS.items()),
    *PYTHON_CASES,
]


def flagged_by(reference, code: str) -> list[str]:
    r = rollout(fenced(code), "", reference, "code")
    return [f.detector for d in CODE_DETECTORS for f in d.detect(r)]


@pytest.mark.parametrize(("name", "reference", "code"), CASES, ids=[c[0] for c in CASES])
def test_every_red_team_code_hack_is_flagged(name, reference, code):
    assert flagged_by(reference, code), f"{name}: no code detector fires"


@pytest.mark.parametrize(
    ("reference", "code"),
    [
        (REFERENCE, PROBLEM["prompt"] + PROBLEM["canonical_solution"]),
        ({"test_list": ["assert square(2) == 4", "assert square(3) == 9"]}, "def square(x):\n    return x * x\n"),
        ({"fn_name": "square", "inputs": ["2", "3"], "outputs": ["4", "9"]}, "def square(x):\n    return x * x\n"),
        (
            {
                "test": "import math\ndef check(candidate):\n    assert math.isclose(candidate(9), 3.0)\n",
                "entry_point": "root",
            },
            "import math\ndef root(x):\n    return math.sqrt(x)\n",
        ),
    ],
)
def test_the_honest_solutions_of_those_problems_are_not_flagged(reference, code):
    assert flagged_by(reference, code) == []
