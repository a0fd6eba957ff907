"""The evaluator's main: start the solution process, read the tests, run them here against proxies, report."""

import ast
import builtins
import json
import os
import signal
import sys
import time
import types

from .remote import Remote
from .solution import _start_solution_process
from .values import describe

SPEC_FILE = "r1v_tests.json"
COUNTER = "__r1v_checked__"
"""The tests' global that every non-constant ``assert`` of the test code calls just before it runs."""
NOTHING_CHECKED = (
    "the test ran no assert statement, so it checked nothing (an assert in a function the test does not call, "
    "a loop over nothing): a test must run at least one assert to pass"
)


class _CountAsserts(ast.NodeTransformer):
    """``assert x, m`` becomes ``__r1v_checked__(); assert x, m`` (``assert True``-like constants stay as they
    are: they check nothing), so a test that passes without running one assert can be told from one that did."""

    def visit_Assert(self, node):
        self.generic_visit(node)
        if isinstance(node.test, ast.Constant):
            return node
        call = ast.Expr(ast.Call(ast.Name(COUNTER, ast.Load()), [], []))
        return [ast.fix_missing_locations(ast.copy_location(call, node)), node]


def _compile_counted(source, filename):
    tree = _CountAsserts().visit(ast.parse(source, filename))
    return compile(tree, filename, "exec")


def _names(code):
    """The global and attribute names a test's code (and the code objects in it) refers to."""
    found = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found |= _names(const)
    return found


def _namespace(link, codes, entry_point):
    """The tests' globals: the evaluator's own builtins, and the solution's names they use, as proxies (plain
    values as data, modules imported here). A solution name that shadows a builtin is ignored (``abs = ...``
    must not change the tests' ``abs``), unless it is the entry point the tests are about."""
    wanted = set()
    for code in codes:
        wanted |= _names(code)
    wanted = {n for n in wanted if not n.startswith("__") and (n == entry_point or not hasattr(builtins, n))}
    module = types.ModuleType("solution")
    sys.modules["solution"] = module
    namespace = {"__name__": "__r1v_tests__", "__builtins__": builtins}
    for name, is_module, value in link.load(wanted):
        if is_module:
            try:
                value = __import__(name)
            except ImportError:
                continue
        namespace[name] = value
        setattr(module, name, value)
    return namespace


def _compiled(spec):
    setup = _compile_counted(spec.get("setup") or "", "tests.py")
    tests = []
    for index, test in enumerate(spec["tests"]):
        try:
            tests.append(_compile_counted(test, f"test_{index}.py"))
        except (SyntaxError, ValueError) as exc:
            tests.append(exc if isinstance(exc, SyntaxError) else SyntaxError(str(exc)))
    return setup, tests


def main():
    link = _start_solution_process()  # before the tests are read: the solution process never holds them
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the solution process may signal us; it must not steer us
    cwd = os.getcwd()
    sys.path[:] = [p for p in sys.path if p and os.path.abspath(p) != cwd]  # it may write .py files there
    with open(SPEC_FILE, encoding="utf-8") as fh:
        spec = json.load(fh)
    os.remove(SPEC_FILE)
    nonce = spec.pop("nonce")
    channel = os.dup(1)

    def report(**payload):
        os.write(channel, ("\n" + nonce + " " + json.dumps(payload) + "\n").encode("utf-8", "replace"))

    link.timeout = float(spec.get("timeout") or 5.0)
    link.strict = spec.get("strict", True)
    link.track = spec["kind"] != "call"
    try:
        if spec["kind"] == "call":
            _run_calls(link, spec, report)
        else:
            _run_asserts(link, spec, report)
    finally:
        link.close()
    sys.stdout.flush()
    report(done=True)


def _run_asserts(link, spec, report):
    try:
        setup, tests = _compiled(spec)
    except (SyntaxError, ValueError) as exc:
        report(load_error="the test setup failed: " + describe(exc))
        return
    link.restart_clock()
    try:
        namespace = _namespace(link, [setup, *(t for t in tests if isinstance(t, types.CodeType))], spec.get("fn_name"))
    except BaseException as exc:  # noqa: BLE001 - the solution could not be loaded: every test fails
        report(load_error=link.gone or describe(exc))
        return
    checked = [0]

    def count():
        checked[0] += 1

    namespace[COUNTER] = count
    try:
        link.restart_clock()
        exec(setup, namespace)  # noqa: S102 - the dataset's test code, in the evaluator
    except BaseException as exc:  # noqa: BLE001 - any failure of the setup fails every test
        report(load_error="the test setup failed: " + (link.gone or describe(exc)))
        return
    for index, test in enumerate(tests):
        checked[0] = 0
        error, start = _run_one(link, lambda: exec(test, namespace), test)  # noqa: S102, B023
        if error is None and not checked[0]:
            error = NOTHING_CHECKED
        report(i=index, ok=error is None, seconds=round(time.perf_counter() - start, 6), **_error(error))
        if error is not None and spec.get("stop_on_failure"):
            return


def _run_one(link, run, test=None):
    """Run one test; its error text, or ``None`` when it passed."""
    start = time.perf_counter()
    if link.gone is not None:
        return f"not run: {link.gone}", start
    if isinstance(test, SyntaxError):
        return describe(test), start
    link.restart_clock()
    try:
        run()
    except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt fail the test too
        error = describe(exc)
    else:
        error = None
    return (link.gone if link.gone is not None else error), start


def _error(error):
    return {} if error is None else {"error": error}


def _run_calls(link, spec, report):
    link.restart_clock()
    try:
        _namespace(link, [], None)  # loads the solution
        fn = link.exchange(["resolve", spec["fn_name"]])[-1]
    except BaseException as exc:  # noqa: BLE001
        report(load_error=link.gone or describe(exc))
        return
    for index, args in enumerate(spec["tests"]):
        box = []
        error, start = _run_one(link, lambda: box.append(_plain_json(fn(*args))))  # noqa: B023
        seconds = round(time.perf_counter() - start, 6)
        if error is None:
            report(i=index, value=box[0], seconds=seconds)
        else:
            report(i=index, ok=False, error=error, seconds=seconds)
            if spec.get("stop_on_failure"):
                return


def _plain_json(value):
    return json.loads(json.dumps(value, default=_not_json))


def _not_json(value):
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, Remote):
        raise TypeError(f"returned an object of type {value._r1v_type}; call-based tests accept only JSON values")
    raise TypeError(f"returned a {type(value).__name__}, which is not a JSON value")


if __name__ == "__main__":
    main()
