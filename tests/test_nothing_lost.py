"""Issue 24: the input and output faults that crashed a command or destroyed data, one test per fault.

Each test failed before the fix (the fault's number in the issue's table is in the test name) and asserts the
contract: exit 0 or 2 with a message naming the place and the fix, never a traceback; input files unchanged;
every good row before a bad one written.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

from r1verify.cli import cli
from r1verify.plugins import load_plugins, pm

R1VERIFY = str(Path(sys.executable).with_name("r1verify"))
GOOD = [
    {"id": 0, "prompt": "1+1?", "completion": "2", "answer": "2"},
    {"id": 1, "prompt": "2+2?", "completion": "4", "answer": "4"},
]
AFTER = {"id": 3, "prompt": "3+3?", "completion": "6", "answer": "6"}
HUGE_INT = b'{"id": 2, "completion": "1", "answer": ' + b"9" * 5000 + b"}"
DEEP = b'{"id": 2, "completion": "1", "meta": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def run(*args: object):
    load_plugins()
    pm.hook.register_commands(cli=cli)
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def jsonl(path: Path, bad_line: bytes | None = None, rows: list[dict] | None = None) -> Path:
    lines = [json.dumps(r).encode() for r in (rows or GOOD)]
    if bad_line is not None:
        lines += [bad_line, json.dumps(AFTER).encode()]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def dataset_args(command: str, src: Path, out: Path) -> list[object]:
    """exact_match, required (GOOD rows pass, so filter and reject keep them), one worker, no summary."""
    recipe = src.parent / "exact.toml"
    recipe.write_text('name = "exact"\n[verifiers.exact_match]\nrequired = true\n')
    extra = ["--group-by", "id"] if command == "reject" else []
    return [command, src, "--recipe", recipe, "--out", out, "--workers", 1, "--summary", "none", *extra]


def out_ids(out: Path) -> list[int]:
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []
    return [r["id"] if "id" in r else r["messages"][-1]["content"] for r in rows]


# ------------------------------------------------------------------------ 1: --out is the input file
@pytest.mark.parametrize("command", ["verify", "filter", "reject"])
def test_1_an_output_that_is_the_input_is_refused_and_the_input_kept(tmp_path, command):
    src = jsonl(tmp_path / "in.jsonl")
    before = src.read_bytes()
    result = run(*dataset_args(command, src, tmp_path / "." / "in.jsonl"))
    assert result.exit_code == 2, result.output
    assert "is the input file" in result.stderr and "Choose another path" in result.stderr
    assert src.read_bytes() == before


def test_1_filter_rejects_may_not_be_the_input_or_the_output(tmp_path):
    src = jsonl(tmp_path / "in.jsonl")
    before = src.read_bytes()
    for rejects in (src, tmp_path / "out.jsonl"):
        result = run(*dataset_args("filter", src, tmp_path / "out.jsonl"), "--rejects", rejects)
        assert result.exit_code == 2 and "--rejects" in result.stderr, result.output
    assert src.read_bytes() == before


def test_1_verl_convert_refuses_to_overwrite_its_input(tmp_path):
    src = jsonl(tmp_path / "in.parquet.jsonl")
    before = src.read_bytes()
    result = run("verl", "convert", src, "--out", src)
    assert result.exit_code == 2 and "is the input file" in result.stderr, result.output
    assert src.read_bytes() == before


def test_1_report_refuses_to_write_over_its_results(tmp_path):
    src = tmp_path / "r.jsonl"
    src.write_text(json.dumps({"reward": 1.0, "verdicts": {}}) + "\n")
    result = run("report", src, "-o", src)
    assert result.exit_code == 2 and "is the input file" in result.stderr
    assert json.loads(src.read_text())["reward"] == 1.0


# ------------------------------------------------------------- 2, 3: rows Python's JSON reader refuses
@pytest.mark.parametrize("command", ["verify", "filter", "reject"])
@pytest.mark.parametrize(("bad", "message"), [(HUGE_INT, "4,300 digits"), (DEEP, "nested too deep")], ids=["2-int", "3-deep"])
def test_2_3_an_unreadable_row_is_a_bad_row_the_rows_before_it_are_written(tmp_path, command, bad, message):
    src = jsonl(tmp_path / "in.jsonl", bad)
    out = tmp_path / "out.jsonl"
    result = run(*dataset_args(command, src, out))
    assert result.exit_code == 2, result.output
    assert f"{src}:3: " in result.stderr and message in result.stderr and "--skip-invalid" in result.stderr
    assert "Traceback" not in result.output
    assert len(out_ids(out)) == 2
    result = run(*dataset_args(command, src, out), "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert len(out_ids(out)) == 3


@pytest.mark.parametrize(("bad", "message"), [(HUGE_INT, "4,300 digits"), (DEEP, "nested too deep")], ids=["2-int", "3-deep"])
def test_2_3_report_and_verl_convert_name_the_unreadable_row(tmp_path, bad, message):
    results = tmp_path / "r.jsonl"
    results.write_bytes(json.dumps({"reward": 1.0, "verdicts": {}}).encode() + b"\n" + bad + b"\n")
    result = run("report", results, "-o", tmp_path / "r.html")
    assert result.exit_code == 2 and f"{results}:2: " in result.stderr and message in result.stderr, result.output
    src = jsonl(tmp_path / "in.jsonl", bad)
    result = run("verl", "convert", src, "--out", tmp_path / "v.parquet")
    assert result.exit_code == 2 and f"{src}:3" in result.stderr and message in result.stderr, result.output
    result = run("verl", "convert", src, "--out", tmp_path / "v.parquet", "--skip-invalid")
    assert result.exit_code == 0 and "skipped" in result.stderr and message in result.stderr, result.output


def test_2_a_json_array_file_with_a_huge_integer_names_the_file(tmp_path):
    src = tmp_path / "in.json"
    src.write_bytes(b'[{"completion": "1", "answer": ' + b"1" * 5000 + b"}]")
    result = run(*dataset_args("verify", src, tmp_path / "out.jsonl"))
    assert result.exit_code == 2 and "4,300 digits" in result.stderr and "Traceback" not in result.output


# --------------------------------------------------------------------------------- 5: unwritable outputs
UNWRITABLE = {
    "parent-is-a-file": lambda d: (d / "file").write_text("x") and d / "file" / "out.jsonl",
    "a-folder": lambda d: d,
}


@pytest.mark.parametrize("case", list(UNWRITABLE))
@pytest.mark.parametrize(
    ("command", "option"),
    [("verify", "--out"), ("verify", "--summary-json"), ("filter", "--rejects"), ("reject", "--per-prompt")],
)
def test_5_an_unwritable_target_is_found_before_any_work_and_named(tmp_path, case, command, option):
    src = jsonl(tmp_path / "in.jsonl")
    target = UNWRITABLE[case](tmp_path)
    out = target if option == "--out" else tmp_path / "out.jsonl"
    args = dataset_args(command, src, out) + ([] if option == "--out" else [option, target])
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert option in result.stderr and str(target) in result.stderr, result.stderr
    assert any(fix in result.stderr.lower() for fix in ("choose", "is a directory", "give a file path"))
    assert not (tmp_path / "out.jsonl").exists() or option == "--summary-json"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("option", ["--out", "--summary-json"])
def test_5_a_full_disk_is_an_error_naming_the_path_not_a_traceback(tmp_path, option):
    src = jsonl(tmp_path / "in.jsonl")
    out = Path("/dev/full") if option == "--out" else tmp_path / "out.jsonl"
    args = dataset_args("verify", src, out) + ([] if option == "--out" else [option, "/dev/full"])
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert f"cannot write {option} /dev/full" in result.stderr and "No space left" in result.stderr


def test_5_report_to_an_unwritable_place_names_it(tmp_path):
    src = tmp_path / "r.jsonl"
    src.write_text(json.dumps({"reward": 1.0, "verdicts": {}}) + "\n")
    (tmp_path / "file").write_text("x")
    result = run("report", src, "-o", tmp_path / "file" / "r.html")
    assert result.exit_code == 2 and "is a file, not a folder; choose another path" in result.stderr, result.output


def test_an_earlier_output_survives_a_run_that_fails_before_writing(tmp_path):
    src = jsonl(tmp_path / "in.jsonl", b"not json")
    out = tmp_path / "out.jsonl"
    out.write_text('{"earlier": true}\n')
    result = run(*dataset_args("verify", tmp_path / "missing.jsonl", out))
    assert result.exit_code == 2
    assert out.read_text() == '{"earlier": true}\n'
    assert not list(tmp_path.glob(".*r1verify-tmp"))
    result = run(*dataset_args("verify", src, out))  # two good rows, then the bad one: the new rows replace it
    assert result.exit_code == 2 and out_ids(out) == [0, 1]


@pytest.mark.parametrize("command", ["verify", "filter", "reject"])
def test_a_bad_first_row_leaves_every_earlier_output_as_it_was(tmp_path, command):
    """The first row is bad: nothing was verified, so the outputs of an earlier run (--out, filter's --rejects,
    reject's --per-prompt, --summary-json) keep their content and no temporary file is left."""
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"not json\n" + json.dumps(GOOD[0]).encode() + b"\n")
    outputs = {"--out": tmp_path / "out.jsonl", "--summary-json": tmp_path / "summary.json"}
    outputs |= {"filter": {"--rejects": tmp_path / "rejects.jsonl"},
                "reject": {"--per-prompt": tmp_path / "rates.jsonl"}}.get(command, {})
    for option, path in outputs.items():
        path.write_text(f"earlier {option}\n")
    extra = [a for option, path in outputs.items() if option != "--out" for a in (option, path)]
    result = run(*dataset_args(command, src, outputs["--out"]), *extra)
    assert result.exit_code == 2 and "in.jsonl:1" in result.stderr, result.output
    assert "0 rows before it were verified" in result.stderr
    assert {option: path.read_text() for option, path in outputs.items()} == {
        option: f"earlier {option}\n" for option in outputs}
    assert not list(tmp_path.glob(".*r1verify-tmp"))


