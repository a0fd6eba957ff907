"""Python programs run inside the forked child (no new interpreter), and trusted sources compiled once, by hash."""

from __future__ import annotations

import builtins
import contextlib
import gc
import hashlib
import io
import os
import signal
import sys
import threading
import traceback
import types

COMPILED: dict = {}
"""Trusted Python sources (``run.trusted``: written by the host, e.g. a test harness) compiled once, by hash."""


def compile_trusted(path: str) -> None:
    """Compile a trusted source here, once, so that every fork runs it without compiling it again. Only ever
    for sources the host marks trusted: compiling happens in the runner, outside any program's limits."""
    with open(path, "rb") as fh:
        source = fh.read()
    key = hashlib.sha256(source).digest()
    if key not in COMPILED:
        if len(COMPILED) >= 8:
            COMPILED.clear()
        COMPILED[key] = compile(source, path, "exec")
        gc.freeze()


def exec_python(path: str) -> None:
    """Run the Python source at ``path`` as ``__main__`` inside this (forked) interpreter; never returns.

    Everything it needs is imported at the runner's start: an import here would be paid by every run.
    """
    main = types.ModuleType("__main__")
    main.__file__ = path
    main.__builtins__ = builtins
    sys.modules["__main__"] = main
    sys.argv = [path]
    sys.path.insert(0, os.getcwd())
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)), encoding="utf-8")
    sys.stdout = sys.__stdout__ = io.TextIOWrapper(
        io.BufferedWriter(io.FileIO(1, "w", closefd=False)), encoding="utf-8"
    )
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(
        io.BufferedWriter(io.FileIO(2, "w", closefd=False)),
        encoding="utf-8",
        errors="backslashreplace",
        line_buffering=True,
    )
    signal.signal(signal.SIGINT, signal.default_int_handler)
    code = 0
    try:
        with open(path, "rb") as fh:
            source = fh.read()
        compiled = COMPILED.get(hashlib.sha256(source).digest()) or compile(source, path, "exec")
        exec(compiled, main.__dict__)  # noqa: S102 - running the program is the point
    except SystemExit as exc:
        code = _exit_code(exc)
    except BaseException as exc:  # noqa: BLE001 - report like the interpreter does, without the runner's frame
        traceback.print_exception(type(exc), exc, exc.__traceback__.tb_next)
        code = 1
    with contextlib.suppress(BaseException):
        threading._shutdown()  # wait for non-daemon threads, as the interpreter does at exit
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001
            code = code or 120
    os._exit(code)


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code & 0xFF
    with contextlib.suppress(BaseException):
        sys.stderr.write(f"{exc.code}\n")
    return 1
