"""Issue 24 row 6: one bad prompt row in `generate` stops the run cleanly (exit 2 naming it) after the prompts
before it are generated, and --skip-invalid counts it and goes on; rows Python's JSON reader refuses are bad
rows too."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from .conftest import read_jsonl, write_jsonl
from .test_generate import gen

BAD_ROWS = {
    "no-prompt": json.dumps({"id": "bad", "question": "x"}).encode(),
    "huge-int": b'{"id": "bad", "prompt": "x", "n": ' + b"7" * 5000 + b"}",
    "deep": b'{"id": "bad", "prompt": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
    "empty-prompt": json.dumps({"id": "bad", "prompt": "  "}).encode(),
}


def prompts_with_a_bad_row(tmp_path, bad: bytes):
    good = [{"id": f"p{i}", "prompt": f"What is {i} + 1?", "answer": str(i + 1)} for i in range(4)]
    path = tmp_path / "prompts.jsonl"
    write_jsonl(path, good[:3])
    with path.open("ab") as fh:
        fh.write(bad + b"\n" + json.dumps(good[3]).encode() + b"\n")
    return path


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_a_bad_prompt_row_stops_after_the_prompts_before_it(server, tmp_path, case):
    src = prompts_with_a_bad_row(tmp_path, BAD_ROWS[case])
    out = tmp_path / "g.jsonl"
    result = gen(server, src, out, "-n", "2", "--concurrency", "2")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "ExceptionGroup" not in result.output
    assert f"{src}:4" in result.stderr and "--skip-invalid" in result.stderr
    assert Counter(r["id"] for r in read_jsonl(out)) == {"p0": 2, "p1": 2, "p2": 2}

    result = gen(server, src, out, "-n", "2", "--skip-invalid")  # resumes, skips the bad row, finishes p3
    assert result.exit_code == 0, result.output
    assert Counter(r["id"] for r in read_jsonl(out)) == {"p0": 2, "p1": 2, "p2": 2, "p3": 2}
    stats = json.loads(result.stderr.strip().splitlines()[-1])["generation"]
    assert stats["skipped_invalid_rows"] == 1 and f"{src}:4" in stats["first_invalid_rows"][0]


def test_the_output_may_not_be_the_prompts_file(server, tmp_path):
    src = write_jsonl(tmp_path / "prompts.jsonl", [{"prompt": "hi"}])
    before = src.read_bytes()
    result = gen(server, src, src)
    assert result.exit_code == 2 and "is the input file" in result.stderr
    assert src.read_bytes() == before
