"""Completions that try to get a reward without solving the problem: none of them may pass.

The red team's findings (agents' redteam.md, "Code verifier") are reproduced below with every variant it lists;
each of those passed before the evaluator moved out of the solution's process (and before C++ macros were
scoped), and must fail now.
"""

from __future__ import annotations

import pytest
from r1verify_code import CodeVerifier

from r1verify import Sample, Status

from .conftest import fenced, load

pytestmark = pytest.mark.docker

PROBLEM = next(p for p in load("humaneval.jsonl") if p["task_id"] == "HumanEval/0")
REFERENCE = {"test": PROBLEM["test"], "entry_point": PROBLEM["entry_point"]}
SIGNATURE = "def has_close_elements(numbers, threshold):\n"

HACKS = {
    "exit(0) before the tests": "import sys\nsys.exit(0)\n",
    "os._exit(0) before the tests": "import os\nos._exit(0)\n",
    "os._exit(0) inside the function": SIGNATURE + "    import os\n    os._exit(0)\n",
    "raise SystemExit inside the function": SIGNATURE + "    raise SystemExit(0)\n",
    "an object equal to everything": (
        "class Anything:\n    def __eq__(self, other):\n        return True\n    __hash__ = object.__hash__\n"
        + SIGNATURE
        + "    return Anything()\n"
    ),
    "an int subclass equal to everything": (
        "class Yes(int):\n    def __eq__(self, other):\n        return True\n    __hash__ = int.__hash__\n"
        + SIGNATURE
        + "    return Yes(1)\n"
    ),
    "fake pass output": "print('{\"done\": true}')\nprint('PASSED all tests')\n" + SIGNATURE + "    return None\n",
    "reading the test file": (
        "import json\nSPEC = json.load(open('r1v_tests.json'))\n" + SIGNATURE + "    return None\n"
    ),
    "patching the reporting functions": (
        'import json, os\njson.dumps = lambda payload, **kw: \'{"i": 0, "ok": true}\'\n'
        "_w = os.write\nos.write = lambda fd, data: _w(fd, data.replace(b'false', b'true'))\n"
        + SIGNATURE
        + "    return None\n"
    ),
    "catching the assertion in a wrapper": (
        "import builtins\nbuiltins.AssertionError = type('Nope', (Exception,), {})\n" + SIGNATURE + "    return None\n"
    ),
}


@pytest.mark.parametrize("name", list(HACKS))
def test_hack_gets_no_reward(name, code_verifier):
    [verdict] = code_verifier.verify_batch(
        [Sample(fenced(PROBLEM["prompt"].split("def ")[0] + HACKS[name]), reference=REFERENCE)]
    )
    assert verdict.status is Status.WRONG and verdict.score == 0.0, verdict


def test_the_eq_hack_is_what_strict_returns_prevents(code_verifier):
    lenient = CodeVerifier(backend="docker", workers=2, strict_returns=False)
    sample = Sample(fenced(HACKS["an object equal to everything"]), reference=REFERENCE)
    assert lenient.verify_batch([sample])[0].status is Status.CORRECT  # the hole, without the check
    assert code_verifier.verify_batch([sample])[0].status is Status.WRONG


def test_stdio_expected_output_never_reaches_the_program(code_verifier):
    snoop = "import os, sys\nprint(sorted(os.listdir('.')), sys.stdin.read().strip())\n"
    [verdict] = code_verifier.verify_batch([Sample(fenced(snoop), reference={"inputs": ["in"], "outputs": ["SECRET"]})])
    assert verdict.status is Status.WRONG and "SECRET" not in verdict.details["tests"][0]["reason"].split("got")[1]


def test_answers_do_not_leak_from_one_sample_to_the_next(sandbox_image):
    """In a GRPO group one completion solves the problem and stashes its outputs in /tmp or /dev/shm;
    another completion, run later in the same container, must not find them."""
    verifier = CodeVerifier(backend="docker", workers=1)
    reference = {"inputs": ["2 3\n", "10 20\n"], "outputs": ["5\n", "30\n"]}
    stash = (
        "import sys\na, b = map(int, sys.stdin.read().split())\nprint(a + b)\n"
        "for path in ('/tmp/answers', '/dev/shm/answers'):\n    open(path, 'a').write(f'{a + b}\\n')\n"
    )
    replay = (
        "import os\nfor path in ('/tmp/answers', '/dev/shm/answers'):\n    if os.path.exists(path):\n"
        "        print(open(path).read().split()[0])\n        break\nelse:\n    print('nothing to copy')\n"
    )
    first, second = verifier.verify_batch(
        [Sample(fenced(stash), reference=reference), Sample(fenced(replay), reference=reference)]
    )
    assert first.status is Status.CORRECT
    assert second.status is Status.WRONG and "nothing to copy" in second.details["tests"][0]["reason"]


