"""What assert-style Python tests can do with a solution that runs in another process (real Docker sandbox):
the patterns real datasets use keep working, and solution objects are data or opaque handles."""

from __future__ import annotations

import pytest
from r1verify_code import CodeVerifier

from r1verify import Sample, Status

from .conftest import fenced

pytestmark = pytest.mark.docker

# SandboxFusion @469de0845cb7d665bc68044d541aa3aa28c5b30a, sandbox/tests/datasets/samples/
# code_eval_rl_train_oj_0328_1707.jsonl, row id 9 ("apps"; Apache-2.0): the tests swap sys.stdin/sys.stdout
# around a call of the solution's solve().
RL_TRAIN_OJ_9 = (
    "\n\n\nimport sys\nimport io\ndef check(input_values):\n    inputs = io.StringIO(input_values)\n"
    "    stdin_backup = sys.stdin\n    stdout_backup = sys.stdout\n    sys.stdin = inputs\n"
    "    sys.stdout = io.StringIO()\n\n    solve()\n    returns = sys.stdout.getvalue()\n"
    "    sys.stdout = stdout_backup\n    sys.stdin = stdin_backup\n    \n    return returns\n\n"
    "assert check('-13 3\\n') == '-10\\n'\nassert check('1 -33\\n') == '34\\n'\nassert check('13 3\\n') == '39\\n'\n"
    "assert check('36 80\\n') == '2880\\n'\nassert check('50 -24\\n') == '74\\n'\nassert check('-76 39\\n') == '-37\\n'\n"
    "assert check('-96 -16\\n') == '1536\\n'\nassert check('91 0\\n') == '91\\n'\nassert check('0 15\\n') == '15\\n'\n"
    "assert check('0 0\\n') == '0\\n'\nassert check('100 100\\n') == '10000\\n'\nassert check('10 1\\n') == '11\\n'\n"
)


def verdicts(verifier, cases):
    return verifier.verify_batch([Sample(fenced(code), reference=ref) for code, ref in cases])


def test_tests_that_redirect_stdin_and_stdout_around_the_solution(code_verifier):
    good = "import sys\ndef solve():\n    a, b = map(int, input().split())\n    print(max(a + b, a - b, a * b))\n"
    via_sys = "import sys\ndef solve():\n    a, b = map(int, sys.stdin.readline().split())\n    sys.stdout.write(f'{a + b}\\n')\n"
    right, half_wrong = verdicts(code_verifier, [(good, RL_TRAIN_OJ_9), (via_sys, RL_TRAIN_OJ_9)])
    assert right.status is Status.CORRECT and half_wrong.status is Status.WRONG  # one test: the whole script


def test_stdin_left_unread_by_one_call_is_there_for_the_next():
    tests = (
        "import io, sys\nsys.stdin = io.StringIO('1\\n2\\n')\nsys.stdout = io.StringIO()\n"
        "first(); first()\nassert sys.stdout.getvalue() == '1\\n2\\n', sys.stdout.getvalue()\n"
    )
    [verdict] = verdicts(CodeVerifier(backend="docker", workers=2), [("def first():\n    print(input())\n", tests)])
    assert verdict.status is Status.CORRECT, verdict.reason


def test_in_place_changes_to_arguments_reach_the_tests(code_verifier):
    tests = [
        "a = [3, 1, 2]\nsort_in_place(a)\nassert a == [1, 2, 3]",
        "d = {}\nadd_key(d)\nassert d == {'k': 1}",
    ]
    code = "def sort_in_place(xs):\n    xs.sort()\ndef add_key(d):\n    d['k'] = 1\n"
    [verdict] = verdicts(code_verifier, [(code, {"test_list": tests})])
    assert verdict.status is Status.CORRECT, verdict.reason


