"""Sessions: one persistent Python interpreter (:mod:`.repl`, a fresh process) whose state lives across calls.

The host leases the whole runner (its container) to one session at a time. Jobs with a ``"session"`` key::

    {"session": "prepare"}                     start the next interpreter now (off the open path)
    {"session": "open", "limits": {...}}       hand it over; its rlimits set from limits (memory_mb, max_procs, ...)
    {"session": "call", "code": "...", "limits": {"timeout", "max_output"}}
    {"session": "close"}                       kill it and everything it started; the runner scrubs its scratch

A call's answer: ``{"status", "stdout", "stderr", "value", "exception", "duration", "alive", ...}`` where status is
ok, error (an exception), timeout, output_limit, memory_limit or crashed. Past its deadline (or its output cap) a
call is interrupted with SIGINT, so the session keeps its state; an interpreter that does not give up within
``INTERRUPT_GRACE`` is killed and the session is over (``alive`` false, every later call says so). As a
container's init, the runner also kills every process a call started once the call is over.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import resource
import select
import signal
import sys
import time

from .hardening import IS_INIT, _prctl
from .protocol import HEADER
from .results import MEMORY_LIMIT, OUTPUT_LIMIT, TIMEOUT
from .supervise import STDERR_KEEP, _Capture

REPL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "repl.py")
INTERRUPT_GRACE = 0.5
"""Seconds an interrupted call has to come back before its interpreter is killed."""
START_TIMEOUT = 10.0
"""Seconds a new interpreter has to report ready."""
MAX_ANSWER = 1 << 20
"""Largest answer frame an interpreter may send (its value and traceback are trimmed far below this)."""
OK, ERROR, CRASHED = "ok", "error", "crashed"
PR_SET_PDEATHSIG = 1


def _limit(pid: int, which: int, value: int) -> None:
    with contextlib.suppress(OSError, ValueError):
        resource.prlimit(pid, which, (value, value))


def _zombie(pid: int) -> bool:
    """A process that has exited and waits for its parent (the interpreter) to collect it."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return True


