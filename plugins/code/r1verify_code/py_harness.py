"""Python test harness, run INSIDE the sandbox as the program's main file (standard library only).

It reads ``r1v_tests.json`` (then deletes it), loads ``solution.py`` as a module named ``solution``, runs each test,
and writes one line per test to a private copy of stdout: ``<nonce> <json>``. The host only counts lines with the
nonce and only believes a run that ends with the ``done`` line, so a solution that exits early (``exit()``,
``os._exit``), prints fake results, or raises ``SystemExit`` inside a test does not pass. Functions the tests call
return their values through a check that rejects objects of user-defined types (an ``__eq__`` that is always
True would otherwise pass any ``assert f(x) == y``). Call-based tests send the returned value back as JSON and
the host compares it: expected values never enter the sandbox, so call-based (like stdin/stdout) tests hold even
against a solution that inspects this harness. Assert-style tests carry their expected values in the test code,
inside this process: checks here stop accidental and generic hacks, not a solution written against this harness.
"""

import json
import os
import sys
import time
import traceback
import types

_TRUSTED_MODULES = frozenset({"builtins", "collections", "decimal", "fractions", "datetime", "array"})
"""Values of types defined here compare honestly; a type the solution defines (or subclasses) may not."""
_ATOMS = (int, float, complex, str, bytes, bytearray, bool, type(None), range)


class UnplainValue(TypeError):
    pass


def _check(value, depth=0):
    """``value`` if it and everything in it are of trusted types; lazy iterators are checked as they are read."""
    kind = type(value)
    if kind.__module__ not in _TRUSTED_MODULES:
        raise UnplainValue(f"returned an object of type {kind.__qualname__}; tests accept only plain values")
    if kind in _ATOMS:
        return value
    if depth > 100:
        raise UnplainValue("the returned value is nested too deeply")
    try:
        iterator = iter(value)
    except TypeError:
        return value
    if iterator is value:  # a generator, map, zip, ...: check items as the test consumes them
        return (_check(item, depth + 1) for item in value)
    items = value.items() if callable(getattr(value, "items", None)) else value
    for item in items:
        _check(item, depth + 1)
    return value


def _guarded(fn):
    def call(*args, **kwargs):
        return _check(fn(*args, **kwargs))

    call.__name__ = getattr(fn, "__name__", "candidate")
    call.__doc__ = getattr(fn, "__doc__", None)
    call.__wrapped__ = fn
    return call


def _describe(exc):
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return text[-500:] or type(exc).__name__


def _plain_json(value):
    _check(value)
    return json.loads(json.dumps(value, default=_not_json))


def _not_json(value):
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    raise UnplainValue(f"returned a {type(value).__name__}, which is not a JSON value")


def main(write=os.write, dumps=json.dumps):  # bound now: a solution that patches os.write or json.dumps later
    with open("r1v_tests.json", encoding="utf-8") as fh:  # does not change how results are reported
        spec = json.load(fh)
    os.remove("r1v_tests.json")
    nonce = spec.pop("nonce")
    channel = os.dup(1)

    def report(**payload):
        write(channel, ("\n" + nonce + " " + dumps(payload) + "\n").encode("utf-8", "replace"))

    solution = types.ModuleType("solution")
    solution.__file__ = os.path.abspath("solution.py")
    sys.modules["solution"] = solution
    try:
        with open("solution.py", encoding="utf-8") as fh:
            code = compile(fh.read(), "solution.py", "exec")
        exec(code, solution.__dict__)  # noqa: S102 - running the solution is the point
    except BaseException as exc:  # noqa: BLE001 - SystemExit included: exiting while loading is not passing
        report(load_error=_describe(exc))
        report(done=True)
        return
    stop = spec.get("stop_on_failure", False)
    if spec["kind"] == "call":
        _run_calls(solution.__dict__, spec, report, stop)
    else:
        _run_asserts(solution.__dict__, spec, report, stop)
    sys.stdout.flush()
    report(done=True)


def _test_namespace(solution_ns, strict):
    """The tests see the solution's names, with its functions behind the plain-value check."""
    namespace = dict(solution_ns)
    namespace["__name__"] = "__r1v_tests__"
    if strict:
        for name, value in solution_ns.items():
            if isinstance(value, types.FunctionType) and value.__globals__ is solution_ns:
                namespace[name] = _guarded(value)
    return namespace


def _run_asserts(solution_ns, spec, report, stop):
    namespace = _test_namespace(solution_ns, spec.get("strict", True))
    try:
        if spec.get("setup"):
            exec(compile(spec["setup"], "tests.py", "exec"), namespace)  # noqa: S102 - the dataset's test code
    except BaseException as exc:  # noqa: BLE001 - any failure of the setup fails every test
        report(load_error="the test setup failed: " + _describe(exc))
        return
    for index, test in enumerate(spec["tests"]):
        start = time.perf_counter()
        try:
            exec(compile(test, f"test_{index}.py", "exec"), namespace)  # noqa: S102 - the dataset's test code
        except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt fail the test too
            report(i=index, ok=False, error=_describe(exc), seconds=round(time.perf_counter() - start, 6))
            if stop:
                return
        else:
            report(i=index, ok=True, seconds=round(time.perf_counter() - start, 6))


def _resolve(solution_ns, fn_name):
    cls = solution_ns.get("Solution")
    if isinstance(cls, type) and hasattr(cls, fn_name):
        return lambda *args: getattr(cls(), fn_name)(*args)
    fn = solution_ns.get(fn_name)
    if callable(fn):
        return fn
    raise NameError(f"the solution defines no function {fn_name!r} (nor a class Solution with that method)")


def _run_calls(solution_ns, spec, report, stop):
    try:
        fn = _resolve(solution_ns, spec["fn_name"])
    except NameError as exc:
        report(load_error=str(exc))
        return
    for index, args in enumerate(spec["tests"]):
        start = time.perf_counter()
        try:
            value = _plain_json(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt fail the test too
            report(i=index, ok=False, error=_describe(exc), seconds=round(time.perf_counter() - start, 6))
            if stop:
                return
        else:
            report(i=index, value=value, seconds=round(time.perf_counter() - start, 6))


if __name__ == "__main__":
    main()
