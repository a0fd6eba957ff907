"""Setup mistakes every sample shares stop the run with the fix (tour 2, findings 5 and 6).

5. A reference column named outside the alias list (``solutions``, ``gold``): every sample used to be ``error``
   "no reference", reward 0, exit 0. "The sample has no reference at all" is a setup error now, so a run whose
   first samples all lack one stops (CLI exit 3, adapters ``RunStopped``) naming ``--map reference=COLUMN``; a
   reference that is there but unreadable stays a per-sample ``error``, and a run that has judged samples goes on.
6. A ``tokenizer`` path that does not exist (docs/format.md's example recipe): every row ``error``, exit 0,
   nothing on stderr. A tokenizer that cannot be loaded is a setup error now.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from r1verify import Sample, Status
from r1verify.builtin import NO_REFERENCE_FIX, ExactMatch
from r1verify.cli import cli
from r1verify.guard import RunGuard, RunStopped
from r1verify.plugins import load_plugins, pm
from r1verify.result import Result
from r1verify.worker import crash_verdict

ROWS = [{"prompt": "p", "completion": "<think>r</think> \\boxed{42}", "solutions": "42"} for _ in range(10)]


def run(*args: object):
    load_plugins()
    pm.hook.register_commands(cli=cli)
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def stops(verdicts) -> str:
    """The RunStopped message a guard gives for one verifier's ``verdicts`` ('' if it does not stop)."""
    guard = RunGuard()
    try:
        guard.add(Result(0.0, False, {"v": v}, {}) for v in verdicts)
        guard.finish()
    except RunStopped as exc:
        return str(exc)
    return ""


# ---------------------------------------------------------------- 5: no reference
def test_cli_stops_when_the_reference_column_has_another_name(tmp_path):
    src = write_jsonl(tmp_path / "noref.jsonl", ROWS)
    result = run("verify", src, "-v", "exact_match", "--workers", 1, "-o", tmp_path / "out.jsonl",
                 "--summary", "none")  # fmt: skip
    assert result.exit_code == 3, result.output
    assert "run stopped: verifier 'exact_match' failed on every sample so far (8) with a setup error" in result.stderr
    assert "the sample has no reference" in result.stderr
    assert "--map reference=COLUMN" in result.stderr
    assert "reference, ground_truth, answer, solution, label, tests" in result.stderr


def test_cli_with_the_column_mapped_runs(tmp_path):
    src = write_jsonl(tmp_path / "noref.jsonl", ROWS)
    out = tmp_path / "out.jsonl"
    result = run("verify", src, "-v", "exact_match:delimiter=", "--map", "reference=solutions", "--workers", 1,
                 "-o", out, "--summary", "none")  # fmt: skip
    assert result.exit_code == 0, result.output


def test_a_short_run_without_references_stops_at_its_end(tmp_path):
    src = write_jsonl(tmp_path / "noref.jsonl", ROWS[:3])
    result = run("verify", src, "-v", "exact_match", "--workers", 1, "-o", tmp_path / "out.jsonl",
                 "--summary", "none")  # fmt: skip
    assert result.exit_code == 3, result.output
    assert "(3) with a setup error" in result.stderr and "--map reference=COLUMN" in result.stderr


def test_exact_match_without_reference_is_a_setup_error_naming_the_fix():
    verdict = ExactMatch().verify(Sample("42"))
    assert verdict.is_setup_error and verdict.status is Status.ERROR
    assert "no reference" in verdict.reason and NO_REFERENCE_FIX in verdict.reason
    # one sample without a reference after judged ones is an error like any other: the run goes on
    judged = ExactMatch().verify(Sample("42", reference="42"))
    assert stops([judged, verdict, verdict, *[verdict] * 8]) == ""
    assert "--map reference=COLUMN" in stops([verdict] * 8)


def test_length_without_reference_or_meta_field_is_a_setup_error():
    from r1verify_format.length import Length

    verdict = Length(max_length=10).verify(Sample("4"))
    assert verdict.is_setup_error and "no reference" in verdict.reason and "--map reference=COLUMN" in verdict.reason
    verdict = Length(max_length=10, correctness="meta", meta_key="accuracy").verify(Sample("4"))
    assert verdict.is_setup_error and "meta has no 'accuracy' field" in verdict.reason
    # a meta value that is not a judgement is the sample's, not the setup's
    verdict = Length(max_length=10, correctness="meta").verify(Sample("4", meta={"correct": "maybe"}))
    assert verdict.status is Status.ERROR and not verdict.is_setup_error
    # a judge verifier's setup error passes on as one
    verdict = Length(max_length=10, correctness="verifier", judge="exact_match").verify(Sample("4"))
    assert verdict.is_setup_error and "could not decide" in verdict.reason


