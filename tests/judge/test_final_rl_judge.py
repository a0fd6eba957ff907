"""The final-rl-judge recipe: rules for math, LLM judges for general and science rows, over the fake judge."""

from __future__ import annotations

import pytest

from r1verify import Engine, Recipe, Sample, Status

from ..generation.fake_openai import FakeOpenAI
from .test_judge import judge_reply


def test_judges_score_general_and_science_rows_and_rules_score_math(monkeypatch):
    with FakeOpenAI(responder=judge_reply) as server:
        monkeypatch.setenv("R1VERIFY_JUDGE_URL", server.url)
        monkeypatch.setenv("R1VERIFY_JUDGE_MODEL", "judge")
        samples = [
            Sample("<think>Let me write.</think> A GOOD answer.", prompt="Explain tides."),
            Sample("<think>Photosynthesis makes it.</think> The gas is oxygen", prompt="Which gas?", reference="oxygen",
                   domain="science"),
            Sample("<think>2+2=4</think> \\boxed{4}", prompt="2+2?", reference="4", domain="math"),
        ]
        with Engine(Recipe.load("final-rl-judge"), workers=1) as engine:
            general, science, math = engine.verify(samples)
    assert general.verdicts["helpfulness"].score == general.verdicts["harmlessness"].score
    assert general.verdicts["helpfulness"].status == Status.SCORED
    assert general.verdicts["science"].status == Status.SKIPPED
    assert science.verdicts["science"].status == Status.CORRECT
    assert math.verdicts["accuracy"].status == Status.CORRECT and math.verdicts["helpfulness"].status == Status.SKIPPED
    assert {b["model"] for b in server.bodies} == {"judge"} and server.requests == 3


def test_without_a_judge_model_the_recipe_says_which_variable_to_set(monkeypatch):
    monkeypatch.delenv("R1VERIFY_JUDGE_MODEL", raising=False)
    with pytest.raises(Exception, match="R1VERIFY_JUDGE_MODEL"):  # noqa: PT011 - recipe or options error
        Engine(Recipe.load("final-rl-judge"), workers=1).close()
