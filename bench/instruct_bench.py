"""Throughput of the ``ifeval`` verifier on IFEval rows: through ``r1verify.Engine`` vs the checkers called serially.

    .venv/bin/python bench/instruct_bench.py [--n 4000] [--workers 2] [--mode strict]

Rows: the 18 real IFEval rows (GPT-4 responses, 27 instructions) of ``tests/data/instruct/ifeval_responses.jsonl``,
cycled to ``--n`` rows, each response given a distinct opening line so that no two rows are the same work (the
engine's de-duplication would otherwise do most of it), wrapped in ``<think>...</think>``.

(a) serial: the official evaluation's loop (``evaluation_lib.test_instruction_following_strict`` /
    ``_loose``) over if-verifiable's checkers, one row after another in this process;
(b) ``ifeval`` through the Engine (``--workers`` processes, cache off), after a warm-up batch;
(c) the ``ifeval`` verifier called serially in this process (the checkers with r1verify's per-row tokenisation
    memo and, in loose mode, identical variants checked once: what each engine worker runs).
Timings depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from r1verify import Engine, Recipe, Sample
from r1verify_instruct import IFEval
from r1verify_instruct.checkers import find_class, loose_variants

DATA = Path(__file__).parents[1] / "tests/data/instruct/ifeval_responses.jsonl"


def rows(n: int) -> list[dict]:
    base = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    out = []
    for i in range(n):
        row = dict(base[i % len(base)])
        row["response"] = f"Response {i}:\n{row['response']}"
        out.append(row)
    return out


def official_serial(data: list[dict], mode: str) -> float:
    """The official loop: build each instruction with its kwargs, check the response (or its loose variants)."""
    started = time.perf_counter()
    for row in data:
        responses = [row["response"]] if mode == "strict" else loose_variants(row["response"])
        for instruction_id, kwargs in zip(row["instruction_id_list"], row["kwargs"]):
            _, cls = find_class(instruction_id)
            checker = cls(instruction_id)
            checker.build_description(**{k: v for k, v in kwargs.items() if v is not None})
            args = checker.get_instruction_args()
            if args and "prompt" in args:
                checker.build_description(prompt=row["prompt"])
            any(r.strip() and checker.check_following(r) for r in responses)
    return len(data) / (time.perf_counter() - started)


def samples_of(data: list[dict]) -> list[Sample]:
    # meta as r1verify.io builds it from a row: the columns other than prompt and completion
    return [
        Sample(f"<think>Plan the answer.</think>{r['response']}", prompt=r["prompt"],
               meta={k: r[k] for k in ("key", "instruction_id_list", "kwargs")})
        for r in data
    ]


def verifier_serial(data: list[dict], mode: str) -> float:
    verifier = IFEval(mode=mode)
    samples = samples_of(data)
    started = time.perf_counter()
    for sample in samples:
        verifier.verify(sample)
    return len(samples) / (time.perf_counter() - started)


def through_engine(data: list[dict], workers: int, mode: str) -> tuple[float, dict[str, int]]:
    samples = samples_of(data)
    recipe = Recipe.from_verifier_args([f"ifeval:mode={mode}"])
    with Engine(recipe, workers=workers, cache_size=0) as engine:
        engine.verify(samples[:200])  # start the workers
        started = time.perf_counter()
        results = engine.verify(samples)
        rate = len(samples) / (time.perf_counter() - started)
    statuses: dict[str, int] = {}
    for r in results:
        status = r.verdicts["ifeval"].status.value
        statuses[status] = statuses.get(status, 0) + 1
    return rate, statuses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mode", choices=("strict", "loose"), default="strict")
    args = parser.parse_args()
    data = rows(args.n)
    official_serial(data[:50], args.mode)  # imports and NLTK data
    serial = official_serial(data, args.mode)
    ours = verifier_serial(data, args.mode)
    engine, statuses = through_engine(data, args.workers, args.mode)
    instructions = sum(len(r["instruction_id_list"]) for r in data)
    print(f"ifeval ({args.mode}) on {len(data)} IFEval rows ({instructions} instructions):")
    print(f"(a) official loop, serial, 1 process:   {serial:10.0f} rows/s")
    print(f"(b) ifeval through Engine ({args.workers} workers):  {engine:10.0f} rows/s")
    print(f"(c) ifeval verifier, serial, 1 process: {ours:10.0f} rows/s")
    print(f"ratio b/a: {engine / serial:.2f}x   c/a: {ours / serial:.2f}x")
    print(f"verdicts: {statuses}")
    print(f"load average while measuring: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
