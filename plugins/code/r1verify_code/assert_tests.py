"""Assert-style test code in JavaScript and Rust (MultiPL-E / SandboxFusion ``humanevalds`` layout: the test code
holds ``#<INSERT>`` where the solution goes, or the solution comes first). As for C++ (``cpp_tests``), passing
means the tests ran to their end and the process exited 0, not that it exited 0: a solution that calls
``process.exit(0)`` / ``std::process::exit(0)`` before the tests must not pass. The assembled program prints the
run's done marker (``<nonce> {"done": true}``) after the tests, and only then.

What a solution could do to the tests is closed where it is cheap to close:

- JavaScript: ``node:assert`` is loaded and frozen before the solution runs and the tests' ``require('assert')``
  / ``require('node:assert')`` read that frozen module, so a solution cannot replace ``deepEqual`` (or
  ``require``) to make failing asserts pass. Node's own assert code uses the builtins captured at start-up,
  so overriding ``Object.is`` or ``Array.prototype`` in the solution does not change how it compares.
- Rust: a ``macro_rules! assert_eq`` in the solution would shadow the standard macro for the code after it; the
  tests' ``assert!``, ``assert_eq!``, ``assert_ne!`` are rewritten to their ``::std::`` paths, which no textual
  macro shadows. The tests' ``fn main`` is renamed and called from ours.

Not closed: a program that reads the marker out of its own source or binary and prints it (the same holds for
C++); the marker's nonce is fresh per sample.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from .suite import UnsupportedTests

INSERT = "#<INSERT>"

_JS_ASSERT_REQUIRE = re.compile(r"""require\(\s*(['"])(?:node:)?assert(?:/strict)?\1\s*\)""")
_RUST_ASSERTS = re.compile(r"(?<![\w:])(assert|assert_eq|assert_ne|debug_assert|debug_assert_eq|debug_assert_ne)!")
_RUST_MAIN = re.compile(r"\bfn\s+main\s*\(\s*\)")


def _marker(nonce: str) -> str:
    return f"\n{nonce} " + json.dumps({"done": True}) + "\n"


def _place(solution: str, tests: str) -> str:
    return tests.replace(INSERT, solution, 1) if INSERT in tests else f"{solution}\n{tests}"


def javascript(solution: str, tests: str, nonce: str) -> str:
    """One node script: the frozen assert module, the solution, the tests, then the done marker."""
    prelude = (
        "const r1v_assert = require('node:assert');\n"
        "Object.freeze(r1v_assert.strict); Object.freeze(r1v_assert);\n"
    )
    tests = _JS_ASSERT_REQUIRE.sub("r1v_assert", tests)
    end = f"\n;process.stdout.write({json.dumps(_marker(nonce))});\n"
    return prelude + _place(solution, tests) + end


def rust(solution: str, tests: str, nonce: str) -> str:
    """One Rust crate: the solution, the tests (asserts by path, ``main`` renamed), our ``main`` with the marker."""
    tests_main = f"r1v_tests_main_{nonce}"
    if not _RUST_MAIN.search(tests):
        raise UnsupportedTests("the Rust test code has no `fn main()` to run (#[test] functions do not run here)")
    tests = _RUST_MAIN.sub(f"fn {tests_main}()", _RUST_ASSERTS.sub(r"::std::\1!", tests), count=1)
    end = (
        "\nfn main() {\n"
        f"    {tests_main}();\n"
        "    use ::std::io::Write as _;\n"
        f"    let _ = ::std::io::stdout().write_all({json.dumps(_marker(nonce))}.as_bytes());\n"
        "    let _ = ::std::io::stdout().flush();\n"
        "}\n"
    )
    return _place(solution, tests) + end


ASSEMBLERS: dict[str, Callable[[str, str, str], str]] = {"javascript": javascript, "rust": rust}
"""Language name → ``assemble(solution, tests, nonce)`` for the languages besides Python and C++ whose
assert-style test code runs here."""
