"""Where the reasoning and the final answer are, as offsets, for each template; boxes and answer parts."""

from __future__ import annotations

import pytest

from r1verify.audit.text import answer_parts, boxed, normalize_answer, regions

from .helpers import rollout


@pytest.mark.parametrize(
    ("completion", "template", "reasoning", "answer"),
    [
        ("<think>a b</think> final", "r1", "a b", " final"),
        ("preamble <think>a b</think> final", "r1", "a b", " final"),
        ("a b</think> final", "qwen3", "a b", " final"),
        ("<think>one</think> x <think>two</think> final", "r1", "one", " final"),
        (
            "<|begin_of_thought|>a b<|end_of_thought|><|begin_of_solution|>final<|end_of_solution|>",
            "sky-t1",
            "a b",
            "final",
        ),
    ],
)
def test_regions_are_offsets_of_the_reasoning_and_the_answer(completion, template, reasoning, answer):
    where = regions(completion, template)
    assert completion[slice(*where.reasoning)] == reasoning
    assert completion[slice(*where.answer)] == answer


def test_regions_of_unclosed_and_missing_reasoning():
    assert regions("<think>still going", "r1").answer is None
    assert regions("<think>still going", "r1").reasoning == (7, 18)
    where = regions("no tags, \\boxed{3}", "r1")
    assert where.reasoning is None and where.answer is None


def test_final_region_of_a_completion_without_tags_is_the_last_box_paragraph():
    text = "Step one gives 4.\n\nMaybe it is probably 5.\n\nSo the answer is \\boxed{4}."
    r = rollout(text)
    lo, hi = r.final_region()
    assert text[lo:hi] == "\n\nSo the answer is \\boxed{4}."
    assert rollout("<think>never ends").final_region() is None
    assert rollout("x" * 1000).final_region() == (400, 1000)


def test_boxed_balances_braces_and_skips_an_unclosed_box():
    text = "\\boxed{\\frac{1}{2}} and \\fbox{x} and \\boxed{oops"
    assert [b.content for b in boxed(text)] == ["\\frac{1}{2}", "x"]
    assert [text[b.start : b.end] for b in boxed(text)] == ["\\boxed{\\frac{1}{2}}", "\\fbox{x}"]


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("\\dfrac{3}{8}", "\\frac{3}{8}"),
        ("1,000", "1000"),
        ("7.0", "7"),
        ("$ 12 $", "12"),
        ("\\left(1, 2\\right)", "(1,2)"),
    ],
)
def test_normalize_answer(raw, normal):
    assert normalize_answer(raw) == normal


@pytest.mark.parametrize(
    ("reference", "parts"), [("5", 1), ("2, 3", 2), ("(1, 2)", 1), ("[0, 1)", 1), ("x=1 and x=2", 2), (["a", "b"], 2)]
)
def test_answer_parts(reference, parts):
    assert answer_parts(reference) == parts