def test_rows_done_before_a_bad_row_replace_the_earlier_outputs_even_when_none_was_kept(tmp_path):
    """``reject``: the first prompt's generations are verified and none is kept, then a bad row: the run did work,
    so --out is replaced (empty, as the message says: 0 kept) rather than left holding an earlier run's rows."""
    recipe = tmp_path / "exact.toml"
    recipe.write_text('name = "exact"\n[verifiers.exact_match]\nrequired = true\n')
    wrong = [{"id": 0, "completion": "5", "answer": "2"}, {"id": 1, "completion": "7", "answer": "4"}]
    src = jsonl(tmp_path / "in.jsonl", b"not json", rows=wrong)
    out, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"
    out.write_text("earlier\n")
    summary.write_text("earlier\n")
    result = run("reject", src, "--recipe", recipe, "--group-by", "id", "--out", out, "--summary-json", summary,
                 "--workers", 1, "--summary", "none")
    assert result.exit_code == 2 and "in.jsonl:3" in result.stderr and "0 kept in" in result.stderr, result.output
    assert out.read_text() == "" and json.loads(summary.read_text())["rows"] == 2


@pytest.mark.parametrize(
    "command, first, second",
    [
        ("verify", "--out", "--summary-json"),
        ("filter", "--out", "--rejects"),
        ("filter", "--rejects", "--summary-json"),
        ("reject", "--out", "--per-prompt"),
        ("reject", "--per-prompt", "--summary-json"),
    ],
)
def test_two_outputs_given_one_path_are_refused_before_any_work(tmp_path, command, first, second):
    src = jsonl(tmp_path / "in.jsonl")
    same = tmp_path / "same.jsonl"
    out = same if "--out" in (first, second) else tmp_path / "out.jsonl"
    extra = [a for option in (first, second) if option != "--out" for a in (option, same)]
    result = run(*dataset_args(command, src, out), *extra)
    assert result.exit_code == 2, result.output
    assert f"is also {first}" in result.stderr or f"is also {second}" in result.stderr, result.stderr
    assert "give each output its own path" in result.stderr and "input file" not in result.stderr
    assert not same.exists() and not list(tmp_path.glob(".*r1verify-tmp"))


