"""``--backend ray --out DIR/``: the cluster writes one part per input shard; the driver prints the summary.

See :mod:`r1verify.backends.sharded` (parts, manifest, resume) and docs/scale.md.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

import click

from ..backends import BackendError, require_ray
from ..backends.sharded import PartSpec, ShardedJob, ShardOutcome
from ..io import ColumnMap, InputError
from .app import fail
from .common import EXIT_RUN_STOPPED, progress_bar, recipe_from_options, report_summary
from .outputs import check_target, probe_target


def is_sharded_target(out: str) -> bool:
    """``--out`` names a folder (``DIR/``, an existing folder, or a URI without a file suffix)."""
    if out.endswith("/"):
        return True
    if "://" in out:
        return not Path(out.split("://", 1)[1]).suffix
    return Path(out).is_dir()


def run_sharded(out: str, spec: PartSpec, options: dict[str, Any]) -> None:
    """Run a verify/filter/reject job with sharded output; exits like the single-file commands (2 bad row, 3
    stopped)."""
    from ..backends.ray_stream import connect, first_line

    if options["backend"] != "ray":
        fail(f"--out {out} is a folder: one part per input shard, written by the cluster, needs --backend ray; "
             "give a file path for --out to write one file")
    for name, flag in (("limit", "--limit"), ("split", "--split")):
        if options.get(name) is not None:
            fail(f"{flag} does not go with a sharded --out DIR/ (every shard is verified whole)")
    if options["input"] == "-":
        fail("a sharded --out DIR/ needs a .jsonl or .parquet file the cluster can read, not stdin")
    check_target(Path(out.rstrip("/")) / "part", "--out", [options["input"]])  # a file where the folder should be
    if options["summary_json"] is not None:
        probe_target(options["summary_json"], "--summary-json", [options["input"]])
    recipe = recipe_from_options(options["recipe_ref"], options["verifier_args"])
    try:
        columns = ColumnMap.parse(options["maps"])
        ray = require_ray()
    except (InputError, BackendError) as exc:
        fail(str(exc))
    job = ShardedJob(
        recipe, options["input"], out.rstrip("/"), spec, columns, options["batch_size"], options["skip_invalid"],
        options["max_error_rate"], options["workers"] or 1, options["actors"],
    )
    started = False
    show = sys.stderr.isatty() and options["summary_format"] != "none"
    try:
        if not job.resume():  # a finished job run again needs no cluster
            started = connect(ray, options["address"])
            _run_on_cluster(job, ray, show)
        job.finish()  # also finishes a job that stopped between its last part and its manifest
    except BackendError as exc:
        fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - Ray wraps a task's failure in several exception types
        fail(f"the Ray backend failed: {first_line(exc)}")
    finally:
        job.remove_stray()
        if started:
            ray.shutdown()
    _finish(job, out, spec, options)


def _run_on_cluster(job: ShardedJob, ray: Any, show: bool) -> None:
    with progress_bar(show, None, "verifying shards") as advance:

        def on_shard(outcome: ShardOutcome) -> None:
            advance(outcome.summary["rows"])

        job.verify_shards(ray, on_shard)
    with progress_bar(show and job.buckets > 0, job.buckets - len(job.grouped), "grouping prompts") as advance:
        job.group_buckets(ray, lambda outcome: advance(1))


def _finish(job: ShardedJob, out: str, spec: PartSpec, options: dict[str, Any]) -> None:
    outcomes = job.outcomes()
    summary = job.summary()
    skipped = [line for o in outcomes for line in o.skipped][:5]
    extra: dict[str, Any] = {"shards": len(job.shards), "resumed_shards": len(job.resumed_shards), "out": out}
    if spec.command == "filter":
        reasons: Counter[str] = Counter()
        for o in outcomes:
            reasons.update(o.reasons)
        kept = sum(o.kept for o in outcomes)
        extra |= {"kept": kept, "rejected": summary.rows - kept, "rejected_by": dict(reasons.most_common())}
    elif spec.command == "reject":
        extra |= job.rejection().to_dict()
    report_summary(summary, options["summary_format"], options["summary_json"], skipped, extra)
    stopped = next((o.stopped for o in outcomes if o.stopped), None)
    if stopped:
        click.echo(f"error: run stopped: {stopped}\nthe finished shards are in {out}; fix the cause and run the "
                   "same command again: it resumes", err=True)
        raise SystemExit(EXIT_RUN_STOPPED)
    bad = next((o.bad for o in outcomes if o.bad), None)
    if bad:
        fail(f"{bad}\nthe rows before it and the other shards are in {out} (the manifest marks that shard "
             "unfinished); fix the row and run again (a changed input starts over: delete the folder), or pass "
             "--skip-invalid to skip such rows")
