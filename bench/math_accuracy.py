"""Agreement of the ``math`` verifier with the real label sets in bench/data/math (and of plain math-verify),
under the ``strict`` and ``lenient`` presets, with false positives (graded correct, labelled wrong) apart.

    python bench/math_accuracy.py [--baseline] [--show 20] [--workers 2] [--sets qwen,sky]
    python bench/math_accuracy.py --degenerate    # lenient vs strict on megabyte endings, in this process

Label sets (see bench/data/math/PROVENANCE.md):

- ``qwen``: 800 Qwen2.5-Math completions of 100 MATH problems, labelled by Qwen's grader; reference: the MATH
  answer (or the MATH-500 solution, with its box, for the 5 problems that are in MATH-500).
- ``gsm8k``: 5276 GPT-3 GSM8K solutions with ``is_correct``; reference: the GSM8K rationale ending in ``#### N``.
- ``equiv``: 567 (gold, pred, expected_equal) cases from other projects' test suites.
- ``sky``: 14 Sky-T1 long-CoT completions of Minerva-math (science with units) and MATH-500 problems, labelled by the
  Qwen2.5-Math grader (``score``), from NovaSky-AI/SkyThought's published evaluation outputs; graded with
  ``template = "sky-t1"`` and ``require_delimiter = false``, as the user of issue 16 did.

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
    "sky": {"template": "sky-t1", "require_delimiter": False},
}
PRESETS = ("strict", "lenient")
LABEL_ERRORS = {"qwen": {"4:30p..", "10{,}000"}}
"""References whose "wrong" labels the grader study (docs/math.md) judged wrong: the cut time ``4:30p..`` (the
completions answer 4:30 p.m.) and ``10{,}000`` (answered 10000). False positives on them are counted apart."""


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


def load_sky() -> list[Labeled]:
    return [
        Labeled(Sample(r["completion"], reference=r["gt"], domain="sky"), r["score"], f"sky-{r['idx']}")
        for r in read("skythought_sample.jsonl")
    ]


LOADERS = {"qwen": load_qwen, "gsm8k": load_gsm8k, "equiv": load_equiv, "sky": load_sky}


def recipe(**extra: Any) -> Recipe:
    """One ``math`` instance per (label set, preset), routed by domain; verdicts are keyed ``set/preset``."""
    specs = {
        f"{name}/{preset}": {"verifier": "math", "domains": [name], "options": {**opts, "preset": preset}, **extra}
        for name, opts in OPTIONS.items()
        for preset in PRESETS
    }
    return Recipe.from_dict({"verifiers": specs}, name="math-accuracy")


def math_verify_says(sample: Sample) -> bool:
    """Plain math-verify at its defaults, as most reward functions call it."""
    from math_verify import parse, verify

    reference = sample.reference if isinstance(sample.reference, str) else str(sample.reference)
    return bool(verify(parse(reference), parse(sample.completion)))


def score(said: list[bool], rows: list[Labeled], name: str = "") -> tuple[int, int, int, int]:
    """(agreements, false positives: said correct where the label is wrong, of those on a label judged wrong,
    misses: the other way round)."""
    agree = sum(s == row.label for s, row in zip(said, rows, strict=True))
    fp = [row for s, row in zip(said, rows, strict=True) if s and not row.label]
    bad_labels = sum(str(row.sample.reference).strip() in LABEL_ERRORS.get(name, ()) for row in fp)
    return agree, len(fp), bad_labels, len(rows) - agree - len(fp)


def cell(agree: int, fp: int, bad_labels: int, missed: int, rows: int) -> str:
    labels = f", {bad_labels} on wrong labels" if bad_labels else ""
    return f"{agree / rows:.4f} ({fp} FP{labels} / {missed} missed)"


DEGENERATE = {
    "100k display blocks": "$$x = 1$$\n" * 100_000,
    "a 0.9 MB list line": "1, " * 300_000 + "9",
    "0.5 MB of spaces": "9" + " " * 500_000 + "x",
    "100k bold statements": "**9** " * 100_000,
    "a 0.4 MB display": "$$\n" + "1 +\n" * 100_000 + "9\n$$",
    "300k labels": "a: " * 300_000 + "9",
    "1 MB of words": "the count is " * 80_000 + "9.",
}


def degenerate() -> None:
    """Seconds per degenerate Sky-T1 ending, lenient against strict (the baseline) in one run, this process."""
    from r1verify_math import MathVerifier

    verifiers = {p: MathVerifier(template="sky-t1", preset=p) for p in PRESETS}
    print("| ending | strict s | lenient s | lenient / strict |\n|---|---|---|---|")
    for name, ending in DEGENERATE.items():
        completion = f"<|begin_of_thought|>x<|end_of_thought|><|begin_of_solution|>{ending}<|end_of_solution|>"
        sample = Sample(completion, reference="9")
        took = {}
        for preset, verifier in verifiers.items():
            started = time.perf_counter()
            verifier.verify(sample)
            took[preset] = time.perf_counter() - started
        print(f"| {name} | {took['strict']:.3f} | {took['lenient']:.3f} | {took['lenient'] / took['strict']:.1f}x |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", action="store_true", help="also score plain math-verify (slow)")
    parser.add_argument("--show", type=int, default=20, help="disagreements to print per label set and preset")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sets", default=",".join(LOADERS), help="comma-separated label sets")
    parser.add_argument("--degenerate", action="store_true", help="time megabyte endings instead (lenient vs strict)")
    args = parser.parse_args()
    if args.degenerate:
        degenerate()
        return
    table = []
    with Engine(recipe(), workers=args.workers) as engine:
        for name in args.sets.split(","):
            rows = LOADERS[name]()
            started = time.perf_counter()
            results = engine.verify([row.sample for row in rows])
            seconds = time.perf_counter() - started
            line = [name, str(len(rows))]
            print(f"\n== {name}: {len(rows)} rows, both presets in {seconds:.1f}s")
            for preset in PRESETS:
                verdicts = [r.verdicts[f"{name}/{preset}"] for r in results]
                said = [v.status.value == "correct" for v in verdicts]
                agree, fp, bad_labels, missed = score(said, rows, name)
                line.append(cell(agree, fp, bad_labels, missed, len(rows)))
                statuses = Counter((v.status.value, row.label) for v, row in zip(verdicts, rows, strict=True))
                sources = Counter(v.details.get("source", "-") for v in verdicts)
                print(f"   {preset}: agreement {agree / len(rows):.4f} ({agree}), FP {fp}, missed {missed}")
                print("      (status, label) counts:", dict(sorted(statuses.items())))
                print("      answers found by:", dict(sources.most_common()))
                shown = 0
                for row, verdict, s in zip(rows, verdicts, said, strict=True):
                    if s != row.label and shown < args.show:
                        shown += 1
                        ref = row.sample.reference
                        ref = ref if isinstance(ref, str) else repr(ref)
                        print(
                            f"      {row.group} label={row.label!s:5} r1verify={verdict.status.value:9} "
                            f"ref={ref[-50:]!r} answer={verdict.details.get('answer', '')!r:.50} {verdict.reason[:100]}"
                        )
            if args.baseline:
                started = time.perf_counter()
                said = [math_verify_says(row.sample) for row in rows]
                seconds = time.perf_counter() - started
                agree, fp, bad_labels, missed = score(said, rows, name)
                line.append(cell(agree, fp, bad_labels, missed, len(rows)))
                print(f"   math-verify defaults: agreement {agree / len(rows):.4f}, FP {fp}, {seconds:.1f}s serial")
            table.append(line)
    print("\n| label set | rows | strict | lenient |" + (" math-verify |" if args.baseline else ""))
    print("|---|---|---|---|" + ("---|" if args.baseline else ""))
    for line in table:
        print("| " + " | ".join(line) + " |")


if __name__ == "__main__":
    main()
