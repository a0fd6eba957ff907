"""The project's bad-input tour (tests/test_bad_input.py) for `r1verify audit`: each broken file exits 2 naming
the file, the row and the field, after reporting the rows before it (nothing when there are none);
--skip-invalid counts the bad rows instead."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from r1verify.cli import cli

from ..test_bad_input import CASES


@pytest.mark.parametrize(("case", "make", "expected", "good"), CASES, ids=[c[0] for c in CASES])
def test_audit_stops_at_a_bad_file_or_row_with_the_place(tmp_path, case, make, expected, good):
    src = make(tmp_path)
    out = tmp_path / "report.json"
    args = ["audit", str(src), "--map", "reward=id", "--no-regrade", "-o", str(out), "--summary", "none"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 2, result.output
    for fragment in expected:
        assert fragment in result.output
    if good:  # the rows before the bad one are audited and reported, like every command keeps them
        report = json.loads(out.read_text())
        assert report["rows"] == good and expected[0] in report["stopped_at"]
    else:
        assert not out.exists()


@pytest.mark.parametrize(
    ("case", "make", "expected", "good"), [c for c in CASES if c[3]], ids=[c[0] for c in CASES if c[3]]
)
def test_skip_invalid_audits_the_readable_rows(tmp_path, case, make, expected, good):
    src = make(tmp_path)
    out = tmp_path / "report.json"
    args = ["audit", str(src), "--map", "reward=id", "--no-regrade", "--skip-invalid", "-o", str(out)]
    result = CliRunner().invoke(cli, [*args, "--summary", "none"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(Path(out).read_text())
    assert report["invalid_rows"] >= 1 and report["rows"] >= good
    assert any(expected[0] in line for line in report["first_invalid_rows"])
