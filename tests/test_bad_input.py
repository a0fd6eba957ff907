"""The bad-input tour (issue 15 part 4): every command that reads a file, fed each kind of broken file.

Each case: exit code 2 and a message naming the file, the row and the field (or a verdict, for the 50 MB
completion), no traceback, and every row before the bad one verified and in the output. The files are made
in tmp dirs here; docs/robustness.md has the table of what each gives.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from r1verify.cli import cli
from r1verify.plugins import load_plugins, pm

GOOD = [
    {"id": 0, "prompt": "1+1?", "completion": "<think>one and one</think> 2", "answer": "2"},
    {"id": 1, "prompt": "2+2?", "completion": "<think>two and two</think> 4", "answer": "4"},
]
AFTER = {"id": 3, "prompt": "3+3?", "completion": "<think>three and three</think> 6", "answer": "6"}
BIG_CHARS = 50 << 20


def run(*args: object):
    load_plugins()
    pm.hook.register_commands(cli=cli)  # serve / openrlhf come from the adapter's plugin
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def jsonl(path: Path, bad_line: bytes) -> Path:
    """Two good rows, the bad line (third), then a good row."""
    lines = [json.dumps(r).encode() for r in GOOD] + [bad_line, json.dumps(AFTER).encode()]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def parquet(path: Path, rows: list[dict], **kwargs) -> Path:
    pq.write_table(pa.Table.from_pylist(rows), path, **kwargs)
    return path


def damaged_parquet(path: Path) -> Path:
    """Row groups of two rows; the footer is intact but row group 1 (rows 3-4) has its pages overwritten."""
    rows = [*GOOD, {**AFTER, "id": 2}, AFTER, {**AFTER, "id": 4}]
    parquet(path, rows, row_group_size=2, compression="none")
    meta = pq.ParquetFile(path).metadata
    data = bytearray(path.read_bytes())
    for c in range(meta.num_columns):
        column = meta.row_group(1).column(c)
        start = min(o for o in (column.dictionary_page_offset, column.data_page_offset) if o is not None)
        data[start : start + column.total_compressed_size] = b"\xab" * column.total_compressed_size
    path.write_bytes(bytes(data))
    return path


def truncated_parquet(path: Path) -> Path:
    parquet(path, [*GOOD, AFTER])
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])  # the footer is gone
    return path


# (case id, make INPUT in a folder, expected message fragments, rows of GOOD that must be in the output)
CASES: list[tuple[str, Callable[[Path], Path], list[str], int]] = [
    ("empty-jsonl", lambda d: (d / "in.jsonl").touch() or d / "in.jsonl", ["in.jsonl: the file is empty"], 0),
    ("blank-jsonl", lambda d: (d / "in.jsonl").write_text("\n  \n") and d / "in.jsonl", ["only blank lines"], 0),
    ("empty-parquet", lambda d: (d / "in.parquet").touch() or d / "in.parquet", ["the file is empty"], 0),
    ("empty-json", lambda d: (d / "in.json").write_text("[]") and d / "in.json", ["an empty JSON array"], 0),
    ("truncated-parquet", lambda d: truncated_parquet(d / "in.parquet"), ["in.parquet: cannot read Parquet"], 0),
    (
        "damaged-parquet-row-group",
        lambda d: damaged_parquet(d / "in.parquet"),
        ["in.parquet:row 3: cannot read Parquet row group 1 (rows 3-4)", "damaged or truncated"],
        2,
    ),
    (
        "non-utf8-jsonl",
        lambda d: jsonl(d / "in.jsonl", b'{"id": 2, "completion": "<think>.</think> \xff\xfe", "answer": "1"}'),
        ["in.jsonl:3: not valid UTF-8", "in field 'completion'", "save the file as UTF-8"],
        2,
    ),
    (
        "non-utf8-json",
        lambda d: (d / "in.json").write_bytes(b'[{"completion": "a"},\n {"completion": "\xff"}]') and d / "in.json",
        ["in.json:2: not valid UTF-8"],
        0,
    ),
    (
        "missing-column-jsonl",
        lambda d: jsonl(d / "in.jsonl", json.dumps({"id": 2, "prompt": "p", "response": "x"}).encode()),
        ["in.jsonl:3: field 'completion': missing", "--map completion=COLUMN", "response"],
        2,
    ),
    (
        "missing-column-parquet",
        lambda d: parquet(d / "in.parquet", [{"id": 0, "prompt": "p", "response": "x"}]),
        ["in.parquet:row 1: field 'completion': missing", "--map completion=COLUMN"],
        0,
    ),
    (
        "null-value-parquet",
        lambda d: parquet(d / "in.parquet", [*GOOD, {**AFTER, "completion": None}, AFTER]),
        ["in.parquet:row 3: field 'completion': expected a string or a list of chat messages, got NoneType"],
        2,
    ),
    (
        "wrong-type-jsonl",
        lambda d: jsonl(d / "in.jsonl", json.dumps({"id": 2, "completion": {"text": "4"}}).encode()),
        ["in.jsonl:3: field 'completion': expected a string or a list of chat messages, got dict"],
        2,
    ),
    (
        "wrong-type-prompt-jsonl",
        lambda d: jsonl(d / "in.jsonl", json.dumps({"id": 2, "prompt": 7, "completion": "x"}).encode()),
        ["in.jsonl:3: field 'prompt': expected a string or chat messages, got int"],
        2,
    ),
    (
        "wrong-type-parquet-column",
        lambda d: parquet(d / "in.parquet", [{"id": i, "prompt": "p", "completion": i} for i in range(3)]),
        ["in.parquet:row 1: field 'completion': expected a string or a list of chat messages, got int"],
        0,
    ),
    (
        "binary-parquet-column",
        lambda d: parquet(d / "in.parquet", [{"id": 0, "completion": b"\xff\xfe"}]),
        ["in.parquet:row 1: field 'completion': expected a string or a list of chat messages, got bytes"],
        0,
    ),
]

COMMANDS = ["verify", "filter", "reject"]


@pytest.fixture(scope="module")
def recipe(tmp_path_factory) -> Path:
    """exact_match, required: the GOOD rows pass, so filter and reject keep them (and we can count them)."""
    path = tmp_path_factory.mktemp("recipe") / "exact.toml"
    path.write_text('name = "exact"\n[verifiers.exact_match]\nrequired = true\n')
    return path


def command_args(command: str, src: Path, out: Path, recipe: Path) -> list[object]:
    extra = ["--group-by", "id"] if command == "reject" else []
    return [command, src, "--recipe", recipe, "--out", out, "--workers", 1, "--summary", "none", *extra]


def kept_completions(command: str, out: Path) -> list[str]:
    """The completions in the output file (verify: rows; filter/reject: SFT messages)."""
    if not out.exists():
        return []
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    if command == "verify":
        return [r["completion"] for r in rows]
    return [r["messages"][-1]["content"] for r in rows]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("case", "make", "expected", "before"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_exits_2_naming_row_and_field_and_keeps_the_rows_before(
    tmp_path, recipe, command, case, make, expected, before
):
    src = make(tmp_path)
    out = tmp_path / "out.jsonl"
    result = run(*command_args(command, src, out, recipe))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for fragment in expected:
        assert fragment in result.stderr, result.stderr
    assert str(src) in result.stderr  # the file is named in full
    if before:
        assert f"{before} rows before it were verified" in result.stderr
        assert "--skip-invalid" in result.stderr  # the fix
    assert kept_completions(command, out) == [r["completion"] for r in GOOD[:before]]


@pytest.mark.parametrize("command", COMMANDS)
def test_skip_invalid_goes_past_a_damaged_parquet_row_group(tmp_path, recipe, command):
    src = damaged_parquet(tmp_path / "in.parquet")
    out = tmp_path / "out.jsonl"
    summary = tmp_path / "summary.json"
    result = run(*command_args(command, src, out, recipe), "--skip-invalid", "--summary-json", summary)
    assert result.exit_code == 0, result.output
    assert kept_completions(command, out) == [GOOD[0]["completion"], GOOD[1]["completion"], AFTER["completion"]]
    data = json.loads(summary.read_text())
    assert data["skipped_invalid_rows"] == 1 and "row group 1" in data["first_invalid_rows"][0]


@pytest.fixture(scope="module")
def big_input(tmp_path_factory) -> Path:
    """A JSONL whose third row has a 50 MB completion (a model that never stopped), between good rows."""
    path = tmp_path_factory.mktemp("big") / "big.jsonl"
    big = {"id": 2, "prompt": "5+5?", "completion": "<think>" + "ab " * (BIG_CHARS // 3) + "</think> \\boxed{10}"}
    with path.open("w", encoding="utf-8") as fh:
        for row in [*GOOD, {**big, "answer": "10"}, AFTER]:
            fh.write(json.dumps(row) + "\n")
    return path


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "recipe_name"), [("verify", "reasoning-rl"), ("filter", "cold-start"), ("reject", "rejection")]
)
def test_a_50mb_completion_gets_verdicts_not_a_crash(tmp_path, big_input, command, recipe_name):
    out = tmp_path / "out.jsonl"
    args = [command, big_input, "--recipe", recipe_name, "--out", out, "--workers", 2, "--summary", "json"]
    start = time.monotonic()
    result = run(*args, *(["--group-by", "id"] if command == "reject" else []))
    took = time.monotonic() - start
    assert result.exit_code == 0, result.output
    assert took < 90, f"{command} took {took:.0f}s on a 50 MB completion"
    summary = json.loads(result.stderr.strip().splitlines()[-1])["summary"]
    assert summary["rows"] == 4  # every row got its verdicts, the big one included
    statuses = [s for v in summary["verifiers"].values() for s in v["statuses"]]
    assert statuses and all(isinstance(s, str) for s in statuses)
    if command == "verify":
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert [r["id"] for r in rows] == [0, 1, 2, 3]
        big_verdicts = rows[2]["verdicts"]
        assert big_verdicts and all(v["status"] and v["reason"] is not None for v in big_verdicts.values())


# ------------------------------------------------------------------------------------------------ report
RESULT = {"id": 0, "completion": "x", "reward": 1.0, "passed": True, "verdicts": {"m": {"status": "correct", "score": 1.0}}}


def results_file(path: Path, bad: bytes | None) -> Path:
    lines = [json.dumps(RESULT).encode(), json.dumps({**RESULT, "id": 1}).encode()]
    if bad is not None:
        lines.append(bad)
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


REPORT_CASES = [
    ("empty", lambda d: (d / "r.jsonl").touch() or d / "r.jsonl", ["r.jsonl: no result rows"]),
    ("parquet", lambda d: parquet(d / "r.parquet", [RESULT]), ["r.parquet: a Parquet file", "verify it first"]),
    ("non-utf8", lambda d: results_file(d / "r.jsonl", b'{"reward": 1, "x": "\xff"}'), ["r.jsonl:3: not valid UTF-8"]),
    ("truncated-line", lambda d: results_file(d / "r.jsonl", b'{"reward": 1.0, "verd'), ["r.jsonl:3: invalid JSON"]),
    ("missing-field", lambda d: results_file(d / "r.jsonl", b'{"reward": 1.0}'), ["r.jsonl:3: field 'verdicts'"]),
    (
        "wrong-type-reward",
        lambda d: results_file(d / "r.jsonl", b'{"reward": "high", "verdicts": {}}'),
        ["r.jsonl:3: field 'reward': expected a finite number, got 'high'"],
    ),
    (
        "nan-reward",
        lambda d: results_file(d / "r.jsonl", b'{"reward": NaN, "verdicts": {}}'),
        ["r.jsonl:3: field 'reward': expected a finite number"],
    ),
    (
        "wrong-status",
        lambda d: results_file(d / "r.jsonl", b'{"reward": 1, "verdicts": {"m": {"status": "great"}}}'),
        ["r.jsonl:3: field 'verdicts.m.status'", "'great'"],
    ),
    (
        "wrong-type-verdict",
        lambda d: results_file(d / "r.jsonl", b'{"reward": 1, "verdicts": {"m": 5}}'),
        ["r.jsonl:3: field 'verdicts.m'"],
    ),
    ("not-an-object", lambda d: results_file(d / "r.jsonl", b"[1, 2]"), ["r.jsonl:3: expected a JSON object"]),
]


@pytest.mark.parametrize(("case", "make", "expected"), REPORT_CASES, ids=[c[0] for c in REPORT_CASES])
def test_report_bad_results_exit_2_naming_line_and_field_and_write_nothing(tmp_path, case, make, expected):
    src = make(tmp_path)
    html = tmp_path / "r.html"
    result = run("report", src, "-o", html)
    assert result.exit_code == 2, result.output
    for fragment in expected:
        assert fragment in result.stderr, result.stderr
    assert "nothing was written" in result.stderr and not html.exists()


def test_report_of_a_50mb_completion_is_small_and_quick(tmp_path):
    src = tmp_path / "r.jsonl"
    big = {**RESULT, "reward": 0.0, "passed": False, "completion": "z" * BIG_CHARS}
    src.write_text(json.dumps(RESULT) + "\n" + json.dumps(big) + "\n", encoding="utf-8")
    html = tmp_path / "r.html"
    start = time.monotonic()
    result = run("report", src, "-o", html)
    assert result.exit_code == 0, result.output
    assert time.monotonic() - start < 30
    assert "(2 rows)" in result.output and html.stat().st_size < 1 << 20  # the example is cut, not 50 MB


# ---------------------------------------------------------------------------------- serve / reward-func
RECIPE_CASES = [
    ("empty", b"", "needs a [verifiers.NAME] table"),
    ("non-utf8", b'[verifiers.exact_match]\nweight = 1 # \xff\xfe\n', "not valid UTF-8 (byte 37); save the recipe"),
    ("truncated", b'name = "x"\n[verifiers.exact_match', "invalid TOML"),
    ("wrong-type", b'[verifiers.exact_match]\nweight = "heavy"\n', "[verifiers.exact_match]"),
    ("unknown-verifier", b"[verifiers.no_such_thing]\n", "no verifier named 'no_such_thing'"),
]


@pytest.mark.parametrize("command", ["serve", "reward-func", "verify"])
@pytest.mark.parametrize(("case", "content", "expected"), RECIPE_CASES, ids=[c[0] for c in RECIPE_CASES])
def test_a_bad_recipe_file_exits_2_naming_the_file(tmp_path, command, case, content, expected):
    recipe = tmp_path / "bad.toml"
    recipe.write_bytes(content)
    args = {
        "serve": ["serve", "--port", 0],
        "reward-func": ["openrlhf", "reward-func", "-o", tmp_path / "rf.py"],
        "verify": ["verify", jsonl(tmp_path / "in.jsonl", json.dumps(AFTER).encode()), "-o", tmp_path / "o.jsonl"],
    }[command]
    result = run(*args, "--recipe", recipe)
    assert result.exit_code == 2, result.output
    assert expected in result.stderr, result.stderr
    if case != "unknown-verifier":  # that one names the verifier and what is installed, not the file
        assert str(recipe) in result.stderr, result.stderr
    assert not (tmp_path / "rf.py").exists() and not (tmp_path / "o.jsonl").exists()
