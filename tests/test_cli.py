"""`r1verify verify`: formats, column mapping, ordering, bad input, summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from r1verify.cli import cli


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def read_out(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


ROWS = [
    {"id": 1, "prompt": "1+1?", "completion": "<think>two</think> 2", "answer": "2"},
    {"id": 2, "prompt": "2+2?", "completion": "<think>four</think> 5", "answer": "4"},
    {
        "id": 3,
        "prompt": [{"role": "user", "content": "3+3?"}],
        "completion": [{"role": "assistant", "content": "<think>six</think> 6"}],
        "answer": "6",
    },
]


def test_jsonl_rows_come_back_with_their_fields_reward_and_verdicts_in_order(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", ROWS)
    out = tmp_path / "out.jsonl"
    result = run("verify", str(src), "-v", "exact_match", "--out", str(out), "--summary", "json")
    assert result.exit_code == 0, result.output
    rows = read_out(out)
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert [r["reward"] for r in rows] == [1.0, 0.0, 1.0]
    assert rows[1]["verdicts"]["exact_match"]["status"] == "wrong"
    assert rows[0]["answer"] == "2" and rows[0]["prompt"] == "1+1?"  # the row's own fields are kept
    summary = json.loads(result.stderr.strip().splitlines()[-1])["summary"]
    assert summary["rows"] == 3 and summary["verifiers"]["exact_match"]["statuses"] == {"correct": 2, "wrong": 1}


@pytest.mark.parametrize("fmt", ["json", "parquet", "hf"])
def test_other_input_formats(tmp_path, fmt):
    if fmt == "json":
        src = tmp_path / "in.json"
        src.write_text(json.dumps(ROWS[:2]))
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        src = tmp_path / "in.parquet"
        pq.write_table(pa.Table.from_pylist(ROWS[:2]), src)
    else:
        import datasets

        src = tmp_path / "ds"
        datasets.Dataset.from_list(ROWS[:2]).save_to_disk(str(src))
    out = tmp_path / "out.jsonl"
    result = run("verify", str(src), "-v", "exact_match", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert [r["reward"] for r in read_out(out)] == [1.0, 0.0]


def test_column_mapping(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"response": "<think>.</think> 7", "gold": "7"}])
    out = tmp_path / "out.jsonl"
    result = run(
        "verify",
        str(src),
        "-v",
        "exact_match",
        "--map",
        "completion=response",
        "--map",
        "reference=gold",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert read_out(out)[0]["reward"] == 1.0


def test_a_bad_row_names_file_line_and_field_exits_2_and_keeps_earlier_rows(tmp_path):
    rows = [ROWS[0], ROWS[1], {"prompt": "x", "completion": 42}, ROWS[0]]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    result = run("verify", str(src), "-v", "exact_match", "--out", str(out), "--batch-size", "1000")
    assert result.exit_code == 2
    assert f"{src}:3: field 'completion': expected a string" in result.stderr
    assert "--skip-invalid" in result.stderr
    assert [r["id"] for r in read_out(out)] == [1, 2]  # verified and written before stopping


def test_missing_column_suggests_map(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"response": "x"}])
    result = run("verify", str(src), "-v", "exact_match", "--out", str(tmp_path / "o.jsonl"))
    assert result.exit_code == 2
    assert "field 'completion': missing" in result.stderr and "--map completion=COLUMN" in result.stderr
    assert "response" in result.stderr


def test_skip_invalid_counts_bad_rows_and_verifies_the_rest(tmp_path):
    rows = [ROWS[0], "{not json", {"completion": None}, "[1, 2]", ROWS[1]]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    summary = tmp_path / "summary.json"
    result = run(
        "verify",
        str(src),
        "-v",
        "exact_match",
        "--out",
        str(out),
        "--skip-invalid",
        "--summary-json",
        str(summary),
        "--summary",
        "none",
    )
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in read_out(out)] == [1, 2]
    data = json.loads(summary.read_text())
    assert data["skipped_invalid_rows"] == 3 and data["rows"] == 2
    assert any(":2: invalid JSON" in line for line in data["first_invalid_rows"])


def test_invalid_json_line_without_skip_is_reported_with_its_line(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [ROWS[0], "{oops"])
    result = run("verify", str(src), "-v", "exact_match", "--out", str(tmp_path / "o.jsonl"))
    assert result.exit_code == 2 and f"{src}:2: invalid JSON" in result.stderr


def test_unknown_recipe_and_bad_options_are_clear_errors(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", ROWS)
    out = str(tmp_path / "o.jsonl")
    no_recipe = run("verify", str(src), "--recipe", "nope", "--out", out)
    assert no_recipe.exit_code == 2 and "no recipe named 'nope'" in no_recipe.stderr
    bad_option = run("verify", str(src), "-v", "exact_match:colour=red", "--out", out)
    assert bad_option.exit_code == 2
    assert "unknown option(s) colour" in bad_option.stderr and "case_sensitive" in bad_option.stderr
    neither = run("verify", str(src), "--out", out)
    assert neither.exit_code == 2 and "--recipe" in neither.stderr


def test_a_crashing_verifier_is_reported_as_error_not_wrong(tmp_path, behave_plugin):
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"completion": "raise", "reference": "ok"},
            {"completion": "ok", "reference": "ok"},
        ],
    )
    out = tmp_path / "out.jsonl"
    result = run("verify", str(src), "-v", "behave", "--out", str(out), "--workers", "1", "--summary", "json")
    assert result.exit_code == 0, result.output
    rows = read_out(out)
    assert rows[0]["verdicts"]["behave"]["status"] == "error" and rows[0]["verdicts"]["behave"]["score"] is None
    assert rows[0]["reward"] == 0.0  # on_error
    summary = json.loads(result.stderr.strip().splitlines()[-1])["summary"]
    assert summary["verifiers"]["behave"]["statuses"] == {"error": 1, "correct": 1}


def test_recipe_file_and_listing(tmp_path):
    recipe = tmp_path / "r.toml"
    recipe.write_text('description = "mine"\n[verifiers.answer]\nverifier = "exact_match"\nweight = 2.0\n')
    src = write_jsonl(tmp_path / "in.jsonl", ROWS[:1])
    out = tmp_path / "out.jsonl"
    assert run("verify", str(src), "--recipe", str(recipe), "--out", str(out)).exit_code == 0
    assert read_out(out)[0]["reward"] == 2.0
    assert "answer" in read_out(out)[0]["verdicts"]
    shown = run("verifiers", "exact_match")
    assert "delimiter: str = '</think>'" in shown.output


def test_the_reference_alias_is_found_row_by_row(tmp_path):
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"completion": "<think>.</think> 2", "answer": "2"},
            {"completion": "<think>.</think> 3", "ground_truth": "3"},
        ],
    )
    out = tmp_path / "out.jsonl"
    assert run("verify", str(src), "-v", "exact_match", "--out", str(out)).exit_code == 0
    assert [r["reward"] for r in read_out(out)] == [1.0, 1.0]


def test_invalid_utf8_is_a_bad_row_not_a_crash(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(
        b'{"completion": "<think>.</think> 2", "answer": "2"}\n{"completion": "\xff\xfe"}\n'
        b'{"completion": "<think>.</think> 3", "answer": "3"}\n'
    )
    out = tmp_path / "out.jsonl"
    stopped = run("verify", str(src), "-v", "exact_match", "--out", str(out))
    assert stopped.exit_code == 2 and f"{src}:2: not valid UTF-8" in stopped.stderr
    skipped = run("verify", str(src), "-v", "exact_match", "--out", str(out), "--skip-invalid")
    assert skipped.exit_code == 0 and [r["reward"] for r in read_out(out)] == [1.0, 1.0]
    broken = tmp_path / "in.json"
    broken.write_bytes(b'[{"completion": "\xff"}]')
    assert "not valid UTF-8" in run("verify", str(broken), "-v", "exact_match", "--out", str(out)).stderr


def test_the_reference_alias_never_takes_a_column_mapped_elsewhere(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"answer": "<think>.</think> 3", "solution": "3", "ground_truth": None}])
    out = tmp_path / "out.jsonl"
    assert run("verify", str(src), "-v", "exact_match", "--map", "completion=answer", "--out", str(out)).exit_code == 0
    assert read_out(out)[0]["reward"] == 1.0  # graded against `solution`, not against itself or a null


def test_a_chat_completion_without_an_assistant_turn_is_a_bad_row(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"completion": [{"role": "user", "content": "4"}], "answer": "4"}])
    result = run("verify", str(src), "-v", "exact_match", "--out", str(tmp_path / "o.jsonl"))
    assert result.exit_code == 2 and "no assistant message" in result.stderr
