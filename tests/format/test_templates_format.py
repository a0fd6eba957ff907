"""think_format and tag_count under each template preset: real completions pass, each preset's strictness holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from r1verify import Sample, Status
from r1verify_format import TagCount, ThinkFormat

DATA = Path(__file__).parent.parent / "data" / "templates" / "completions.jsonl"
ROWS = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_real_completions(row):
    fmt = ThinkFormat(template=row["template"]).verify(Sample(row["completion"], prompt=row["prompt"]))
    count = TagCount(template=row["template"]).verify(Sample(row["completion"], prompt=row["prompt"]))
    if row["answer_contains"]:
        assert fmt.status is Status.CORRECT, fmt.reason
        assert count.status is Status.CORRECT, count.reason
    else:  # harmony samples that stop at a tool call: reasoned, but no final answer
        assert fmt.status is Status.NO_ANSWER and "tool call" in fmt.reason
        assert count.status is Status.PARTIAL
    # the default r1 preset rejects every other style
    if row["template"] != "qwen3":
        assert ThinkFormat().verify(Sample(row["completion"])).status is Status.FORMAT_ERROR


SKY = "<|begin_of_thought|>\n\nthink\n\n<|end_of_thought|>\n\n<|begin_of_solution|>\n\n\\boxed{4}\n\n<|end_of_solution|>"


@pytest.mark.parametrize(
    ("completion", "status", "reason"),
    [
        (SKY, Status.CORRECT, "follows"),
        ("<|begin_of_thought|>t<|end_of_thought|>\n\nThe answer is 4.", Status.FORMAT_ERROR, "<|begin_of_solution|>"),
        (SKY.replace("<|end_of_solution|>", ""), Status.FORMAT_ERROR, "expected one"),
        (SKY + " trailing", Status.FORMAT_ERROR, "trailing text"),
        (SKY.replace("<|end_of_thought|>\n\n", "<|end_of_thought|>\n\nhello "), Status.FORMAT_ERROR, "text between"),
        ("Sure. " + SKY, Status.FORMAT_ERROR, "must come first"),
        (SKY.replace("<|begin_of_thought|>", "<|Begin_of_thought|>"), Status.FORMAT_ERROR, "malformed"),
        (SKY.replace("think", "think <|begin_of_solution|>"), Status.FORMAT_ERROR, "inside the reasoning"),
        (SKY + SKY, Status.FORMAT_ERROR, "2 <|begin_of_thought|>"),
        (SKY.replace("\\boxed{4}", "\u200b"), Status.NO_ANSWER, "empty"),
        (SKY.replace("think", " "), Status.FORMAT_ERROR, "empty reasoning"),
        ("<|begin_of_thought|>cut off mid-thought", Status.FORMAT_ERROR, "never closed"),
        ("<think>r</think> 4", Status.FORMAT_ERROR, "no <|begin_of_thought|>"),
    ],
)
def test_sky_t1_strictness(completion, status, reason):
    verdict = ThinkFormat(template="sky-t1").verify(Sample(completion))
    assert verdict.status is status and reason in verdict.reason, verdict.reason


def test_sky_t1_prefilled_prompt():
    prompt = "<|im_start|>assistant\n<|begin_of_thought|>\n\n"
    body = SKY.removeprefix("<|begin_of_thought|>")
    assert ThinkFormat(template="sky-t1").verify(Sample(body, prompt=prompt)).status is Status.CORRECT
    nested = ThinkFormat(template="sky-t1").verify(Sample(SKY, prompt=prompt))
    assert nested.status is Status.FORMAT_ERROR and "nested" in nested.reason


def test_qwen3_is_prefilled_by_default():
    assert ThinkFormat(template="qwen3").verify(Sample("21 doubled is 42.\n</think>\n\n42")).status is Status.CORRECT
    opened = ThinkFormat(template="qwen3").verify(Sample("<think>reasoning</think> 42"))
    assert opened.status is Status.FORMAT_ERROR and "nested" in opened.reason
    assert ThinkFormat(template="qwen3", prefilled="no").verify(Sample("<think>r</think> 42")).status is Status.CORRECT
    assert ThinkFormat(template="qwen3").verify(Sample("r</think>\n\n")).status is Status.NO_ANSWER
    twice = ThinkFormat(template="qwen3").verify(Sample("r</think> a </think> b"))
    assert twice.status is Status.FORMAT_ERROR
    # tag_count: no <think>, one </think>
    assert TagCount(template="qwen3").verify(Sample("r</think> 42")).status is Status.CORRECT
    assert TagCount(template="qwen3").verify(Sample("<think>r</think> 42")).status is Status.PARTIAL


A = "<|channel|>analysis<|message|>User asks 2+2. Simple.<|end|>"
F = "<|start|>assistant<|channel|>final<|message|>4<|return|>"


@pytest.mark.parametrize(
    ("completion", "status", "reason"),
    [
        (A + F, Status.CORRECT, "follows"),
        ("<|start|>assistant" + A + F, Status.CORRECT, "follows"),
        (A + F.removesuffix("<|return|>"), Status.CORRECT, "follows"),  # stop token stripped by the server
        (A, Status.NO_ANSWER, "no final"),
        (A.removesuffix("<|end|>"), Status.FORMAT_ERROR, "never closed"),
        (F, Status.FORMAT_ERROR, "no analysis message"),
        (A + "<|start|>assistant" + A + F, Status.FORMAT_ERROR, "2 analysis"),
        (A + F + "<|start|>assistant" + A, Status.FORMAT_ERROR, "2 analysis"),
        ("<|start|>assistant<|channel|>commentary<|message|>x<|end|><|start|>assistant" + A + F, Status.FORMAT_ERROR, "come first"),
        (A + F + F, Status.FORMAT_ERROR, "2 final"),
        (A + "The answer is 4", Status.FORMAT_ERROR, "text outside"),
        (A + F + " and more", Status.FORMAT_ERROR, "text outside"),
        (A.replace("<|end|>", "<|return|>") + F, Status.FORMAT_ERROR, "not <|end|>"),
        (A + F.replace("final", "finale"), Status.FORMAT_ERROR, "unknown channel"),
        (A + F.replace("assistant", "user"), Status.FORMAT_ERROR, "from 'user'"),
        (A + F.replace(">4<", "><!-- -->\u200b<"), Status.NO_ANSWER, "empty final"),
        (A.replace("User asks 2+2. Simple.", "...") + F, Status.FORMAT_ERROR, "empty analysis"),
        (A + "<|start|>assistant<|channel|>final", Status.FORMAT_ERROR, "never reaches"),
        (A.replace("Simple.", "Simple.<|channel|>final") + F, Status.FORMAT_ERROR, "inside message content"),
        (A + "<|start|>assistant<|channel|>commentary<|message|>Plan: add.<|end|>" + F, Status.CORRECT, "follows"),
        ("<think>2+2=4</think> 4", Status.FORMAT_ERROR, "no harmony message"),
    ],
)
def test_harmony_strictness(completion, status, reason):
    verdict = ThinkFormat(template="harmony").verify(Sample(completion))
    assert verdict.status is status and reason in verdict.reason, verdict.reason


def test_harmony_tag_count():
    assert TagCount(template="harmony").verify(Sample(A + F)).status is Status.CORRECT
    assert TagCount(template="harmony").verify(Sample("no channels")).status is Status.FORMAT_ERROR
    partial = TagCount(template="harmony").verify(Sample(A + F + F))
    assert partial.status is Status.PARTIAL and "<|channel|>final x1" in partial.reason


def test_unknown_template_is_an_options_error():
    from r1verify import OptionsError
    from r1verify.options import parse_options

    with pytest.raises(OptionsError, match="template"):
        parse_options(ThinkFormat.Options, {"template": "chatml"}, owner="think_format")


def test_template_options_pickle():
    import pickle

    v = pickle.loads(pickle.dumps(ThinkFormat(template="harmony")))
    assert v.verify(Sample(A + F)).status is Status.CORRECT
