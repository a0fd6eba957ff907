"""The R1 stage commands with the built-in recipes on the bundled real completions (examples/data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from r1verify.cli import cli

from .sandbox.fixtures import sandbox_image  # noqa: F401 - fixture: the code rows run in the Docker sandbox

DATA = Path(__file__).resolve().parents[1] / "examples" / "data"
MATH = DATA / "math_generations.jsonl"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return read(MATH)


def test_cold_start_keeps_only_correct_readable_rows_and_names_why_the_rest_went(tmp_path, rows):
    out = tmp_path / "sft.jsonl"
    result = run(
        "filter", str(MATH), "--recipe", "cold-start", "--format", "original", "--out", str(out), "--summary", "none"
    )
    assert result.exit_code == 0, result.output
    kept = read(out)
    assert kept, "something must survive"
    # Qwen's grader agrees on every kept row being correct (its 9 known label errors are all 4:30 p.m./10,000)
    assert all(r["qwen_grader_label"] for r in kept)
    # every deliberately broken row is rejected, for the reason it was broken
    rejects = {(r["id"], r["completion"]): r for r in read(tmp_path / "sft.rejects.jsonl")}
    by_variant = {
        "chinese_insert": "language: score < 0.95",
        "repetition_loop": "repetition: score < -0.5",
        "answer_inside_reasoning": "accuracy: no_answer",
    }
    broken = [r for r in rows if r.get("variant")]
    assert len(broken) == 7
    for row in broken:
        rejected = rejects[(row["id"], row["completion"])]
        rules = {f["rule"] for f in rejected["rejected_by"]}
        if row["qwen_grader_label"] or row["variant"] == "answer_inside_reasoning":
            assert by_variant[row["variant"]] in rules, (row["variant"], rules)


def test_rejection_sampling_keeps_the_best_correct_generation_per_prompt(tmp_path, rows):
    out = tmp_path / "sft.jsonl"
    rates = tmp_path / "rates.jsonl"
    summary = tmp_path / "summary.json"
    result = run(
        "reject",
        str(MATH),
        "--group-by",
        "id",
        "--out",
        str(out),
        "--per-prompt",
        str(rates),
        "--summary-json",
        str(summary),
        "--summary",
        "none",
        "--format",
        "original",
    )
    assert result.exit_code == 0, result.output
    kept = read(out)
    per_prompt = {r["group"]: r for r in read(rates)}
    assert len(per_prompt) == 12 and all(r["n"] == 8 for r in per_prompt.values())
    assert len(kept) == sum(1 for r in per_prompt.values() if r["passed"]) <= 12
    assert all(r["qwen_grader_label"] and "variant" not in r for r in kept)
    for prompt_id, stats in per_prompt.items():
        labelled = sum(r["qwen_grader_label"] for r in rows if r["id"] == prompt_id)
        assert stats["passed"] <= labelled  # cleanliness filters only ever remove correct answers
    data = json.loads(summary.read_text())
    assert data["pass_at_k"]["pass@1"] <= data["pass_at_k"]["pass@4"] <= data["pass_at_k"]["pass@8"] <= 1.0


@pytest.mark.docker
@pytest.mark.usefixtures("sandbox_image")
def test_reasoning_rl_scores_the_demo_set_math_and_code_alike(tmp_path):
    out = tmp_path / "scored.jsonl"
    result = run("verify", str(DATA / "demo.jsonl"), "--recipe", "reasoning-rl", "--out", str(out), "--summary", "none")
    assert result.exit_code == 0, result.output
    scored = read(out)
    for row in scored:
        accuracy, code = row["verdicts"]["accuracy"], row["verdicts"]["code"]
        if row["domain"] == "code":
            assert accuracy["status"] == "skipped"
            assert code["status"] == ("correct" if row["variant"] == "canonical" else "wrong"), code["reason"]
        else:
            assert code["status"] == "skipped"
            if "variant" not in row:
                assert (accuracy["status"] == "correct") == row["qwen_grader_label"], accuracy["reason"]
        assert row["verdicts"]["format"]["status"] == "correct"
    report = run("report", str(out))
    assert report.exit_code == 0 and (tmp_path / "scored.html").exists()
