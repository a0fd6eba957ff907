"""`r1verify reject --generate` end to end against a fake OpenAI-compatible endpoint with a fixed latency.

200 prompts x 8 samples ("What is A + B?", the fake answers right on even samples), each prompt one request with
n=8 that the server holds for --latency seconds (as a loaded vLLM would), generated with --concurrency 64 and
with --concurrency 1 (the baseline), each followed by rejection with the `rejection` recipe. Prints both wall
times, generation's share, the ratio, and checks that every prompt was generated exactly 8 times and one
generation kept per prompt. The server is tests/generation/fake_openai.py on 127.0.0.1 (threads, one per
connection); the CLI runs in a subprocess as a user would run it.

    .venv/bin/python bench/generate_bench.py [--prompts 200] [-n 8] [--latency 0.05] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.generation.fake_openai import FakeOpenAI, math_prompts  # noqa: E402


def run(server: FakeOpenAI, prompts: Path, work: Path, n: int, concurrency: int) -> dict:
    out = work / f"sft-c{concurrency}.jsonl"
    gens = work / f"gens-c{concurrency}.jsonl"
    command = [str(ROOT / ".venv/bin/r1verify"), "reject", str(prompts), "--generate", "--endpoint", server.url,
               "--model", "fake", "-n", str(n), "--temperature", "0.6", "--concurrency", str(concurrency),
               "--generations", str(gens), "--out", str(out), "--summary", "json", "--workers", "2"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"concurrency {concurrency} failed:\n{done.stderr}")
    summary = json.loads(done.stderr.strip().splitlines()[-1])["summary"]
    counts = Counter(json.loads(line)["prompt_id"] for line in gens.read_text().splitlines())
    assert len(counts) == summary["prompts"] and set(counts.values()) == {n}, "a prompt was not generated n times"
    assert summary["kept"] == summary["prompts"], "the fake answers right on even samples: one kept per prompt"
    gen = summary["generation"]
    return {"concurrency": concurrency, "wall_s": round(wall, 2), "generate_s": gen["elapsed_s"],
            "tokens_per_s": gen["tokens_per_s"], "rows": summary["rows"], "kept": summary["kept"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=200)
    parser.add_argument("-n", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds the server holds each request")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, FakeOpenAI(latency=args.latency) as server:
        work = Path(tmp)
        prompts = work / "prompts.jsonl"
        prompts.write_text("".join(json.dumps(r) + "\n" for r in math_prompts(args.prompts)))
        fast = run(server, prompts, work, args.n, 64)
        slow = run(server, prompts, work, args.n, 1)
    result = {
        "prompts": args.prompts, "n": args.n, "latency_s": args.latency, "concurrency_64": fast, "concurrency_1": slow,
        "generate_ratio": round(slow["generate_s"] / fast["generate_s"], 1),
        "end_to_end_ratio": round(slow["wall_s"] / fast["wall_s"], 1),
    }
    print(f"{args.prompts} prompts x {args.n} samples, fake endpoint holding each request {args.latency * 1000:.0f} ms")
    for r in (fast, slow):
        rate = f"{r['tokens_per_s']:,.0f} tok/s"
        print(f"  concurrency {r['concurrency']:>2}: generate {r['generate_s']:6.2f} s ({rate}), "
              f"generate + reject {r['wall_s']:6.2f} s, {r['rows']} rows, {r['kept']} kept")
    print(f"  concurrency 64 vs 1: generation {result['generate_ratio']}x, end to end {result['end_to_end_ratio']}x")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
