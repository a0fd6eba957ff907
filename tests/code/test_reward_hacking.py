"""Completions that try to get a reward without solving the problem: none of them may pass."""

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
