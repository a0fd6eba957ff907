"""A session's interpreter: ``python3 -I repl.py``, started by the runner (:mod:`.session`) in a fresh process.

It is exec'd, not forked from the runner, so its memory holds nothing the runner ever held (another session's
code or output). Descriptors: 0 is /dev/null, 1 and 2 are the call's stdout and stderr pipes, 3 brings framed
calls ``{"code": "..."}`` and 4 takes back one framed answer per call::

    {"value": "repr of a trailing expression" | null,
     "exception": {"type", "message", "traceback"} | null,
     "duration": seconds}

State (variables, imports, the work directory) lives across calls in one ``__main__`` namespace. A SIGINT while a
call runs raises ``KeyboardInterrupt`` in it (the runner's deadline); between calls it is ignored.

Standard library only. ``-I`` keeps the script's folder off ``sys.path``; like ``runner.py`` it puts the folder
above it there just long enough to import the framing of :mod:`r1runner.protocol`.
"""

import ast
import builtins
import io
import linecache
import os
import signal
import sys
import time
import traceback
import types

VALUE_KEEP = 8 * 1024
"""Characters of a trailing expression's repr sent back."""
TRACEBACK_LINES = 24
"""Lines of a traceback sent back (its last ones)."""
_BUSY = [False]
_HERE = os.path.abspath(__file__)
_PACKAGE_PARENT = os.path.dirname(os.path.dirname(_HERE))
sys.path.insert(0, _PACKAGE_PARENT)
try:
    from r1runner.protocol import read_frame, write_frame
finally:
    sys.path.remove(_PACKAGE_PARENT)


def _on_sigint(_signum, _frame):
    if _BUSY[0]:
        raise KeyboardInterrupt


def _trim(text, keep):
    return text if len(text) <= keep else text[: keep // 2] + "\n...[trimmed]...\n" + text[-keep // 2:]


def _describe(exc, skip_frames):
    """The exception as type, message and the last lines of its traceback, without the REPL's own frames."""
    tb = exc.__traceback__
    for _ in range(skip_frames):
        if tb is not None:
            tb = tb.tb_next
    try:
        message = str(exc)
    except BaseException:  # noqa: BLE001 - a hostile __str__
        message = "<unprintable>"
    try:
        frames = [f for f in traceback.extract_tb(tb) if f.filename != _HERE]  # e.g. the SIGINT handler's
        lines = "".join(traceback.format_list(frames)).splitlines() if frames else []
        lines = (["Traceback (most recent call last):"] if lines else []) + lines
        lines += "".join(traceback.format_exception_only(type(exc), exc)).splitlines()
    except BaseException:  # noqa: BLE001
        lines = [f"{type(exc).__name__}: {message}"]
    if len(lines) > TRACEBACK_LINES:
        lines = [lines[0], f"  ... {len(lines) - TRACEBACK_LINES} lines trimmed ..."] + lines[-TRACEBACK_LINES + 2:]
    return {"type": type(exc).__name__, "message": _trim(message, 2000), "traceback": "\n".join(lines)}


def _flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001, S110 - the program may have closed or replaced it
            pass


def run_cell(code, namespace, index):
    """Run one call's code in ``namespace``; the value of a trailing expression is evaluated and repr'd."""
    filename = f"<call {index}>"
    start = time.perf_counter()
    value, error = None, None
    try:
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        tree = ast.parse(code, filename, "exec")
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        body = compile(tree, filename, "exec")
        tail = compile(last, filename, "eval") if last is not None else None
        _BUSY[0] = True
        try:
            exec(body, namespace)  # noqa: S102 - running the model's code is the point
            if tail is not None:
                result = eval(tail, namespace)
                if result is not None:
                    namespace["_"] = result
                    value = _trim(repr(result), VALUE_KEEP)
        finally:
            _BUSY[0] = False
    except SyntaxError as exc:
        error = _describe(exc, 99)
        error["traceback"] = "".join(traceback.format_exception_only(type(exc), exc)).rstrip("\n")
    except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt too: the session goes on
        _BUSY[0] = False
        error = _describe(exc, 1)
    _flush()
    return {"value": value, "exception": error, "duration": round(time.perf_counter() - start, 6)}


def main():
    signal.signal(signal.SIGINT, _on_sigint)
    for sig in (signal.SIGPIPE, signal.SIGXFSZ):
        signal.signal(sig, signal.SIG_IGN)
    for fd, name in ((1, "stdout"), (2, "stderr")):
        stream = io.TextIOWrapper(
            io.BufferedWriter(io.FileIO(fd, "w", closefd=False)), encoding="utf-8", errors="backslashreplace"
        )
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)
    module = types.ModuleType("__main__")
    module.__builtins__ = builtins
    sys.modules["__main__"] = module
    sys.argv = [""]
    sys.path.insert(0, os.getcwd())
    namespace = module.__dict__
    index = 0
    write_frame(4, {"ready": True})
    while True:
        try:
            message = read_frame(3)
        except (OSError, ValueError):
            message = None
        if message is None:
            os._exit(0)
        index += 1
        answer = run_cell(str(message.get("code", "")), namespace, index)
        try:
            write_frame(4, answer)
        except (OSError, ValueError):
            os._exit(0)


if __name__ == "__main__":
    main()
