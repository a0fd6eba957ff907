"""Math rewards on a realistic GRPO batch: serial math-verify vs TRL's accuracy_reward vs r1verify ``math``.

    python bench/math_bench.py [--workers 2] [--gsm8k-groups 30] [--deadline 5]

The batch (1056 completions by default) is built from the labelled completions in bench/data/math:

- 100 groups of 8: the Qwen2.5-Math completions of 100 MATH problems (reference: the MATH answer, or the
  MATH-500 solution with its box for the 5 problems in MATH-500);
- 30 groups of 8: the 4 GPT-3 solutions of a GSM8K problem, each sampled twice (GRPO groups repeat answers);
  reference: the GSM8K rationale ending in ``#### N``;
- 2 groups of 8 degenerate completions: a real completion cut short, then 3000 empty ``\\boxed{}`` (group 1)
  or 5000 unclosed ``$x =`` (group 2); label: wrong.

Rows, all on the same batch, in one run:

(a) math-verify ``parse`` + ``verify`` at default settings, serially (what most reward functions do);
(b) ``trl.rewards.accuracy_reward`` (conversational completions, one call per item to time each);
(c) r1verify ``math`` through ``r1verify.Engine`` with ``--workers`` processes, after a warm-up batch of
    other samples (engine start-up excluded: a trainer starts the engine once); the engine verifies each
    distinct (final answer, reference) once;
(c1) for scale, the same verifier called serially in this process on every item, before the other rows: no
    deduplication, no pool, no deadline.

The completions have no ``</think>`` (models that do not reason in tags), so (c) grades them whole
(``delimiter=""``). Agreement is with the data's labels. Then the pathological batch: each input alone
through the engine, bounded by the deadline + 0.5 s.
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import time
from collections.abc import Callable

from math_accuracy import PLAIN, Labeled, load_gsm8k, load_qwen
from r1verify_math import MathVerifier

from r1verify import Engine, Recipe, Sample

PATHOLOGICAL = {
    "9^{9^{9^{9}}}": "\\boxed{9^{9^{9^{9}}}}",
    "(x+1)^{2000}": "\\boxed{(x+1)^{2000}}",
    "1 MB of \\boxed{}": "\\boxed{}" * 131_072,
    "1000000!": "\\boxed{1000000!}",
    "braces nested 300 deep": "\\boxed{" + "{" * 300 + "1" + "}" * 300 + "}",
    "1 MB of unclosed \\boxed{": "\\boxed{" * 150_000,
}


WARM_UP = [
    Sample(f"\\boxed{{\\frac{{{i}}}{{\\sqrt{{2}}}}}}", reference=f"\\frac{{{i}\\sqrt2}}{{2}}") for i in range(1, 33)
]
"""Samples of no other row: they import math-verify and start the workers before the clock starts."""


def grpo_batch(gsm8k_groups: int, seed: int = 0) -> list[Labeled]:
    qwen = load_qwen()
    by_problem: dict[str, list[Labeled]] = {}
    for row in load_gsm8k():
        by_problem.setdefault(row.group, []).append(row)
    rng = random.Random(seed)
    gsm8k = [row for group in rng.sample(sorted(by_problem), gsm8k_groups) for row in by_problem[group] * 2]
    degenerate = []
    for k, tail in enumerate(("\\boxed{}" * 3000, "$x = " * 5000)):
        for row in qwen[8 * k : 8 * k + 8]:
            text = row.sample.completion
            sample = Sample(text[: len(text) * 2 // 5] + tail, reference=row.sample.reference, domain="degenerate")
            degenerate.append(Labeled(sample, False, f"degenerate-{k}"))
    return qwen + gsm8k + degenerate


def report(name: str, said: list[bool], rows: list[Labeled], seconds: float, latencies: list[float]) -> float:
    agree = sum(s == r.label for s, r in zip(said, rows, strict=True)) / len(rows)
    rate = len(rows) / seconds
    p50 = statistics.median(latencies) * 1000
    print(
        f"{name:34} {rate:9.1f} pairs/s  agreement {agree:.4f}  "
        f"per-item p50 {p50:7.1f} ms  max {max(latencies):6.2f} s  ({seconds:.1f} s total)"
    )
    return rate


def timed_serially(rows: list[Labeled], judge: Callable[[Labeled], bool]) -> tuple[list[bool], float, list[float]]:
    said, latencies = [], []
    started = time.perf_counter()
    for row in rows:
        t = time.perf_counter()
        said.append(judge(row))
        latencies.append(time.perf_counter() - t)
    return said, time.perf_counter() - started, latencies


def math_verify_default(row: Labeled) -> bool:
    from math_verify import parse, verify

    return bool(verify(parse(str(row.sample.reference)), parse(row.sample.completion)))


def trl_accuracy(row: Labeled) -> bool:
    from trl.rewards import accuracy_reward

    completions = [[{"role": "assistant", "content": row.sample.completion}]]  # it needs conversational input
    return accuracy_reward(completions, [str(row.sample.reference)])[0] == 1.0


def r1verify_recipe(deadline: float) -> Recipe:
    spec = {"verifier": "math", "options": PLAIN, "timeout": deadline}
    return Recipe.from_dict({"verifiers": {"math": spec}}, name="math-bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--gsm8k-groups", type=int, default=30)
    parser.add_argument("--deadline", type=float, default=5.0, help="r1verify's per-call deadline, seconds")
    parser.add_argument("--skip-baselines", action="store_true", help="only time r1verify")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # math-verify logs every timeout it hits
    rows = grpo_batch(args.gsm8k_groups)
    groups = len({r.group for r in rows})
    print(f"GRPO batch: {len(rows)} completions in {groups} groups, {sum(r.label for r in rows)} labelled correct\n")

    serial = MathVerifier(**PLAIN)  # first, so that sympy's caches hold nothing from the other rows
    for warm_up in WARM_UP:
        serial.verify(warm_up)
    said, seconds, latencies = timed_serially(rows, lambda row: serial.verify(row.sample).status.value == "correct")
    report("(c1) r1verify math, serial, no dedup", said, rows, seconds, latencies)

    rate_a = None
    if not args.skip_baselines:
        said, _, seconds, latencies = _run(rows, math_verify_default)
        rate_a = report("(a) math-verify parse+verify", said, rows, seconds, latencies)
        normal = [i for i, r in enumerate(rows) if r.sample.domain != "degenerate"]
        print(
            f"    (a) without the {len(rows) - len(normal)} degenerate completions: "
            f"{len(normal) / sum(latencies[i] for i in normal):.1f} pairs/s"
        )
        report("(b) trl.rewards.accuracy_reward", *_run(rows, trl_accuracy))

    with Engine(r1verify_recipe(args.deadline), workers=args.workers) as engine:
        engine.verify(WARM_UP)  # start-up, off the clock
        started = time.perf_counter()
        results = engine.verify([r.sample for r in rows])
        seconds = time.perf_counter() - started
        verdicts = [r.verdicts["math"] for r in results]
        said = [v.status.value == "correct" for v in verdicts]
        latencies = [v.elapsed if v.status.value != "timeout" else args.deadline for v in verdicts]
        rate_c = report(f"(c) r1verify math, {args.workers} workers", said, rows, seconds, latencies)
        timeouts = sum(v.status.value == "timeout" for v in verdicts)
        verifier = engine.recipe.build()[0][1]
        unique = len({verifier.cache_key(r.sample) for r in rows})
        print(f"    r1verify: {unique} distinct (final answer, reference) pairs verified; timeouts: {timeouts}")
        if rate_a:
            print(f"\nratio c/a: {rate_c / rate_a:.1f}x")

        print(f"\nPathological inputs, each alone through the engine (deadline {args.deadline:g} s):")
        worst = 0.0
        for name, final in PATHOLOGICAL.items():
            started = time.perf_counter()
            verdict = engine.verify([Sample(final, reference="1")])[0].verdicts["math"]
            wall = time.perf_counter() - started
            worst = max(worst, wall)
            bounded = "ok" if wall <= args.deadline + 0.5 else "OVER deadline + 0.5 s"
            print(f"  {name:28} {wall:6.2f} s  {verdict.status.value:9} {bounded}  {verdict.reason[:70]}")
        started = time.perf_counter()
        engine.verify([Sample(final, reference=str(i)) for i, final in enumerate(PATHOLOGICAL.values())])
        print(
            f"  all {len(PATHOLOGICAL)} in one batch: {time.perf_counter() - started:.2f} s; worst single {worst:.2f} s"
        )


def _run(rows: list[Labeled], judge: Callable[[Labeled], bool]) -> tuple[list[bool], list[Labeled], float, list[float]]:
    said, seconds, latencies = timed_serially(rows, judge)
    return said, rows, seconds, latencies


if __name__ == "__main__":
    main()