def test_audit_and_report_refuse_two_outputs_on_one_path(tmp_path):
    rollouts = tmp_path / "rollouts.jsonl"
    rollouts.write_text(json.dumps({"prompt": "1+1?", "completion": "<think>1+1</think> 2", "reward": 1.0}) + "\n")
    same = tmp_path / "same.json"
    result = run("audit", rollouts, "--out", same, "--html", same, "--summary", "none")
    assert result.exit_code == 2 and "is also --" in result.stderr, result.output
    results = tmp_path / "r.jsonl"
    results.write_text(json.dumps({"reward": 1.0, "verdicts": {}}) + "\n")
    result = run("report", results, "-o", tmp_path / "r.html", "--png", tmp_path / "r.html")
    assert result.exit_code == 2 and "--png" in result.stderr and "is also --out" in result.stderr, result.output


# --------------------------------------------------------------------------- 7: language vs code_language
def test_7_a_program_language_column_is_not_the_natural_language():
    from r1verify_code.verifier import program_language
    from r1verify_language.verifier import LanguageConsistency

    from r1verify import Sample

    verifier = LanguageConsistency()
    sample = Sample(
        completion="<think>I will write a function that adds the two numbers.</think> Here is the program.",
        prompt="Write a Python function that adds two numbers.",
        meta={"language": "python"},
    )
    verdict = verifier.verify(sample)
    assert verdict.status.value == "scored" and verdict.score == 1.0, verdict
    assert verdict.details["target"] == "en" and verdict.details["target_from"] == "prompt"
    assert program_language({"language": "python"}) == "python"
    assert program_language({"language": "en"}) is None  # the language verifier's, not the program's
    assert program_language({"code_language": "cpp", "language": "en"}) == "cpp"
    german = Sample(completion="Das ist die Antwort auf die Frage.", prompt="What?", meta={"language": "de"})
    assert verifier.verify(german).details["target"] == "de"  # a natural language there still wins


