"""C++ assert-style tests: solution + test code in one translation unit, arranged so that the solution cannot
change how the tests compile, and passing means the tests' ``main`` returned 0, not that the process exited 0
(a solution calling ``exit(0)`` must not pass).

- Every standard header is included first (``<bits/stdc++.h>``, also the precompiled header), so none is read
  while the solution's macros are in force; the solution's own includes of them change nothing.
- Every macro the solution defines or undefines is saved before it (``#pragma push_macro``) and restored after
  it; ``cpp_directives`` rejects what cannot be restored that way (reserved names such as ``__assert_fail``,
  ``assert``, ``NDEBUG``, keywords, ``_Pragma``, unbalanced ``#if``, a comment or raw string left open).
- A sentinel named with the run's nonce follows the solution and the tests' ``main`` is renamed with it: if
  anything in the solution swallowed the text after it, the program does not compile.
"""

from __future__ import annotations

import json
import re

from .cpp_directives import solution_macros
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


def wrap_main(tests: str, name: str) -> str:
    """Rename the tests' ``int main(...) {...}`` to ``name`` and make it return 0 at its end."""
    match = _MAIN.search(tests)
    if match is None:
        raise BadReference("the C++ test code has no `int main(`")
    open_at = tests.find("{", match.end())
    if open_at < 0:
        raise BadReference("the C++ test code's main() has no body")
    close_at = _matching_brace(tests, open_at)
    renamed = tests[: match.start()] + f"int {name}(" + tests[match.end() : close_at]
    return renamed + "\n    return 0;\n}" + tests[close_at + 1 :]


def _scoped(solution: str, nonce: str) -> str:
    """The solution between a save and a restore of every macro it touches, then the sentinel."""
    macros = solution_macros(solution)
    save = "".join(f'#pragma push_macro("{m}")\n' for m in macros)
    restore = "".join(f'#undef {m}\n#pragma pop_macro("{m}")\n' for m in macros)
    # two newlines: a solution ending in a backslash continues its last line into the first, empty one
    return f"{save}{solution}\n\n{restore}enum {{ r1v_solution_end_{nonce} = 1 }};\n"


def assemble(solution: str, tests: str, nonce: str) -> str:
    """One C++ source: standard headers, the solution (at ``#<INSERT>`` or first) with its macros scoped, the
    wrapped tests, and a ``main`` that prints the done marker only after the tests' main returned 0.

    Raises :class:`~.cpp_directives.RejectedProgram` for a solution whose preprocessor use is not allowed."""
    tests_main = f"r1v_tests_main_{nonce}"
    tests = wrap_main(tests, tests_main)
    solution = _scoped(solution, nonce)
    body = tests.replace("#<INSERT>", solution) if "#<INSERT>" in tests else f"{solution}\n{tests}"
    marker = json.dumps(f"\n{nonce} " + json.dumps({"done": True}) + "\n")
    return (
        f"#include <bits/stdc++.h>\n{body}\n#include <cstdio>\n"
        "int main() {\n"
        f"    int status = {tests_main}() + (r1v_solution_end_{nonce} - 1);\n"
        f"    if (status == 0) {{ std::fflush(stdout); std::fputs({marker}, stdout); std::fflush(stdout); }}\n"
        "    return status;\n"
        "}\n"
    )
