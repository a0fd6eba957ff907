"""Stateful Python tool sessions (issue 25): N concurrent sessions x 8 short calls, three ways, in one run.

    .venv/bin/python bench/tools_bench.py [--sessions 64,16] [--docker-run-sessions 4] [--jupyter-sessions 64]
    .venv/bin/python bench/tools_bench.py --quick      # 16 sessions, 2 docker-run sessions, 16 kernels

(c) r1verify sessions: a SessionPool of N warm containers (start-up reported separately), N threads each
    opening a session, making 8 calls that build on each other's state, closing it; then
(a) one ``docker run --rm`` per call (same image and lockdown flags; stateless, so each call re-runs the
    session's earlier snippets first): a few sessions, at that concurrency;
(b) a local Jupyter kernel per session through ``jupyter_client`` (what SandboxFusion's Jupyter mode and
    NeMo-Skills use; NOT sandboxed): N kernels at once. Needs ``pip install jupyter_client ipykernel``
    (bench-only; the mode is skipped without them).
Reported per mode: session open p50/p99, call p50/p99 (ms), calls/s over the whole run (open + calls + close).
Every call's answer is checked; a wrong answer in (c) or (a) fails the run ((b)'s are reported: under load a
kernel can miss its 60 s timeout). Targets: call p50 <= 15 ms, p99 <= 100 ms, open p50 <= 50 ms from a warm pool,
calls/s >= 10x (a).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

CALLS = (
    ("import math", None),
    ("x = 21", None),
    ("y = x * 2", None),
    ("print(y)", "42"),
    ("sum(range(1000))", "499500"),
    ("round(math.sqrt(y), 3)", "6.481"),
    ("squares = [i * i for i in range(100)]", None),
    ("len(squares) + y", "142"),
)
"""Eight short snippets; each later one needs the state of the earlier ones. (code, expected output or None)."""


@dataclass
class Timings:
    opens: list[float] = field(default_factory=list)
    calls: list[float] = field(default_factory=list)
    wrong: int = 0
    failures: list[str] = field(default_factory=list)
    wall: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, open_s: float, call_s: list[float], wrong: int, failure: str = "") -> None:
        with self.lock:
            self.opens.append(open_s)
            self.calls.extend(call_s)
            self.wrong += wrong
            if failure:
                self.failures.append(failure)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000 if ordered else float("nan")


def report(name: str, t: Timings, sessions: int) -> float:
    rate = len(t.calls) / t.wall if t.wall else 0.0
    print(
        f"{name:34s} sessions {sessions:3d}  open p50 {pct(t.opens, 0.5):8.1f} ms  p99 {pct(t.opens, 0.99):8.1f} ms  "
        f"call p50 {pct(t.calls, 0.5):8.1f} ms  p99 {pct(t.calls, 0.99):8.1f} ms  {rate:8.1f} calls/s  "
        f"wrong {t.wrong}" + (f" (first: {t.failures[0][:120]})" if t.failures else "")
    )
    return rate


def run_concurrently(n: int, one) -> Timings:
    timings = Timings()
    start = time.perf_counter()
    with ThreadPoolExecutor(n) as workers:
        for future in [workers.submit(one, timings) for _ in range(n)]:
            future.result()
    timings.wall = time.perf_counter() - start
    return timings


# ---------------------------------------------------------------------------------------------- (c) r1verify
def r1verify_sessions(n: int) -> tuple[Timings, float]:
    from r1verify_sandbox import SessionLimits, SessionPool

    start = time.perf_counter()
    pool = SessionPool(backend="docker", warm=n, max_sessions=n).start()
    startup = time.perf_counter() - start
    limits = SessionLimits(timeout=10)

    def one(t: Timings) -> None:
        began = time.perf_counter()
        session = pool.open_session(limits)
        opened = time.perf_counter() - began
        times, wrong = [], 0
        for code, expected in CALLS:
            began = time.perf_counter()
            result = session.run(code)
            times.append(time.perf_counter() - began)
            shown = (result.stdout.strip() or result.value or "") if result.ok else "!"
            wrong += (expected is not None and shown != expected) or not result.ok
        session.close()
        t.add(opened, times, wrong)

    try:
        run_concurrently(min(n, 4), one)  # warm-up: first calls, page cache
        while pool.idle_runners < n:  # the warm-up's runners are cleaned and ready again
            time.sleep(0.05)
        timings = run_concurrently(n, one)
    finally:
        pool.close()
    return timings, startup


# ---------------------------------------------------------------------------------------------- (a) docker run
def docker_run_per_call(n: int) -> Timings:
    from r1verify_sandbox.backends import DockerBackend
    from r1verify_sandbox.config import SandboxConfig
    from r1verify_sandbox.image_build import default_tag

    flags = DockerBackend(SandboxConfig(backend="docker")).lockdown_flags()
    image = default_tag()

    def one(t: Timings) -> None:
        times, wrong = [], 0
        for i, (code, expected) in enumerate(CALLS):
            lines = [c for c, _ in CALLS[:i]] + [code if expected is None or code.startswith("print") else
                                                f"print({code})"]
            began = time.perf_counter()
            proc = subprocess.run(["docker", "run", "--rm", "-i", *flags, image, "python3", "-"],
                                  input="\n".join(lines), capture_output=True, text=True, check=False)
            times.append(time.perf_counter() - began)
            last = (proc.stdout.strip().splitlines() or [""])[-1]
            wrong += proc.returncode != 0 or (expected is not None and last != expected)
        t.add(0.0, times, wrong)

    return run_concurrently(n, one)


# ---------------------------------------------------------------------------------------------- (b) jupyter
def jupyter_kernels(n: int) -> Timings | None:
    try:
        from jupyter_client.manager import KernelManager
    except ImportError:
        print("(b) skipped: pip install jupyter_client ipykernel")
        return None

    def one(t: Timings) -> None:
        began = time.perf_counter()
        manager = KernelManager(kernel_name="python3")
        manager.start_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             extra_arguments=["--HistoryManager.enabled=False"])
        client = manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=120)
        except RuntimeError as exc:  # did not start under load: counted, reported
            client.stop_channels()
            manager.shutdown_kernel(now=True)
            t.add(time.perf_counter() - began, [], len(CALLS), f"kernel start: {exc}")
            return
        opened = time.perf_counter() - began
        times, wrong, failure = [], 0, ""
        try:
            for code, expected in CALLS:
                out: list[str] = []

                def hook(msg, out=out):
                    kind, content = msg["msg_type"], msg["content"]
                    if kind == "stream" and content.get("name") == "stdout":
                        out.append(content["text"])
                    elif kind == "execute_result":
                        out.append(content["data"].get("text/plain", ""))

                began = time.perf_counter()
                try:
                    reply = client.execute_interactive(code, timeout=60, output_hook=hook)
                except Exception as exc:  # noqa: BLE001 - a timeout under load: counted, reported
                    times.append(time.perf_counter() - began)
                    wrong, failure = wrong + 1, failure or f"{code!r}: {type(exc).__name__}: {exc}"
                    continue
                times.append(time.perf_counter() - began)
                shown = "".join(out).strip()
                if reply["content"]["status"] != "ok" or (expected is not None and shown != expected):
                    wrong, failure = wrong + 1, failure or f"{code!r} gave {shown!r} ({reply['content']['status']})"
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
        t.add(opened, times, wrong, failure)

    return run_concurrently(n, one)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", default="64,16", help="concurrent r1verify sessions (a comma-separated list:"
                        " one (c) row each; the first is the headline)")
    parser.add_argument("--docker-run-sessions", type=int, default=4, help="concurrent sessions for (a)")
    parser.add_argument("--jupyter-sessions", type=int, default=64, help="concurrent kernels for (b); 0: skip")
    parser.add_argument("--quick", action="store_true", help="16 sessions, 2 docker-run sessions, 16 kernels")
    args = parser.parse_args()
    if args.quick:
        args.sessions, args.docker_run_sessions, args.jupyter_sessions = "16", 2, 16
    levels = [int(n) for n in str(args.sessions).split(",")]
    from r1verify_sandbox.image_build import ensure_image

    image = ensure_image(offline=True)
    print(f"{len(CALLS)} calls per session; image {image}")
    rows = [(n, *r1verify_sessions(n)) for n in levels]
    for n, timings, startup in rows:
        print(f"(c) pool start-up ({n} warm containers): {startup:.1f}s")
    for n, timings, _ in rows:
        report("(c) r1verify sessions (docker)", timings, n)
    c = rows[0][1]
    rate_c = len(c.calls) / c.wall
    a = docker_run_per_call(args.docker_run_sessions)
    rate_a = report("(a) docker run per call", a, args.docker_run_sessions)
    b = jupyter_kernels(args.jupyter_sessions) if args.jupyter_sessions else None
    if b is not None:
        report("(b) jupyter kernel per session", b, args.jupyter_sessions)
    print(
        f"targets: call p50 {pct(c.calls, 0.5):.1f} ms (<= 15), p99 {pct(c.calls, 0.99):.1f} ms (<= 100), "
        f"open p50 {pct(c.opens, 0.5):.1f} ms (<= 50), calls/s (c)/(a) = {rate_c / rate_a:.1f}x (>= 10x)"
        f"  [at {levels[0]} sessions]"
    )
    if any(t.wrong for _, t, _ in rows) or a.wrong:
        sys.exit("some calls gave wrong answers: the numbers above are not comparable")


if __name__ == "__main__":
    main()
