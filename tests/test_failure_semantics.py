"""docs/failures.md's table, checked per adapter: what a correct, a failed (`error`) and a skipped verdict give
the CLI/Engine, TRL (three on_error settings), veRL and OpenRLHF, on one recipe and the same three samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from r1verify import Engine, Recipe, Sample

RECIPE = (
    '[verifiers.accuracy]\nverifier = "behave"\ndomains = ["math"]\n'
    # code rows are judged by a verifier of their own (weight 0: the reward is accuracy's), so `accuracy` is
    # skipped on them as a verifier of another domain
    '[verifiers.program]\nverifier = "behave"\ndomains = ["code"]\nweight = 0.0\n'
)
# a correct math answer; a math sample whose verifier raises ("raise", see tests/helpers.py); a code sample
ROWS = [("2", "math"), ("raise", "math"), ("2", "code")]


@pytest.fixture
def recipe_file(tmp_path, behave_plugin) -> Path:
    path = tmp_path / "acc.toml"
    path.write_text(RECIPE)
    return path


def samples() -> list[Sample]:
    return [Sample(completion=c, reference="2", domain=d) for c, d in ROWS]


def test_engine_statuses_rewards_and_passed(recipe_file):
    with Engine(recipe_file, workers=1) as engine:
        results = engine.verify(samples())
    assert [r.verdicts["accuracy"].status.value for r in results] == ["correct", "error", "skipped"]
    assert [r.reward for r in results] == [1.0, 0.0, 0.0]
    assert [r.passed for r in results] == [True, False, True]


@pytest.mark.parametrize(
    ("on_error", "expected"),
    [("recipe", [1.0, 0.0, None]), (None, [1.0, None, None]), ("mask", [1.0, None, None])],
)
def test_trl_reward_function_values(recipe_file, on_error, expected):
    from r1verify_trl import reward_funcs

    rf = reward_funcs(str(recipe_file), on_error=on_error, workers=1)
    try:
        accuracy = next(f for f in rf.funcs if f.__name__ == "accuracy")
        got = accuracy(prompts=["q"] * 3, completions=[c for c, _ in ROWS], answer=["2"] * 3, domain=[d for _, d in ROWS])
    finally:
        rf.close()
    assert got == expected


def test_trl_mask_silences_every_function_of_a_failed_row(tmp_path, behave_plugin):
    from r1verify_trl import reward_funcs

    recipe = tmp_path / "two.toml"
    recipe.write_text('[verifiers.accuracy]\nverifier = "behave"\n[verifiers.match]\nverifier = "exact_match"\n')
    rf = reward_funcs(str(recipe), on_error="mask", workers=1)
    try:
        kwargs = {"prompts": ["q"] * 2, "completions": ["2", "raise"], "answer": ["2", "2"]}
        accuracy, match = (f(**kwargs) for f in rf.funcs)
    finally:
        rf.close()
    assert accuracy == [1.0, None] and match == [1.0, None]  # exact_match judged "raise" wrong, but the row is masked


def test_verl_score_dicts(recipe_file):
    from r1verify_verl.functions import compute_score_batch
    from r1verify_verl.scoring import close_all

    try:
        out = compute_score_batch(
            ["x"] * 3, [c for c, _ in ROWS], ["2"] * 3, [{"domain": d} for _, d in ROWS], recipe=str(recipe_file), workers=1
        )
    finally:
        close_all()
    assert [o["score"] for o in out] == [1.0, 0.0, 0.0]
    assert [o["accuracy_status"] for o in out] == ["correct", "error", "skipped"]
    assert [o["accuracy"] for o in out] == [1.0, None, None]
    assert [o["acc"] for o in out] == [1.0, 0.0, 1.0]  # veRL's own key: passed
    assert out[1]["error"].startswith("accuracy: error: verifier raised ValueError") and out[0]["error"] == ""


def test_openrlhf_rewards_and_logs(recipe_file):
    from r1verify_openrlhf.service import RewardService

    service = RewardService(Recipe.load(recipe_file), workers=1)
    try:
        infos = service.rewards(samples(), timeout=60)
    finally:
        service.close()
    assert [i.reward for i in infos] == [1.0, 0.0, 0.0]
    assert [i.logs["r1verify/accuracy"] for i in infos] == [1.0, 0.0, 0.0]
    assert [i.logs["r1verify/accuracy/applied"] for i in infos] == [1.0, 0.0, 0.0]
    assert [i.logs["r1verify/error"] for i in infos] == [0.0, 1.0, 0.0]
    assert [i.logs["r1verify/passed"] for i in infos] == [1.0, 0.0, 1.0]


def test_verl_refuses_a_verifier_named_like_its_own_keys(tmp_path, behave_plugin):
    from r1verify_verl.functions import compute_score

    recipe = tmp_path / "acc.toml"
    recipe.write_text('[verifiers.acc]\nverifier = "behave"\n')
    with pytest.raises(ValueError, match="acc.*would overwrite them; rename"):
        compute_score("x", "2", "2", recipe=str(recipe))


def test_a_misspelt_domain_stops_the_cli_run_instead_of_passing_wrong_answers(tmp_path):
    """``--default-domain maths`` upstream: with reasoning-rl (math and code verifiers) a wrong answer of such a
    row used to be `passed` with accuracy skipped; now the run stops (exit 3) naming the fix."""
    import json

    from click.testing import CliRunner

    from r1verify.cli import cli

    src = tmp_path / "in.jsonl"
    rows = [{"id": i, "completion": "<think>ok</think> \\boxed{41}", "answer": "42", "domain": "maths"} for i in range(10)]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = CliRunner().invoke(cli, ["verify", str(src), "-r", "reasoning-rl", "-o", str(tmp_path / "out.jsonl"),
                                      "--workers", "1", "--summary", "none"])
    assert result.exit_code == 3, result.output
    assert "domain 'maths' is not one of recipe 'reasoning-rl'" in result.stderr and "did you mean 'math'?" in result.stderr
    upper = tmp_path / "upper.jsonl"
    upper.write_text(json.dumps({**rows[0], "domain": "Math"}) + "\n")
    result = CliRunner().invoke(cli, ["verify", str(upper), "-r", "reasoning-rl", "-o", str(tmp_path / "u.jsonl"),
                                      "--workers", "1", "--summary", "none"])
    assert result.exit_code == 0, result.output
    record = json.loads((tmp_path / "u.jsonl").read_text())
    assert record["verdicts"]["accuracy"]["status"] == "wrong" and record["passed"] is False
