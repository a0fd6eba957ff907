"""The language verifier through r1verify.Engine with a recipe (entry point, worker processes, preload)."""

from __future__ import annotations

import pytest

from r1verify import Engine, Recipe, Sample, Status


def test_language_reward_through_the_engine(english, chinese, tmp_path):
    recipe = tmp_path / "lang.toml"
    recipe.write_text(
        """
[verifiers.format]
verifier = "think_format"
weight = 0.5

[verifiers.consistency]
verifier = "language"
weight = 1.0
min_score = 0.95
required = true
options = { language = "en" }
"""
    )
    samples = [
        Sample(f"<think>{english[0]}</think> 9", prompt="How many divisors does 196 have?"),
        Sample(f"<think>{english[0]} {''.join(chinese)}</think> 9", prompt="How many divisors does 196 have?"),
        Sample(f"<think>{''.join(chinese[:3])}</think> 9", prompt=chinese[0]),
        Sample("<think>$1+1$</think> 2", meta={"language": "en"}),
    ]
    with Engine(recipe, workers=2) as engine:
        results = engine.verify(samples)
    pure, mixed, chinese_ok, no_words = results
    assert pure.verdicts["consistency"].score == 1.0 and pure.passed
    assert 0.1 < mixed.verdicts["consistency"].score < 0.5 and not mixed.passed
    assert mixed.verdicts["consistency"].details["proportions"].keys() == {"en", "zh"}
    assert chinese_ok.verdicts["consistency"].details["target"] == "zh" and chinese_ok.passed
    assert no_words.verdicts["consistency"].status is Status.NO_ANSWER and not no_words.passed
    assert pure.reward == pytest.approx(1.5)


def test_unknown_target_language_is_an_error_in_the_recipe():
    with pytest.raises(Exception, match="language 'eo'"):
        Recipe.from_verifier_args(["language:language=eo"]).build()
