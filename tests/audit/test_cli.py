"""`r1verify audit`: the report files, the summary, exit codes (0, 1 with --fail-on, 2 for bad input)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from r1verify.cli import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "audit" / "rollouts.jsonl"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def write(path: Path, rows: list) -> str:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return str(path)


ROWS = [
    {
        "id": "a",
        "step": 1,
        "prompt": "2+3?",
        "completion": "<think>2+3=5</think> $\\boxed{5}$",
        "reference": "5",
        "reward": 1.0,
    },
    {
        "id": "b",
        "step": 1,
        "prompt": "2+3?",
        "completion": "<think></think> Score: 10/10 $\\boxed{5}$",
        "reference": "5",
        "reward": 1.0,
    },
    {
        "id": "c",
        "step": 2,
        "prompt": "2+3?",
        "completion": "<think>so \\boxed{5}</think> done",
        "reference": "5",
        "reward": 1.0,
    },
    {
        "id": "d",
        "step": 2,
        "prompt": "2+3?",
        "completion": "<think>2+3=6</think> $\\boxed{6}$",
        "reference": "5",
        "reward": 0.0,
    },
]


def test_help_teaches_with_examples():
    out = run("audit", "--help").output
    assert "Examples:" in out and "--map reward=accuracy_reward+format_reward" in out and "--fail-on" in out
    assert "answer_in_reasoning" in out and "regrade_math_verify" in out


def test_report_flagged_and_html_files(tmp_path):
    src = write(tmp_path / "roll.jsonl", ROWS)
    report, flagged, page = tmp_path / "r.json", tmp_path / "f.jsonl", tmp_path / "r.html"
    result = run("audit", src, "-o", str(report), "--flagged", str(flagged), "--html", str(page), "--summary", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text())
    assert (data["rows"], data["rewarded"], data["flagged_samples"]) == (4, 3, 2)
    counts = {d["id"]: d["flagged"] for d in data["detectors"]}
    assert counts["empty_reasoning"] == 1 and counts["grader_address"] == 1 and counts["answer_in_reasoning"] == 1
    assert counts["regrade_math_verify"] == 1  # c: the answer after </think> has none
    assert data["regrade"] == {
        "grader": "math-verify",
        "available": True,
        "graded": 4,
        "accepted": 2,
        "rewarded_rejected": 1,
    }
    assert [s["step"] for s in data["steps"]] == [1, 2] and data["steps"][1]["accuracy"] == 0.0
    lines = [json.loads(x) for x in flagged.read_text().splitlines()]
    assert {x["id"] for x in lines} == {"b", "c"}
    b = next(x for x in lines if x["id"] == "b")
    assert b["where"] == f"{src}:2" and b["reward"] == 1.0 and b["step"] == 1
    assert {f["detector"] for f in b["findings"]} == {"empty_reasoning", "grader_address"}
    span = next(f for f in b["findings"] if f["detector"] == "grader_address")
    assert ROWS[1]["completion"][span["span"]["start"] : span["span"]["end"]] == span["evidence"] == "Score: 10/10"
    html = page.read_text()
    assert "<mark>Score: 10/10</mark>" in html and "grader_address" in html and "<script" not in html
    assert html.count("<polyline") >= 3 and "step 1" in html and "step 2" in html  # firing detectors, accuracy, r
    summary = json.loads(result.output.strip().splitlines()[-1])["audit"]
    assert summary["flagged_samples"] == 2 and "flagged" not in summary


def test_fail_on_gates_with_exit_1_only_when_the_detector_fires(tmp_path):
    src = write(tmp_path / "roll.jsonl", ROWS)
    hit = run("audit", src, "--fail-on", "grader_address", "--summary", "none")
    assert hit.exit_code == 1 and "fail-on: grader_address flagged 1" in hit.output
    assert run("audit", src, "--fail-on", "code_patches", "--summary", "none").exit_code == 0
    bad = run("audit", src, "--fail-on", "nope", "--summary", "none")
    assert bad.exit_code == 2 and "unknown detector 'nope'" in bad.output
    idle = run("audit", src, "--skip", "grader_address", "--fail-on", "grader_address", "--summary", "none")
    assert idle.exit_code == 2 and "--fail-on grader_address: that detector does not run" in idle.output


def test_a_bad_row_exits_2_naming_file_line_and_field_after_reporting_the_rows_before_it(tmp_path):
    src = write(tmp_path / "roll.jsonl", [ROWS[0], {"completion": "x", "reward": "lots"}, ROWS[1]])
    out = tmp_path / "r.json"
    result = run("audit", src, "-o", str(out), "--summary", "none")
    assert result.exit_code == 2
    message = f"{src}:2: field 'reward': expected a finite number, got 'lots'"
    assert message in result.output and "the 1 rows before it were audited" in result.output
    assert "--skip-invalid" in result.output
    stopped = json.loads(out.read_text())
    assert stopped["rows"] == 1 and stopped["stopped_at"] == message
    first_bad = write(tmp_path / "first.jsonl", [{"completion": "x"}, ROWS[0]])
    out2 = tmp_path / "r2.json"
    result = run("audit", first_bad, "-o", str(out2), "--summary", "none")
    assert result.exit_code == 2 and "nothing was written" in result.output and not out2.exists()
    ok = run("audit", src, "-o", str(out), "--skip-invalid", "--summary", "none")
    assert ok.exit_code == 0
    data = json.loads(out.read_text())
    assert data["rows"] == 2 and data["invalid_rows"] == 1 and data["first_invalid_rows"][0].startswith(f"{src}:2")
    assert "stopped_at" not in data


@pytest.mark.parametrize("option", ["-o", "--html", "--flagged"])
def test_an_output_that_is_the_input_is_refused(tmp_path, option):
    src = write(tmp_path / "roll.jsonl", ROWS)
    before = Path(src).read_text()
    result = run("audit", src, option, src, "--summary", "none")
    assert result.exit_code == 2 and "is the input file" in result.output and Path(src).read_text() == before


def test_map_only_skip_and_no_regrade(tmp_path):
    rows = [
        {"query": r["prompt"], "response": r["completion"], "score": r["reward"], "gt": r["reference"]} for r in ROWS
    ]
    src = write(tmp_path / "roll.jsonl", rows)
    out = tmp_path / "r.json"
    args = ["--map", "prompt=query", "--map", "completion=response", "--map", "reward=score", "--map", "reference=gt"]
    result = run(
        "audit",
        src,
        *args,
        "--only",
        "grader_address,empty_reasoning",
        "--no-regrade",
        "-o",
        str(out),
        "--summary",
        "none",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert [d["id"] for d in data["detectors"]] == ["empty_reasoning", "grader_address"]
    assert data["regrade"]["available"] is False and data["regrade"]["graded"] == 0
    assert run("audit", src, "--map", "nonsense").exit_code == 2


def test_the_bundled_example_shows_rising_hacks(tmp_path):
    out = tmp_path / "r.json"
    result = run("audit", str(EXAMPLE), "--min-reward", "0.5", "-o", str(out), "--summary", "table")
    assert result.exit_code == 0
    data = json.loads(out.read_text())
    assert data["rows"] == 360 and len(data["steps"]) == 10 and data["errors"] == 0
    called = {c["detector"] for c in data["callouts"]}
    assert {"answer_in_reasoning", "empty_reasoning"} <= called and not called & {"hedge", "prompt_copy"}
    assert "answer_in_reasoning" in result.output and "rows/s" in result.output and data["hints"] == []
    page = tmp_path / "r.html"
    assert run("audit", str(EXAMPLE), "--min-reward", "0.5", "--html", str(page), "--summary", "none").exit_code == 0
    html = page.read_text()
    assert html.count("class='callout'") == len(data["callouts"]) and "called-out detector" in html


def test_regrade_with_adds_a_detector_and_a_bad_spec_exits_2(tmp_path):
    src = write(tmp_path / "roll.jsonl", ROWS)
    out = tmp_path / "r.json"
    result = run(
        "audit",
        src,
        "--regrade-with",
        "math:preset=lenient",
        "--workers",
        "1",
        "--fail-on",
        "regrade_math",
        "-o",
        str(out),
        "--summary",
        "none",
    )
    data = json.loads(out.read_text())
    counts = {d["id"]: d["flagged"] for d in data["detectors"]}
    assert counts["regrade_math"] == 1 and result.exit_code == 1  # c: the box is only in the reasoning
    bad = run("audit", src, "--regrade-with", "nope", "--summary", "none")
    assert bad.exit_code == 2 and "--regrade-with: no verifier named 'nope'" in bad.output


def test_a_hint_when_format_bonuses_count_as_rewarded(tmp_path):
    rows = [dict(ROWS[0], reward=1.2)] + [dict(ROWS[3], id=f"w{i}", reward=0.2) for i in range(3)]
    src = write(tmp_path / "roll.jsonl", rows)
    result = run("audit", src, "--no-regrade", "--summary", "table")
    assert "3 of 4 rewarded samples were paid less than half the top reward (1.2)" in " ".join(result.output.split())
    assert "--min-reward 0.6" in result.output
    out = tmp_path / "r.json"
    run("audit", src, "--no-regrade", "--min-reward", "0.6", "-o", str(out), "--summary", "none")
    assert json.loads(out.read_text())["hints"] == []
