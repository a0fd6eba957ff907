"""`r1verify verify`: score every row of a dataset with a recipe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..io import output_record, write_jsonl
from .app import cli, fail
from .common import DatasetRun, dataset_options, dataset_run, interrupted, out_option
from .outputs import OutputFile
from ..backends.sharded import PartSpec
from .resume import ResumePoint
from .sharded_out import is_sharded_target, run_sharded


@cli.command()
@dataset_options()
@out_option(
    "Output JSONL: each input row plus reward, passed and verdicts. With --backend ray, a folder (DIR/) gets one "
    "part per input shard, written by the cluster, and a manifest; a rerun resumes (docs/scale.md)."
)
@click.option(
    "--resume",
    is_flag=True,
    help="Keep the rows OUT already holds (from a run that was stopped) and verify only the rest.",
)
def verify(out_path: str, resume: bool, **options: Any) -> None:
    """Verify every row of INPUT and write rewards and verdicts to --out.

    INPUT is a .jsonl/.json/.parquet file, a folder saved with datasets' save_to_disk, or - for JSONL on stdin.
    Columns: prompt, completion (text or chat messages), reference (else the first of ground_truth, answer,
    solution, label, tests), domain; every other column is passed to verifiers as meta and copied to the output
    (input columns named reward, passed or verdicts are replaced by r1verify's).

    \b
    Examples:
      r1verify verify gens.jsonl --recipe reasoning-rl --out scored.jsonl
      r1verify verify gens.parquet -v math -v think_format:weight=0.2 --out scored.jsonl
      r1verify verify gens.jsonl --recipe my.toml --map completion=response --skip-invalid -o out.jsonl
      r1verify verify gens.jsonl --recipe reasoning-rl --out scored.jsonl --resume   # after Ctrl-C

    A row that cannot be read stops the run with exit code 2, naming the file, line and field; every row
    before it is verified and written first. --skip-invalid counts such rows instead. OUT is written beside
    the target and put in place at the end, so a failed run never leaves half a file over an earlier one;
    OUT may not be INPUT.
    """
    if is_sharded_target(out_path):
        if resume:
            fail("--resume is for one output file; a sharded --out DIR/ resumes by itself when run again")
        run_sharded(out_path, PartSpec("verify"), options)
        return
    verify_to_file(Path(out_path), resume, options)


def verify_to_file(out_path: Path, resume: bool, options: dict[str, Any]) -> None:
    """``verify`` into one JSONL file (atomically; ``resume`` keeps what an interrupted run wrote)."""
    point = ResumePoint.scan(out_path) if resume else ResumePoint(out_path)
    if resume and options["backend"] == "ray":
        fail("--resume reads the input in order on this machine; use --backend local to resume")
    if options["limit"] is not None and point.rows:
        options["limit"] = max(0, options["limit"] - point.rows)
    others = {"--summary-json": options["summary_json"]}
    out = OutputFile(out_path, "--out", [options["input"]], keep_bytes=point.size, others=others)
    run: DatasetRun | None = None
    try:
        with out, dataset_run(outputs=[out], **options) as run:
            run.rows = point.skip_done(run.rows, run.stream.columns, run.summary)
            for item in run.verified():
                write_jsonl(out, output_record(item.row, item.result))
                run.summary.add([item.result])
    except KeyboardInterrupt:
        interrupted(out_path, point.rows + out.lines, "run the same command with --resume to go on from there", run)
    assert run is not None  # the with statement ran (anything else raised out of it)
    extra = {"resumed_rows": point.rows} if resume else None
    run.finish(extra=extra, out_hint=f" and written to {out_path}")
