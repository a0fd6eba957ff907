"""Agreement of the ``math`` verifier with the real label sets in bench/data/math, under the ``strict`` and
``lenient`` presets, side by side with plain math-verify; raw (the set's own labels) and corrected (the labels
after the hand adjudications of bench/data/math/adjudications.jsonl), with genuine false positives apart.

    python bench/math_accuracy.py [--no-baseline] [--show 20] [--workers 2] [--sets qwen,longcot]
    python bench/math_accuracy.py --dump rows.jsonl    # every row's verdicts, for adjudicating
    python bench/math_accuracy.py --degenerate         # lenient vs strict on megabyte endings, in this process

Label sets (see bench/data/math/PROVENANCE.md):

- ``qwen``: 800 Qwen2.5-Math completions of 100 MATH problems, labelled by Qwen's grader; reference: the MATH
  answer (or the MATH-500 solution, with its box, for the 5 problems that are in MATH-500).
- ``gsm8k``: 5276 GPT-3 GSM8K solutions with ``is_correct``; reference: the GSM8K rationale ending in ``#### N``.
- ``equiv``: 567 (gold, pred, expected_equal) cases from other projects' test suites.
- ``sky``: 14 Sky-T1 long-CoT completions of Minerva-math (science with units) and MATH-500 problems, labelled by the
  Qwen2.5-Math grader (``score``); graded with ``template = "sky-t1"`` and ``require_delimiter = false``.
- ``longcot``: 2305 long chain-of-thought completions of 7 models on OlympiadBench and AMC23 (Sky-T1 template or
  plain CoT), labelled by the Qwen2.5-Math grader; ``sky-t1`` rows are graded with ``template = "sky-t1"``,
  ``require_delimiter = false``, plain rows whole (``delimiter = ""``).

**Corrected labels.** Every disagreement between a grader (strict, lenient, math-verify) and a label was read by
hand; the adjudications file holds (set, row id, corrected label, one-line reason) for each row read, whether
the label stood or not. *Genuine false positives* are rows graded correct whose corrected label is wrong.

The Qwen, GSM8K and plain long-CoT completions come from models that do not reason in tags, so they are graded
whole; the equivalence cases' predictions are often bare text, so every fallback is on for them. The baseline is
math-verify ``parse`` + ``verify`` of the whole completion at their defaults (its own ``signal.alarm`` timeouts),
run in a pool of ``--workers`` processes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from r1verify import Engine, Recipe, Sample

DATA = Path(__file__).resolve().parent / "data" / "math"
ADJUDICATIONS = DATA / "adjudications.jsonl"
PLAIN = {"delimiter": "", "require_delimiter": False}
SKY = {"template": "sky-t1", "require_delimiter": False}
OPTIONS = {
    "qwen": PLAIN,
    "gsm8k": PLAIN,
    "equiv": {**PLAIN, "fallbacks": ["answer_is", "gsm8k", "last_math", "last_line"]},
    "sky": SKY,
    "longcot-sky": SKY,
    "longcot-plain": PLAIN,
}
"""Verifier options per sample domain (a label set's rows may span several: long-CoT has both templates)."""
PRESETS = ("strict", "lenient")
GRADERS = (*PRESETS, "math-verify")


@dataclass
class Labeled:
    sample: Sample
    label: bool
    group: str
    """Completions of the same prompt share a group (GRPO groups in the benchmark)."""
    id: str = ""
    """The row's id in its set (what the adjudications file names)."""


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
            f"qwen-{r['idx']}-{r['sample']}",
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
            f"gsm8k-{i}",
        )
        for i, r in enumerate(read("gsm8k_gpt3_solutions_labeled.jsonl.gz"))
    ]


def load_equiv() -> list[Labeled]:
    return [
        Labeled(
            Sample(r["pred"] or "", reference=r["gold"], domain="equiv"), r["expected_equal"], f"equiv-{i}", f"equiv-{i}"
        )
        for i, r in enumerate(read("math_equiv_cases.jsonl"))
    ]


