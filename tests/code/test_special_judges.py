"""Special judges: float tolerance and token-wise comparison, and checker programs (testlib convention) that
run in the real Docker sandbox for problems with many right answers."""

from __future__ import annotations

import json
import math

import pytest
from r1verify_code import CodeVerifier
from r1verify_code.checker import Checker, split_checker
from r1verify_code.compare import stdout_matches
from r1verify_code.options import CodeOptions
from r1verify_code.suite import BadReference

from r1verify import Sample, Status
from r1verify.options import OptionsError, parse_options

from .conftest import fenced

# "Print two positive integers a and b with a + b = n": many right answers; the tests store one of them.
TESTS = {"inputs": ["5\n", "2\n", "1000000\n"], "outputs": ["1 4\n", "1 1\n", "1 999999\n"]}

PY_CHECKER = """\
import sys
n = int(open(sys.argv[1]).read())
tokens = open(sys.argv[2]).read().split()
if len(tokens) != 2:
    print(f"expected two numbers, got {len(tokens)} tokens")
    sys.exit(2)
try:
    a, b = map(int, tokens)
except ValueError:
    print("not integers")
    sys.exit(2)
if a < 1 or b < 1 or a + b != n:
    print(f"{a} + {b} is not {n} with both positive")
    sys.exit(1)
"""

CPP_CHECKER = """\
#include <fstream>
#include <iostream>
int main(int argc, char* argv[]) {
    if (argc != 4) return 3;
    std::ifstream in(argv[1]), out(argv[2]);
    long long n, a, b; std::string extra;
    in >> n;
    if (!(out >> a >> b)) { std::cout << "two integers expected" << std::endl; return 2; }
    if (out >> extra) { std::cout << "extra output" << std::endl; return 2; }
    if (a < 1 || b < 1 || a + b != n) { std::cout << "wrong sum" << std::endl; return 1; }
    return 0;
}
"""

SAME_AS_STORED = "n = int(input())\nprint(1, n - 1)\n"
OTHER_RIGHT_ANSWER = "n = int(input())\nprint(n // 2, n - n // 2)\n"
ZERO = "n = int(input())\nprint(0, n)\n"  # a + b = n, but 0 is not positive
COMMA = "n = int(input())\nprint(f'{n // 2},{n - n // 2}')\n"


def with_checker(checker: str, language: str = "python", tests: dict = TESTS) -> str:
    return json.dumps({**tests, "checker": checker, "checker_language": language})


# ------------------------------------------------------------------ comparison options (no Docker)
def test_float_compare_within_tolerance_only():
    assert stdout_matches("0.3333333\n", "0.333333333333\n", mode="float")  # default 1e-6
    assert not stdout_matches("0.3334\n", "0.333333333333\n", mode="float")
    assert stdout_matches("0.3334", "0.3333", mode="float", float_tol=1e-3)
    assert stdout_matches("1 2.0000001\n3", "1 2\n3\n", mode="float")  # token-wise: layout is free
    assert not stdout_matches("1 2 3 4", "1 2 3", mode="float")  # an extra token is wrong
    assert not stdout_matches("nan", "nan1", mode="float") and stdout_matches("nan", "nan", mode="float")
    assert not stdout_matches("inf", "1e308", mode="float")  # inf is not a number near anything
    assert not stdout_matches("YES", "1", mode="float")
    assert not stdout_matches("0.3333333", "0.333333333333", mode="tokens")  # tokens: exact text
    assert stdout_matches("1   2\n\n3", "1 2 3", mode="tokens")
    assert not stdout_matches("1 2", "1 2 3", mode="lines", float_tol=1.0)


def test_option_errors_name_the_fix():
    with pytest.raises(OptionsError, match="float"):
        parse_options(CodeOptions, {"compare": "floats"})
    with pytest.raises(OptionsError, match="finite"):
        parse_options(CodeOptions, {"float_tol": math.nan})
    with pytest.raises(OptionsError, match="python"):
        parse_options(CodeOptions, {"checker": PY_CHECKER, "checker_language": "java"})
    with pytest.raises(OptionsError, match="positive"):
        parse_options(CodeOptions, {"checker_timeout": 0})
    with pytest.raises(OptionsError, match="blank"):
        parse_options(CodeOptions, {"checker": "   "})


def test_split_checker_reads_dicts_and_json_strings():
    ref, checker = split_checker(with_checker(PY_CHECKER))
    assert checker == Checker(PY_CHECKER, "python") and ref == TESTS
    assert split_checker(TESTS) == (TESTS, None)
    assert split_checker('{"inputs": ["1"], "outputs": ["1"]}')[1] is None
    with pytest.raises(BadReference, match="source"):
        split_checker({**TESTS, "checker": 42})
    with pytest.raises(BadReference, match="'python' or 'cpp'"):
        split_checker({**TESTS, "checker": PY_CHECKER, "checker_language": "java"})
    with pytest.raises(BadReference, match="main"):
        Checker("bool check() { return true; }", "cpp").wrapped()


