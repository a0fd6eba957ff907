"""Load test of `r1verify serve` with OpenRLHF-style traffic, on loopback only.

OpenRLHF's single-turn executor POSTs one sample per request ({"query": [q], "prompts": [p], "labels": [l]}) from
every rollout coroutine at once. This replays 2,000 such concurrent requests (real Qwen2.5-Math completions of MATH
problems, bench/data/openrlhf/math_cot_400.jsonl, each sent 5 times as GRPO groups repeat answers) against:

1. the server with micro-batching (defaults: --max-batch 256 --max-wait-ms 5 --max-inflight 4);
2. the same server verifying each request on its own (--max-batch 1 --max-inflight 32, like a handler calling
   the verifier in asyncio.to_thread);
3. the batching server under faults: clients that disconnect mid-request, malformed bodies, and samples on which
   a verifier hangs until its 1 s deadline; every other request must still get its correct reward.

The cross-request verdict cache is off (--cache-size 0); repeats dedupe only inside a batch. The recipe is
math (required) plus, for the fault run, the hanging test verifier `behave` from tests/helpers.py (weight 0).
The client is aiohttp, OpenRLHF's own HTTP client, with one shared session (OpenRLHF opens one per request);
httpx's AsyncClient tops out near 100 requests/s on a 2-core machine and would measure itself instead.
Numbers depend on the machine and on whatever else runs on it (client, server and verifier workers share it).

    .venv/bin/python bench/openrlhf_load.py [--requests 2000] [--concurrency 500] [--workers 2] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import queue
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import httpx

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "bench/data/openrlhf/math_cot_400.jsonl"
MATH = "math:require_delimiter=false,required=true"
SYSTEM = "Please reason step by step, and put your final answer within \\boxed{}."
FAULT_RECIPE = """
description = "bench: math plus a verifier that hangs on the completion 'sleep'"
[verifiers.math]
required = true
options = { require_delimiter = false }
[verifiers.behave]
weight = 0.0
timeout = 1.0
"""


def prompt_of(question: str) -> str:
    return f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n"


def request_body(row: dict) -> dict:
    prompt = prompt_of(row["question"])
    return {"query": [prompt + row["completion"] + "<|im_end|>"], "prompts": [prompt], "labels": [row["gt"]]}


@dataclass
class Server:
    proc: subprocess.Popen
    url: str

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(120)


def start_server(args: list[str], *, with_test_verifiers: bool = False, workers: int) -> Server:
    if with_test_verifiers:  # the real CLI, with tests/helpers.py's verifiers registered (see behave_server.py)
        command = [sys.executable, "-m", "tests.openrlhf.behave_server"]
    else:
        command = [str(Path(sys.executable).parent / "r1verify")]
    proc = subprocess.Popen(
        [
            *command,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--workers",
            str(workers),
            "--cache-size",
            "0",
            *args,
        ],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True).start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            if proc.poll() is not None:
                raise SystemExit("the server exited before it listened")
            continue
        if " on http://" in line:
            return Server(proc, line.rsplit(" on ", 1)[1].strip())
    proc.kill()
    raise SystemExit("the server did not report its address")


@dataclass
class Outcome:
    kind: str  # normal, malformed, disconnect, hang
    status: int | None = None
    reward: float | None = None
    error_flag: float | None = None
    timeout_flag: float | None = None
    seconds: float = 0.0
    row: int = -1


@dataclass
class Run:
    name: str
    wall: float
    outcomes: list[Outcome] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)

    def normal(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.kind == "normal"]

    def summary(self, expected: dict[int, float]) -> dict:
        normal = self.normal()
        latencies = sorted(o.seconds for o in normal if o.status == 200)
        failed = [o for o in normal if o.status != 200 or o.error_flag]
        wrong = [o for o in normal if o.status == 200 and o.row in expected and o.reward != expected[o.row]]
        hangs = [o for o in self.outcomes if o.kind == "hang"]
        malformed = [o for o in self.outcomes if o.kind == "malformed"]
        out = {
            "run": self.name,
            "requests": len(self.outcomes),
            "normal_requests": len(normal),
            "requests_per_s": round(len(self.outcomes) / self.wall, 1),
            "p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
            "p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 1) if latencies else None,
            "lost_or_failed": len(failed),
            "reward_mismatches": len(wrong),
            "engine_batches": int(self.metrics.get("r1verify_batches_total", 0)),
            "largest_batch": int(self.metrics.get("r1verify_largest_batch", 0)),
        }
        if hangs:
            out["hang_requests"] = len(hangs)
            out["hang_answered_with_timeout_flag"] = sum(o.status == 200 and o.timeout_flag == 1.0 for o in hangs)
            out["hang_max_s"] = round(max(o.seconds for o in hangs), 2)
        if malformed:
            out["malformed_requests"] = len(malformed)
            out["malformed_answered_4xx"] = sum(o.status is not None and 400 <= o.status < 500 for o in malformed)
        disconnects = sum(o.kind == "disconnect" for o in self.outcomes)
        if disconnects:
            out["client_disconnects"] = disconnects
        return out


async def post(session: aiohttp.ClientSession, url: str, kind: str, payload: object, outcome: Outcome) -> None:
    if kind == "malformed":
        request = session.post(url, data=payload, headers={"content-type": "application/json"})
    else:
        request = session.post(url, json=payload)
    async with request as reply:
        outcome.status = reply.status
        if reply.status == 200:
            data = await reply.json()
            outcome.reward = data["rewards"][0]
            outcome.error_flag = data["extra_logs"]["r1verify/error"][0]
            outcome.timeout_flag = data["extra_logs"]["r1verify/timeout"][0]
        else:
            await reply.read()


async def fire(session: aiohttp.ClientSession, url: str, kind: str, row: int, payload: object) -> Outcome:
    started = time.perf_counter()
    outcome = Outcome(kind, row=row)
    try:
        if kind == "disconnect":
            try:  # the client goes away mid-request (its connection is closed); the server must not mind
                await asyncio.wait_for(post(session, url, kind, payload, outcome), timeout=0.02)
            except TimeoutError:
                pass
        else:
            await post(session, url, kind, payload, outcome)
    except aiohttp.ClientError as exc:
        outcome.status = None
        print(f"  {kind} request failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    outcome.seconds = time.perf_counter() - started
    return outcome


def scrape(url: str) -> dict[str, float]:
    text = httpx.get(url.replace("/get_reward", "/metrics"), timeout=30).text
    return {k: float(v) for k, v in (line.rsplit(" ", 1) for line in text.splitlines() if not line.startswith("#"))}


async def load(name: str, url: str, plan: list[tuple[str, int, object]], concurrency: int) -> Run:
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=180)) as session:
        warm = [(k, r, p) for k, r, p in plan if k == "normal"][:8]
        await asyncio.gather(*(fire(session, url, k, -1, p) for k, _, p in warm))  # start the workers
        started = time.perf_counter()
        outcomes = await asyncio.gather(*(fire(session, url, kind, row, p) for kind, row, p in plan))
        wall = time.perf_counter() - started
    return Run(name, wall, list(outcomes), scrape(url))


def build_plan(rows: list[dict], n: int, *, faults: bool, seed: int = 0) -> list[tuple[str, int, object]]:
    rng = random.Random(seed)
    plan: list[tuple[str, int, object]] = []
    for i in range(n):
        row = i % len(rows)
        kind = "normal"
        if faults:
            kind = rng.choices(["normal", "disconnect", "malformed", "hang"], weights=[95, 2, 2, 1])[0]
        if kind == "malformed":
            payload: object = rng.choice([b"{not json", b'{"query": "not a list"}', b"[1, 2, 3]", b"\xff\xfe"])
        elif kind == "hang":
            payload = {"query": [prompt_of("q") + "sleep<|im_end|>"], "prompts": [prompt_of("q")], "labels": ["1"]}
        else:
            payload = request_body(rows[row])
        plan.append((kind, row, payload))
    rng.shuffle(plan)
    return plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=500, help="client connections open at once")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="verifier worker processes")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    sys.path.insert(0, str(REPO))

    from r1verify import Engine, Recipe, Sample

    with Engine(Recipe.from_verifier_args([MATH]), workers=args.workers) as engine:
        expected = {
            i: r.reward
            for i, r in enumerate(engine.verify([Sample(row["completion"], reference=row["gt"]) for row in rows]))
        }
    agree = sum((expected[i] > 0) == row["label_qwen_grader"] for i, row in enumerate(rows))
    print(f"math verifier vs Qwen's grader on the {len(rows)} rows: {agree}/{len(rows)} agree", file=sys.stderr)

    fault_recipe = Path(tempfile.mkdtemp()) / "fault.toml"
    fault_recipe.write_text(FAULT_RECIPE, encoding="utf-8")
    runs = [
        ("micro-batching (max-batch 256, 5 ms, 4 in flight)", ["-v", MATH], False),
        (
            "one verification per request (max-batch 1, 32 in flight)",
            ["-v", MATH, "--max-batch", "1", "--max-inflight", "32"],
            False,
        ),
        ("micro-batching under faults", ["--recipe", str(fault_recipe)], True),
    ]
    results = []
    for name, server_args, faults in runs:
        server = start_server(server_args, with_test_verifiers=faults, workers=args.workers)
        try:
            plan = build_plan(rows, args.requests, faults=faults)
            print(f"{name}: {len(plan)} requests...", file=sys.stderr)
            run = asyncio.run(load(name, server.url, plan, args.concurrency))
            health = httpx.get(server.url.replace("/get_reward", "/health"), timeout=30)
            summary = run.summary(expected)
            summary["healthy_after"] = health.status_code == 200
        finally:
            summary["exit_status"] = server.stop()
        results.append(summary)

    header = [
        "run",
        "requests_per_s",
        "p50_ms",
        "p99_ms",
        "lost_or_failed",
        "reward_mismatches",
        "engine_batches",
        "largest_batch",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in results:
        print("| " + " | ".join(str(r.get(h)) for h in header) + " |")
    for r in results:
        extra = {k: v for k, v in r.items() if k not in header}
        print(f"{r['run']}: {json.dumps(extra)}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"workers": args.workers, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
