"""The format verifiers through r1verify.Engine and a TOML recipe: entry points, worker processes, combination."""

from __future__ import annotations

import pytest

from r1verify import Engine, Recipe, Sample, Status

RECIPE = """
description = "R1 format with shaping"

[verifiers.format]
verifier = "think_format"
weight = 1.0
required = true

[verifiers.tags]
verifier = "tag_count"
weight = 0.5

[verifiers.overlong]
weight = 1.0
options = { max_length = 200, cache_length = 50 }

[verifiers.length]
weight = 1.0
requires = ["format"]
options = { max_length = 200, mode = "cosine" }

[verifiers.repetition]
weight = 1.0
options = { ngram_size = 3 }
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    path = tmp_path_factory.mktemp("recipe") / "format.toml"
    path.write_text(RECIPE)
    with Engine(path, workers=2) as e:
        yield e


def test_recipe_runs_every_format_verifier_in_worker_processes(engine):
    good = Sample("<think>2 plus 2 is 4</think>\\boxed{4}", reference="4")
    bad = Sample("The answer is 4. " * 30, reference="4")
    results = engine.verify([good, bad])
    g, b = results
    assert g.passed and not b.passed
    assert g.verdicts["format"].status is Status.CORRECT
    assert g.verdicts["tags"].score == 1.0
    assert g.verdicts["overlong"].score == 0.0
    assert g.verdicts["length"].details["correct"] is True
    assert g.verdicts["repetition"].score == 0.0
    assert b.verdicts["format"].status is Status.FORMAT_ERROR
    assert b.verdicts["overlong"].score == -1.0  # 510 characters
    assert b.verdicts["repetition"].score < -0.8
    assert b.scores["length"] == 0.0  # gated by the format
    expected = 1.0 + 0.5 + 0.0 + g.verdicts["length"].score + 0.0
    assert g.reward == pytest.approx(expected)
    assert all(v.reason for r in results for v in r.verdicts.values())


def test_grpo_group_dedups_format_work_by_completion(engine):
    group = [Sample("<think>r</think>4", prompt="q", reference=str(i)) for i in range(8)]
    results = engine.verify(group)
    assert {r.verdicts["format"].status for r in results} == {Status.CORRECT}


def test_verifier_args_form_works_like_the_cli():
    recipe = Recipe.from_verifier_args(["think_format:answer_tags=required,prefilled=yes", "overlong:max_length=10"])
    with Engine(recipe, workers=1) as e:
        result = e.verify_one(Sample("r</think><answer>4</answer>"))
    assert result.verdicts["think_format"].status is Status.CORRECT
    assert result.verdicts["overlong"].score == -1.0


def test_from_the_command_line(tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path

    cli = Path(sys.executable).parent / "r1verify"
    if not cli.exists():
        pytest.skip("the r1verify command is not installed in this environment")
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        json.dumps({"prompt": "q <think>", "completion": "2+2=4</think>4", "answer": "4"}) + "\n"
        + json.dumps({"prompt": "q", "completion": "4 <think>late</think>", "answer": "4"}) + "\n"
    )  # fmt: skip
    out = tmp_path / "out.jsonl"
    subprocess.run([str(cli), "verify", str(rows), "--verifier", "think_format", "--verifier", "tag_count",
                    "--out", str(out)], check=True, capture_output=True, timeout=120)  # fmt: skip
    first, second = (json.loads(line) for line in out.read_text().splitlines())
    assert first["verdicts"]["think_format"]["status"] == "correct"  # prefilled detected from the prompt
    assert second["verdicts"]["think_format"]["status"] == "format_error"
    assert "text before <think>" in second["verdicts"]["think_format"]["reason"]