# ------------------------------------------------------------------ checkers in the sandbox
@pytest.mark.docker
@pytest.mark.parametrize("language,checker", [("python", PY_CHECKER), ("cpp", CPP_CHECKER)])
def test_many_right_answers_judged_by_a_checker(code_verifier, language, checker):
    ref = with_checker(checker, language)
    samples = [Sample(fenced(code), reference=ref) for code in (SAME_AS_STORED, OTHER_RIGHT_ANSWER, ZERO, COMMA)]
    samples.append(Sample(fenced(OTHER_RIGHT_ANSWER), reference=TESTS))  # without the checker
    same, other, zero, comma, no_checker = code_verifier.verify_batch(samples)
    assert same.status is Status.CORRECT and other.status is Status.CORRECT
    assert zero.status is Status.WRONG and "wrong answer (checker)" in zero.details["tests"][0]["reason"]
    assert comma.status is Status.WRONG and "presentation error (checker)" in comma.details["tests"][0]["reason"]
    assert no_checker.status is Status.PARTIAL  # only n = 2 gives the stored "1 1"; the others differ from it
    if language == "python":
        assert "0 + 5 is not 5" in zero.details["tests"][0]["reason"]  # the checker's message is kept


@pytest.mark.docker
def test_checker_option_and_the_references_own_checker_wins(code_verifier):
    always_wrong = "import sys\nsys.exit(1)\n"
    verifier = CodeVerifier(backend="docker", workers=2, checker=PY_CHECKER)
    right, wrong_by_ref = verifier.verify_batch(
        [
            Sample(fenced(OTHER_RIGHT_ANSWER), reference=TESTS),
            Sample(fenced(SAME_AS_STORED), reference=with_checker(always_wrong)),
        ]
    )
    assert right.status is Status.CORRECT
    assert wrong_by_ref.status is Status.WRONG


@pytest.mark.docker
def test_a_failing_checker_is_an_error_never_correct(code_verifier):
    crashing = "import sys\nraise RuntimeError('checker bug')\n"
    fail_code = "import sys\nprint('jury answer is wrong')\nsys.exit(3)\n"
    hanging = "while True:\n    pass\n"
    no_compile = "int main(int argc, char* argv[]) { return undefined_name; }\n"
    verifier = CodeVerifier(backend="docker", workers=2, checker_timeout=1.0)
    samples = [
        Sample(fenced(SAME_AS_STORED), reference=with_checker(crashing)),
        Sample(fenced(SAME_AS_STORED), reference=with_checker(fail_code)),
        Sample(fenced(SAME_AS_STORED), reference=with_checker(hanging)),
        Sample(fenced(SAME_AS_STORED), reference=with_checker(no_compile, "cpp")),
        Sample(fenced(SAME_AS_STORED), reference=with_checker(PY_CHECKER, tests={"test": "assert True"})),
    ]
    crash, fail, hang, bad_cpp, not_stdio = verifier.verify_batch(samples)
    for verdict in (crash, fail, hang, bad_cpp, not_stdio):
        assert verdict.status is Status.ERROR and verdict.score is None
    assert "RuntimeError: checker bug" in crash.reason
    assert "exit 3" in fail.reason
    assert "timeout" in hang.reason
    assert "does not compile" in bad_cpp.reason
    assert "stdin/stdout" in not_stdio.reason


@pytest.mark.docker
def test_hacked_answers_do_not_fool_the_checker(code_verifier):
    ref = with_checker(PY_CHECKER)
    hacks = {
        # plant the files the checker reads, in the solution's own directory, and print a wrong answer
        "plant files": "import os\nn = int(input())\nfor name in os.listdir('.') + ['output_0.txt', 'answer_0.txt']:\n"
        "    try:\n        open(name, 'w').write(f'1 {n - 1}')\n    except OSError:\n        pass\nprint(0, n)\n",
        "print a verdict": "print('ok')\nprint(0)\n",
        "exit code 0, no output": "import sys\nsys.exit(0)\n",
        "huge output": "print('1 ' * 10**7)\n",
        "right answer then more": "n = int(input())\nprint(1, n - 1)\nprint(1, n - 1)\n",
    }
    verdicts = code_verifier.verify_batch([Sample(fenced(code), reference=ref) for code in hacks.values()])
    for name, verdict in zip(hacks, verdicts):
        assert verdict.status is Status.WRONG, (name, verdict.reason)
        assert verdict.score == 0.0


@pytest.mark.docker
def test_recipe_options_through_the_engine(docker_pool):
    from r1verify import Engine, Recipe

    third = {"inputs": ["1 3\n", "2 3\n"], "outputs": ["0.333333333\n", "0.666666667\n"]}
    program = fenced("a, b = map(int, input().split())\nprint(f'{a / b:.7f}')")  # fewer digits than stored
    options = {"backend": "docker", "workers": 2}
    recipe = Recipe.from_dict(
        {
            "verifiers": {
                "exact_digits": {"verifier": "code", "options": options},
                "float": {"verifier": "code", "options": {**options, "compare": "float"}},
                "checked": {"verifier": "code", "options": {**options, "checker": PY_CHECKER}},
            }
        }
    )
    with Engine(recipe) as engine:
        divided, summed = engine.verify(
            [Sample(program, reference=third), Sample(fenced(OTHER_RIGHT_ANSWER), reference=TESTS)]
        )
    assert divided.verdicts["exact_digits"].status is Status.WRONG
    assert divided.verdicts["float"].status is Status.CORRECT
    # the other problem's checker cannot read this input ("1 3" is not one integer): an error, never a verdict
    checked = divided.verdicts["checked"]
    assert checked.status is Status.ERROR and checked.score is None and "ValueError" in checked.reason
    assert summed.verdicts["checked"].status is Status.CORRECT
    assert summed.verdicts["float"].status is Status.PARTIAL
