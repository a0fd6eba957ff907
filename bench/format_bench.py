"""Throughput of ``think_format`` on ~500-word reasonings, in-process and through ``r1verify.Engine``.

    .venv/bin/python bench/format_bench.py [--n 4000] [--workers 2] [--profile]

Reasonings are MATH-500 solutions (``bench/data/language``) joined to ~500 words, wrapped in the R1 template
(a quarter of them broken in some way). ``--profile`` shows where the engine's calling process spends its time.
Timings depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import sys
import time
from pathlib import Path

from r1verify_format import ThinkFormat

from r1verify import Engine, Recipe, Sample

DATA = Path(__file__).parent / "data/language/math500_en_solutions.jsonl"


def reasonings(n: int, words: int = 500, seed: int = 0) -> list[Sample]:
    solutions = [json.loads(line)["solution"] for line in DATA.open(encoding="utf-8")]
    rng = random.Random(seed)
    out = []
    for i in range(n):
        text = ""
        while len(text.split()) < words:
            text += rng.choice(solutions) + "\n\n"
        completion = f"<think>\n{text}</think>\nThe answer is \\boxed{{{i}}}."
        if i % 4 == 3:  # some broken ones: trailing text, nesting, missing close
            completion = [completion + "<think>", completion.replace("</think>", ""), "Sure! " + completion][i % 3]
        out.append(Sample(completion, prompt=f"problem {i}", reference=str(i)))
    return out


def in_process(samples: list[Sample]) -> float:
    verifier = ThinkFormat()
    started = time.perf_counter()
    for s in samples:
        verifier.verify(s)
    return len(samples) / (time.perf_counter() - started)


def through_engine(samples: list[Sample], workers: int, profile: bool) -> float:
    with Engine(Recipe.from_verifier_args(["think_format"]), workers=workers, cache_size=0) as engine:
        engine.verify(samples[:200])  # start the workers
        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        engine.verify(samples)
        if profiler:
            profiler.disable()
        rate = len(samples) / (time.perf_counter() - started)
    if profiler:
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(15)
    return rate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    samples = reasonings(args.n)
    mean_words = sum(len(s.completion.split()) for s in samples) / len(samples)
    local = max(in_process(samples) for _ in range(3))
    engine = through_engine(samples, args.workers, args.profile)
    print(f"think_format on {len(samples)} reasonings of ~{mean_words:.0f} words ({len(samples[0].completion)} chars):")
    print(f"  in-process (1 core):          {local:10.0f} items/s")
    print(f"  Engine ({args.workers} workers, no cache): {engine:10.0f} items/s")


if __name__ == "__main__":
    main()