def test_tool_call_without_reference_is_a_setup_error():
    from r1verify_instruct.tool_call import ToolCall

    verdict = ToolCall().verify(Sample('<tool_call>{"name": "f", "arguments": {}}</tool_call>'))
    assert verdict.is_setup_error and "no reference calls" in verdict.reason
    assert "--map reference=COLUMN" in verdict.reason
    verdict = ToolCall(reference_key="calls").verify(Sample("x"))
    assert verdict.is_setup_error and "meta.calls" in verdict.reason and "reference_key" in verdict.reason
    # a reference that is there but broken is the sample's
    verdict = ToolCall().verify(Sample("x", reference="{not json"))
    assert verdict.status is Status.ERROR and not verdict.is_setup_error


@pytest.mark.parametrize("reference", [None, "", "  ", []])
def test_math_missing_reference_is_marked_setup(reference):
    from r1verify_math.reference import MissingReference, UnreadableReference, reference_answers

    with pytest.raises(MissingReference) as caught:
        reference_answers(reference)
    assert isinstance(caught.value, UnreadableReference) and caught.value.setup_error is True
    assert crash_verdict(caught.value).is_setup_error


@pytest.mark.parametrize("reference", ["#### ", "Solution: so the answer is $\\boxed{}$.", {"a": 1}, float("nan")])
def test_math_unreadable_reference_stays_per_sample(reference):
    from r1verify_math.reference import MissingReference, UnreadableReference, reference_answers

    with pytest.raises(UnreadableReference) as caught:
        reference_answers(reference)
    assert not isinstance(caught.value, MissingReference) and caught.value.setup_error is False


def test_math_verifier_without_reference_is_a_setup_error():
    from r1verify_math import MathVerifier as Math

    verdict = Math().verify(Sample("<think>r</think> \\boxed{42}"))
    assert verdict.is_setup_error and "--map reference=COLUMN" in verdict.reason


# ---------------------------------------------------------------- 6: tokenizer
def test_a_missing_tokenizer_is_a_setup_error(tmp_path):
    from r1verify_format.measure import TokenizerError, TokenizerNotFound, encoder
    from r1verify_format.overlong import Overlong

    with pytest.raises(TokenizerNotFound) as caught:
        encoder(str(tmp_path / "nope"))
    assert isinstance(caught.value, FileNotFoundError) and caught.value.setup_error is True
    broken = tmp_path / "tokenizer.json"
    broken.write_text("{not a tokenizer")
    with pytest.raises(TokenizerError, match=r"cannot be loaded") as caught:
        encoder(str(broken))
    assert caught.value.setup_error is True
    with pytest.raises(TokenizerNotFound):
        Overlong(max_length=100, tokenizer=str(tmp_path / "nope")).verify(Sample("x"))


def test_cli_stops_on_the_docs_recipe_with_a_tokenizer_that_is_not_there(tmp_path):
    recipe = tmp_path / "fmt.toml"
    missing = tmp_path / "models" / "qwen3-8b"
    recipe.write_text(
        '[verifiers.overlong]\nweight = 1.0\n'
        f'options = {{ max_length = 16384, cache_length = 4096, tokenizer = "{missing}" }}\n'
        '[verifiers.repetition]\nweight = 1.0\noptions = { ngram_size = 20, unit = "auto" }\n'
    )
    src = write_jsonl(tmp_path / "in.jsonl", [{"completion": f"answer {i}"} for i in range(12)])
    result = run("verify", src, "-r", recipe, "--workers", 1, "-o", tmp_path / "out.jsonl", "--summary", "none")
    assert result.exit_code == 3, result.output
    assert "run stopped: verifier 'overlong' failed on every sample so far (8) with a setup error" in result.stderr
    assert f"tokenizer '{missing}' not found" in result.stderr


@pytest.mark.parametrize("reference", [None, "", "120", "def add(a, b):\n    return a + b\n"])
def test_code_reference_without_tests_is_a_setup_error(reference):
    """No reference, or one that holds no test (a plain answer, the solution column's program): the wrong column
    was read when every sample says so, so these are setup errors; a reference with broken tests stays the
    sample's own error."""
    from r1verify_code.suite import NoTests, parse_reference

    with pytest.raises(NoTests) as caught:
        parse_reference(reference)
    assert caught.value.setup_error is True and ("--map reference=COLUMN" in str(caught.value))
    with pytest.raises(Exception) as broken:
        parse_reference('{"inputs": ["1"], "outputs": [')
    assert not getattr(broken.value, "setup_error", False)


def test_code_verifier_gives_the_setup_error_verdict_for_a_plain_answer_reference():
    from r1verify_code.verifier import CodeVerifier

    program = "```python\ndef add(a, b):\n    return a - b\n```"
    verdict = CodeVerifier().verify(Sample(program, reference="120"))
    assert verdict.is_setup_error and "not test code" in verdict.reason