class Interpreter:
    """One started :mod:`.repl` process and the runner's ends of its pipes."""

    def __init__(self, work: str) -> None:
        os.makedirs(work, exist_ok=True)
        pipes = [os.pipe() for _ in range(4)]  # call in, answer out, stdout, stderr
        (call_r, call_w), (ans_r, ans_w), (out_r, out_w), (err_r, err_w) = pipes
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the child
            try:
                os.setsid()
                _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # dies with the runner (matters on the local backend)
                os.chdir(work)
                null = os.open(os.devnull, os.O_RDONLY)
                for fd, target in ((null, 0), (out_w, 1), (err_w, 2), (call_r, 3), (ans_w, 4)):
                    os.dup2(fd, target)
                os.closerange(5, 1 << 16)
                with contextlib.suppress(OSError), open("/proc/self/oom_score_adj", "w") as fh:
                    fh.write("1000")
                resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
                for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE, signal.SIGXFSZ):
                    signal.signal(sig, signal.SIG_DFL)
                env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": work, "LANG": "C.UTF-8",
                       "PYTHONDONTWRITEBYTECODE": "1"}
                os.execve(sys.executable, [sys.executable, "-I", REPL], env)
            finally:
                os._exit(127)
        for fd in (call_r, ans_w, out_w, err_w):
            os.close(fd)
        self.call_w, self.ans_r, self.out_r, self.err_r = call_w, ans_r, out_r, err_r
        for fd in (ans_r, out_r, err_r):
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
        self.buffer = bytearray()
        self.exit_status: int | None = None
        self.cpu_budget: int | None = None
        self.cpu_used = 0.0
        self.calls = 0
        ready = self.read_answer(time.monotonic() + START_TIMEOUT)
        if not (isinstance(ready, dict) and ready.get("ready")):
            self.kill()
            raise RuntimeError("the session's interpreter did not start")

    # ------------------------------------------------------------------ limits
    def apply(self, limits: dict) -> None:
        """Set the session's rlimits on the started interpreter (it started with none)."""
        memory_mb = int(limits.get("memory_mb", 512))
        if memory_mb > 0:
            _limit(self.pid, resource.RLIMIT_AS, memory_mb << 20)
        _limit(self.pid, resource.RLIMIT_FSIZE, int(limits.get("max_file_mb", 64)) << 20)
        cpu = limits.get("cpu_seconds")
        if cpu:  # SIGXCPU at the budget (Python dies of it), SIGKILL a second later for code that ignores it
            self.cpu_budget = int(cpu)
            with contextlib.suppress(OSError, ValueError):
                resource.prlimit(self.pid, resource.RLIMIT_CPU, (self.cpu_budget, self.cpu_budget + 1))
        procs = int(limits.get("max_procs", 32))
        if procs > 0 and IS_INIT:  # the container's uid is its own: +2 for the runner and the interpreter
            _limit(self.pid, resource.RLIMIT_NPROC, procs + 2)

    # ------------------------------------------------------------------ one call
    def read_answer(self, deadline: float) -> dict | str | None:
        """The next answer frame; ``None`` at the deadline, ``"eof"`` when the interpreter is gone, ``"bad"`` for
        a frame over :data:`MAX_ANSWER` or not JSON."""
        import json

        while True:
            if len(self.buffer) >= HEADER.size:
                (size,) = HEADER.unpack_from(self.buffer)
                if size > MAX_ANSWER:
                    return "bad"
                if len(self.buffer) >= HEADER.size + size:
                    data = bytes(self.buffer[HEADER.size : HEADER.size + size])
                    del self.buffer[: HEADER.size + size]
                    try:
                        return json.loads(data.decode("utf-8"))
                    except ValueError:
                        return "bad"
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self.ans_r], [], [], max(0.0, remaining))
            if not ready:
                if remaining <= 0:
                    return None
                continue
            try:
                chunk = os.read(self.ans_r, 1 << 16)
            except BlockingIOError:
                continue
            if not chunk:
                return "eof"
            self.buffer += chunk

    def call(self, code: str, timeout: float, max_output: int) -> dict:
        """Run ``code``; the answer dict (see the module's docstring)."""
        import json

        self.calls += 1
        start = time.monotonic()
        captures = {self.out_r: _Capture(max_output), self.err_r: _Capture(min(max_output, STDERR_KEEP))}
        data = json.dumps({"code": code}, separators=(",", ":")).encode("ascii")
        try:
            self._send(HEADER.pack(len(data)) + data, captures, start + timeout)
        except OSError:
            return self._over(CRASHED, captures, start, "the interpreter stopped reading")
        stop_at, stopped_for, answer = start + timeout, None, None
        while answer is None:
            self._drain(captures, max(0.0, min(stop_at - time.monotonic(), 0.05)))
            if stopped_for is None and any(c.total > max_output for c in captures.values()):
                stopped_for, stop_at = OUTPUT_LIMIT, time.monotonic() + INTERRUPT_GRACE
                self.interrupt()
            got = self.read_answer(time.monotonic())  # what is there already; no waiting
            if isinstance(got, dict):
                answer = got
            elif got == "eof":
                return self._over(CRASHED, captures, start, "the interpreter exited", died=True)
            elif got == "bad":
                return self._over(CRASHED, captures, start, "the interpreter broke the session protocol")
            elif time.monotonic() >= stop_at:
                if stopped_for is not None:
                    return self._over(stopped_for, captures, start, "it did not stop when interrupted")
                stopped_for, stop_at = TIMEOUT, time.monotonic() + INTERRUPT_GRACE
                self.interrupt()
        self._drain(captures, 0.0)
        self.kill_strays()
        exception = answer.get("exception")
        status = stopped_for or OK
        if status == OK and exception:
            status = MEMORY_LIMIT if exception.get("type") == "MemoryError" else ERROR
        return self._result(status, captures, start, alive=True, value=answer.get("value"), exception=exception)

    def _send(self, data: bytes, captures: dict, deadline: float) -> None:
        """Write the call, reading its output meanwhile (a call larger than a pipe's buffer)."""
        view = memoryview(data)
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise OSError("the call could not be sent before its deadline")
            readable, writable, _ = select.select([self.out_r, self.err_r], [self.call_w], [], remaining)
            for fd in readable:
                self._read_into(fd, captures)
            if writable:
                view = view[os.write(self.call_w, view[: 1 << 16]) :]

    def _read_into(self, fd: int, captures: dict) -> bool:
        try:
            chunk = os.read(fd, 1 << 16)
        except BlockingIOError:
            return False
        if chunk:
            captures[fd].add(chunk)
        return bool(chunk)

    def _drain(self, captures: dict, wait: float) -> None:
        """Read what the pipes hold; with ``wait``, first wait that long for anything (output or an answer)."""
        fds = [self.out_r, self.err_r]
        if wait > 0:
            select.select([*fds, self.ans_r], [], [], wait)
        for fd in fds:
            for _ in range(64):  # at most 4 MiB per drain: the caller's loop comes back for more
                if not self._read_into(fd, captures):
                    break

    def _over(self, status: str, captures: dict, start: float, why: str, died: bool = False) -> dict:
        """The call ended the session: kill the interpreter and say why (``died``: how it died by itself)."""
        if died:  # its answer pipe closed: it exited (wait a moment for that), or closed the pipe itself
            for _ in range(200):
                with contextlib.suppress(ChildProcessError):
                    pid, status_, usage = os.wait4(self.pid, os.WNOHANG)
                    if pid:
                        self.exit_status, self.cpu_used = status_, usage.ru_utime + usage.ru_stime
                        break
                time.sleep(0.001)
            died = self.exit_status is not None
            if not died:
                why = "the interpreter closed its answer pipe"
        self.kill()
        if not died or self.exit_status is None:
            pass
        elif os.WIFSIGNALED(self.exit_status):
            sig = os.WTERMSIG(self.exit_status)
            spent = self.cpu_budget is not None and self.cpu_used >= self.cpu_budget
            if sig == signal.SIGKILL and not spent:
                status, why = MEMORY_LIMIT, "the interpreter was killed (SIGKILL: out of memory)"
            elif sig in (signal.SIGXCPU, signal.SIGKILL):
                status, why = TIMEOUT, "the session used up its CPU time"
            else:
                why = f"the interpreter died of signal {sig} ({signal.Signals(sig).name})"
        elif os.WIFEXITED(self.exit_status):
            why = f"{why} (exit status {os.WEXITSTATUS(self.exit_status)})"
        return self._result(status, captures, start, alive=False, ended=why)

    def _result(self, status: str, captures: dict, start: float, alive: bool, **extra: object) -> dict:
        out, err = captures[self.out_r], captures[self.err_r]
        return {
            "status": status,
            "stdout": out.text(),
            "stderr": err.text(),
            "stdout_bytes": out.total,
            "stderr_bytes": err.total,
            "truncated": out.total > out.kept or err.total > err.kept,
            "duration": round(time.monotonic() - start, 6),
            "call": self.calls,
            "alive": alive,
            **extra,
        }

    # ------------------------------------------------------------------ processes
    def interrupt(self) -> None:
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGINT)

    def kill_strays(self) -> None:
        """As a container's init: kill every process but the runner and the interpreter (what the call started)."""
        if not IS_INIT:
            return
        for _ in range(50):
            strays = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, self.pid)]
            strays = [pid for pid in strays if not _zombie(pid)]
            if not strays:
                break
            for pid in strays:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            self._reap_others()
            time.sleep(0.001)

    def _reap_others(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid == self.pid:
                self.exit_status = status

    def kill(self) -> None:
        """Kill the interpreter and its process group, reap it, close the pipes."""
        if self.pid:
            with contextlib.suppress(OSError):
                os.killpg(self.pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            if self.exit_status is None:
                with contextlib.suppress(ChildProcessError):
                    self.exit_status = os.waitpid(self.pid, 0)[1]
            self.pid = 0
            for fd in (self.call_w, self.ans_r, self.out_r, self.err_r):
                with contextlib.suppress(OSError):
                    os.close(fd)


class Sessions:
    """The runner's session state: at most one open interpreter, and one started ahead for the next session."""

    def __init__(self, work_root: str) -> None:
        self.work = os.path.join(work_root, "session")
        self.ready: Interpreter | None = None
        self.open: Interpreter | None = None

    def handle(self, job: dict) -> tuple[dict, bool]:
        """Answer one session job; also whether the runner must now scrub its scratch (after a close)."""
        op = job.get("session")
        if op == "prepare":
            self.prepare()
            return {"prepared": self.ready is not None}, False
        if op == "open":
            if self.open is not None:
                return {"error": "a session is open already: close it first"}, False
            self.prepare()
            if self.ready is None:
                return {"error": "the session's interpreter did not start"}, False
            self.open, self.ready = self.ready, None
            self.open.apply(job.get("limits") or {})
            return {"opened": True}, False
        if op == "call":
            if self.open is None or not self.open.pid:
                return {"status": CRASHED, "alive": False, "ended": "no session is open", "stdout": "",
                        "stderr": ""}, False
            limits = job.get("limits") or {}
            answer = self.open.call(str(job.get("code", "")), float(limits.get("timeout", 10)),
                                    int(limits.get("max_output", 1 << 20)))
            return answer, False
        if op == "close":
            self.drop()
            return {"closed": True}, True
        return {"error": f"unknown session operation {op!r}"}, False

    def prepare(self) -> None:
        """Start the next session's interpreter if none is waiting (best effort)."""
        if self.ready is None or not self.ready.pid:
            try:
                self.ready = Interpreter(self.work)
            except (OSError, RuntimeError):
                self.ready = None

    def drop(self) -> None:
        """End the open session (if any) and the waiting interpreter: nothing of either survives."""
        for interpreter in (self.open, self.ready):
            if interpreter is not None:
                interpreter.kill()
        self.open = self.ready = None
