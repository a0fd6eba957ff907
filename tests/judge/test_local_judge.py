"""`llm_judge_local` with a tiny random causal LM in its dedicated process: its replies never follow the format,
so every judged sample must be `error` quoting the reply (never `wrong`), and early verdicts need no model."""

from __future__ import annotations

from pathlib import Path

import pytest

from r1verify import Engine, Recipe, Sample, Status

from ..generation.tiny_lm import save_tiny_lm


@pytest.fixture(scope="module")
def tiny_lm(tmp_path_factory) -> Path:
    return save_tiny_lm(tmp_path_factory.mktemp("tiny-judge"))


def test_local_judge_runs_in_its_own_process_and_garbage_is_an_error(tiny_lm):
    recipe = Recipe.from_dict({"verifiers": {"judge": {
        "verifier": "llm_judge_local", "timeout": 60,
        "options": {"model": str(tiny_lm), "max_tokens": 8, "batch_size": 2, "rubric": "writing_quality"},
    }}})
    samples = [Sample(f"<think>r</think> What is {i} + 1?", prompt="Write.") for i in range(3)]
    samples.append(Sample("<think>never ends", prompt="Write."))
    with Engine(recipe, workers=1) as engine:
        results = engine.verify(samples)
    verdicts = [r.verdicts["judge"] for r in results]
    assert [v.status for v in verdicts] == [Status.ERROR] * 3 + [Status.NO_ANSWER]
    assert all("unparseable judge reply" in v.reason for v in verdicts[:3])
    assert all(r.reward == 0.0 for r in results)
