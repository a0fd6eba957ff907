"""The r1verify sandbox runner: runs untrusted programs on request, each in a fresh child process.

It runs as PID 1 of a locked-down container (or, for the local backend, as a plain process on the host) and
speaks a framed protocol on its stdin/stdout: every message is a 4-byte big-endian length followed by UTF-8
JSON. On start it writes ``{"ready": true, ...}``; then, for each job it reads, it writes one result.

A job::

    {"files": {"main.cpp": 1234},                   # sizes; the bytes follow the message
     "compile": {"argv": [...], "timeout": 30, "memory_mb": 2048, "source": "main.cpp"} | null,
     "run": {"argv": ["./main"], "python": "main.py" | null, "trusted": false},
     "inputs": ["stdin of run 1", ...],
     "limits": {"timeout": 5, "memory_mb": 512, "max_output": 1048576, "max_file_mb": 64, "max_procs": 64},
     "stop_on_failure": false}

The files' bytes follow the job message directly (no frame), in order. The runner reads them into buffers, writes
them into a fresh work directory and zeroes the buffers before it forks anything: no program finds another
program's files (a sibling's solution, a test harness's tests) in the memory it inherits from the runner.

Its result: ``{"compile": RESULT | null, "runs": [RESULT, ...], "clean": true}`` where a RESULT is
``{"status", "exit_code", "signal", "stdout", "stderr", "duration", "cpu_time", "max_rss_mb", ...}`` and status is
one of ok, runtime_error, compile_error, timeout, memory_limit, output_limit, sandbox_error.

Every run gets a copy of the compiled work directory (without the source, which is deleted after compiling), its
stdin from a file, its own session and process group, rlimits (CPU, address space, file size, no core files; and
processes, as a container's init) and a wall deadline after which the whole group is killed. stdout and stderr are read through pipes and the program is killed once either passes the cap. With
``"python"`` set the source is executed inside a fork of this (already started) interpreter instead of a new
``python3`` process, which saves the interpreter's start-up (~10 ms) per run.

As PID 1 of a container the runner also kills every other process after each run (``kill(-1)``: nothing a
program starts survives it, whatever session it escaped to), is immune to signals from the programs (the kernel
does not deliver SIGKILL/SIGSTOP to a namespace's init from inside), and wipes the scratch directories (``--scrub``)
between jobs so that no program sees another's files. It marks itself non-dumpable, so programs running as the
same user can neither ptrace it nor open its protocol pipes through /proc.

Standard library only: it runs on whatever python3 the image has (3.9 or newer).
"""

from __future__ import annotations

import builtins
import contextlib
import gc
import hashlib
import io
import json
import os
import resource
import select
import shutil
import signal
import struct
import sys
import threading
import time
import traceback
import types

PROTOCOL = 2
HEADER = struct.Struct(">I")
MAX_FRAME = 512 * 1024 * 1024
STDERR_KEEP = 64 * 1024
"""stderr sent back per run (its head); the cap that kills a program is the job's ``max_output``."""
DRAIN_GRACE = 0.2
"""After the program exits, how long to wait for its pipes to reach end of file (processes that escaped)."""

OK, RUNTIME_ERROR, COMPILE_ERROR, TIMEOUT = "ok", "runtime_error", "compile_error", "timeout"
MEMORY_LIMIT, OUTPUT_LIMIT, SANDBOX_ERROR = "memory_limit", "output_limit", "sandbox_error"

IS_INIT = os.getpid() == 1
COMPILED: dict = {}
"""Trusted Python sources (``run.trusted``: written by the host, e.g. a test harness) compiled once, by hash."""
# Python/Java (OutOfMemoryError), C++, libc, Go and node ("heap out of memory"), Rust's allocator, node's buffers
_MEMORY_MARKERS = (b"MemoryError", b"std::bad_alloc", b"Cannot allocate memory", b"out of memory",
                   b"memory allocation of", b"Array buffer allocation failed")


