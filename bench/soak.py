"""Soak test (issue 15 part 3): `r1verify serve` over real HTTP on 127.0.0.1 and an in-process Engine, both fed
a mix of math, code (Docker sandbox), think_format, language and a verifier that hangs or segfaults now and then,
for a bounded time. Samples memory (RSS of each process tree), open file descriptors, child processes and
sandbox containers over time, prints a table, and checks that they stay flat and that no reply is lost.

"Flat": after a warm-up (the first 20% of the run), the median of the last quarter of the samples against the
median of the first quarter, within a tolerance (RSS: +10% and +30 MB; fds: +8; children: +2; containers: +2).
"Lost": a request with no 200 reply, a reply whose rewards do not match the queries one to one or are not finite
numbers, or an engine batch whose results are missing a verdict. Hangs are `timeout`, segfaults `error`: both
are replies, not losses.

The misbehaving verifier is `behave` from tests/helpers.py ('sleep' hangs, 'segv' segfaults), registered in the
server through tests/openrlhf/behave_server.py (the real CLI) and in this process through r1verify.testing.
Without a Docker engine the code verifier falls back to plain subprocesses (the output says so).
The verdict caches are off (--cache-size 0), so every sample is really verified. Timings on a shared machine are
noisy; the script judges resources, not speed.

    .venv/bin/python bench/soak.py                  # 9 minutes
    .venv/bin/python bench/soak.py --short          # ~45 s, what CI runs (tests/test_soak.py)
    .venv/bin/python bench/soak.py --seconds 120 --json soak.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import queue
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CONTAINER_LABEL = "r1verify.sandbox"  # set by sandbox/r1verify_sandbox/docker.py on every pool container

RECIPE = """
description = "soak: math, code, format, language and a misbehaving verifier, routed by domain"
default_domain = "math"
[verifiers.accuracy]
verifier = "math"
domains = ["math"]
[verifiers.code]
verifier = "code"
domains = ["code"]
timeout = 30.0
[verifiers.format]
verifier = "think_format"
weight = 0.2
[verifiers.language]
verifier = "language"
weight = 0.2
[verifiers.behave]
weight = 0.0
timeout = 1.0
domains = ["faults"]
"""
PROMPT = "<|im_start|>user\nSolve it.<|im_end|>\n<|im_start|>assistant\n"
PROGRAM = "```python\na, b = map(int, input().split())\nprint(a + b)\n```"


def make_batch(batch: int, size: int, *, fault_every: int, code_every: int) -> list[tuple[str, str, Any]]:
    """(completion, domain, reference) for one batch: varied math (right and wrong), a code sample every
    ``code_every`` batches, a segfault every ``fault_every`` batches and a hang every 4 * ``fault_every``."""
    out: list[tuple[str, str, Any]] = []
    for i in range(size):
        n = batch * size + i
        answer = n % 97 + (i % 3 == 0)  # every third answer is off by one: wrong
        text = f"<think>We add {n % 97} and nothing else, step by step, carefully.</think> The answer is \\boxed{{{answer}}}."
        if i % 5 == 4:
            text = f"no think block at all, just \\boxed{{{answer}}}"  # format_error, no_answer for language
        out.append((text, "math", str(n % 97)))
    if code_every and batch % code_every == 0:
        tests = {"inputs": [f"{batch} 1\n", "2 2\n"], "outputs": [f"{batch + 1}\n", "4\n"]}
        out[0] = (f"<think>sum two ints</think>\n{PROGRAM}", "code", tests)
    if fault_every and batch % fault_every == 1:
        out[1] = ("segv", "faults", "1")
    if fault_every and batch % (4 * fault_every) == 2:
        out[2] = ("sleep", "faults", "1")
    return out


# ----------------------------------------------------------------------------------------------- resources
def tree(pid: int, exclude: set[int] = frozenset()) -> list[psutil.Process]:  # type: ignore[assignment]
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return []
    skip: set[int] = set()
    for p in procs:
        if p.pid in exclude:
            try:
                skip |= {p.pid, *(c.pid for c in p.children(recursive=True))}
            except psutil.Error:
                skip.add(p.pid)
    return [p for p in procs if p.pid not in skip]


def tree_stats(procs: list[psutil.Process]) -> tuple[float, int, int]:
    """(RSS MB, open fds, processes) of a process tree; processes that vanish mid-count are skipped."""
    rss, fds, alive = 0, 0, 0
    for p in procs:
        try:
            rss += p.memory_info().rss
            fds += p.num_fds()
            alive += 1
        except psutil.Error:
            pass
    return rss / 2**20, fds, alive


def containers() -> int | None:
    try:
        out = subprocess.run(
            ["docker", "ps", "-q", "--filter", f"label={CONTAINER_LABEL}"], capture_output=True, text=True, timeout=20
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return len(out.stdout.split()) if out.returncode == 0 else None


def docker_available() -> bool:
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@dataclass
class Sample:
    t: float
    server_batches: int
    engine_batches: int
    server_rss_mb: float
    server_fds: int
    server_procs: int
    engine_rss_mb: float
    engine_fds: int
    engine_procs: int
    containers: int | None


METRICS = ("server_rss_mb", "server_fds", "server_procs", "engine_rss_mb", "engine_fds", "engine_procs", "containers")


def allowed(metric: str, first: float) -> float:
    if metric.endswith("rss_mb"):
        return first * 1.10 + 30
    if metric.endswith("fds"):
        return first + 8
    return first + 2


def flatness(samples: list[Sample], warmup: float) -> dict[str, dict[str, Any]]:
    """Per metric: the first-quarter and last-quarter medians after warm-up, the limit, and whether it held."""
    late = [s for s in samples if s.t >= warmup]
    q = max(1, len(late) // 4)
    verdict: dict[str, dict[str, Any]] = {}
    for metric in METRICS:
        values = [getattr(s, metric) for s in late]
        if not values or any(v is None for v in values):
            verdict[metric] = {"flat": None, "note": "not measured"}
            continue
        first, last = statistics.median(values[:q]), statistics.median(values[-q:])
        limit = allowed(metric, first)
        verdict[metric] = {"first": first, "last": last, "limit": round(limit, 1), "flat": last <= limit}
    return verdict


# ------------------------------------------------------------------------------------------------- drivers
@dataclass
class Tally:
    batches: int = 0
    samples: int = 0
    lost: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    lost_examples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def summary(self) -> dict[str, Any]:
        keys = ("batches", "samples", "lost", "statuses", "lost_examples")
        return {k: getattr(self, k) for k in keys}

    def add(self, n: int, statuses: list[str], lost: str | None = None) -> None:
        with self.lock:
            self.batches += 1
            self.samples += n
            for s in statuses:
                self.statuses[s] = self.statuses.get(s, 0) + 1
            if lost:
                self.lost += 1
                if len(self.lost_examples) < 5:
                    self.lost_examples.append(lost)


def start_server(recipe: Path, workers: int) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "tests.openrlhf.behave_server", "serve", "--recipe", str(recipe)]
    command += ["--host", "127.0.0.1", "--port", "0", "--workers", str(workers), "--cache-size", "0"]
    proc = subprocess.Popen(
        command, cwd=REPO, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr or []], daemon=True).start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            if proc.poll() is not None:
                raise SystemExit("the server exited before it listened")
            continue
        if " on http://" in line:
            return proc, line.rsplit(" on ", 1)[1].strip()
    proc.kill()
    raise SystemExit("the server did not report its address in 120 s")


def http_client(url: str, stop: threading.Event, tally: Tally, counter: list[int], args: argparse.Namespace) -> None:
    with httpx.Client(timeout=120) as client:
        while not stop.is_set():
            with tally.lock:
                batch = counter[0]
                counter[0] += 1
            items = make_batch(batch, args.batch, fault_every=args.fault_every, code_every=args.code_every)
            labels = [json.dumps({"reference": ref, "domain": dom}) for _, dom, ref in items]
            body = {"query": [PROMPT + c for c, _, _ in items], "prompts": [PROMPT] * len(items), "labels": labels}
            try:
                reply = client.post(url, json=body)
            except httpx.HTTPError as exc:
                tally.add(len(items), [], f"batch {batch}: {type(exc).__name__}: {exc}")
                continue
            if reply.status_code != 200:
                tally.add(len(items), [], f"batch {batch}: HTTP {reply.status_code}: {reply.text[:200]}")
                continue
            data = reply.json()
            rewards = data.get("rewards")
            ok = isinstance(rewards, list) and len(rewards) == len(items)
            ok = ok and all(isinstance(r, (int, float)) and math.isfinite(r) for r in rewards)
            flags = data.get("extra_logs", {})
            statuses = ["timeout" if t else "error" if e else "ok" for t, e in
                        zip(flags.get("r1verify/timeout", [0] * len(items)), flags.get("r1verify/error", [0] * len(items)))]
            tally.add(len(items), statuses, None if ok else f"batch {batch}: bad reply {str(data)[:200]}")


def engine_loop(recipe: Path, stop: threading.Event, tally: Tally, args: argparse.Namespace) -> None:
    from r1verify import Engine
    from r1verify import Sample as R1Sample
    from r1verify.testing import inline_plugin, registered
    from tests.helpers import Behave

    with registered(inline_plugin([Behave])), Engine(recipe, workers=args.workers, cache_size=0) as engine:
        batch = 10**6  # other numbers than the server's
        while not stop.is_set():
            items = make_batch(batch, args.batch, fault_every=args.fault_every, code_every=args.code_every)
            samples = [R1Sample(completion=c, prompt="Solve it.", reference=r, domain=d) for c, d, r in items]
            try:
                results = engine.verify(samples)
            except Exception as exc:  # noqa: BLE001 - a raise is a lost batch, counted and shown
                tally.add(len(items), [], f"engine batch {batch}: {type(exc).__name__}: {exc}")
                batch += 1
                continue
            ok = len(results) == len(samples) and all(r.verdicts and all(v.status for v in r.verdicts.values())
                                                      for r in results)
            statuses = [str(v.status.value if hasattr(v.status, "value") else v.status)
                        for r in results for v in r.verdicts.values()]
            tally.add(len(items), statuses, None if ok else f"engine batch {batch}: missing verdicts")
            batch += 1


# ---------------------------------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=540.0, help="length of the run (default 540, max 600)")
    parser.add_argument("--short", action="store_true", help="CI mode: 40 s")
    parser.add_argument("--batch", type=int, default=8, help="samples per request / engine batch")
    parser.add_argument("--clients", type=int, default=3, help="concurrent HTTP clients")
    parser.add_argument("--workers", type=int, default=2, help="verifier workers of the server and of the engine")
    parser.add_argument("--fault-every", type=int, default=10, help="a segfault every N batches, a hang every 4N")
    parser.add_argument("--code-every", type=int, default=3, help="a code sample every N batches")
    parser.add_argument("--interval", type=float, default=0.0, help="seconds between resource samples")
    parser.add_argument("--json", type=Path, help="write the samples and the verdict here")
    args = parser.parse_args(argv)
    seconds = min(40.0 if args.short else args.seconds, 600.0)
    interval = args.interval or max(1.0, seconds / 60)

    docker = docker_available()
    print(f"soak: {seconds:.0f} s, batches of {args.batch}, {args.clients} HTTP clients + 1 engine loop, "
          f"{args.workers} workers each; Docker: " + ("yes" if docker else
          "NO - the code verifier falls back to plain subprocesses and containers are not counted"), flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        recipe = Path(tmp) / "soak.toml"
        recipe.write_text(RECIPE)
        proc, url = start_server(recipe, args.workers)
        stop = threading.Event()
        server_tally, engine_tally = Tally(), Tally()
        counter = [0]
        threads = [threading.Thread(target=http_client, args=(url, stop, server_tally, counter, args), daemon=True)
                   for _ in range(args.clients)]
        threads.append(threading.Thread(target=engine_loop, args=(recipe, stop, engine_tally, args), daemon=True))
        start = time.monotonic()
        for t in threads:
            t.start()
        samples: list[Sample] = []
        print(f"{'t s':>6} {'srv batches':>11} {'eng batches':>11} {'srv MB':>7} {'srv fds':>7} {'srv procs':>9} "
              f"{'eng MB':>7} {'eng fds':>7} {'eng procs':>9} {'containers':>10}", flush=True)
        try:
            while (elapsed := time.monotonic() - start) < seconds:
                time.sleep(interval)
                s = Sample(round(time.monotonic() - start, 1), server_tally.batches, engine_tally.batches,
                           *tree_stats(tree(proc.pid)), *tree_stats(tree(os.getpid(), exclude={proc.pid})),
                           containers() if docker else None)
                samples.append(s)
                if len(samples) % max(1, len(range(0, int(seconds / interval))) // 12) == 0:
                    print(f"{s.t:>6.0f} {s.server_batches:>11} {s.engine_batches:>11} {s.server_rss_mb:>7.0f} "
                          f"{s.server_fds:>7} {s.server_procs:>9} {s.engine_rss_mb:>7.0f} {s.engine_fds:>7} "
                          f"{s.engine_procs:>9} {s.containers if s.containers is not None else '-':>10}", flush=True)
                if proc.poll() is not None:
                    print(f"the server died (exit {proc.returncode})", flush=True)
                    break
        finally:
            stop.set()
            for t in threads:
                t.join(150)
            alive = proc.poll() is None
            proc.send_signal(signal.SIGTERM)
            try:
                exit_status = proc.wait(120)
            except subprocess.TimeoutExpired:
                proc.kill()
                exit_status = None
    wall = time.monotonic() - start
    flat = flatness(samples, warmup=0.2 * seconds)
    after = containers() if docker else None
    total_lost = server_tally.lost + engine_tally.lost + (0 if alive else 1)
    print(f"\nserver: {server_tally.batches} batches, {server_tally.samples} samples, {server_tally.lost} lost; "
          f"flags {server_tally.statuses}")
    print(f"engine: {engine_tally.batches} batches, {engine_tally.samples} samples, {engine_tally.lost} lost; "
          f"statuses {engine_tally.statuses}")
    for example in server_tally.lost_examples + engine_tally.lost_examples:
        print("  lost:", example)
    print(f"server exit status after SIGTERM: {exit_status}; sandbox containers after it stopped: "
          f"{after if after is not None else '-'}")
    print("\nflatness after warm-up (median of the first quarter vs the last quarter):")
    for metric, v in flat.items():
        if v["flat"] is None:
            print(f"  {metric:<14} not measured")
        else:
            print(f"  {metric:<14} {v['first']:>8.1f} -> {v['last']:>8.1f} (limit {v['limit']}) "
                  + ("flat" if v["flat"] else "GROWS"))
    flat_ok = all(v["flat"] is not False for v in flat.values())
    ok = flat_ok and total_lost == 0 and alive
    print(f"\nwall {wall:.1f} s; lost replies: {total_lost}; " + ("PASS" if ok else "FAIL"))
    if args.json:
        args.json.write_text(json.dumps({
            "ok": ok, "wall_s": wall, "docker": docker, "lost": total_lost, "server_alive": alive,
            "server": server_tally.summary(), "engine": engine_tally.summary(),
            "flatness": flat, "samples": [asdict(s) for s in samples], "containers_after": after,
        }, indent=1, default=str))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
