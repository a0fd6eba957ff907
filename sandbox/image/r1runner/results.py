"""A run's result: the statuses, the classification of a finished run, and the result of a run never started."""

from __future__ import annotations

import signal

OK, RUNTIME_ERROR, COMPILE_ERROR, TIMEOUT = "ok", "runtime_error", "compile_error", "timeout"
MEMORY_LIMIT, OUTPUT_LIMIT, SANDBOX_ERROR = "memory_limit", "output_limit", "sandbox_error"

# Python/Java (OutOfMemoryError), C++, libc, Go and node ("heap out of memory"), Rust's allocator, node's buffers
_MEMORY_MARKERS = (b"MemoryError", b"std::bad_alloc", b"Cannot allocate memory", b"out of memory",
                   b"memory allocation of", b"Array buffer allocation failed", b"Fatal process OOM")


def classify(
    killed_for, exit_code, sig, stderr: bytes, cpu_time: float, timeout: float, max_rss_mb: float, memory_mb: int
) -> str:
    """The status of a finished run: what the runner killed it for, else CPU time, exit status, the runtime's
    out-of-memory message in stderr's tail, the peak RSS near the limit, or the kernel's OOM killer."""
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


def not_run(reason: str) -> dict:
    """The result of a run that never started (the program's total time budget was spent): a timeout."""
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
