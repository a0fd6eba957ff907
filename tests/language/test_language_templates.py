"""language reads the reasoning (and the answer) where the template preset puts it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from r1verify import Sample, Status
from r1verify_language.verifier import LanguageConsistency

DATA = Path(__file__).parent.parent / "data" / "templates" / "completions.jsonl"
ROWS = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]

ZH = "我们先计算两个班级的总分，然后除以学生总数，得到平均分是七十六分，这个答案是正确的。"


@pytest.mark.parametrize("row", [r for r in ROWS if r["template"] != "harmony"], ids=lambda r: r["id"])
def test_real_reasoning_is_english(row):
    verdict = LanguageConsistency(template=row["template"], language="en").verify(Sample(row["completion"]))
    assert verdict.status is Status.SCORED and verdict.score > 0.95, verdict.reason
    assert verdict.details["words"] > 100  # the whole reasoning, not a stub


def test_sky_t1_reasoning_excludes_the_solution():
    text = f"<|begin_of_thought|>\n\n{ZH}\n\n<|end_of_thought|>\n\n<|begin_of_solution|>\n\nThe mean is seventy six, computed from both classes together.\n\n<|end_of_solution|>"
    reasoning = LanguageConsistency(template="sky-t1", language="zh").verify(Sample(text))
    assert reasoning.score == 1.0
    answer = LanguageConsistency(template="sky-t1", language="zh", part="answer").verify(Sample(text))
    assert answer.score == 0.0  # the English solution, without the thought block
    # the r1 preset finds no </think>, so it judges everything: the mix shows
    assert 0.0 < LanguageConsistency(language="zh").verify(Sample(text)).score < 1.0


def test_harmony_reasoning_is_the_analysis_channel():
    text = (f"<|channel|>analysis<|message|>{ZH}<|end|>"
            "<|start|>assistant<|channel|>final<|message|>The mean score is seventy six for all the students.<|return|>")  # fmt: skip
    assert LanguageConsistency(template="harmony", language="zh").verify(Sample(text)).score == 1.0
    final = LanguageConsistency(template="harmony", language="zh", part="answer").verify(Sample(text))
    assert final.score == 0.0
    tool = next(r for r in ROWS if r["id"] == "harmony-tool-call")["completion"]
    no_final = LanguageConsistency(template="harmony", language="en", part="answer").verify(Sample(tool))
    assert no_final.status is Status.NO_ANSWER


def test_qwen3_prefilled_reasoning_stops_at_close_tag():
    text = f"{ZH}\n</think>\n\nThe answer is seventy six, for the students of both classes together."
    assert LanguageConsistency(template="qwen3", language="zh").verify(Sample(text)).score == 1.0