# ---------------------------------------------------------------------------------------------- framing
def write_frame(fd: int, message: dict) -> None:
    """Write one framed JSON message to ``fd``."""
    data = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    view = memoryview(HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def read_exact(fd: int, n: int) -> bytes | None:
    """Read exactly ``n`` bytes from ``fd``; ``None`` at end of file."""
    chunks, got = [], 0
    while got < n:
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def read_frame(fd: int) -> dict | None:
    """Read one framed JSON message from ``fd``; ``None`` at end of file."""
    header = read_exact(fd, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    if size > MAX_FRAME:
        raise ValueError(f"frame of {size} bytes exceeds {MAX_FRAME}")
    data = read_exact(fd, size)
    if data is None:
        return None
    return json.loads(data.decode("utf-8"))


def read_files(fd: int, sizes: dict) -> list | None:
    """The files that follow a job: ``[(name, bytearray)]`` (zero them after use); ``None`` at end of file."""
    found = []
    for name, size in sizes.items():
        if not 0 <= int(size) <= MAX_FRAME:
            raise ValueError(f"file {name!r} of {size} bytes")
        buffer = bytearray(int(size))
        view, got = memoryview(buffer), 0
        while got < len(buffer):
            n = os.readv(fd, [view[got:]])
            if n == 0:
                return None
            got += n
        found.append((str(name), buffer))
    return found


def zero(files: list) -> None:
    for _name, buffer in files:
        buffer[:] = bytes(len(buffer))


# ---------------------------------------------------------------------------------------------- hardening
def _prctl(option: int, arg: int) -> bool:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, arg, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER = 4, 36


def harden_self() -> None:
    """Make the runner non-dumpable (no ptrace, no /proc/PID/fd or mem for same-uid programs) and a subreaper."""
    _prctl(PR_SET_DUMPABLE, 0)
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    # Python's own SIGINT handler would turn a program's kill(1, SIGINT) into a KeyboardInterrupt here.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


# ---------------------------------------------------------------------------------------------- child side
def _set_limits(limits: dict, timeout: float, memory_mb: int) -> None:
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


def _exec_python(path: str) -> None:
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


def _child(
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
        _set_limits(limits, timeout, memory_mb)
        os.environ.clear()
        os.environ.update(PATH="/usr/local/bin:/usr/bin:/bin", HOME=cwd, LANG="C.UTF-8", PYTHONDONTWRITEBYTECODE="1")
        if python:
            _exec_python(python)
        for sig in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_DFL)
        os.execvp(argv[0], argv)
    except BaseException as exc:  # noqa: BLE001
        try:
            os.write(2, f"r1verify runner: cannot start {argv[:1]}: {exc}\n".encode())
        finally:
            os._exit(127)


# ---------------------------------------------------------------------------------------------- parent side
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


def _reap_all() -> None:
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
        _child(argv, python, stdin_path, out_w, err_w, cwd, limits, timeout, memory_mb)
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
    _reap_all()
    exit_code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    cpu_time = usage.ru_utime + usage.ru_stime
    max_rss_mb = usage.ru_maxrss / 1024
    stdout, stderr = captures[out_r], captures[err_r]
    stderr_tail = b"".join(stderr.chunks)[-4096:]
    return {
        "status": _classify(killed_for, exit_code, sig, stderr_tail, cpu_time, timeout, max_rss_mb, memory_mb),
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


def _classify(
    killed_for, exit_code, sig, stderr: bytes, cpu_time: float, timeout: float, max_rss_mb: float, memory_mb: int
) -> str:
    if killed_for is not None:
        return killed_for
    if sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu_time >= int(timeout) + 1):
        return TIMEOUT
    if exit_code == 0:
        return OK
    tail = stderr[-4096:]
    if any(marker in tail for marker in _MEMORY_MARKERS):
        return MEMORY_LIMIT
    if memory_mb > 0 and max_rss_mb >= 0.9 * memory_mb:
        return MEMORY_LIMIT
    if sig == signal.SIGKILL:  # not killed by us and not for CPU: the kernel's OOM killer
        return MEMORY_LIMIT
    return RUNTIME_ERROR


# ---------------------------------------------------------------------------------------------- jobs
def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8", errors="surrogatepass", newline="") as fh:
        fh.write(text)


def _inside(build: str, name: str) -> str:
    if os.path.isabs(name) or ".." in name.split("/"):
        raise ValueError(f"file name {name!r} must be relative and stay inside the work directory")
    path = os.path.join(build, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def _write_file(path: str, buffer: bytearray) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        view = memoryview(buffer)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _compile_trusted(path: str) -> None:
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


def run_job(job: dict, work_root: str, files: list) -> dict:
    """Write the files, compile once (if the language needs it), then run the program once per input."""
    limits = job.get("limits") or {}
    build = os.path.join(work_root, "build")
    os.makedirs(build)
    for name, buffer in files:
        _write_file(_inside(build, name), buffer)
    zero(files)  # now, before any program is forked from this process
    result = {"compile": None, "runs": []}
    compile_step = job.get("compile")
    if compile_step:
        step_limits = dict(limits, max_procs=max(int(limits.get("max_procs", 64)), 64))
        compiled = execute(
            list(compile_step["argv"]),
            None,
            os.devnull,
            build,
            step_limits,
            float(compile_step.get("timeout", 30)),
            int(compile_step.get("memory_mb", 2048)),
        )
        result["compile"] = compiled
        if compiled["status"] != OK:
            if compiled["status"] == RUNTIME_ERROR:
                compiled["status"] = COMPILE_ERROR
            return result
        if compile_step.get("source"):  # the program runs without its source: nothing in it to read at run time
            _remove(os.path.join(build, compile_step["source"]))
    run = job["run"]
    if run.get("python") and run.get("trusted"):
        _compile_trusted(os.path.join(build, run["python"]))
    timeout = float(limits.get("timeout", 5))
    memory_mb = int(limits.get("memory_mb", 512))
    stdin_path = os.path.join(work_root, "stdin")
    total = limits.get("total_timeout")
    budget_end = time.monotonic() + float(total) if total else None
    inputs = job.get("inputs") or [""]
    for index, stdin in enumerate(inputs):
        run_timeout = timeout
        if budget_end is not None:
            run_timeout = min(timeout, budget_end - time.monotonic())
            if run_timeout <= 0:
                result["runs"].append(_not_run("not run: the program's total time budget was spent"))
                continue
        single = len(inputs) == 1  # the build directory is fresh already: no copy needed
        cwd = build if single else os.path.join(work_root, f"run{index}")
        if not single:
            shutil.copytree(build, cwd, symlinks=True)
        _write(stdin_path, stdin)
        outcome = execute(list(run["argv"]), run.get("python"), stdin_path, cwd, limits, run_timeout, memory_mb)
        result["runs"].append(outcome)
        if not single:
            _remove(cwd)
        if job.get("stop_on_failure") and outcome["status"] != OK:
            break
    return result


def _not_run(reason: str) -> dict:
    return {
        "status": TIMEOUT,
        "exit_code": None,
        "signal": None,
        "stdout": "",
        "stderr": reason,
        "duration": 0.0,
        "cpu_time": 0.0,
        "max_rss_mb": 0.0,
        "stdout_bytes": 0,
        "stderr_bytes": 0,
    }


def _remove(path: str) -> bool:
    """Delete ``path`` whatever the program did to its permissions; True when it is gone."""

    def make_writable(_func, failed, _exc):
        try:
            os.chmod(os.path.dirname(failed), 0o700)
            os.chmod(failed, 0o700)
        except OSError:
            pass
        if os.path.isdir(failed) and not os.path.islink(failed):
            shutil.rmtree(failed, ignore_errors=True)
        else:
            try:
                os.unlink(failed)
            except OSError:
                pass

    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, onerror=make_writable)
    elif os.path.lexists(path):
        os.unlink(path)
    return not os.path.lexists(path)


def scrub(dirs: list) -> bool:
    """Empty every scratch directory; True when all of them are empty afterwards."""
    clean = True
    for directory in dirs:
        try:
            entries = os.listdir(directory)
        except OSError:
            continue
        for name in entries:
            try:
                clean = _remove(os.path.join(directory, name)) and clean
            except OSError:
                clean = False
    return clean


def main(argv: list) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="r1verify sandbox runner (framed JSON jobs on stdin/stdout)")
    parser.add_argument("--work", required=True, help="directory for work directories (emptied after each job)")
    parser.add_argument("--scrub", action="append", default=[], help="also empty this directory after each job")
    parser.add_argument("--preload", default="", help="comma-separated modules to import once, for Python runs")
    args = parser.parse_args(argv)

    proto_in, proto_out = os.dup(0), os.dup(1)  # dup'ed descriptors are close-on-exec
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    harden_self()
    for module in filter(None, args.preload.split(",")):
        try:
            __import__(module)
        except ImportError:
            pass
    gc.freeze()  # children share the runner's objects: keep their GC from touching (and copying) those pages
    scratch = [args.work] + args.scrub
    os.makedirs(args.work, exist_ok=True)
    try:
        write_frame(proto_out, {"ready": True, "protocol": PROTOCOL, "init": IS_INIT, "python": sys.version.split()[0]})
        while True:
            job = read_frame(proto_in)
            if job is None:
                return 0
            files = read_files(proto_in, job.get("files") or {})
            if files is None:
                return 0
            work_root = os.path.join(args.work, "job")
            try:
                result = run_job(job, work_root, files)
            except Exception as exc:  # noqa: BLE001 - a bad job must not end the runner
                result = {"error": f"{type(exc).__name__}: {exc}"}
            finally:
                zero(files)
            _reap_all()
            result["clean"] = scrub(scratch)
            write_frame(proto_out, result)
    except (BrokenPipeError, ConnectionResetError):
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