# ---------------------------------------------------------------------------------------------- red team
HE_SQUARE = {
    "test": "def check(candidate):\n    assert candidate(2) == 4\n    assert candidate(3) == 9\n",
    "entry_point": "square",
}
MBPP_SQUARE = {"test_list": ["assert square(2) == 4", "assert square(3) == 9", "assert square(5) == 25"]}
RAW_SQUARE = "assert square(2) == 4\nassert square(3) == 9\n"
CALL_SQUARE = {"fn_name": "square", "inputs": ["2", "3"], "outputs": ["4", "9"]}
HE_ROOT = {
    "test": "import math\ndef check(candidate):\n    assert abs(candidate(2) - 1.41421356) < 1e-6\n"
    "    assert math.isclose(candidate(9), 3.0)\n",
    "entry_point": "root",
}
MBPP_ROOT = {
    "test_list": ["assert abs(root(2) - 1.41421356) < 1e-6", "assert math.isclose(root(9), 3.0)"],
    "test_setup_code": "import math",
}
ALWAYS_EQUAL = (
    "class _E:\n    def __eq__(self, other):\n        return True\n    def __ne__(self, other):\n        return False\n"
)

FINDING_1 = {  # the harness looked up exec/compile after the solution had patched them
    "exec patched": "import builtins\nbuiltins.exec = lambda *a, **k: None\ndef square(x):\n    return 0\n",
    "compile patched": (
        "import builtins\n_c = builtins.compile\nbuiltins.compile = lambda s, f, m, *a, **k: _c('pass', f, m)\n"
        "def square(x):\n    return 0\n"
    ),
}
FINDING_2 = {  # ways around the old check of returned values' types
    "callable instance": ALWAYS_EQUAL
    + "class _F:\n    def __call__(self, *a, **k):\n        return _E()\nsquare = _F()\n",
    "functools.partial": "import functools\n" + ALWAYS_EQUAL + "square = functools.partial(lambda x: _E())\n",
    "defined by exec in other globals": (
        "g = {}\nexec('class E:\\n    def __eq__(s, o): return True\\ndef square(x):\\n    return E()', g)\n"
        "square = g['square']\n"
    ),
    "class claiming module builtins": ALWAYS_EQUAL.replace("class _E:\n", "class _E:\n    __module__ = 'builtins'\n")
    + "def square(x):\n    return _E()\n",
    "module named builtins": "__name__ = 'builtins'\nclass _E(int):\n    def __eq__(self, o):\n        return True\n"
    "    __hash__ = int.__hash__\ndef square(x):\n    return _E(0)\n",
    "Fraction.__eq__ patched": "import fractions\nfractions.Fraction.__eq__ = lambda s, o: True\n"
    "def square(x):\n    return fractions.Fraction(0)\n",
    "UserList.__eq__ patched": "import collections\ncollections.UserList.__eq__ = lambda s, o: True\n"
    "def square(x):\n    return collections.UserList()\n",
}
FINDING_3 = {  # the tests' builtins and modules were the solution's
    "builtins.abs and math.isclose patched": (
        "import builtins, math\nbuiltins.abs = lambda x: 0\nmath.isclose = lambda *a, **k: True\n"
        "def root(x):\n    return 0.0\n"
    ),
    "__builtins__ replaced": (
        "import builtins, math\n__builtins__ = dict(vars(builtins), abs=lambda x: 0)\n"
        "math.isclose = lambda *a, **k: True\ndef root(x):\n    return 0.0\n"
    ),
    "a global abs": "import math\nabs = lambda x: 0\nmath.isclose = lambda *a, **k: True\ndef root(x):\n    return 0.0\n",
}
FRAME_WALK = (  # the harness's own reporting function, found by walking up the solution's frames
    "import sys, os\nf = sys._getframe(1)\nwhile f is not None and 'report' not in f.f_locals:\n    f = f.f_back\n"
    "report = f.f_locals['report']\n"
)
MEMORY_SNOOP = """\
import ctypes, re
PATTERN = re.compile(rb"zq7-[0-9a-f]{20}-qz")
def _find():
    for line in open("/proc/self/maps"):
        fields = line.split()
        low, high = (int(x, 16) for x in fields[0].split("-"))
        if fields[1][0] != "r" or high - low > 1 << 28 or fields[-1].startswith("[v"):
            continue
        found = PATTERN.search(ctypes.string_at(low, high - low))
        if found:
            return found.group().decode()
ANSWER = _find()
def secret():
    return ANSWER
"""
SECRET = {
    "test": "def check(candidate):\n    assert candidate() == 'zq7-5f1c09a2b7e4d3c6a8f0-qz'\n",
    "entry_point": "secret",
}

