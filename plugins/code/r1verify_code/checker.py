"""Checker programs (special judges) for stdin/stdout problems with many right answers.

A checker is a Python or C++ program, written against the testlib convention: it is called as
``checker INPUT OUTPUT ANSWER`` (argv[1] the test's input, argv[2] the contestant's output, argv[3] the
expected answer) and says its verdict with its exit status: 0 accepted, 1 wrong answer, 2 presentation
error; anything else (3 is testlib's "fail"), a crash, a timeout or a memory kill is a checker failure, which
makes the sample's verdict ``error`` (never ``correct``). The first line of its stdout or stderr is kept as the
message.

It runs inside the sandbox, in a program of its own (never with the solution, never on the host): one run per
test, with the three files of every checked test placed next to it (``input_N.txt``, ``output_N.txt``,
``answer_N.txt``) and the test's number ``N`` on stdin, which the wrapper below turns into ``sys.argv``/``argv``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from r1verify_sandbox import ExecStatus, Limits, Program, RunResult

from .suite import BadReference

CheckerLanguage = Literal["python", "cpp"]

_PY_WRAPPER = """\
import sys
n = sys.stdin.readline().strip()
sys.argv = ["checker", f"input_{n}.txt", f"output_{n}.txt", f"answer_{n}.txt"]
try:
    exec(compile(SOURCE, "checker.py", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
except SystemExit:
    raise
except BaseException:  # an uncaught exception would exit 1, which means "wrong answer": fail (3) instead
    import traceback
    traceback.print_exc()
    sys.exit(3)
"""
_CPP_MAIN = """
#undef main
#include <cstdio>
#include <string>
int main() {
    char n[32] = {0};
    if (std::scanf("%31s", n) != 1) return 3;
    std::string in = std::string("input_") + n + ".txt", out = std::string("output_") + n + ".txt",
                ans = std::string("answer_") + n + ".txt";
    char name[] = "checker";
    char* argv[] = {name, &in[0], &out[0], &ans[0], nullptr};
    return r1v_checker_main(4, argv);
}
"""

Judgement = Literal["ok", "wrong", "presentation", "failed"]


@dataclass(frozen=True)
class Checker:
    """A checker program's source and language (``python`` or ``cpp``)."""

    source: str
    language: str = "python"

    def __post_init__(self) -> None:
        if not isinstance(self.source, str) or not self.source.strip():
            raise BadReference("the checker is empty: give the checker program's source code")
        if self.language not in ("python", "cpp"):
            raise BadReference(f"checker_language {self.language!r} is not supported; use 'python' or 'cpp'")

    def wrapped(self) -> str:
        """The source with the wrapper that reads the test number and sets argv."""
        if self.language == "python":
            return _PY_WRAPPER.replace("SOURCE", repr(self.source), 1)
        if "main" not in self.source:
            raise BadReference("a C++ checker needs int main(int argc, char* argv[])")
        return "#define main r1v_checker_main\n" + self.source + "\n" + _CPP_MAIN

    def program(self, cases: Sequence[tuple[int, str, str, str]], limits: Limits) -> Program:
        """One sandbox program that checks ``cases``: (test number, input, actual output, expected output)."""
        files: dict[str, str] = {}
        for n, given, actual, expected in cases:
            files[f"input_{n}.txt"] = given
            files[f"output_{n}.txt"] = actual
            files[f"answer_{n}.txt"] = expected
        return Program(
            self.wrapped(),
            self.language,
            inputs=[f"{n}\n" for n, *_ in cases],
            files=files,
            limits=limits,
        )


def split_checker(reference: Any) -> tuple[Any, Checker | None]:
    """The reference without its checker keys, and the per-sample :class:`Checker` it names, if any.

    A reference may carry ``"checker": "<source>"`` and ``"checker_language": "python" | "cpp"`` next to its
    tests (as a dict or as a JSON string of one).
    """
    value = reference
    if isinstance(reference, str) and reference.strip().startswith("{") and '"checker"' in reference:
        try:
            value = json.loads(reference)
        except ValueError:
            return reference, None
    if not isinstance(value, Mapping) or "checker" not in value:
        return reference, None
    rest = {k: v for k, v in value.items() if k not in ("checker", "checker_language")}
    language = value.get("checker_language", "python")
    if not isinstance(value["checker"], str) or not isinstance(language, str):
        raise BadReference("the reference's checker must be source text and checker_language a string")
    return rest, Checker(value["checker"], language.lower())


def judge(run: RunResult) -> tuple[Judgement, str]:
    """A checker run's verdict and message, from its exit status (testlib's codes)."""
    message = next(
        (line.strip() for line in (run.stdout + "\n" + run.stderr).splitlines() if line.strip()), ""
    )[:200]
    if run.status is ExecStatus.OK:
        return "ok", message
    if run.status is ExecStatus.RUNTIME_ERROR and run.exit_code == 1:
        return "wrong", message
    if run.status is ExecStatus.RUNTIME_ERROR and run.exit_code == 2:
        return "presentation", message
    return "failed", run.describe()
