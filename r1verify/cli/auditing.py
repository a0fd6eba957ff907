"""`r1verify audit`: look for reward hacking in a training run's rollouts (docs/audit.md)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from ..io import InputError, InvalidRow, write_jsonl
from ..templates import TEMPLATE_NAMES
from .app import EXIT_INTERRUPTED, cli, fail, stderr_console
from .common import progress_bar, summary_format_option
from .outputs import OutputFile, probe_target, write_text_output

EXIT_FLAGGED = 1
"""``--fail-on``: a named detector flagged at least one sample."""


def _ids(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


@cli.command("audit")
@click.argument("rollouts", nargs=-1, required=True, metavar="ROLLOUTS...")
@click.option("--out", "-o", "out_path", type=click.Path(dir_okay=False, path_type=Path), help="The report as JSON.")
@click.option(
    "--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), help="The report as an HTML page."
)
@click.option(
    "--flagged",
    "flagged_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Every flagged sample as JSONL: id, where, step, reward, detectors, findings (reason + evidence span).",
)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Column of prompt/completion/reference/domain/reward/step/group/id, e.g. --map completion=output; "
    "reward=A+B adds columns (TRL logs one column per reward function).",
)
@click.option("--split", help="Split to read from a saved Hugging Face DatasetDict.")
@click.option(
    "--template",
    type=click.Choice(TEMPLATE_NAMES),
    default="r1",
    show_default=True,
    help="Where the reasoning ends and the answer starts (docs/templates.md).",
)
@click.option(
    "--min-reward",
    type=float,
    default=0.0,
    show_default=True,
    help="A sample is 'rewarded' (and audited) when its reward is above this.",
)
@click.option("--only", metavar="ID[,ID...]", help="Run only these detectors.")
@click.option("--skip", metavar="ID[,ID...]", help="Do not run these detectors.")
@click.option(
    "--regrade/--no-regrade",
    default=True,
    show_default=True,
    help="Re-grade math samples with plain math-verify: rewarded ones it rejects are flagged, and its accuracy per "
    "step is what rising detector rates are compared with.",
)
@click.option(
    "--regrade-with",
    "regrade_with",
    multiple=True,
    metavar="VERIFIER[:k=v,...]",
    help="Also re-grade the rewarded samples with an r1verify verifier (repeatable; as=NAME for a second of one "
    "kind), e.g. math:preset=lenient; the ones it rejects are flagged as regrade_NAME.",
)
@click.option("--workers", type=click.IntRange(min=1), help="Worker processes for --regrade-with [default: CPU count].")
@click.option("--fail-on", metavar="ID[,ID...]", help="Exit 1 when any of these detectors flags a sample (CI gate).")
@click.option("--skip-invalid", is_flag=True, help="Skip unreadable rows (counted) instead of stopping (exit 2).")
@click.option("--examples", type=click.IntRange(min=0), default=12, show_default=True, help="Worst examples in --html.")
@summary_format_option
def audit_command(
    rollouts: tuple[str, ...],
    out_path: Path | None,
    html_path: Path | None,
    flagged_path: Path | None,
    maps: tuple[str, ...],
    split: str | None,
    template: str,
    min_reward: float,
    only: str | None,
    skip: str | None,
    regrade: bool,
    regrade_with: tuple[str, ...],
    workers: int | None,
    fail_on: str | None,
    skip_invalid: bool,
    examples: int,
    summary_format: str,
) -> None:
    """Look for reward hacking in the rollouts of a training run.

    ROLLOUTS are JSONL / JSON / Parquet files, saved Hugging Face datasets, folders of per-step files (veRL's
    rollout_data_dir, TRL's completions/) or `r1verify verify` results. Each row needs a completion and a
    reward; prompt, reference, domain and step make more detectors and the trends work. Every sample whose
    reward is above --min-reward goes through the hack detectors; each finding names its detector, says why in
    one line and points at the evidence (a span of the completion). With a step column, each detector's rate
    per step, the reward-length correlation per step and call-outs for rates that rise while the second
    grader's accuracy does not.

    \b
    Detectors (docs/audit.md):
      answers   answer_in_reasoning answer_spray prompt_copy hedge
      format    empty_reasoning
      code      code_special_cases code_early_exit code_harness_access code_patches code_print_spray
                code_fake_report
      grader    grader_address fake_rubric sycophancy length_exploit
      regrade   regrade_math_verify (plain math-verify rejects a rewarded math sample),
                regrade_NAME for each --regrade-with verifier

    \b
    Examples:
      r1verify audit examples/audit/rollouts.jsonl --html audit.html
      r1verify audit rollout_data/ --map prompt=input --map completion=output --map reward=score \\
          --map reference=gts -o audit.json                                  # veRL's rollout dumps
      r1verify audit out/completions/ --map reward=accuracy_reward+format_reward --flagged hacks.jsonl   # TRL
      r1verify audit scored.jsonl --fail-on code_early_exit,code_patches    # gate a checkpoint in CI
      r1verify audit run.jsonl --regrade-with math:preset=lenient           # the math plugin as a third grader
    """
    from ..audit import RolloutColumns, read_rollouts, run_audit, select
    from ..audit.regrade import MathVerifyGrader
    from ..audit.summary import build_report, flagged_record, table, worst

    inputs = list(rollouts)
    outputs = [(p, o) for p, o in ((out_path, "--out"), (html_path, "--html"), (flagged_path, "--flagged")) if p]
    try:
        detectors = select(_ids(only), _ids(skip), regrade, regrade_with)
        grader = next((d.grader for d in detectors if hasattr(d, "grader")), None) or (
            MathVerifyGrader() if regrade else None
        )
        gate = _ids(fail_on)
        unknown = [g for g in gate if g not in {d.id for d in select(regrade=True, regrade_with=regrade_with)}]
        if unknown:
            raise ValueError(f"--fail-on: unknown detector {unknown[0]!r}; see `r1verify audit --help`")
        idle = [g for g in gate if g not in {d.id for d in detectors}]
        if idle:
            raise ValueError(
                f"--fail-on {idle[0]}: that detector does not run (left out by --only, --skip or --no-regrade)"
            )
        cols = RolloutColumns.parse(maps)
        skipped: list[str] = []
        stream, total = read_rollouts(
            inputs, cols, split=split, template=template, skip_invalid=skip_invalid, skipped=skipped
        )
    except (ValueError, InputError) as exc:
        fail(str(exc))
    for path, option in outputs:  # checked now (not an input, writable); written whole at the end
        probe_target(path, option, inputs, others={other_option: p for p, other_option in outputs})
    started = time.perf_counter()
    bad: list[InvalidRow] = []
    try:
        with progress_bar(sys.stderr.isatty() and summary_format != "none", total, "auditing") as advance:
            run = run_audit(_until_bad(stream, bad), detectors, min_reward, lambda: advance(1), grader, workers)
    except KeyboardInterrupt:
        click.echo("\ninterrupted: nothing was written", err=True)
        raise SystemExit(EXIT_INTERRUPTED) from None
    if bad and not run.rollouts:
        fail(f"{bad[0]}\nnothing was written; fix the row, or pass --skip-invalid to skip such rows")
    report = build_report(run, inputs, min_reward, skipped, time.perf_counter() - started)
    if bad:
        report["stopped_at"] = str(bad[0])
    if out_path:
        write_text_output(out_path, json.dumps(report, indent=2, ensure_ascii=False) + "\n", "--out", inputs)
    if flagged_path:
        with OutputFile(flagged_path, "--flagged", inputs) as fh:
            for item in worst(run):
                write_jsonl(fh, flagged_record(item))  # type: ignore[arg-type]
    if html_path:
        from ..audit.html_report import render

        write_text_output(
            html_path, render(report, run, f"audit of {', '.join(inputs)[:120]}", examples), "--html", inputs
        )
    _print_summary(report, summary_format, table)
    if bad:
        written = ", ".join(str(p) for p, _ in outputs)
        fail(
            f"{bad[0]}\nthe {len(run.rollouts)} rows before it were audited"
            + (f" (the report in {written} says stopped_at)" if written else "")
            + "; fix the row, or pass --skip-invalid to skip such rows"
        )
    hits = [d for d in report["detectors"] if d["id"] in gate and d["flagged"]]
    if hits:
        click.echo("fail-on: " + ", ".join(f"{d['id']} flagged {d['flagged']}" for d in hits), err=True)
        raise SystemExit(EXIT_FLAGGED)


def _until_bad(stream: Iterator[Any], bad: list[InvalidRow]) -> Iterator[Any]:
    """The rollouts of ``stream`` up to its first unreadable row, which goes into ``bad`` (the project's rule:
    the rows before a bad row are kept)."""
    try:
        yield from stream
    except InvalidRow as exc:
        bad.append(exc)


def _print_summary(report: dict[str, Any], fmt: str, table: Any) -> None:
    if fmt == "auto":
        fmt = "table" if sys.stderr.isatty() else "json"
    if fmt == "none":
        return
    if fmt == "json":
        short = {k: v for k, v in report.items() if k not in ("flagged", "steps", "first_errors")}
        click.echo(json.dumps({"audit": short}, ensure_ascii=False), err=True)
        return
    console = stderr_console()
    console.print(table(report))
    for line in (
        [c["message"] for c in report["callouts"]]
        + report["hints"]
        + [
            f"{report['invalid_rows']} invalid rows skipped" if report["invalid_rows"] else "",
            f"{report['errors']} detector errors (see the report's first_errors)" if report["errors"] else "",
            f"{report['rows']} rows in {report['elapsed_s']:.1f} s ({report['rows_per_s']} rows/s)",
        ]
    ):
        if line:
            console.print(line, markup=False, highlight=False)

