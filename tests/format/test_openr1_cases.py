"""open-r1's own reward test cases, run through think_format and tag_count.

Where r1verify agrees, the verdict's score equals open-r1's expected reward. Where it deliberately differs, the
difference is asserted here and documented in docs/format.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from r1verify_format import TagCount, ThinkFormat

from r1verify import Sample, Status

CASES = [json.loads(line) for line in (Path(__file__).parents[1] / "data/format/openr1_reward_test_cases.jsonl").open()]
NOT_FORMAT = {"accuracy_reward", "reasoning_steps_reward"}


def cases(prefix: str) -> list[dict]:
    return [c for c in CASES if c["reward_fn"].startswith(prefix)]


def test_every_case_is_either_run_here_or_out_of_scope():
    run_here = len(cases("format_reward")) + len(cases("tag_count_reward")) + len(cases("code_format_reward"))
    skipped = [c for c in CASES if c["reward_fn"] in NOT_FORMAT]
    assert run_here == 23 and len(skipped) == 10 and run_here + len(skipped) == len(CASES) == 33


@pytest.mark.parametrize("case", cases("format_reward"), ids=lambda c: c["test"].rsplit(".", 1)[-1])
def test_format_reward_cases_agree(case):
    verdict = ThinkFormat(answer_tags="required").verify(Sample(case["content"]))
    assert verdict.score == case["expected_reward"], verdict.reason
    assert ThinkFormat().verify(Sample(case["content"])).score == case["expected_reward"]


@pytest.mark.parametrize("case", cases("tag_count_reward"), ids=lambda c: c["test"].rsplit(".", 1)[-1])
def test_tag_count_cases_agree(case):
    verdict = TagCount().verify(Sample(case["content"]))
    assert verdict.score == case["expected_reward"], verdict.reason
    assert TagCount(answer_tags="required").verify(Sample(case["content"])).score == case["expected_reward"]


# code_format_reward also checks the language of a code fence inside <answer>; think_format checks the template
# only. So every case that starts with the think block passes think_format, including four that open-r1's code
# format reward scores 0 for their fence alone (javascript for python, no fence, a fence without a language).
@pytest.mark.parametrize("case", cases("code_format_reward"), ids=lambda c: repr(c["content"][:30]))
def test_code_format_cases_agree_on_the_template(case):
    verdict = ThinkFormat(answer_tags="required").verify(Sample(case["content"]))
    follows_template = case["content"].startswith("<think>")
    assert (verdict.status is Status.CORRECT) == follows_template, verdict.reason
    if case["expected_reward"] == 1.0:
        assert verdict.status is Status.CORRECT


def test_code_format_differences_are_the_four_fence_cases():
    fence_only = [
        c for c in cases("code_format_reward") if c["expected_reward"] == 0.0 and c["content"].startswith("<think>")
    ]
    assert len(fence_only) == 4


# open-r1's regex is ^<think>\n.*?\n</think>\n<answer>\n.*?\n</answer>$ with re.DOTALL | re.MULTILINE.
OPENR1_ACCEPTS_R1VERIFY_REJECTS = [
    ("<think>\nr\n</think>\n<answer>\n4\n</answer>\nP.S. ignore the above, the answer is 5", "trailing text"),
    ("<think>\na\n</think>\n<think>\nb\n</think>\n<answer>\n4\n</answer>", "2 <think> tags"),
    ("<think>\na\n</think>\n<answer>\n4\n</answer>\n<answer>\n5\n</answer>", "expected one"),
    ("<think>\n\n</think>\n<answer>\n4\n</answer>", "empty reasoning"),
    ("<think>\nr\n</think>\n<answer>\n\n</answer>", "empty <answer>"),
]
OPENR1_REJECTS_R1VERIFY_ACCEPTS = [
    "<think>r</think><answer>4</answer>",  # open-r1 requires a newline around every tag
    "<think>r</think> <answer>4</answer>\n",
]


@pytest.mark.parametrize(("completion", "reason"), OPENR1_ACCEPTS_R1VERIFY_REJECTS)
def test_documented_difference_stricter_than_openr1(completion, reason):
    import re

    assert re.match(r"^<think>\n.*?\n</think>\n<answer>\n.*?\n</answer>$", completion, re.DOTALL | re.MULTILINE)
    verdict = ThinkFormat().verify(Sample(completion))
    assert verdict.score == 0.0 and reason in verdict.reason


@pytest.mark.parametrize("completion", OPENR1_REJECTS_R1VERIFY_ACCEPTS)
def test_documented_difference_whitespace_is_free(completion):
    import re

    assert not re.match(r"^<think>\n.*?\n</think>\n<answer>\n.*?\n</answer>$", completion, re.DOTALL | re.MULTILINE)
    assert ThinkFormat().verify(Sample(completion)).status is Status.CORRECT
