"""Agreement with real labels on subsamples of the shared label sets (bench/math_accuracy.py runs them all).

The Qwen and GSM8K completions have no ``</think>``: they are graded whole (``delimiter=""``), as a
non-reasoning model's output would be. The equivalence cases' predictions are often bare text, so every
fallback is on for them. Known label errors are asserted as such, so a change that "fixes" them fails.
"""

from __future__ import annotations

from r1verify import Sample, Status

from .math_support import read_jsonl


def _agreement(engine, domain: str, rows: list[tuple[str, object, bool]]) -> tuple[float, list]:
    samples = [Sample(completion, reference=reference, domain=domain) for completion, reference, _ in rows]
    results = engine.verify(samples)
    verdicts = [r.verdicts[domain] for r in results]
    agree = [(v.status is Status.CORRECT) == label for v, (_, _, label) in zip(verdicts, rows, strict=True)]
    disagreements = [(row, v) for ok, row, v in zip(agree, rows, verdicts, strict=True) if not ok]
    return sum(agree) / len(agree), disagreements


def test_qwen_math_cot_labels(math_engine):
    rows = [(r["completion"], r["gt"], r["label_qwen_grader"]) for r in read_jsonl("qwen_math_cot_sample.jsonl")]
    agreement, disagreements = _agreement(math_engine, "plain", rows)
    assert agreement >= 0.93
    # every disagreement is a label error: "4:30 p.m." is the answer to the time question whose reference
    # was cut to "4:30p..", and \boxed{10000} is 10{,}000
    assert {reference for (_, reference, label), _ in disagreements} <= {"4:30p..", "10{,}000"}
    assert all(not label and v.status is Status.CORRECT for (_, _, label), v in disagreements)


def test_gsm8k_gpt3_labels_with_gsm8k_rationales_as_references(math_engine):
    rows = [(r["completion"], r["reference"], r["label_is_correct"]) for r in read_jsonl("gsm8k_gpt3_sample.jsonl")]
    agreement, _ = _agreement(math_engine, "plain", rows)
    assert agreement >= 0.99


def test_equivalence_cases_from_other_test_suites(math_engine):
    rows = [(r["pred"] or "", r["gold"], r["expected_equal"]) for r in read_jsonl("math_equiv_sample.jsonl")]
    agreement, _ = _agreement(math_engine, "any", rows)
    assert agreement >= 0.9


def test_long_cot_completions_of_other_models_against_corrected_labels():
    """Issue 22's hard rows (tests/data/math/longcot_sample.jsonl): label errors, multi-part answers, truncated
    and unboxed endings, graded as bench/math_accuracy.py grades them. No genuine false positive in either preset;
    lenient misses at most the rows it is documented to miss (docs/math.md, the grader study)."""
    from r1verify_math import MathVerifier

    rows = read_jsonl("longcot_sample.jsonl")
    for preset in ("strict", "lenient"):
        misses = []
        for row in rows:
            options = {"template": "sky-t1"} if row["template"] == "sky-t1" else {"delimiter": ""}
            verifier = MathVerifier(require_delimiter=False, preset=preset, **options)
            sample = Sample(row["completion"], prompt=row["prompt"], reference=row["reference"])
            verdict = verifier.verify(sample)
            said = verdict.status is Status.CORRECT
            assert not (said and not row["label"]), (preset, row["id"], verdict.reason)
            if row["label"] and not said:
                misses.append(row["id"])
        # documented misses: one boxed 90° for two named angles (2 rows), a reference that lost its "g";
        # strict also leaves the three unboxed endings unread
        allowed = 3 if preset == "lenient" else 6
        assert len(misses) <= allowed, (preset, misses)
    assert sum(row["label"] != row["raw_label"] for row in rows) >= 20  # the sample does test the corrections
