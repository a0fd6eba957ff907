"""Issue 24 rows 7 and 12 for code: each verdict's ``elapsed`` is its own programs' time in the sandbox (not the
batch time shared out), and a ``language`` column naming a natural language does not steer the program."""

from __future__ import annotations

import pytest

from r1verify import Sample, Status

from .conftest import fenced

pytestmark = pytest.mark.docker

TESTS = {"inputs": ["1\n"], "outputs": ["1\n"]}


def test_the_slow_sample_of_a_batch_is_the_one_with_the_long_elapsed(code_verifier):
    quick = Sample(fenced("print(input())"), reference=TESTS)
    slow = Sample(fenced("import time\ntime.sleep(0.8)\nprint(input())"), reference=TESTS)
    verdicts = code_verifier.verify_batch([quick, slow, quick])
    assert [v.status for v in verdicts] == [Status.CORRECT] * 3
    assert verdicts[1].elapsed >= 0.75
    assert verdicts[0].elapsed < 0.5 and verdicts[2].elapsed < 0.5


def test_a_natural_language_column_does_not_name_the_program_language(code_verifier):
    sample = Sample(fenced("print(input())"), reference=TESTS, meta={"language": "en"})
    [verdict] = code_verifier.verify_batch([sample])
    assert verdict.status is Status.CORRECT and verdict.details["language"] == "python"
    cpp = Sample(fenced("print(input())"), reference=TESTS, meta={"code_language": "cpp", "language": "en"})
    [verdict] = code_verifier.verify_batch([cpp])
    assert verdict.status is Status.NO_ANSWER  # the python block is not the C++ program the row asks for