def test_solution_objects_can_be_called_read_iterated_and_passed_back(code_verifier):
    # MBPP 601 builds the solution's own Pair objects; LeetCode-style tests call Solution().method()
    mbpp_601 = {
        "test_list": [
            "assert max_chain_length([Pair(5, 24), Pair(15, 25), Pair(27, 40), Pair(50, 60)], 4) == 3",
            "assert max_chain_length([Pair(1, 2), Pair(3, 4), Pair(5, 6), Pair(7, 8)], 4) == 4",
        ]
    }
    pair = (
        "class Pair(object):\n    def __init__(self, a, b):\n        self.a = a\n        self.b = b\n"
        "def max_chain_length(arr, n):\n    mcl = [1 for i in range(n)]\n    for i in range(1, n):\n"
        "        for j in range(0, i):\n            if arr[i].a > arr[j].b and mcl[i] < mcl[j] + 1:\n"
        "                mcl[i] = mcl[j] + 1\n    return max(mcl)\n"
    )
    objects = (
        "class Counter:\n    def __init__(self):\n        self.n = 0\n    def inc(self):\n        self.n += 1\n"
        "        return self.n\n    def __len__(self):\n        return self.n\n    def __str__(self):\n"
        "        return f'C{self.n}'\n"
        "class Solution:\n    def twice(self, x):\n        return 2 * x\n"
        "def squares(n):\n    return (i * i for i in range(n))\n"
        "def positive(x):\n    if x < 0:\n        raise ValueError('negative')\n    return x\n"
    )
    object_tests = (
        "c = Counter()\nassert c.inc() == 1 and c.inc() == 2 and c.n == 2 and len(c) == 2 and str(c) == 'C2'\n"
        "assert Solution().twice(21) == 42\nassert list(squares(4)) == [0, 1, 4, 9] and 4 in squares(3)\n"
        "try:\n    positive(-1)\nexcept ValueError as e:\n    assert 'negative' in str(e)\nelse:\n    assert False\n"
    )
    a, b = verdicts(code_verifier, [(pair, mbpp_601), (objects, object_tests)])
    assert a.status is Status.CORRECT and b.status is Status.CORRECT, (a.reason, b.reason)


def test_library_values_compare_as_data(code_verifier):
    code = (
        "import collections, fractions, decimal\ndef f():\n    P = collections.namedtuple('P', 'x y')\n"
        "    return [P(1, 2), collections.Counter('aab'), fractions.Fraction(1, 3), decimal.Decimal('0.5'), {1, 2}]\n"
    )
    tests = (
        "from collections import Counter\nfrom fractions import Fraction\nfrom decimal import Decimal\n"
        "assert f() == [(1, 2), Counter({'a': 2, 'b': 1}), Fraction(1, 3), Decimal('0.5'), {2, 1}]\n"
        "assert type(f()[2]) is Fraction\n"
    )
    [verdict] = verdicts(code_verifier, [(code, tests)])
    assert verdict.status is Status.CORRECT, verdict.reason


def test_a_test_that_times_out_stops_the_later_ones():
    verifier = CodeVerifier(backend="docker", workers=2, test_timeout=1)
    code = "def f(x):\n    while x == 2:\n        pass\n    return x\n"
    [verdict] = verdicts(
        verifier, [(code, {"test_list": ["assert f(1) == 1", "assert f(2) == 2", "assert f(3) == 3"]})]
    )
    assert [t["passed"] for t in verdict.details["tests"]] == [True, False, False]
    reasons = [t.get("reason", "") for t in verdict.details["tests"]]
    assert reasons[1].startswith("timeout") and reasons[2].startswith("not run")


def test_an_entry_point_named_like_a_builtin_is_the_solutions(code_verifier):
    reference = {"test": "def check(candidate):\n    assert candidate([3, 9, 2]) == 2\n", "entry_point": "max"}
    [verdict] = verdicts(code_verifier, [("def max(xs):\n    return sorted(xs)[0]\n", reference)])
    assert verdict.status is Status.CORRECT, verdict.reason
