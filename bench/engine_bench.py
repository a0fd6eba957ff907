"""Engine overhead: r1verify's pool vs pebble with one task per item (pebble's own per-task timeout).

Why the engine does not simply schedule one pebble task per item with ``timeout=``: that gives per-call
deadlines for free but caps throughput for cheap verifiers. This script measures both on the same batch of
cheap work (the built-in ``exact_match``), with the same number of worker processes, in one run.

    python bench/engine_bench.py [--items 20000] [--workers 2]
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from concurrent.futures import wait

import pebble

from r1verify import Engine, Recipe, Sample
from r1verify.builtin import ExactMatch


def check(verifier: ExactMatch, sample: Sample) -> object:
    return verifier.verify(sample)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    samples = [Sample(completion=f"<think>step {i}</think> {i % 97}", reference=str(i % 89)) for i in range(args.items)]
    verifier = ExactMatch()

    ctx = multiprocessing.get_context("forkserver")
    with pebble.ProcessPool(max_workers=args.workers, context=ctx) as pool:
        pool.schedule(check, args=(verifier, samples[0])).result()  # warm up
        started = time.perf_counter()
        futures = [pool.schedule(check, args=(verifier, s), timeout=2.0) for s in samples]
        wait(futures)
        pebble_rate = args.items / (time.perf_counter() - started)

    with Engine(Recipe.from_verifier_args(["exact_match"]), workers=args.workers, cache_size=0) as engine:
        engine.verify(samples[:10])  # warm up
        started = time.perf_counter()
        engine.verify(samples)
        engine_rate = args.items / (time.perf_counter() - started)

    print(f"{'runner':<44}{'items/s':>12}")
    print(f"{'pebble, one task per item with timeout':<44}{pebble_rate:>12,.0f}")
    print(f"{'r1verify engine (chunks, per-item deadline)':<44}{engine_rate:>12,.0f}")
    print(f"ratio engine / pebble-per-item: {engine_rate / pebble_rate:.1f}x")


if __name__ == "__main__":
    main()
