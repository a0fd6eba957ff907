"""Python test harness, run INSIDE the sandbox as the program's main file (standard library only).

Two processes. This one, the *evaluator*, first forks the *solution process*, and only then reads
``r1v_tests.json`` (and deletes it; the runner zeroes its copy of every file before it forks, so the solution
process never holds the tests' bytes) and tells the solution process to load ``solution.py``. The tests
(HumanEval's ``check``, MBPP's asserts) run here, in an interpreter the solution cannot touch: the solution's
names are proxies (:class:`Remote`) whose calls cross a pipe. Arguments and return values cross as plain data
only: None, bool, int, float, complex, str, bytes, bytearray, list, tuple, dict, set, frozenset, range, and the
value types Fraction, Decimal, OrderedDict, Counter and deque, rebuilt here from their data; an instance of a
subclass of a built-in type crosses as the built-in type's data. Anything else stays in the solution process
behind an opaque handle: tests may call it, read its attributes, iterate, index, take ``len()`` or ``str()`` of it
(all of which give data again), but not compare, hash or truth-test it (``strict=false`` forwards those to the
solution's own methods). So builtins, modules and types the solution patches, objects with an ``__eq__`` that is
always true, ``sys.settrace`` and frame walks all stay inside the solution process.

Results go to the host on this process's stdout, one ``<nonce> <json>`` line per test and a ``done`` line last;
the solution process holds no descriptor of it (its stdout is the program's stderr) and never sees the nonce.
A solution that exits, crashes, breaks the protocol or misses the per-test deadline fails the test that was
running and every later one. Call-based tests report the returned value; the host compares it.

The harness is written as the modules of this package, one concept each, and shipped as ONE script: the
modules' texts joined in :data:`PARTS` order, their relative imports dropped (:func:`harness_source`). One script
keeps the sandbox's work as it was: the runner compiles the (trusted) script once and each sample's fork only
executes it, where separate files in the work directory would be imported again by every sample, from the folder
the solution can write to. The modules import as a package too, for tests.

- :mod:`.wire`: length-prefixed JSON messages on a pipe, with a deadline;
- :mod:`.values`: plain data as tagged JSON, both ways, and exceptions' text;
- :mod:`.remote`: the evaluator's proxies for the solution's objects (``Remote``) and its pipes (``Link``);
- :mod:`.solution`: the solution process, forked first, serving the evaluator's requests;
- :mod:`.evaluator`: ``main``: read the tests, run them against the proxies, report to the host.

No two parts define the same top-level name (the joined script has one namespace), and a part's relative
imports are single lines of ``from .part import names``.
"""

from __future__ import annotations

from importlib import resources

PARTS = ("wire", "values", "remote", "solution", "evaluator")
"""The harness's modules in the order the joined script defines them (``evaluator`` last: it runs ``main()``)."""


def _without_relative_imports(name: str, text: str) -> str:
    kept = []
    for line in text.split("\n"):
        if line.startswith("from ."):
            if line.rstrip().endswith(("(", "\\")):
                raise ValueError(f"py_harness/{name}.py: a relative import must fit on one line: {line!r}")
            continue
        kept.append(line)
    return "\n".join(kept)


def harness_source() -> str:
    """The harness as the one script the sandbox runs: the parts' texts in :data:`PARTS` order, each without
    its relative imports (the names they import are defined earlier in the same script)."""
    folder = resources.files(__name__)
    pieces = [f"# r1verify Python test harness: r1verify_code/py_harness/{{{', '.join(PARTS)}}}.py, joined.\n"]
    for name in PARTS:
        text = folder.joinpath(f"{name}.py").read_text(encoding="utf-8")
        pieces.append(f"\n# {'-' * 92} {name}.py\n" + _without_relative_imports(name, text))
    return "".join(pieces)
