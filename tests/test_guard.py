"""Issue 23 part 2: no setup mistake trains on silent zeros (r1verify.guard, the CLI and every adapter).

The setup mistakes are real ones: a judge pointed at a port where nothing listens (127.0.0.1:9, refused at
once), a misspelled recipe, a missing option, a mapped column that is not in the dataset (tests/trl). A
per-sample failure (a verifier that raises on one row) stays a verdict.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from r1verify import Recipe, Verdict
from r1verify.cli import cli
from r1verify.guard import RunGuard, RunStopped
from r1verify.plugins import load_plugins, pm
from r1verify.result import Result

DOWN = "http://127.0.0.1:9/v1"
JUDGE_DOWN = f"llm_judge:endpoint={DOWN},model=m,retries=0,timeout=30"
COMPLETION = "<think>one plus one</think> The answer is 2."


def result(**verdicts: Verdict) -> Result:
    return Result(0.0, False, verdicts, {})


def test_a_verifier_whose_first_verdicts_are_all_setup_errors_stops_the_run():
    guard = RunGuard(setup_window=3)
    guard.add([result(judge=Verdict.setup_error("endpoint down"), fmt=Verdict.correct())] * 2)
    with pytest.raises(RunStopped, match="'judge' failed on every sample so far \\(3\\).*endpoint down"):
        guard.add([result(judge=Verdict.setup_error("endpoint down"), fmt=Verdict.correct())])


def test_a_working_verifier_is_not_stopped_by_later_setup_errors_and_a_short_run_is_checked_at_the_end():
    guard = RunGuard(setup_window=2)
    guard.add([result(judge=Verdict.scored(0.5))])
    guard.add([result(judge=Verdict.setup_error("went away"))] * 10)  # counted as errors, not a setup stop
    guard.finish()
    short = RunGuard(setup_window=100)
    short.add([result(judge=Verdict.setup_error("endpoint down"))])
    with pytest.raises(RunStopped, match="endpoint down"):
        short.finish()


def test_per_sample_errors_never_stop_the_run_without_a_limit_and_do_past_it():
    unlimited = RunGuard()
    unlimited.add([result(code=Verdict.error("this program's reference is broken"))] * 100)
    unlimited.finish()
    limited = RunGuard(0.1, min_rows=20)
    limited.add([result(code=Verdict.error("x"))] * 2 + [result(code=Verdict.correct())] * 8)  # 20% of 10 rows
    with pytest.raises(RunStopped, match="2 of 10 rows \\(20.0%\\).*max_error_rate=0.1"):
        limited.finish()
    skipped = RunGuard(0.0)
    skipped.add([result(code=Verdict.skipped("another domain"))] * 60)  # skipped is not an error
    skipped.finish()
    with pytest.raises(ValueError, match="between 0 and 1"):
        RunGuard(1.5)


def test_passed_is_false_for_a_row_whose_verifier_failed_or_judged_wrong():
    """Issue 23 part 3: `passed` was true for a row whose only verifier errored, and for wrong math in a recipe
    without `required` verifiers (final-rl-judge)."""
    recipe = Recipe.from_verifier_args(["exact_match", "length"])
    errored = recipe.combine({"exact_match": Verdict.error("boom"), "length": Verdict.scored(0.4)})
    wrong = recipe.combine({"exact_match": Verdict.wrong("no"), "length": Verdict.scored(0.4)})
    right = recipe.combine({"exact_match": Verdict.correct(), "length": Verdict.scored(0.4)})
    skipped = recipe.combine({"exact_match": Verdict.skipped("other domain"), "length": Verdict.scored(0.4)})
    assert [errored[1], wrong[1], right[1], skipped[1]] == [False, False, True, True]
    rules = [f["rule"] for f in recipe.failures({"exact_match": Verdict.wrong("no"), "length": Verdict.scored(0)}, 0)]
    assert rules == ["exact_match: wrong"]  # a plain score judges nothing


# -------------------------------------------------------------------------------------------------- CLI
def run(*args: object):
    load_plugins()
    pm.hook.register_commands(cli=cli)
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def rows_file(tmp_path: Path, completions: list[str]) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"prompt": "1+1?", "completion": c, "answer": "2"}) + "\n" for c in completions))
    return path


def test_cli_judge_endpoint_down_exits_3_with_the_reason_not_passed_4(tmp_path):
    src = rows_file(tmp_path, [COMPLETION] * 4)
    result = run("verify", src, "-v", JUDGE_DOWN, "-o", tmp_path / "out.jsonl", "--summary", "json")
    assert result.exit_code == 3, result.output
    assert "run stopped: verifier 'llm_judge' failed on every sample so far" in result.stderr
    assert "connection failed" in result.stderr and "Fix that first" in result.stderr
    summary = json.loads(next(line for line in result.stderr.splitlines() if line.startswith('{"summary"')))
    assert summary["summary"]["passed"] == 0  # an error verdict never passes


def test_cli_a_missing_option_names_it_and_the_fix(tmp_path):
    src = rows_file(tmp_path, [COMPLETION])
    result = run("verify", src, "-v", f"llm_judge:endpoint={DOWN}", "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 2
    assert "missing required option(s) model" in result.stderr and "-v NAME:model=..." in result.stderr
    assert "__init__()" not in result.stderr


def test_cli_max_error_rate_stops_a_run_of_failing_rows_and_keeps_per_row_failures_verdicts(tmp_path, behave_plugin):
    src = rows_file(tmp_path, ["raise", "2", "2", "2"])
    out = tmp_path / "out.jsonl"
    ok = run("verify", src, "-v", "behave", "--workers", 1, "-o", out, "--summary", "none")
    assert ok.exit_code == 0, ok.output  # one crashing row is a verdict, the run goes on
    assert [json.loads(line)["verdicts"]["behave"]["status"] for line in out.read_text().splitlines()] == [
        "error",
        "correct",
        "correct",
        "correct",
    ]
    stopped = run("verify", src, "-v", "behave", "--workers", 1, "-o", out, "--summary", "none", "--max-error-rate", 0.2)
    assert stopped.exit_code == 3, stopped.output
    assert "1 of 4 rows (25.0%)" in stopped.stderr and "max_error_rate=0.2" in stopped.stderr
    assert run("verify", src, "-v", "behave", "-o", out, "--max-error-rate", 1.5).exit_code == 2


# ---------------------------------------------------------------------------------------------- adapters
def test_trl_reward_functions_raise_at_the_first_batch_when_the_judge_is_down():
    from r1verify_trl import reward_funcs

    rf = reward_funcs(Recipe.from_verifier_args([JUDGE_DOWN]), workers=1)
    try:
        with pytest.raises(RunStopped, match="llm_judge"):
            rf.funcs[0](prompts=["1+1?"] * 8, completions=[COMPLETION] * 8, answer=["2"] * 8)
    finally:
        rf.close()
    with pytest.raises(ValueError, match="between 0 and 1"):
        reward_funcs(Recipe.from_verifier_args(["exact_match"]), max_error_rate=2)


def test_verl_compute_score_raises_when_every_sample_fails_the_setup(tmp_path):
    from r1verify_verl.functions import compute_score_batch
    from r1verify_verl.scoring import close_all

    recipe = tmp_path / "judge.toml"
    recipe.write_text(
        f'[verifiers.judge]\nverifier = "llm_judge"\noptions = {{ endpoint = "{DOWN}", model = "m", retries = 0 }}\n'
    )
    try:
        with pytest.raises(RunStopped, match="judge"):
            compute_score_batch(["x"] * 8, [COMPLETION] * 8, ["2"] * 8, recipe=str(recipe), workers=1)
    finally:
        close_all()
