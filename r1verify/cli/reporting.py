"""`r1verify report`: a self-contained HTML report of a results file, optionally a PNG of it."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import click

from ..io import json_error_message
from .app import cli, fail
from .outputs import check_target, write_text_output


@cli.command("report")
@click.argument("results", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "-o",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="HTML file to write [default: RESULTS with .html].",
)
@click.option(
    "--png",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also save a screenshot of the report (needs Chromium), e.g. for a README.",
)
@click.option("--title", help="Page title [default: the results file name].")
@click.option(
    "--examples",
    type=click.IntRange(min=0),
    default=6,
    show_default=True,
    help="How many worst and borderline examples to show.",
)
def report_command(results: Path, out_path: Path | None, png: Path | None, title: str | None, examples: int) -> None:
    """Write an HTML report of RESULTS (the JSONL that `r1verify verify --out` writes).

    The page is one file with no external resources: the summary table, the reward histogram, a score
    histogram and status breakdown per verifier, and the worst and borderline examples.

    \b
    Examples:
      r1verify report scored.jsonl                       # writes scored.html
      r1verify report scored.jsonl -o report.html --png report.png
    """
    from ..report import NotAResultsFile, render_html, screenshot

    out_path = out_path or results.with_suffix(".html")
    check_target(out_path, "--out", [results])
    if png is not None:
        check_target(png, "--png", [results], others={"--out": out_path})
    try:
        data = _read_checked(results, examples)
    except NotAResultsFile as exc:
        fail(f"{exc}; nothing was written")
    write_text_output(out_path, render_html(data, title or results.name), "--out", [results])
    click.echo(f"wrote {out_path} ({data.summary.rows} rows)")
    if png is not None:
        try:
            screenshot(out_path, png)
        except RuntimeError as exc:
            fail(str(exc))
        click.echo(f"wrote {png}")


_EXPECTED = "the report reads the JSONL that `r1verify verify --out` writes"


def _read_checked(path: Path, examples: int) -> Any:
    """The report data of a results file; a line that is not a result raises ``NotAResultsFile`` naming it."""
    from ..report import NotAResultsFile, ReportData

    with path.open("rb") as fh:
        if fh.read(4) == b"PAR1":
            raise NotAResultsFile(f"{path}: a Parquet file; {_EXPECTED} (verify it first, then report the output)")
        fh.seek(0)
        data = ReportData(examples=examples)
        for lineno, raw in enumerate(fh, 1):
            where = f"{path}:{lineno}"
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise NotAResultsFile(f"{where}: not valid UTF-8 (byte {exc.start} of the line); {_EXPECTED}") from None
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except (ValueError, RecursionError) as exc:
                raise NotAResultsFile(f"{where}: {json_error_message(exc)}; {_EXPECTED}") from None
            _check_record(record, where)
            data.add(record, where)
    if data.summary.rows == 0:
        raise NotAResultsFile(f"{path}: no result rows (the file is empty or blank); {_EXPECTED}")
    return data


def _check_record(record: Any, where: str) -> None:
    """Raise ``NotAResultsFile`` naming the field of a result record that has the wrong type."""
    from ..report import NotAResultsFile
    from ..verdict import Status

    def bad(field: str, expected: str, value: Any) -> NotAResultsFile:
        shown = repr(value)[:40] if isinstance(value, (int, float, str)) else type(value).__name__
        return NotAResultsFile(f"{where}: field {field!r}: expected {expected}, got {shown}; {_EXPECTED}")

    if not isinstance(record, dict):
        raise NotAResultsFile(f"{where}: expected a JSON object, got {type(record).__name__}; {_EXPECTED}")
    if "reward" not in record or "verdicts" not in record:
        missing = "reward" if "reward" not in record else "verdicts"
        raise NotAResultsFile(f"{where}: field {missing!r}: missing; {_EXPECTED}")
    if not _is_number(record["reward"]):
        raise bad("reward", "a finite number", record["reward"])
    if "passed" in record and not isinstance(record["passed"], bool):
        raise bad("passed", "true or false", record["passed"])
    if not isinstance(record["verdicts"], dict):
        raise bad("verdicts", "an object of verdicts by verifier", record["verdicts"])
    statuses = {s.value for s in Status}
    for name, verdict in record["verdicts"].items():
        field = f"verdicts.{name}"
        if not isinstance(verdict, dict):
            raise bad(field, "an object with status, score and reason", verdict)
        if verdict.get("status") not in statuses:
            raise bad(f"{field}.status", f"one of {', '.join(sorted(statuses))}", verdict.get("status"))
        if verdict.get("score") is not None and not _is_number(verdict["score"]):
            raise bad(f"{field}.score", "a finite number or null", verdict["score"])
        if "elapsed" in verdict and not _is_number(verdict["elapsed"]):
            raise bad(f"{field}.elapsed", "a number of seconds", verdict["elapsed"])
        if verdict.get("details") is not None and not isinstance(verdict["details"], dict):
            raise bad(f"{field}.details", "an object", verdict["details"])


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
