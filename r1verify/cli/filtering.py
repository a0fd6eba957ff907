"""`r1verify filter`: keep the rows that pass a recipe (cold-start curation), with a reject report."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import click

from ..io import write_jsonl
from ..sft import sft_record
from .app import cli
from .common import DatasetRun, dataset_options, dataset_run, interrupted, out_option, sft_format_option
from ..backends.sharded import PartSpec
from .app import fail
from .outputs import OutputFile
from .sharded_out import is_sharded_target, run_sharded


@cli.command("filter")
@dataset_options(default_recipe="cold-start")
@out_option("Kept rows (JSONL). With --backend ray, a folder (DIR/) gets kept and rejected parts per input shard.")
@sft_format_option
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Rejected rows with the reasons [default: OUT with .rejects.jsonl].",
)
def filter_command(out_path: str, fmt: str, rejects: Path | None, **options: Any) -> None:
    """Keep the rows of INPUT that pass the recipe; write them SFT-ready, and the rest with reasons.

    A row passes when every verifier marked `required` in the recipe passes (status correct, or score >=
    min_score) and the reward reaches the recipe's min_reward. The default recipe, cold-start, asks for the
    think template, one language, no degenerate repetition, a summary after the reasoning and a correct answer
    where a reference is known (`r1verify recipes show cold-start`).

    \b
    Examples:
      r1verify filter long_cot.jsonl --out sft.jsonl
      r1verify filter long_cot.jsonl --recipe my-cold-start.toml --format original --out kept.jsonl
    """
    if is_sharded_target(out_path):
        if rejects is not None:
            fail("a sharded --out DIR/ holds the rejected parts too; leave --rejects out")
        run_sharded(out_path, PartSpec("filter", fmt), options)
        return
    _filter_to_files(Path(out_path), fmt, rejects, options)


def _filter_to_files(out_path: Path, fmt: str, rejects: Path | None, options: dict[str, Any]) -> None:
    rejects = rejects or out_path.with_suffix(".rejects.jsonl")
    reasons: Counter[str] = Counter()
    kept = 0
    source = options["input"]
    outputs = {"--out": out_path, "--rejects": rejects, "--summary-json": options["summary_json"]}
    run: DatasetRun | None = None
    try:  # a second output that cannot be opened drops the first one's temporary file (the with statement)
        with (
            OutputFile(out_path, "--out", [source], others=outputs) as out,
            OutputFile(rejects, "--rejects", [source], others=outputs) as rej,
            dataset_run(outputs=[out, rej], **options) as run,
        ):
            recipe = run.engine.recipe
            for item in run.verified():
                run.summary.add([item.result])
                if item.result.passed:
                    kept += 1
                    write_jsonl(out, sft_record(item.row, item.sample, fmt))  # type: ignore[arg-type]
                    continue
                failures = recipe.failures(item.result.verdicts, item.result.reward)
                reasons.update(f["rule"] for f in failures)
                write_jsonl(rej, {**item.row.data, "reward": item.result.reward, "rejected_by": failures})
    except KeyboardInterrupt:
        interrupted(out_path, kept, f"the rejected ones are in {rejects}; run the command again to redo it whole", run)
    assert run is not None  # the with statement ran (anything else raised out of it)
    run.finish(
        extra={"kept": kept, "rejected": run.summary.rows - kept, "rejected_by": dict(reasons.most_common())},
        out_hint=f" ({kept} kept in {out_path})",
    )
