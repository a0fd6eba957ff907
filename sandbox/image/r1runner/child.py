"""The forked child, before the program starts: its own session, descriptors, rlimits and a clean environment."""

from __future__ import annotations

import contextlib
import os
import resource
import signal

from .hardening import IS_INIT
from .inprocess import exec_python


def set_limits(limits: dict, timeout: float, memory_mb: int) -> None:
    """The program's rlimits: CPU (the timeout + 1 s), address space, file size, processes (as init), no cores."""
    cpu = int(timeout) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    if memory_mb > 0:
        size = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    fsize = int(limits.get("max_file_mb", 64)) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    procs = int(limits.get("max_procs", 64))
    if procs > 0 and IS_INIT:
        # RLIMIT_NPROC counts every process of the uid on the machine: only meaningful where the uid is the
        # container's own (the pool gives each container a uid of its own); +1 for the runner itself.
        resource.setrlimit(resource.RLIMIT_NPROC, (procs + 1, procs + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def child(
    argv: list,
    python: str | None,
    stdin_path: str,
    out_w: int,
    err_w: int,
    cwd: str,
    limits: dict,
    timeout: float,
    memory_mb: int,
) -> None:
    """In the forked child: isolate, limit, then exec the program (or run Python in-process). Never returns."""
    try:
        os.setsid()
        os.chdir(cwd)
        stdin_fd = os.open(stdin_path, os.O_RDONLY)
        os.dup2(stdin_fd, 0)
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        os.closerange(3, 1 << 16)
        with contextlib.suppress(OSError), open("/proc/self/oom_score_adj", "w") as fh:
            fh.write("1000")  # the OOM killer takes a program, not the runner
        set_limits(limits, timeout, memory_mb)
        os.environ.clear()
        os.environ.update(PATH="/usr/local/bin:/usr/bin:/bin", HOME=cwd, LANG="C.UTF-8", PYTHONDONTWRITEBYTECODE="1")
        if python:
            exec_python(python)
        for sig in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_DFL)
        os.execvp(argv[0], argv)
    except BaseException as exc:  # noqa: BLE001
        try:
            os.write(2, f"r1verify runner: cannot start {argv[:1]}: {exc}\n".encode())
        finally:
            os._exit(127)
