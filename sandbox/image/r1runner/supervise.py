"""The parent's side of one run: fork the child, read its pipes under the caps and the wall deadline, kill and
reap everything it started, and build the run's result."""

from __future__ import annotations

import os
import select
import signal
import time

from .child import child
from .hardening import IS_INIT
from .results import OUTPUT_LIMIT, TIMEOUT, classify

STDERR_KEEP = 64 * 1024
"""stderr sent back per run (its head); the cap that kills a program is the job's ``max_output``."""
DRAIN_GRACE = 0.2
"""After the program exits, how long to wait for its pipes to reach end of file (processes that escaped)."""


def _kill_all(pid: int) -> None:
    """SIGKILL the program's process group and, as a container's init, every other process in the container."""
    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            kill()
        except OSError:
            pass
    if IS_INIT:  # only ever as a container's init: there, -1 means "every process of this container but me"
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass


def _children() -> list:
    pids = []
    try:
        for tid in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{tid}/children") as fh:
                pids.extend(int(p) for p in fh.read().split())
    except OSError:
        pass
    return pids


def reap_all() -> None:
    """Kill and collect every remaining child: orphans come back to the runner (init, or a subreaper on a host)."""
    deadline = time.monotonic() + 2.0
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            if time.monotonic() > deadline:
                return
            for child in _children():
                try:
                    os.kill(child, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.001)


class _Capture:
    """Bytes read from one of the program's pipes, keeping at most ``keep`` of them."""

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.chunks: list = []
        self.kept = 0
        self.total = 0

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        if self.kept < self.keep:
            piece = chunk[: self.keep - self.kept]
            self.chunks.append(piece)
            self.kept += len(piece)

    def text(self) -> str:
        return b"".join(self.chunks).decode("utf-8", "replace")


def _exited(pid: int) -> bool:
    """Has the child exited? (does not reap it)"""
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def execute(
    argv: list, python: str | None, stdin_path: str, cwd: str, limits: dict, timeout: float, memory_mb: int
) -> dict:
    """Run one program to completion or to its limits; return its result dict."""
    max_output = int(limits.get("max_output", 1 << 22))
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        child(argv, python, stdin_path, out_w, err_w, cwd, limits, timeout, memory_mb)
    os.close(out_w)
    os.close(err_w)
    captures = {out_r: _Capture(max_output), err_r: _Capture(STDERR_KEEP)}
    poller = select.poll()
    for fd in captures:
        poller.register(fd, select.POLLIN)
    try:
        pidfd = os.pidfd_open(pid)
        poller.register(pidfd, select.POLLIN)
    except (AttributeError, OSError):  # Linux < 5.3: poll for the exit every 10 ms instead
        pidfd = None
    killed_for = None
    stop_at = start + timeout  # the wall deadline, then a short drain once the program is gone
    running, open_fds = True, set(captures)

    def finish(reason: str | None) -> None:
        nonlocal running, killed_for, stop_at
        if reason is not None and killed_for is None:
            killed_for = reason
        _kill_all(pid)  # nothing the program started outlives it
        running = False
        stop_at = time.monotonic() + DRAIN_GRACE

    while open_fds or running:
        now = time.monotonic()
        if now >= stop_at:
            if not running:
                break
            finish(TIMEOUT)
            continue
        wait = stop_at - now if pidfd is not None or not running else min(stop_at - now, 0.01)
        for fd, _event in poller.poll(wait * 1000):
            if fd == pidfd:
                poller.unregister(pidfd)
                finish(None)
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                poller.unregister(fd)
                open_fds.discard(fd)
                continue
            captures[fd].add(chunk)
            if captures[fd].total > max_output:
                finish(OUTPUT_LIMIT)
        if pidfd is None and running and _exited(pid):
            finish(None)
    for fd in captures:
        os.close(fd)
    if pidfd is not None:
        os.close(pidfd)
    _, status, usage = os.wait4(pid, 0)
    duration = time.monotonic() - start
    reap_all()
    exit_code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    cpu_time = usage.ru_utime + usage.ru_stime
    max_rss_mb = usage.ru_maxrss / 1024
    stdout, stderr = captures[out_r], captures[err_r]
    stderr_tail = b"".join(stderr.chunks)[-4096:]
    return {
        "status": classify(killed_for, exit_code, sig, stderr_tail, cpu_time, timeout, max_rss_mb, memory_mb),
        "exit_code": exit_code,
        "signal": sig,
        "stdout": stdout.text(),
        "stderr": stderr.text(),
        "duration": round(duration, 6),
        "cpu_time": round(cpu_time, 6),
        "max_rss_mb": round(max_rss_mb, 3),
        "stdout_bytes": stdout.total,
        "stderr_bytes": stderr.total,
    }
