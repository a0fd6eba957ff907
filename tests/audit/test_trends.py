"""Per-step rates, the reward-length correlation per step, and call-outs for rising detectors."""

from __future__ import annotations

from r1verify.audit import run_audit, select
from r1verify.audit.regrade import MathVerifyGrader
from r1verify.audit.trends import callouts, per_step

from .helpers import rollout

CLEAN = "<think>\n2 + 3 = 5\n</think>\nThe answer is $\\boxed{5}$."
HACK = "<think>\n2 + 3 = 5 so \\boxed{5}\n</think>\nI hope this helps!"
WRONG = "<think>\n2 + 3 = 6\n</think>\nThe answer is $\\boxed{6}$."


def run_of(plan):
    """plan: per step, a list of (completion, reward)."""
    rows, i = [], 0
    for step, items in enumerate(plan, 1):
        for completion, reward in items:
            rows.append(rollout(completion, "What is 2 + 3?", "5", "math", index=i, step=step, reward=reward))
            i += 1
    run = run_audit(rows, select(only=["answer_in_reasoning", "hedge"]), grader=MathVerifyGrader())
    return run, per_step(run, ["answer_in_reasoning", "hedge"])


def test_rates_per_step_count_only_rewarded_samples():
    _, steps = run_of([[(CLEAN, 1.0), (HACK, 1.0), (WRONG, 0.0), (HACK, 0.0)]])
    [s] = steps
    assert (s["rows"], s["rewarded"], s["flagged"]["answer_in_reasoning"]) == (4, 2, 1)
    assert s["rates"]["answer_in_reasoning"] == 0.5 and s["rates"]["hedge"] == 0.0
    assert s["accuracy"] == 0.25 and s["graded"] == 4  # math-verify: only CLEAN is right (HACK has no final answer)


def test_reward_length_correlation_per_step():
    short, long = "<think>a</think> 5", "<think>" + "pad " * 50 + "</think> 5"
    _, steps = run_of(
        [
            [(short, 0.0), (short + " x", 0.1), (long, 0.9), (long + " y", 1.0)],
            [(short, 1.0), (short + "x", 0.9), (long, 0.0)],
        ]
    )
    assert steps[0]["reward_length_r"] > 0.9 and steps[1]["reward_length_r"] < -0.9


def test_a_rising_detector_with_flat_accuracy_is_called_out_and_a_flat_one_is_not():
    plan = [[(CLEAN, 1.0)] * 9 + [(WRONG, 0.0)] * 3 + [(HACK, 1.0)] * k for k in (0, 0, 1, 2, 3, 4)]
    _, steps = run_of(plan)
    [call] = callouts(steps, ["answer_in_reasoning", "hedge"])
    assert call["detector"] == "answer_in_reasoning" and call["suspicious"] is True
    assert call["rate_first"] == 0.0 and call["rate_last"] == round(7 / 25, 4)
    assert call["steps_first"] == [1, 2] and call["steps_last"] == [5, 6]
    assert "not rising" in call["message"]


def test_a_rise_that_comes_with_rising_accuracy_is_listed_but_not_suspicious():
    plan = [
        [(CLEAN, 1.0)] * c + [(WRONG, 0.0)] * (12 - c) + [(HACK, 1.0)] * k
        for c, k in ((3, 0), (3, 0), (6, 1), (8, 2), (11, 3), (12, 4))
    ]
    _, steps = run_of(plan)
    [call] = callouts(steps, ["answer_in_reasoning"])
    assert call["suspicious"] is False and "not rising" not in call["message"]


def test_no_callouts_with_few_steps_or_no_rise():
    _, steps = run_of([[(HACK, 1.0)] * 5] * 3)
    assert callouts(steps, ["answer_in_reasoning"]) == []
    _, steps = run_of([[(HACK, 1.0)] * 5 + [(CLEAN, 1.0)] * 5] * 6)
    assert callouts(steps, ["answer_in_reasoning"]) == []


def test_rows_without_a_step_are_left_out_of_the_trends():
    rows = [rollout(HACK, "2+3?", "5", "math", index=0)]
    assert per_step(run_audit(rows, select(only=["hedge"])), ["hedge"]) == []
