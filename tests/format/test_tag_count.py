"""tag_count: partial credit per tag check, in every answer-tag mode and with prefilled think."""

from __future__ import annotations

import pytest
from r1verify_format import TagCount

from r1verify import Sample, Status


def score(completion: str, prompt=None, **options):
    return TagCount(**options).verify(Sample(completion, prompt=prompt))


@pytest.mark.parametrize(
    ("completion", "options", "expected", "status"),
    [
        ("<think>r</think>4", {}, 1.0, Status.CORRECT),  # answer tags optional and absent: 2 checks
        ("<think>r</think><answer>4", {}, 0.75, Status.PARTIAL),  # an answer tag brings both answer checks in
        ("<think>r</think>4", {"answer_tags": "required"}, 0.5, Status.PARTIAL),
        ("<think>r</think><answer>4</answer>", {"answer_tags": "forbidden"}, 2 / 3, Status.PARTIAL),
        ("<think>r</think>4", {"answer_tags": "forbidden"}, 1.0, Status.CORRECT),
        ("<think><think>r</think></think>4", {}, 0.0, Status.FORMAT_ERROR),  # counts of 2 fail
        ("r</think>4", {"prefilled": "yes"}, 1.0, Status.CORRECT),  # no <think> is right when prefilled
        ("<think>r</think>4", {"prefilled": "yes"}, 0.5, Status.PARTIAL),
        ("", {}, 0.0, Status.FORMAT_ERROR),
    ],
)
def test_partial_credit(completion, options, expected, status):
    verdict = score(completion, **options)
    assert verdict.score == pytest.approx(expected)
    assert verdict.status is status
    assert verdict.reason


def test_details_name_the_counts_and_failed_checks():
    verdict = score("<think>a</think><think>b</think><answer>4</answer>")
    assert verdict.details["counts"] == {"<think>": 2, "</think>": 2, "<answer>": 1, "</answer>": 1}
    assert verdict.details["failed"] == ["<think> x1", "</think> x1"]
    assert verdict.score == 0.5


def test_order_is_not_checked_that_is_think_format():
    assert score("</think>4<think>").score == 1.0


def test_prefilled_auto_follows_the_prompt():
    assert score("r</think>4", prompt="question\n<think>\n").score == 1.0
    assert score("r</think>4", prompt="question").score == 0.5
