"""A reference the code verifier cannot test with is the reference's fault (``error``), never a free 1.0 and
never a 0 blamed on the model; test code that runs no assert never passes.

Before: a plain string without ``assert`` ("120", a dataset's ``solution`` program, prose) was taken as test code
that passes whenever the program loads (``correct``, reward 1.0); truncated JSON, prose and test code that does
not compile were failed tests (``wrong``, reward 0).
"""

from __future__ import annotations

import json

import pytest
from r1verify_code import BadReference, CodeVerifier, parse_reference

from r1verify import Sample, Status

from .conftest import fenced

SOLUTION_COLUMN = "def add(a, b):\n    return a + b\n"
"""An APPS/TACO-style ``solution`` column: the reference program, not a test."""

NOT_TESTS = {
    "math answer": "120",
    "assignment": "x = 1",
    "solution program": SOLUTION_COLUMN,
    "prose": "The answer is 42",
    "prose solution": "We add the two numbers and return the sum.",
    "assert that does not compile": "assert f(1) == ",
    "truncated JSON": '[{"input": "1\\n", "output": "2\\n"',
    "broken JSON object": '{"inputs": ["1"], "outputs": ["2"]',
    "assert under if False": "if False:\n    assert add(1, 2) == 3\n",
    "check never called": "def check(candidate):\n    assert candidate(1, 2) == 3\n",
    "only assert True": "assert True\n",
}

BROKEN_DICTS = {
    "input_output not JSON": {"input_output": '{"inputs": ["1"], "outputs": ['},
    "test_cases not JSON": {"test_cases": "[{'input': '1'}"},
    "test not JSON": {"test": '[{"input": "1", "output"'},
    "HumanEval check without asserts": {"test": "def check(candidate):\n    pass\n", "entry_point": "add"},
    "MBPP item without assert": {"test_list": ["add(1, 2)"]},
}


@pytest.mark.parametrize("reference", list(NOT_TESTS.values()), ids=list(NOT_TESTS))
def test_a_string_that_holds_no_runnable_assert_is_a_bad_reference(reference):
    with pytest.raises(BadReference) as info:
        parse_reference(reference)
    message = str(info.value)
    assert "Accepted references" in message  # names the accepted forms


@pytest.mark.parametrize("reference", list(BROKEN_DICTS.values()), ids=list(BROKEN_DICTS))
def test_unreadable_fields_are_bad_references(reference):
    with pytest.raises(BadReference):
        parse_reference(reference)


def test_the_reason_names_the_problem():
    with pytest.raises(BadReference, match=r"'120' is not test code: it holds no `assert` statement"):
        parse_reference("120")
    with pytest.raises(BadReference, match="looks like JSON but does not parse"):
        parse_reference('[{"input": "1\\n", "output": "2\\n"')
    with pytest.raises(BadReference, match="does not compile as Python"):
        parse_reference("The answer is 42")
    with pytest.raises(BadReference, match="checks nothing"):
        parse_reference("def check(candidate):\n    assert candidate(1) == 2\n")


@pytest.mark.parametrize(
    "reference",
    [
        "assert add(1, 2) == 3",
        "import math\nassert add(1, 2) == math.floor(3.5)\n",
        "def check(candidate):\n    assert candidate(1, 2) == 3\ncheck(add)\n",
        {"test": "def check(candidate):\n    assert True\n    assert candidate(1, 2) == 3\n", "entry_point": "add"},
        {"test_list": ["assert add(1, 2) == 3"]},
        ["assert add(1, 2) == 3"],
        "int main() {\n    assert (add(1, 2) == 3);\n}\n",  # C++ test code that names no language
        {"test": "const assert = require('node:assert');\nassert.deepEqual(add(1, 2), 3);", "language": "javascript"},
    ],
)
def test_real_test_code_still_parses(reference):
    assert parse_reference(reference).kind == "assert"


def test_bad_references_are_errors_before_any_program_runs():
    """No Docker needed: a bad reference never starts the sandbox, even when the completion has no program."""
    verifier = CodeVerifier(backend="docker", image="r1verify-sandbox:never-built")
    samples = [Sample(fenced("def f(x):\n    return x\n"), reference=r) for r in NOT_TESTS.values()]
    samples += [Sample(fenced("def f(x):\n    return x\n"), reference=r) for r in BROKEN_DICTS.values()]
    samples.append(Sample("no program here", reference="120"))
    verdicts = verifier.verify_batch(samples)
    assert [v.status for v in verdicts] == [Status.ERROR] * len(samples)
    assert all(v.reason.startswith("reference: ") for v in verdicts)


@pytest.mark.docker
def test_a_solution_column_reference_is_an_error_and_the_tests_column_grades(docker_pool):
    """The tour's rows: the wrong program got 1.0 against the ``solution`` column."""
    verifier = CodeVerifier(backend="docker", workers=2)
    wrong, right = fenced("def add(a, b):\n    return a - b\n"), fenced(SOLUTION_COLUMN)
    tests = json.dumps({"test_list": ["assert add(1, 2) == 3"]})
    verdicts = verifier.verify_batch(
        [
            Sample(wrong, reference=SOLUTION_COLUMN),
            Sample(right, reference=SOLUTION_COLUMN),
            Sample(wrong, reference="120"),
            Sample(wrong, reference=tests),
            Sample(right, reference=tests),
            Sample(right, reference="assert add(1, 2) == 3\nassert add(2, 2) == 4\n"),
        ]
    )
    assert [v.status for v in verdicts] == [
        Status.ERROR,
        Status.ERROR,
        Status.ERROR,
        Status.WRONG,
        Status.CORRECT,
        Status.CORRECT,
    ]


@pytest.mark.docker
def test_a_test_that_runs_no_assert_does_not_pass(docker_pool):
    """The harness counts the asserts each test runs: a loop over what the solution returns checks nothing when
    the solution returns nothing, and ``assert True`` checks nothing at all."""
    verifier = CodeVerifier(backend="docker", workers=2)
    loop = "for value in evens(4):\n    assert value % 2 == 0\n"
    called = "def check(fn):\n    for value in fn(4):\n        assert value % 2 == 0\ncheck(evens)\n"
    humaneval = {
        "test": "def check(candidate):\n    assert True\n    for v in candidate(4):\n        assert v % 2 == 0\n",
        "entry_point": "evens",
    }
    empty = fenced("def evens(n):\n    return []\n")
    honest = fenced("def evens(n):\n    return [i for i in range(n) if i % 2 == 0]\n")
    verdicts = verifier.verify_batch(
        [
            Sample(empty, reference=loop),
            Sample(empty, reference=called),
            Sample(empty, reference=humaneval),
            Sample(honest, reference=loop),
            Sample(honest, reference=called),
            Sample(honest, reference=humaneval),
        ]
    )
    assert [v.status for v in verdicts] == [Status.WRONG] * 3 + [Status.CORRECT] * 3
    for verdict in verdicts[:3]:
        assert "ran no assert statement" in verdict.details["tests"][0]["reason"]
