"""C++ assert-style tests: solution + test code, with the test's ``main`` wrapped so that passing means the
tests' ``main`` returned 0, not that the process exited 0 (a solution calling ``exit(0)`` must not pass)."""

from __future__ import annotations

import json
import re

from .suite import BadReference

_MAIN = re.compile(r"\bint\s+main\s*\(")


def _skip_literal(code: str, i: int) -> int:
    """Index just past the comment or literal starting at ``i`` (or ``i`` itself when there is none)."""
    if code.startswith("//", i):
        end = code.find("\n", i)
        return len(code) if end < 0 else end
    if code.startswith("/*", i):
        end = code.find("*/", i + 2)
        return len(code) if end < 0 else end + 2
    raw = re.match(r'R"([^(\s]{0,16})\(', code[i:])
    if raw:
        end = code.find(")" + raw.group(1) + '"', i + raw.end())
        return len(code) if end < 0 else end + len(raw.group(1)) + 2
    if code[i] in "\"'":
        quote, j = code[i], i + 1
        while j < len(code) and code[j] != quote:
            j += 2 if code[j] == "\\" else 1
        return j + 1
    return i


def _matching_brace(code: str, open_at: int) -> int:
    depth, i = 0, open_at
    while i < len(code):
        skipped = _skip_literal(code, i)
        if skipped != i:
            i = skipped
            continue
        if code[i] == "{":
            depth += 1
        elif code[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise BadReference("the C++ test code's main() has no closing brace")


def wrap_main(tests: str) -> str:
    """Rename the tests' ``int main(...) {...}`` to ``r1v_tests_main`` and make it return 0 at its end."""
    match = _MAIN.search(tests)
    if match is None:
        raise BadReference("the C++ test code has no `int main(`")
    open_at = tests.find("{", match.end())
    if open_at < 0:
        raise BadReference("the C++ test code's main() has no body")
    close_at = _matching_brace(tests, open_at)
    renamed = tests[: match.start()] + "int r1v_tests_main(" + tests[match.end() : close_at]
    return renamed + "\n    return 0;\n}" + tests[close_at + 1 :]


def assemble(solution: str, tests: str, nonce: str) -> str:
    """One C++ source: the solution (at ``#<INSERT>`` or first), the wrapped tests, and a ``main`` that prints the
    done marker only after the tests' main returned 0."""
    tests = wrap_main(tests)
    body = tests.replace("#<INSERT>", solution) if "#<INSERT>" in tests else f"{solution}\n{tests}"
    marker = json.dumps(f"\n{nonce} " + json.dumps({"done": True}) + "\n")
    return (
        f"{body}\n#include <cstdio>\n"
        "int main() {\n"
        "    int status = r1v_tests_main();\n"
        f"    if (status == 0) {{ std::fflush(stdout); std::fputs({marker}, stdout); std::fflush(stdout); }}\n"
        "    return status;\n"
        "}\n"
    )
