"""r1verify.templates: the presets' split on real completions of each style, and on broken ones; the math
verifier grading the answer region each preset names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from r1verify import Sample, Status
from r1verify.templates import PRESETS, TEMPLATE_NAMES, get_template, parse_harmony, split

DATA = Path(__file__).parent / "data" / "templates" / "completions.jsonl"
ROWS = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]


def test_every_preset_has_real_samples():
    styles = {r["template"] for r in ROWS}
    assert styles == set(TEMPLATE_NAMES) - {"r1"}  # r1 is covered by the format plugin's open-r1 cases
    assert set(PRESETS) == set(TEMPLATE_NAMES)


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_real_completions_split(row):
    cut = split(row["completion"], row["template"])
    assert cut.reasoning and cut.reasoning.strip()
    for marker in get_template(row["template"]).markers:
        assert marker not in cut.reasoning
    if row["answer_contains"]:
        assert cut.status == "ok"
        assert row["answer_contains"] in cut.answer
        for marker in get_template(row["template"]).markers:
            assert marker not in cut.answer
    else:  # the harmony samples that end in a tool call
        assert cut.status == "no_answer" and cut.answer == ""
    # the r1 preset does not find a reasoning block in other styles (so nothing changes for r1 recipes)
    if row["template"] in ("sky-t1", "harmony"):
        assert split(row["completion"], "r1").status == "missing"


def test_unknown_template_names_the_presets():
    with pytest.raises(ValueError, match="r1, qwen3, sky-t1, harmony"):
        get_template("deepseek")


@pytest.mark.parametrize(
    ("template", "completion", "status", "reasoning", "answer"),
    [
        ("r1", "<think>a</think> b", "ok", "a", " b"),
        ("r1", "<think>a", "unclosed", "a", None),
        ("r1", "just text", "missing", None, None),
        ("r1", "a</think>b</think>c", "ok", "a", "c"),  # reasoning to the first close, answer after the last
        ("qwen3", "thinking\n</think>\n\n42", "ok", "thinking\n", "\n\n42"),
        ("qwen3", "thinking, cut off", "unclosed", "thinking, cut off", None),
        ("sky-t1", "<|begin_of_thought|>t<|end_of_thought|><|begin_of_solution|>s<|end_of_solution|>", "ok", "t", "s"),
        ("sky-t1", "<|begin_of_thought|>t<|end_of_thought|> bare answer", "unwrapped", "t", " bare answer"),
        ("sky-t1", "<|begin_of_thought|>t<|end_of_thought|><|begin_of_solution|>cut", "answer_unclosed", "t", "cut"),
        ("sky-t1", "<|begin_of_thought|>t<|end_of_thought|>\n\n", "no_answer", "t", ""),
        ("sky-t1", "<|begin_of_thought|>still thinking", "unclosed", "still thinking", None),
        ("sky-t1", "no delimiters", "missing", None, None),
        ("harmony", "<|channel|>analysis<|message|>r<|end|><|start|>assistant<|channel|>final<|message|>a", "ok", "r", "a"),
        ("harmony", "<|start|>assistant<|channel|>analysis<|message|>r<|end|>", "no_answer", "r", ""),
        ("harmony", "<|channel|>analysis<|message|>r<|end|>The answer is 4", "unwrapped", "r", "The answer is 4"),
        ("harmony", "<|channel|>analysis<|message|>still going", "unclosed", "still going", None),
        ("harmony", "plain text, no channels", "missing", None, None),
        ("harmony", "", "missing", None, None),
    ],
)
def test_split_statuses(template, completion, status, reasoning, answer):
    cut = split(completion, template)
    assert (cut.status, cut.reasoning, cut.answer) == (status, reasoning, answer)
    assert cut.detail


def test_harmony_parser_reports_oddities_instead_of_raising():
    odd = [
        "<|end|><|end|><|return|>",
        "<|start|><|start|><|message|>",
        "<|start|>assistant<|channel|>final",  # truncated header
        "<|channel|>analysis<|message|>a<|channel|>b<|message|>c",
        "<|start|>assistant<|channel|>analysis<|message|>a<|start|>assistant<|channel|>final<|message|>b",
        "<|" * 5000 + "channel|>",
    ]
    for text in odd:
        parsed = parse_harmony(text)
        assert isinstance(parsed.problems, tuple)
        split(text, "harmony")  # never raises
    assert "never reaches <|message|>" in parse_harmony(odd[2]).problems[0]
    assert "not closed before <|start|>" in parse_harmony(odd[4]).problems[0]


def test_harmony_recipient_and_channel_from_header():
    parsed = parse_harmony(
        '<|start|>assistant to=functions.get_weather<|channel|>commentary <|constrain|>json<|message|>{"a": 1}<|call|>'
    )
    [m] = parsed.messages
    assert (m.role, m.channel, m.recipient, m.terminator) == ("assistant to=functions.get_weather", "commentary",
                                                              "functions.get_weather", "call")  # fmt: skip


# --- math reads the answer region from the preset ---------------------------------------------------------------


@pytest.fixture(scope="module")
def math_cls():
    return pytest.importorskip("r1verify_math").MathVerifier


@pytest.mark.parametrize("row", [r for r in ROWS if r["template"] == "sky-t1"], ids=lambda r: r["id"])
def test_math_grades_real_sky_t1_solutions(math_cls, row):
    assert math_cls(template="sky-t1").verify(Sample(row["completion"], reference=row["reference"])).status is (
        Status.CORRECT
    )
    wrong = "E" if row["reference"] != "E" else "A"
    assert math_cls(template="sky-t1").verify(Sample(row["completion"], reference=wrong)).status is Status.WRONG
    # with the default r1 preset these completions have no </think>: format_error, as before
    assert math_cls().verify(Sample(row["completion"], reference=row["reference"])).status is Status.FORMAT_ERROR


def test_math_sky_t1_ignores_the_reasoning_box(math_cls):
    text = "<|begin_of_thought|>maybe \\boxed{5}<|end_of_thought|>\n\n<|begin_of_solution|>\\boxed{4}<|end_of_solution|>"
    assert math_cls(template="sky-t1").verify(Sample(text, reference="4")).status is Status.CORRECT
    assert math_cls(template="sky-t1").verify(Sample(text, reference="5")).status is Status.WRONG
    only_reasoning = "<|begin_of_thought|>\\boxed{5}<|end_of_thought|>\n\n"
    verdict = math_cls(template="sky-t1").verify(Sample(only_reasoning, reference="5"))
    assert verdict.status is Status.NO_ANSWER and "only inside the reasoning" in verdict.reason
    truncated = math_cls(template="sky-t1").verify(Sample("<|begin_of_thought|>\\boxed{5}", reference="5"))
    # reasoning that never ended is a cut-off completion (issue 22): no_answer "truncated", its box not graded
    assert truncated.status is Status.NO_ANSWER and truncated.reason.startswith("truncated")


def test_math_harmony_grades_the_final_message_only(math_cls):
    text = ("<|channel|>analysis<|message|>Maybe \\boxed{5}? No.<|end|>"
            "<|start|>assistant<|channel|>final<|message|>The answer is \\boxed{4}.<|return|>")  # fmt: skip
    assert math_cls(template="harmony").verify(Sample(text, reference="4")).status is Status.CORRECT
    assert math_cls(template="harmony").verify(Sample(text, reference="5")).status is Status.WRONG
    tool = next(r for r in ROWS if r["id"] == "harmony-tool-call")["completion"]
    assert math_cls(template="harmony").verify(Sample(tool, reference="4")).status is Status.NO_ANSWER


def test_math_qwen3_prefilled_completion(math_cls):
    row = next(r for r in ROWS if r["template"] == "qwen3")
    boxed = row["completion"] + " So the answer is \\boxed{6.7} million."
    assert math_cls(template="qwen3").verify(Sample(boxed, reference="6.7")).status is Status.CORRECT
    # a box only in the prefilled reasoning (before </think>) is not the final answer
    early = "I guess \\boxed{6.7}\n</think>\n\nNo idea."
    verdict = math_cls(template="qwen3").verify(Sample(early, reference="6.7"))
    assert verdict.status is Status.NO_ANSWER and "only inside the reasoning" in verdict.reason
    cut = math_cls(template="qwen3").verify(Sample("Okay, so I think \\boxed{3}", reference="3"))
    assert cut.status is Status.NO_ANSWER and cut.reason.startswith("truncated")  # never closed: cut off
