"""`r1verify audit --map FIELD=COLUMN` naming a column the rows lack (tour finding 2): exit 2 naming the file, the
row, the column, the --map and the columns, like `--map reward=` does, instead of an audit with no per-step trends
and no regrade. Columns that were not mapped stay optional."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from r1verify.audit.reading import RolloutColumns, to_rollout
from r1verify.cli import cli
from r1verify.io import InvalidRow, Row

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "audit" / "rollouts.jsonl"
ROW = {"id": "a", "step": 1, "prompt": "2+3?", "completion": "<think>2+3=5</think> $\\boxed{5}$", "gold": "5", "r": 1.0}


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.mark.parametrize("pair", ["reference=nosuch", "step=stepz", "domain=dom", "prompt=question", "group=grp"])
def test_the_tour_command_exits_2_naming_the_columns(tmp_path, pair):
    out = tmp_path / "a.json"
    result = run("audit", EXAMPLE, "--map", pair, "--no-regrade", "-o", out, "--summary", "none")
    field, column = pair.split("=")
    assert result.exit_code == 2, result.output
    assert f"{EXAMPLE}:1: field {column!r}: missing (mapped by --map {pair}); map another column" in result.output
    assert f"--map {field}=COLUMN (columns: step, id, domain, prompt, completion, reward" in result.output
    assert "nothing was written" in result.output and not out.exists()


def test_a_later_row_without_the_mapped_column_stops_the_audit_there(tmp_path):
    rows = [dict(ROW, id=str(i)) for i in range(3)] + [{k: v for k, v in ROW.items() if k != "gold"}]
    src = write(tmp_path / "r.jsonl", rows)
    out = tmp_path / "a.json"
    args = ["audit", src, "--map", "reference=gold", "--map", "reward=r", "--no-regrade", "-o", out]
    result = run(*args, "--summary", "none")
    assert result.exit_code == 2, result.output
    assert f"{src}:4: field 'gold': missing (mapped by --map reference=gold)" in result.output
    assert "the 3 rows before it were audited" in result.output
    report = json.loads(out.read_text())
    assert report["rows"] == 3 and f"{src}:4: field 'gold'" in report["stopped_at"]

    result = run(*args, "--skip-invalid", "--summary", "none")
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert report["rows"] == 3 and report["invalid_rows"] == 1
    assert "field 'gold': missing" in report["first_invalid_rows"][0]


def test_unmapped_columns_stay_optional(tmp_path):
    """Regression: no step, reference, domain or id column and none mapped: audited as before."""
    src = write(tmp_path / "r.jsonl", [{"prompt": "2+3?", "completion": "5", "reward": 1.0}] * 2)
    result = run("audit", src, "--no-regrade", "-o", tmp_path / "a.json", "--summary", "none")
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "a.json").read_text())["rows"] == 2


def test_to_rollout_checks_the_audit_columns():
    row = Row("f:1", {"completion": "x", "reward": 1.0})
    to_rollout(row, 0, RolloutColumns())  # nothing mapped: fine
    for pairs, column in ((["step=s"], "s"), (["group=g"], "g"), (["id=key"], "key"), (["id=id"], "id")):
        with pytest.raises(InvalidRow, match=f"f:1: field '{column}': missing"):
            to_rollout(row, 0, RolloutColumns.parse(pairs))