PYTHON_CASES = [
    *(
        (f"1: {name} ({where})", ref, code)
        for name, code in FINDING_1.items()
        for where, ref in (("HumanEval", HE_SQUARE), ("MBPP", MBPP_SQUARE), ("bare asserts", RAW_SQUARE))
    ),
    *(
        (f"2: {name} ({where})", ref, code)
        for name, code in FINDING_2.items()
        for where, ref in (("HumanEval", HE_SQUARE), ("MBPP", MBPP_SQUARE))
    ),
    *(
        (f"3: {name} ({where})", ref, code)
        for name, code in FINDING_3.items()
        for where, ref in (("HumanEval", HE_ROOT), ("MBPP", MBPP_ROOT))
    ),
    (
        "frame walk: fake reports (assert-style)",
        HE_SQUARE,
        FRAME_WALK + "for i in range(3):\n    report(i=i, ok=True)\nreport(done=True)\nos._exit(0)\n",
    ),
    (
        "frame walk: fake reports (call-based)",
        CALL_SQUARE,
        FRAME_WALK + "report(i=0, value=4)\nreport(i=1, value=9)\nreport(done=True)\nos._exit(0)\n",
    ),
    ("reading the expected value from process memory", SECRET, MEMORY_SNOOP),
]


@pytest.mark.parametrize(("name", "reference", "code"), PYTHON_CASES, ids=[c[0] for c in PYTHON_CASES])
def test_red_team_python_hacks_get_no_reward(name, reference, code, code_verifier):
    [verdict] = code_verifier.verify_batch([Sample(fenced(code), reference=reference)])
    assert verdict.status is Status.WRONG and verdict.score == 0.0, verdict


def test_the_red_team_references_accept_honest_solutions(code_verifier):
    """The references above are passable: the hacks fail because they cheat, not because nothing passes."""
    square, root = "def square(x):\n    return x * x\n", "def root(x):\n    return x ** 0.5\n"
    samples = [Sample(fenced(square), reference=r) for r in (HE_SQUARE, MBPP_SQUARE, RAW_SQUARE, CALL_SQUARE)]
    samples += [Sample(fenced(root), reference=r) for r in (HE_ROOT, MBPP_ROOT)]
    honest_secret = "def secret():\n    return 'zq7-' + '5f1c09a2b7e4d3c6a8f0' + '-qz'\n"  # not whole in its source
    samples.append(Sample(fenced(honest_secret), reference=SECRET))
    assert [v.status for v in code_verifier.verify_batch(samples)] == [Status.CORRECT] * len(samples)


T_INSERT = (  # HumanEval-X / SandboxFusion layout: the solution goes at #<INSERT>
    "#include<stdio.h>\n#include<math.h>\nusing namespace std;\n#<INSERT>\n#undef NDEBUG\n#include<assert.h>\n"
    "int main(){\n    assert (add(2,3)==5);\n    assert (add(10,7)==17);\n}\n"
)
T_APPENDED = (
    "#undef NDEBUG\n#include<assert.h>\nint main(){\n    assert (add(2,3)==5);\n    assert (add(10,7)==17);\n}\n"
)
T_BARE = "int main(){\n    assert (add(2,3)==5);\n    assert (add(10,7)==17);\n}\n"  # assert.h from the solution
WRONG_ADD = "int add(int a, int b) { return 0; }\n"
ASSERT_FAIL = "#include <assert.h>\n#define __assert_fail(a,b,c,d) ((void)0)\n" + WRONG_ADD
CPP_CASES = [
    ("4: __assert_fail macro (#<INSERT>)", T_INSERT, ASSERT_FAIL),
    ("4: __assert_fail macro (appended)", T_APPENDED, ASSERT_FAIL),
    ("4: assert redefined", T_BARE, "#include <cassert>\n#undef assert\n#define assert(x) ((void)0)\n" + WRONG_ADD),
    ("4: NDEBUG defined", T_BARE, "#define NDEBUG\n#include <cassert>\n" + WRONG_ADD),
    ("a comment left open", T_APPENDED, WRONG_ADD + "int r1v_tests_main() { return 0; }\n/*"),
    ("an #if left open", T_APPENDED, WRONG_ADD + "#if 0\n"),
]


