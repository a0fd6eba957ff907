"""reward_model through r1verify.Engine (its dedicated process), a mixed recipe, and the CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from r1verify_rm import RewardModel

from r1verify import Engine, Recipe, Sample, Status

from .conftest import math_samples, think

BIN = Path(sys.executable).parent


def test_the_engine_scores_in_one_dedicated_process_that_keeps_the_model(model_dir, rows, tmp_path):
    moved = tmp_path / "rm"
    shutil.copytree(model_dir, moved)
    options = {"model": str(moved), "view": "full", "max_length": 512}
    recipe = Recipe.from_dict(
        {
            "default_domain": "general",
            "verifiers": {
                "harmless": {"verifier": "reward_model", "domains": ["general"], "options": options},
                "exact": {"verifier": "exact_match", "domains": ["math"], "weight": 0.0},
            },
        }
    )
    samples = math_samples(rows[:12])
    expected = [v.score for v in RewardModel(**options).verify_batch(samples)]
    with Engine(recipe, workers=2) as engine:
        results = engine.verify(samples + [Sample("x", prompt="q", domain="math", reference="x")])
        assert [r.verdicts["harmless"].score for r in results[:12]] == pytest.approx(expected, abs=1e-5, rel=0)
        assert [r.reward for r in results[:12]] == pytest.approx(expected, abs=1e-5, rel=0)
        assert results[12].verdicts["harmless"].status is Status.SKIPPED
        assert results[12].verdicts["exact"].status is Status.CORRECT
        shutil.rmtree(moved)  # a reload would fail now: new samples can only be scored by the loaded model
        later = engine.verify([Sample(think("r", f"answer {i}"), prompt="q") for i in range(5)])
        assert all(r.verdicts["harmless"].status is Status.SCORED for r in later)


def test_an_unloadable_model_is_an_error_verdict_for_the_batch_not_a_crash(tmp_path):
    recipe = Recipe.from_verifier_args([f"reward_model:model={tmp_path / 'nothing'},load_timeout=30"])
    with Engine(recipe, workers=1) as engine:
        results = engine.verify([Sample(think("r", "4"), prompt="q"), Sample(think("r", "5"), prompt="q")])
    for result in results:
        verdict = result.verdicts["reward_model"]
        assert verdict.status is Status.ERROR and "set model=" in verdict.reason


@pytest.mark.skipif(not (BIN / "r1verify").exists(), reason="the r1verify console script is not installed")
def test_the_cli_scores_a_jsonl_file(model_dir, rows, tmp_path):
    data = tmp_path / "in.jsonl"
    samples = math_samples(rows[:6])
    data.write_text("".join(json.dumps({"prompt": s.prompt, "completion": s.completion}) + "\n" for s in samples))
    out = tmp_path / "out.jsonl"
    proc = subprocess.run(
        [
            str(BIN / "r1verify"),
            "verify",
            str(data),
            "--verifier",
            f"reward_model:model={model_dir},threshold=0",
            "--out",
            str(out),
            "--summary",
            "none",
            "--workers",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "R1VERIFY_WORKERS": "1"},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    written = [json.loads(line) for line in out.read_text().splitlines()]
    expected = RewardModel(model=str(model_dir), threshold=0.0).verify_batch(samples)
    assert [w["verdicts"]["reward_model"]["status"] for w in written] == [v.status.value for v in expected]
    assert [w["verdicts"]["reward_model"]["score"] for w in written] == pytest.approx(
        [v.score for v in expected], abs=1e-5, rel=0
    )