# ---------------------------------------------------------------------------------- 8, 9: bad options
@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--limit", "-1"], "--limit"),
        (["--limit", "0"], "--limit"),
        (["--batch-size", "0"], "--batch-size"),
        (["--workers", "-3"], "--workers"),
    ],
)
@pytest.mark.parametrize("command", ["verify", "filter", "reject"])
def test_8_options_out_of_range_exit_2_naming_the_option(tmp_path, command, args, option):
    src = jsonl(tmp_path / "in.jsonl")
    result = run(command, src, "-v", "exact_match", "--out", tmp_path / "out.jsonl", *args)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}'" in result.output and "x>=1" in result.output
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize(
    ("args", "option"),
    [(["--request-timeout", "0"], "--request-timeout"), (["--retries", "-1"], "--retries"), (["-n", "0"], "-n"),
     (["--limit", "-1"], "--limit"), (["--concurrency", "0"], "--concurrency")],
)
def test_8_generate_options_out_of_range_exit_2(tmp_path, args, option):
    src = jsonl(tmp_path / "in.jsonl")
    result = run("generate", src, "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "-o", tmp_path / "g.jsonl", *args)
    assert result.exit_code == 2 and f"Invalid value for '{option}'" in result.output, result.output


def test_9_report_examples_below_zero_exit_2(tmp_path):
    src = tmp_path / "r.jsonl"
    src.write_text(json.dumps({"reward": 1.0, "verdicts": {}}) + "\n")
    result = run("report", src, "--examples", "-1")
    assert result.exit_code == 2 and "Invalid value for '--examples'" in result.output


# ------------------------------------------------------------------------- 10: Ctrl-C, then --resume
def _strip_elapsed(text: str) -> list[dict]:
    """Rows without what differs between two runs of the same rows: timing, and whether the dedup cache knew
    the answer (a resumed run's cache starts empty)."""
    rows = [json.loads(line) for line in text.splitlines()]
    for row in rows:
        for verdict in row["verdicts"].values():
            verdict.pop("elapsed")
            verdict["details"].pop("cached", None)
    return rows


@pytest.mark.slow
def test_10_ctrl_c_says_what_was_written_and_resume_finishes_the_same_file(tmp_path):
    rows = [{"id": i, "completion": str(i % 7), "answer": str(i % 5)} for i in range(50_000)]
    src = jsonl(tmp_path / "in.jsonl", rows=rows)
    out = tmp_path / "out.jsonl"
    args = [R1VERIFY, "verify", src, "-v", "exact_match", "--batch-size", "1", "--workers", "1", "-o", out,
            "--summary", "json"]
    proc = subprocess.Popen([str(a) for a in args], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        partial = list(tmp_path.glob(".out.jsonl.*.r1verify-tmp"))
        if partial and partial[0].stat().st_size > 50_000:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    written = len(out.read_text().splitlines())
    assert 0 < written < len(rows)
    assert f"interrupted: {written} rows are in {out}" in stderr and "--resume" in stderr

    resumed = subprocess.run([str(a) for a in args + ["--resume"]], capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stderr.strip().splitlines()[-1])["summary"]
    assert summary["resumed_rows"] == written and summary["rows"] == len(rows)

    whole = tmp_path / "whole.jsonl"
    straight = subprocess.run([str(a) for a in args[:-4] + ["-o", whole]], capture_output=True, timeout=120)
    assert straight.returncode == 0
    assert _strip_elapsed(out.read_text()) == _strip_elapsed(whole.read_text())  # none lost, none twice


def _fork_server_started(pid: int, timeout: float = 30) -> bool:
    """Wait until the command ``pid`` has started its workers' fork server (its CLI is up, the workers not yet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            children = psutil.Process(pid).children()
            if any("forkserver" in " ".join(child.cmdline()) for child in children):
                return True
        except psutil.Error:
            return False
        time.sleep(0.005)
    return False


@pytest.mark.slow
def test_10_ctrl_c_while_the_command_starts_is_one_line_not_a_traceback(tmp_path):
    """Ctrl-C reaches the whole process group (the command, the fork server importing sympy and the plugins, the
    workers it is forking) at moments spread over the start-up, counted from the fork server's start: exit 130 with
    one line, no traceback from any process, no output file left behind. (Before the command has imported r1verify,
    ~0.3 s, Ctrl-C is Python's own KeyboardInterrupt: nothing of r1verify runs yet.)"""
    rows = [{"id": i, "completion": f"\\boxed{{{i % 7}}}", "answer": str(i % 5)} for i in range(60_000)]
    src = jsonl(tmp_path / "in.jsonl", rows=rows)  # not done within the delays below
    out = tmp_path / "out.jsonl"
    args = [R1VERIFY, "verify", src, "-v", "math", "--batch-size", "1", "--workers", "1", "-o", out, "--summary", "none"]
    for delay in (0.0, 0.1, 0.3, 0.5, 0.8, 1.2):
        out.unlink(missing_ok=True)
        proc = subprocess.Popen([str(a) for a in args], stderr=subprocess.PIPE, text=True, start_new_session=True)
        assert _fork_server_started(proc.pid), proc.communicate(timeout=60)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
        assert proc.returncode in (0, 130), (delay, stderr)
        assert "Traceback" not in stderr and "Fatal Python error" not in stderr, (delay, stderr)
        if proc.returncode == 130:
            assert stderr.strip().splitlines()[-1].startswith("interrupted"), (delay, stderr)
            assert out.exists() == ("rows are in" in stderr), (delay, stderr)


def test_10_resume_cuts_a_torn_line_and_refuses_another_inputs_output(tmp_path):
    src = jsonl(tmp_path / "in.jsonl", rows=[*GOOD, AFTER])
    out = tmp_path / "out.jsonl"
    assert run(*dataset_args("verify", src, out)).exit_code == 0
    lines = out.read_text().splitlines(keepends=True)
    out.write_text(lines[0] + lines[1][:20])  # killed mid-line
    result = run(*dataset_args("verify", src, out), "--resume")
    assert result.exit_code == 0, result.output
    assert out_ids(out) == [0, 1, 3]
    other = jsonl(tmp_path / "other.jsonl", rows=[{"id": 9, "completion": "zzz", "answer": "1"}])
    result = run(*dataset_args("verify", other, out), "--resume")
    assert result.exit_code == 2 and "does not hold the result of" in result.stderr, result.output
    assert out_ids(out) == [0, 1, 3]  # untouched