def load_sky() -> list[Labeled]:
    return [
        Labeled(
            Sample(r["completion"], reference=r["gt"], domain="sky"),
            r["score"],
            f"sky-{r['idx']}",
            f"sky-{r['set']}-{r['idx']}",
        )
        for r in read("skythought_sample.jsonl")
    ]


def load_longcot() -> list[Labeled]:
    return [
        Labeled(
            Sample(
                r["completion"],
                prompt=r["prompt"],
                reference=r["reference"],
                domain="longcot-sky" if r["template"] == "sky-t1" else "longcot-plain",
            ),
            r["label"],
            f"{r['benchmark']}-{r['prompt'][:60]}",
            r["id"],
        )
        for r in read("longcot.jsonl.gz")
    ]


LOADERS = {"qwen": load_qwen, "gsm8k": load_gsm8k, "equiv": load_equiv, "sky": load_sky, "longcot": load_longcot}


def adjudications() -> dict[str, dict[str, Any]]:
    """The hand adjudications by row id: ``{"set", "id", "label", "reason"}`` (``label`` is the corrected one)."""
    out: dict[str, dict[str, Any]] = {}
    if ADJUDICATIONS.exists():
        for line in ADJUDICATIONS.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out[row["id"]] = row
    return out


def recipe(**extra: Any) -> Recipe:
    """One ``math`` instance per (domain, preset); verdicts are keyed ``domain/preset``."""
    specs = {
        f"{domain}/{preset}": {"verifier": "math", "domains": [domain], "options": {**opts, "preset": preset}, **extra}
        for domain, opts in OPTIONS.items()
        for preset in PRESETS
    }
    return Recipe.from_dict({"verifiers": specs}, name="math-accuracy")


def math_verify_says(sample: Sample) -> bool:
    """Plain math-verify at its defaults, as most reward functions call it: ``verify(parse(reference),
    parse(completion))``; a bare reference that math-verify reads nothing in (``\\sqrt{26}``, no ``$``) is
    parsed boxed, as veRL's ``math_verify.compute_score`` does, so the baseline is not handicapped by the
    reference's format."""
    from math_verify import parse, verify

    reference = sample.reference if isinstance(sample.reference, str) else str(sample.reference)
    try:
        gold = parse(reference) or parse("\\boxed{" + reference + "}")
        return bool(verify(gold, parse(sample.completion)))
    except Exception:  # noqa: BLE001 - a crash is "not rewarded", as a reward function would treat it
        return False


def math_verify_all(samples: list[Sample], workers: int) -> list[bool]:
    """:func:`math_verify_says` for every sample, in a pool (math-verify's own alarms bound each call)."""
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(math_verify_says, samples, chunksize=8))


@dataclass
class Score:
    """One grader on one label set."""

    raw: int
    """Agreements with the set's own labels."""
    corrected: int
    """Agreements with the corrected labels."""
    fp: int
    """Graded correct, labelled wrong (raw labels)."""
    genuine_fp: int
    """Graded correct, wrong after correction."""
    missed: int
    """Graded anything else, right after correction."""
    rows: int

    def cell(self) -> str:
        return (
            f"{self.raw / self.rows:.4f} / {self.corrected / self.rows:.4f} "
            f"({self.genuine_fp} FP, {self.missed} missed)"
        )


