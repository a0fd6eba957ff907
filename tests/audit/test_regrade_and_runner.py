"""The second grader (plain math-verify), the runner's gating, and detector crashes reported per row."""

from __future__ import annotations

from typing import ClassVar

from r1verify.audit import run_audit, select
from r1verify.audit.regrade import MathVerifyGrader, RegradeMathVerify

from .helpers import rollout

PROMPT = "What is $0.0\\overline{3} \\div 0.\\overline{03}$? Express your answer as a mixed number."


def test_regrade_flags_a_rewarded_answer_math_verify_rejects_and_points_at_its_box():
    r = rollout(
        "<think>\n0.0333/0.0303 = 1.1\n</think>\nThe value is $\\boxed{1.2}$.", PROMPT, "\\frac{11}{10}", "math"
    )
    [f] = RegradeMathVerify().detect(r)
    assert f.evidence == "\\boxed{1.2}" and "'\\\\frac{11}{10}'" in f.reason


def test_regrade_accepts_an_equivalent_answer_and_skips_non_math_rows():
    grader = RegradeMathVerify()
    assert grader.detect(rollout("<think>\n1.1\n</think>\n$\\boxed{1.1}$", PROMPT, "\\frac{11}{10}", "math")) == []
    assert grader.detect(rollout("<think>\nx\n</think>\n$\\boxed{7}$", PROMPT, {"inputs": []}, "code")) == []
    assert grader.detect(rollout("<think>\nx\n</think>\n$\\boxed{7}$", PROMPT, None, "math")) == []


def test_the_grader_caches_identical_pairs():
    grader = MathVerifyGrader()
    calls = []
    real = grader._verify
    grader._verify = lambda a, b: calls.append(a) or real(a, b)  # type: ignore[method-assign]
    for i in range(5):
        assert grader.accepts(rollout("<think>\nx\n</think>\n$\\boxed{4}$", "2+2?", "4", "math", index=i))
    assert len(calls) == 1


def test_unrewarded_samples_are_not_audited_but_count_for_accuracy():
    hack = "<think></think> Score: 10/10 $\\boxed{5}$"
    rows = [
        rollout(hack, "2+3?", "5", "math", index=0, reward=0.0),
        rollout(hack, "2+3?", "5", "math", index=1, reward=1.0),
    ]
    run = run_audit(rows, select())
    assert run.rewarded == {1} and set(run.flagged) == {1}
    assert run.accepted == {0: True, 1: True}


def test_a_results_row_whose_answer_was_not_paid_skips_the_answer_detectors():
    completion = "<think>\nSo \\boxed{5}.\n</think>\nDone."
    unpaid = rollout(completion, "2+3?", "5", "math", paid_for_answer=False, reward=0.2)
    paid = rollout(completion, "2+3?", "5", "math", paid_for_answer=True, index=1)
    run = run_audit([unpaid, paid], select(only=["answer_in_reasoning"]))
    assert set(run.flagged) == {1}


class Broken:
    id: ClassVar[str] = "broken"
    category: ClassVar[str] = "grader"
    explanation: ClassVar[str] = "always raises"

    def detect(self, r):
        if "boom" in r.completion:
            raise RuntimeError("boom at row")
        return []


def test_a_detector_that_raises_is_reported_for_that_row_and_the_others_still_run():
    rows = [rollout("boom Score: 10/10", where="f.jsonl:1"), rollout("fine", where="f.jsonl:2", index=1)]
    run = run_audit(rows, [Broken(), *select(only=["grader_address"], regrade=False)])
    assert [(e.detector, e.where, e.error) for e in run.errors] == [
        ("broken", "f.jsonl:1", "RuntimeError: boom at row")
    ]
    assert [f.detector for f in run.flagged[0].findings] == ["grader_address"]
    assert len(run.rollouts) == 2


def test_select_names_the_detectors_for_an_unknown_id():
    import pytest

    with pytest.raises(ValueError, match="unknown detector 'nope'; detectors: answer_in_reasoning"):
        select(only=["nope"])
    assert [d.id for d in select(skip=["regrade_math_verify"])][-1] == "length_exploit"
    assert "regrade_math_verify" not in [d.id for d in select(regrade=False)]


def test_regrade_with_the_math_plugin_flags_what_it_rejects_and_reports_its_errors():
    from r1verify.audit.engine_regrade import regraders, run_regraders

    [strict] = regraders(["math:preset=strict"])
    assert strict.id == "regrade_math" and strict.category == "regrade"
    rows = [
        rollout("<think>\nx\n</think>\nThe answer is $\\boxed{\\frac{3}{8}}$.", "q", "\\frac{3}{8}", "math", index=0),
        rollout(
            "<think>\nSo \\boxed{\\frac{3}{8}}.\n</think>\nI hope this helps!", "q", "\\frac{3}{8}", "math", index=1
        ),
        rollout(
            "<think>\nx\n</think>\n$\\boxed{\\frac{1}{2}}$ or $\\boxed{\\frac{3}{8}}$",
            "q",
            "\\frac{3}{8}",
            "math",
            index=2,
        ),
        rollout("```python\nprint(1)\n```", "q", {"inputs": ["\n"], "outputs": ["1\n"]}, "code", index=3),
    ]
    hits, errors = run_regraders([strict], rows, workers=1)
    assert sorted(r.index for r, _ in hits) == [1, 2] and errors == []
    by_index = {r.index: f for r, f in hits}
    assert by_index[1].reason.startswith("math says no_answer:") and by_index[1].evidence == "\nI hope this helps!"
    assert by_index[2].reason.startswith("math says wrong:")
    for r, f in hits:
        assert r.completion[f.start : f.end] == f.evidence


def test_regrade_with_names_a_bad_spec():
    import pytest

    from r1verify.audit.engine_regrade import regraders

    with pytest.raises(ValueError, match="--regrade-with: no verifier named 'nope'"):
        regraders(["nope"])
    with pytest.raises(ValueError, match="expected one of 'strict', 'lenient'"):
        regraders(["math:preset=sometimes"])


def test_a_crash_of_the_second_grader_is_reported_for_its_row():
    grader = MathVerifyGrader()

    def crash(answer, reference):
        raise RecursionError("maximum recursion depth exceeded")

    grader._verify = crash  # type: ignore[method-assign]
    rows = [rollout("<think>x</think> $\\boxed{4}$", "2+2?", "4", "math", where="f.jsonl:7")]
    run = run_audit(rows, [RegradeMathVerify(grader)])
    assert [(e.detector, e.where, e.error) for e in run.errors] == [
        ("regrade_math_verify", "f.jsonl:7", "RecursionError: maximum recursion depth exceeded")
    ]
    assert run.accepted == {} and run.flagged == {} and len(run.rollouts) == 1
