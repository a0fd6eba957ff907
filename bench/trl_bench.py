"""Reward time for one GRPO generation batch: TRL's own reward functions vs the r1verify TRL adapter.

    .venv/bin/python bench/trl_bench.py [--n 1024] [--workers N] [--json out.json]

The batch is 128 prompts x 8 generations built from real model outputs: the 800 Qwen2.5-Math completions of
100 MATH problems in ``bench/data/math/qwen_math_cot_labeled.jsonl.gz`` (the math bench's data, read only; see its
PROVENANCE.md), put into the R1 format (reasoning in ``<think>...</think>``, then the final paragraph); one
completion in 8 has a broken format. The last 28 groups reuse problems 0-27 with a different final line.

Both sides get the same conversational completions (TRL's rewards only read those) in one run:

- TRL: ``trl.rewards.accuracy_reward`` + ``think_format_reward``, called one after the other in the main
  thread as GRPOTrainer calls sync reward functions (math-verify's signal timeouts active there).
- r1verify: ``reward_funcs`` with ``math`` + ``think_format``; both functions called, as the trainer does.

A trainer measured at step N has paid its one-time costs already (imports, lazily built parsers, r1verify's
worker processes), so both sides first score a warm-up batch of 64 other answers (``math_equiv_cases.jsonl``
pairs, same data folder); the worker start-up is printed apart. r1verify's verdict cache is empty for the
measured batch (the warm-up shares no work with it).

Verdict agreement is counted on well-formed samples (both format rewards 1.0): the accuracy verdicts of the two,
and each against Qwen's grader labels. Timings depend on the machine and on whatever else runs on it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import Counter
from pathlib import Path
from statistics import median

from r1verify_trl import reward_funcs

from r1verify import Recipe

DATA = Path(__file__).parent / "data/math/qwen_math_cot_labeled.jsonl.gz"
WARM_UP = Path(__file__).parent / "data/math/math_equiv_cases.jsonl"
RECIPE = Recipe.from_dict(
    {"verifiers": {"accuracy": {"verifier": "math"}, "format": {"verifier": "think_format"}}}, name="trl-bench"
)
BREAKAGES = (
    lambda t: t.removeprefix("<think>"),  # no opening tag
    lambda t: t.replace("</think>", ""),  # the reasoning never ends
    lambda t: "Sure! " + t,  # text before the block
    lambda t: t.replace("</think>", "<think></think>", 1) + "</think>",  # nested tags
)


def r1_format(completion: str, variant: int) -> str:
    """Reasoning in <think> tags, then the last paragraph with a \\boxed answer as the final answer."""
    paragraphs = completion.strip().split("\n\n")
    cut = max((i for i, p in enumerate(paragraphs) if "\\boxed" in p), default=len(paragraphs) - 1)
    reasoning, final = "\n\n".join(paragraphs[:cut]) or paragraphs[0], "\n\n".join(paragraphs[cut:])
    lead = "Final answer: " if variant else ""
    return f"<think>\n{reasoning}\n</think>\n\n{lead}{final}"


def build_batch(n: int) -> tuple[list[dict], list[list[dict]]]:
    """Rows (question, gt, label) and their conversational completions, ``n`` of them, 8 per prompt."""
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    by_problem: dict[int, list[dict]] = {}
    for row in rows:
        by_problem.setdefault(row["idx"], []).append(row)
    problems = [by_problem[k] for k in sorted(by_problem)]
    meta, completions = [], []
    for i in range(n):
        group, member = divmod(i, 8)
        row = problems[group % len(problems)][member]
        text = r1_format(row["completion"], variant=group // len(problems))
        if member == 7:
            text = BREAKAGES[group % len(BREAKAGES)](text)
        meta.append({"question": row["question"], "gt": row["gt"], "label": row["label_qwen_grader"]})
        completions.append([{"role": "assistant", "content": text}])
    return meta, completions


def warm_up_batch(n: int = 64) -> tuple[list[dict], list]:
    """``n`` (gold, prediction) pairs from other projects' test suites, as R1 completions."""
    cases = [json.loads(line) for line in WARM_UP.open(encoding="utf-8")]
    picked = cases[:: max(1, len(cases) // n)][:n]
    meta = [{"question": f"warm-up {i}", "gt": c["gold"]} for i, c in enumerate(picked)]
    completions = [
        [{"role": "assistant", "content": f"<think>\nwarm-up\n</think>\n\n$\\boxed{{{c['pred']}}}$"}] for c in picked
    ]
    return meta, completions


def trl_rewards(meta: list[dict], completions: list) -> tuple[float, list, list]:
    from trl.rewards import accuracy_reward, think_format_reward

    def score(meta: list[dict], completions: list) -> tuple[list, list]:
        return accuracy_reward(completions=completions, solution=[m["gt"] for m in meta]), think_format_reward(
            completions=completions
        )

    score(*warm_up_batch())
    started = time.perf_counter()
    accuracy, fmt = score(meta, completions)
    return time.perf_counter() - started, accuracy, fmt


def r1verify_rewards(meta: list[dict], completions: list, workers: int | None) -> tuple[float, float, list, list]:
    rf = reward_funcs(RECIPE, workers=workers)

    def score(meta: list[dict], completions: list) -> list[list]:
        kwargs = {
            "prompts": [[{"role": "user", "content": m["question"]}] for m in meta],
            "completions": completions,
            "answer": [m["gt"] for m in meta],
        }
        return [f(**kwargs) for f in rf.funcs]

    try:
        started = time.perf_counter()
        score([{"question": "1?", "gt": "1"}], [[{"role": "assistant", "content": "<think>\nw\n</think>\n\n1"}]])
        startup = time.perf_counter() - started
        score(*warm_up_batch())
        started = time.perf_counter()
        accuracy, fmt = score(meta, completions)
        return startup, time.perf_counter() - started, accuracy, fmt
    finally:
        rf.close()


def agreement(meta, trl_acc, trl_fmt, r1_acc, r1_fmt) -> dict:
    well_formed = [i for i in range(len(meta)) if trl_fmt[i] == 1.0 and r1_fmt[i] == 1.0]
    both = [i for i in well_formed if trl_acc[i] is not None]
    same = [i for i in both if (trl_acc[i] == 1.0) == (r1_acc[i] == 1.0)]
    return {
        "samples": len(meta),
        "format_agree_all": sum((trl_fmt[i] == 1.0) == (r1_fmt[i] == 1.0) for i in range(len(meta))),
        "well_formed": len(well_formed),
        "accuracy_compared": len(both),
        "accuracy_agree": len(same),
        "disagreements": [
            {"i": i, "gt": meta[i]["gt"], "trl": trl_acc[i], "r1verify": r1_acc[i], "qwen_label": meta[i]["label"]}
            for i in both
            if i not in set(same)
        ],
        "trl_vs_qwen_labels": sum((trl_acc[i] == 1.0) == meta[i]["label"] for i in both),
        "r1verify_vs_qwen_labels": sum((r1_acc[i] == 1.0) == meta[i]["label"] for i in both),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1024, help="completions in the batch (8 per prompt)")
    parser.add_argument("--workers", type=int, default=None, help="r1verify worker processes (default: CPUs)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds, alternating the two sides; medians reported")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()

    meta, completions = build_batch(args.n)
    trl_times, r1_times, startups = [], [], []
    for _ in range(args.repeat):  # alternate, so that a burst of load elsewhere hits both sides alike
        startup, r1_time, r1_acc, r1_fmt = r1verify_rewards(meta, completions, args.workers)
        trl_time, trl_acc, trl_fmt = trl_rewards(meta, completions)
        trl_times.append(trl_time)
        r1_times.append(r1_time)
        startups.append(startup)
    trl_time, r1_time = median(trl_times), median(r1_times)
    agree = agreement(meta, trl_acc, trl_fmt, r1_acc, r1_fmt)
    ratio = trl_time / r1_time
    print(
        f"batch: {len(completions)} completions ({len(completions) // 8} prompts x 8), math + think format; "
        f"median of {args.repeat} rounds (all rounds in brackets)"
    )
    print(f"TRL accuracy_reward + think_format_reward : {trl_time:6.2f} s  {_rounds(trl_times)}")
    print(
        f"r1verify reward_funcs (math, think_format) : {r1_time:6.2f} s  {_rounds(r1_times)}"
        f"  (+ {median(startups):.2f} s worker start, once per run)"
    )
    best = min(trl_times) / min(r1_times)
    print(f"speed-up: {ratio:.1f}x median, {best:.1f}x best-of (target >= 5x: {'met' if ratio >= 5 else 'NOT met'})")
    print(f"format verdicts agree on {agree['format_agree_all']}/{agree['samples']} samples")
    print(f"accuracy verdicts agree on {agree['accuracy_agree']}/{agree['accuracy_compared']} well-formed samples")
    print(
        f"  vs Qwen grader labels: TRL {agree['trl_vs_qwen_labels']}, r1verify {agree['r1verify_vs_qwen_labels']}"
        f" of {agree['accuracy_compared']}"
    )
    groups = Counter((d["gt"], d["trl"], d["r1verify"], d["qwen_label"]) for d in agree["disagreements"])
    for (gt, trl, r1, qwen), count in groups.most_common():
        print(f"  {count:3d} x reference {gt!r}: TRL {trl}, r1verify {r1}, Qwen grader {qwen}")
    if args.json:
        figures = {"trl_s": trl_times, "r1verify_s": r1_times, "startup_s": startups, "ratio": ratio, "best": best}
        figures.update(agree)
        args.json.write_text(json.dumps(figures, indent=1))


def _rounds(times: list[float]) -> str:
    return "[" + ", ".join(f"{t:.2f}" for t in times) + "]"


if __name__ == "__main__":
    main()