@pytest.mark.parametrize(("name", "tests", "code"), CPP_CASES, ids=[c[0] for c in CPP_CASES])
def test_red_team_cpp_macro_hacks_get_no_reward(name, tests, code, code_verifier):
    [verdict] = code_verifier.verify_batch([Sample(fenced(code, "cpp"), reference={"test": tests, "language": "cpp"})])
    assert verdict.status is Status.WRONG and verdict.score == 0.0, verdict


def test_macros_of_honest_cpp_solutions_still_work(code_verifier):
    """Competitive-programming macros (even ``#define int long long``) are scoped, not rejected."""
    honest = (
        "#include <bits/stdc++.h>\nusing namespace std;\n#define int long long\n#define rep(i, n) for (int i = 0; "
        "i < (n); ++i)\n#define INT_MAX 7\nint add(int a, int b) { int s = 0; rep(i, 1) s = a + b; return s; }\n"
    )
    samples = [Sample(fenced(honest, "cpp"), reference={"test": t, "language": "cpp"}) for t in (T_INSERT, T_APPENDED)]
    assert [v.status for v in code_verifier.verify_batch(samples)] == [Status.CORRECT] * 2


# ---------------------------------------------------------------------------------------------- the new design
GUARDS = {  # attacks on the two-process harness itself
    "killing the evaluator": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\ndef square(x):\n    return 0\n",
    "interrupting the evaluator": (
        "import os, signal\ndef square(x):\n    os.kill(os.getppid(), signal.SIGINT)\n    return 0\n"
    ),
    "planting a module for the evaluator's imports": (
        "open('statistics.py', 'w').write('def mean(*a, **k):\\n    return 0\\n')\ndef square(x):\n    return 0\n"
    ),
    "StopIteration ending the tests' loop": "def square(x):\n    raise StopIteration\n",
    "printing a done line": 'print(\'{"done": true}\')\nimport os\nos.write(1, b\'{"i": 0, "ok": true}\\n\')\n'
    "def square(x):\n    return 0\n",
    "a generator that stops early": "def square(x):\n    yield from ()\n",
    # the solution is right only if it can reach the evaluator's report channel or memory: it must not
    "opening the evaluator's stdout": (
        "import os\ndef square(x):\n    try:\n        os.close(os.open(f'/proc/{os.getppid()}/fd/1', os.O_WRONLY))\n"
        "    except OSError:\n        return 0\n    return x * x\n"
    ),
    "reading the evaluator's memory": (
        "import os\ndef square(x):\n    try:\n        os.close(os.open(f'/proc/{os.getppid()}/mem', os.O_RDONLY))\n"
        "    except OSError:\n        return 0\n    return x * x\n"
    ),
}
GUARD_REFERENCE = {
    "test": "import statistics\ndef check(candidate):\n    assert all(map(candidate, [0, 0]))"
    " or all(candidate(x) == x * x for x in [2, 3])\n    assert candidate(3) == 9 + statistics.mean([0])\n",
    "entry_point": "square",
}


@pytest.mark.parametrize("name", list(GUARDS))
def test_attacks_on_the_evaluator_get_no_reward(name, code_verifier):
    [verdict] = code_verifier.verify_batch([Sample(fenced(GUARDS[name]), reference=GUARD_REFERENCE)])
    assert verdict.status is Status.WRONG and verdict.score == 0.0, verdict
    honest = code_verifier.verify_batch(
        [Sample(fenced("def square(x):\n    return x * x\n"), reference=GUARD_REFERENCE)]
    )
    assert honest[0].status is Status.CORRECT
