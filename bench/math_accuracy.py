"""Agreement of the ``math`` verifier with the real label sets in bench/data/math (and of plain math-verify).

    python bench/math_accuracy.py [--baseline] [--show 20] [--workers 2]

Label sets (see bench/data/math/PROVENANCE.md):

- ``qwen``: 800 Qwen2.5-Math completions of 100 MATH problems, labelled by Qwen's grader; reference: the MATH
  answer (or the MATH-500 solution, with its box, for the 5 problems that are in MATH-500).
- ``gsm8k``: 5276 GPT-3 GSM8K solutions with ``is_correct``; reference: the GSM8K rationale ending in ``#### N``.
- ``equiv``: 567 (gold, pred, expected_equal) cases from other projects' test suites.

These completions come from models that do not reason in tags (no ``</think>``), so they are graded whole:
``delimiter=""``. The equivalence cases' predictions are often bare text with no box, so every fallback is on
for them. ``--baseline`` also scores each set with math-verify ``parse`` + ``verify`` at their defaults,
serially in this process (slow: its own timeouts go up to 5 s per call).
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from r1verify import Engine, Recipe, Sample

DATA = Path(__file__).resolve().parent / "data" / "math"
PLAIN = {"delimiter": "", "require_delimiter": False}
OPTIONS = {
    "qwen": PLAIN,
    "gsm8k": PLAIN,
    "equiv": {**PLAIN, "fallbacks": ["answer_is", "gsm8k", "last_math", "last_line"]},
}


@dataclass
class Labeled:
    sample: Sample
    label: bool
    group: str
    """Completions of the same prompt share a group (GRPO groups in the benchmark)."""


def read(name: str) -> Iterator[dict[str, Any]]:
    opener = gzip.open if name.endswith(".gz") else open
    with opener(DATA / name, "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def load_qwen() -> list[Labeled]:
    solutions = {r["question"]: r["solution"] for r in read("math500_solutions.jsonl")}
    return [
        Labeled(
            Sample(
                r["completion"],
                prompt=r["question"],
                reference=solutions.get(r["question"].strip(), r["gt"]),
                domain="qwen",
            ),
            r["label_qwen_grader"],
            f"qwen-{r['idx']}",
        )
        for r in read("qwen_math_cot_labeled.jsonl.gz")
    ]


def load_gsm8k() -> list[Labeled]:
    rationales = {r["idx"]: r["answer"] for r in read("gsm8k_test_answers.jsonl.gz")}
    return [
        Labeled(
            Sample(r["completion"], reference=rationales[r["gsm8k_idx"]], domain="gsm8k"),
            r["label_is_correct"],
            f"gsm8k-{r['gsm8k_idx']}",
        )
        for r in read("gsm8k_gpt3_solutions_labeled.jsonl.gz")
    ]


def load_equiv() -> list[Labeled]:
    return [
        Labeled(Sample(r["pred"] or "", reference=r["gold"], domain="equiv"), r["expected_equal"], f"equiv-{i}")
        for i, r in enumerate(read("math_equiv_cases.jsonl"))
    ]


LOADERS = {"qwen": load_qwen, "gsm8k": load_gsm8k, "equiv": load_equiv}


def recipe(**extra: Any) -> Recipe:
    """One ``math`` instance per label set, routed by domain."""
    specs = {name: {"verifier": "math", "domains": [name], "options": opts, **extra} for name, opts in OPTIONS.items()}
    return Recipe.from_dict({"verifiers": specs}, name="math-accuracy")


def math_verify_says(sample: Sample) -> bool:
    """Plain math-verify at its defaults, as most reward functions call it."""
    from math_verify import parse, verify

    reference = sample.reference if isinstance(sample.reference, str) else str(sample.reference)
    return bool(verify(parse(reference), parse(sample.completion)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", action="store_true", help="also score plain math-verify (slow)")
    parser.add_argument("--show", type=int, default=20, help="disagreements to print per label set")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with Engine(recipe(), workers=args.workers) as engine:
        for name, load in LOADERS.items():
            rows = load()
            started = time.perf_counter()
            results = engine.verify([row.sample for row in rows])
            seconds = time.perf_counter() - started
            verdicts = [r.verdicts[name] for r in results]
            said = [v.status.value == "correct" for v in verdicts]
            agree = sum(s == row.label for s, row in zip(said, rows, strict=True))
            statuses = Counter((v.status.value, row.label) for v, row in zip(verdicts, rows, strict=True))
            print(
                f"\n== {name}: {len(rows)} rows, r1verify agreement {agree / len(rows):.4f} ({agree}), {seconds:.1f}s"
            )
            print("   (status, label) counts:", dict(sorted(statuses.items())))
            if args.baseline:
                started = time.perf_counter()
                base = sum(math_verify_says(row.sample) == row.label for row in rows)
                seconds = time.perf_counter() - started
                print(f"   math-verify defaults agreement {base / len(rows):.4f} ({base}), {seconds:.1f}s serial")
            shown = 0
            for row, verdict, s in zip(rows, verdicts, said, strict=True):
                if s != row.label and shown < args.show:
                    shown += 1
                    ref = row.sample.reference if isinstance(row.sample.reference, str) else repr(row.sample.reference)
                    print(
                        f"   label={row.label!s:5} r1verify={verdict.status.value:9} ref={ref[-60:]!r} "
                        f"answer={verdict.details.get('answer', '')!r:.60} {verdict.reason[:90]}"
                    )


if __name__ == "__main__":
    main()
