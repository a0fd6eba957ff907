"""Property-based fuzzing of the commands that read rows and of the reward server (issue 24, part 6).

Hypothesis generates files of good rows mixed with hostile lines (random bytes, integers over 4,300 digits,
nesting past the recursion limit, non-objects, wrong field types) and hostile option values, and checks the
contract on each: exit 0 or 2 and never a traceback; the input file unchanged; on exit 2 every row before the
line the error names is in the output, and on exit 0 every row is; with --skip-invalid, written + skipped =
rows. The server gets hostile bodies and must answer each with a JSON 4xx (or 200) and then still answer a
valid request on the same connection. Examples are bounded so the file runs in well under a minute.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from r1verify.cli import cli
from r1verify.plugins import load_plugins, pm

FUZZ = settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)
good_rows = st.builds(
    lambda completion, answer, extra: json.dumps({"completion": completion, "answer": answer, "extra": extra}).encode(),
    st.text(max_size=40),
    st.text(max_size=4),
    json_values,
)
hostile_lines = st.one_of(
    st.binary(max_size=30),
    st.integers(4301, 6000).map(lambda n: b'{"completion": "1", "answer": ' + b"7" * n + b"}"),
    st.integers(1_500, 60_000).map(lambda n: b'{"completion": ' + b"[" * n + b"]" * n + b"}"),
    json_values.map(lambda v: json.dumps([v]).encode()),
    json_values.filter(lambda v: not isinstance(v, str)).map(lambda v: json.dumps({"completion": v}).encode()),
    st.just(b'{"completion": "x", "answer": "\xff\xfe"}'),
)
files = st.lists(st.one_of(good_rows, good_rows, hostile_lines), min_size=1, max_size=8)


def run(*args: object):
    load_plugins()
    pm.hook.register_commands(cli=cli)
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def write(lines: list[bytes], folder: Path) -> Path:
    path = folder / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def rows_before(lines: list[bytes], line_number: int | None) -> int:
    """Non-blank lines before ``line_number`` (all of them when None): the rows a command reads first."""
    text = b"\n".join(lines) + b"\n"
    physical = text.split(b"\n")[:-1]
    upto = physical if line_number is None else physical[: line_number - 1]
    return sum(1 for line in upto if line.strip())


def check_contract(result, src: Path, before: bytes) -> int | None:
    """Exit 0 or 2, no traceback, input unchanged; the line number a bad-row error names (None on success)."""
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output and "Error:" not in result.output.replace("error:", ""), result.output
    assert src.read_bytes() == before
    if result.exit_code == 0:
        return None
    found = re.search(re.escape(str(src)) + r":(\d+)", result.stderr)
    if found is None:  # a file of blank lines is refused whole, naming the file
        assert f"{src}: only blank lines, no rows to verify" in result.stderr, result.stderr
        return 1
    return int(found.group(1))  # the bad row, named by file and line


def count_lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines()) if path.exists() else 0


@FUZZ
@given(lines=files, skip=st.booleans(), batch=st.integers(1, 3))
def test_verify_keeps_every_row_before_the_bad_one(lines, skip, batch):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        src = write(lines, folder)
        before = src.read_bytes()
        out = folder / "out.jsonl"
        summary = folder / "summary.json"
        args = ["verify", src, "-v", "exact_match", "--workers", 1, "--batch-size", batch, "-o", out,
                "--summary", "none", "--summary-json", summary]
        result = run(*args, *(["--skip-invalid"] if skip else []))
        bad_line = check_contract(result, src, before)
        if skip:
            assert result.exit_code == 0
            skipped = json.loads(summary.read_text())["skipped_invalid_rows"]
            assert count_lines(out) + skipped == rows_before(lines, None)
        else:
            assert count_lines(out) == rows_before(lines, bad_line)


@FUZZ
@given(lines=files)
def test_filter_and_reject_account_for_every_row_before_the_bad_one(lines):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        src = write(lines, folder)
        before = src.read_bytes()
        out, rejects = folder / "kept.jsonl", folder / "rejected.jsonl"
        result = run("filter", src, "--recipe", _exact_recipe(folder), "--workers", 1, "-o", out, "--rejects", rejects,
                     "--format", "original", "--summary", "none")
        bad_line = check_contract(result, src, before)
        assert count_lines(out) + count_lines(rejects) == rows_before(lines, bad_line)
        result = run("reject", src, "--recipe", _exact_recipe(folder), "--workers", 1, "-o", folder / "r.jsonl",
                     "--summary", "none", "--keep", "all")
        check_contract(result, src, before)


@FUZZ
@given(lines=st.lists(st.one_of(st.just(b'{"reward": 1.0, "verdicts": {}}'), hostile_lines, good_rows), max_size=6))
def test_report_reads_or_names_the_line(lines):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        src = write(lines, folder)
        before = src.read_bytes()
        result = run("report", src, "-o", folder / "r.html")
        assert result.exit_code in (0, 2) and "Traceback" not in result.output, result.output
        assert src.read_bytes() == before
        if result.exit_code == 2:
            named = re.search(re.escape(str(src)) + r":\d+: ", result.stderr) or "no result rows" in result.stderr
            assert named and "nothing was written" in result.stderr, result.stderr
            assert not (folder / "r.html").exists()


@FUZZ
@given(
    option=st.sampled_from(["--limit", "--batch-size", "--workers", "--actors"]),
    value=st.one_of(st.integers(-10**6, 0).map(str), st.text(max_size=6)),
)
def test_hostile_option_values_exit_2_naming_the_option(option, value):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        src = write([b'{"completion": "1", "answer": "1"}'], folder)
        result = run("verify", src, "-v", "exact_match", "-o", folder / "out.jsonl", option, value)
        if result.exit_code == 0:  # a text that click reads as a valid number (" 7") is fine
            return
        assert result.exit_code == 2 and "Traceback" not in result.output, result.output
        assert option in result.output or "--address and --actors" in result.output, result.output
        assert not (folder / "out.jsonl").exists()


def _exact_recipe(folder: Path) -> Path:
    recipe = folder / "exact.toml"
    recipe.write_text('name = "exact"\n[verifiers.exact_match]\nrequired = true\n')
    return recipe


# ------------------------------------------------------------------------------------------------ serve
bodies = st.one_of(
    st.binary(max_size=50),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries({"query": json_values, "labels": json_values}).map(lambda d: json.dumps(d).encode()),
    st.integers(1_500, 80_000).map(lambda n: b'{"query": ' + b"[" * n),
    st.integers(4301, 6000).map(lambda n: b'{"query": [' + b"3" * n + b"]}"),
)


@pytest.fixture(scope="module")
def server_url():
    """One real server for the module (uvicorn in a thread, exact_match)."""
    import threading
    import time

    from r1verify_openrlhf.server import bind, create_app, uvicorn_server
    from r1verify_openrlhf.service import RewardService

    from r1verify import Recipe

    service = RewardService(Recipe.from_verifier_args(["exact_match"]), workers=1)
    sock = bind("127.0.0.1", 0)
    server = uvicorn_server(create_app(service), graceful_timeout=10)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(30)
    sock.close()


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(body=bodies)
def test_the_server_answers_every_body_and_keeps_serving(server_url, body):
    import httpx

    with httpx.Client(base_url=server_url, timeout=20) as client:
        reply = client.post("/get_reward", content=body)
        assert reply.status_code in (200, 400, 422), (reply.status_code, reply.text[:200])
        payload = reply.json()
        assert ("rewards" in payload) if reply.status_code == 200 else ("error" in payload)
        after = client.post("/get_reward", json={"query": ["4"], "labels": ["4"]})  # the same connection
        assert after.status_code == 200 and after.json()["rewards"] == [1.0]