def score(said: list[bool], rows: list[Labeled], truth: list[bool]) -> Score:
    """How ``said`` (graded correct or not) agrees with the raw labels and with ``truth`` (corrected)."""
    pairs = list(zip(said, rows, truth, strict=True))
    return Score(
        raw=sum(s == row.label for s, row, _ in pairs),
        corrected=sum(s == t for s, _, t in pairs),
        fp=sum(s and not row.label for s, row, _ in pairs),
        genuine_fp=sum(s and not t for s, _, t in pairs),
        missed=sum(t and not s for s, _, t in pairs),
        rows=len(rows),
    )


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
    parser.add_argument("--no-baseline", action="store_true", help="skip plain math-verify (slow)")
    parser.add_argument("--show", type=int, default=10, help="disagreements with corrected labels to print per grader")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sets", default=",".join(LOADERS), help="comma-separated label sets")
    parser.add_argument("--dump", type=Path, help="write every row's verdicts here (JSON lines)")
    parser.add_argument("--degenerate", action="store_true", help="time megabyte endings instead (lenient vs strict)")
    args = parser.parse_args()
    if args.degenerate:
        degenerate()
        return
    adjudicated = adjudications()
    table = []
    dump = args.dump.open("w", encoding="utf-8") if args.dump else None
    with Engine(recipe(), workers=args.workers) as engine:
        for name in args.sets.split(","):
            rows = LOADERS[name]()
            truth = [adjudicated[r.id]["label"] if r.id in adjudicated else r.label for r in rows]
            started = time.perf_counter()
            results = engine.verify([row.sample for row in rows])
            seconds = time.perf_counter() - started
            verdicts = {p: [r.verdicts[f"{row.sample.domain}/{p}"] for r, row in zip(results, rows)] for p in PRESETS}
            said = {p: [v.status.value == "correct" for v in verdicts[p]] for p in PRESETS}
            if not args.no_baseline:
                started_mv = time.perf_counter()
                said["math-verify"] = math_verify_all([row.sample for row in rows], args.workers)
                print(f"\n== {name}: math-verify in {time.perf_counter() - started_mv:.1f}s ({args.workers} processes)")
            read_by_hand = sum(r.id in adjudicated for r in rows)
            flipped = sum(t != r.label for r, t in zip(rows, truth))
            print(f"== {name}: {len(rows)} rows, both presets in {seconds:.1f}s; {read_by_hand} rows adjudicated, "
                  f"{flipped} labels corrected")
            scores = {g: score(s, rows, truth) for g, s in said.items()}
            for grader, sc in scores.items():
                print(f"   {grader}: raw {sc.raw / sc.rows:.4f}, corrected {sc.corrected / sc.rows:.4f}, "
                      f"FP {sc.fp} (genuine {sc.genuine_fp}), missed {sc.missed}")
                unread = [r.id for r, s in zip(rows, said[grader]) if s != r.label and r.id not in adjudicated]
                if unread:
                    print(f"      {len(unread)} disagreements not adjudicated, e.g. {unread[:5]}")
                if grader in verdicts:
                    statuses = Counter(v.status.value for v in verdicts[grader])
                    print("      statuses:", dict(sorted(statuses.items())))
                shown = 0
                for i, (row, t) in enumerate(zip(rows, truth)):
                    if said[grader][i] != t and shown < args.show:
                        shown += 1
                        v = verdicts[grader][i] if grader in verdicts else None
                        ref = row.sample.reference if isinstance(row.sample.reference, str) else repr(row.sample.reference)
                        what = f"{v.status.value:9} answer={v.details.get('answer', '')!r:.50} {v.reason[:90]}" if v else ""
                        print(f"      {row.id} truth={t!s:5} ref={ref[-40:]!r} {what}")
            if dump:
                for i, row in enumerate(rows):
                    out = {"set": name, "id": row.id, "label": row.label, "truth": truth[i],
                           "reference": row.sample.reference}
                    for p in PRESETS:
                        v = verdicts[p][i]
                        out[p] = {"status": v.status.value, "reason": v.reason, "answer": v.details.get("answer")}
                    if "math-verify" in said:
                        out["math-verify"] = said["math-verify"][i]
                    dump.write(json.dumps(out, ensure_ascii=False) + "\n")
            table.append((name, len(rows), scores))
    if dump:
        dump.close()
    graders = [g for g in GRADERS if g in table[0][2]] if table else []
    print("\nEach cell: agreement with raw labels / with corrected labels (genuine false positives, misses).\n")
    print("| label set | rows | " + " | ".join(graders) + " |")
    print("|---|---|" + "---|" * len(graders))
    for name, n, scores in table:
        print(f"| {name} | {n} | " + " | ".join(scores[g].cell() for g in graders) + " |")


if __name__ == "__main__":
    main()
