"""`r1verify reject`: rejection sampling over many generations per prompt."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import click

from ..io import InvalidRow, write_jsonl
from ..rejection import (
    RejectionStats,
    UnsortedInput,
    group_key_function,
    group_label,
    groups,
    select,
    sorted_by_group,
)
from ..sft import sft_record
from .app import cli, fail
from .common import DatasetRun, POSITIVE, dataset_options, dataset_run, interrupted, out_option, sft_format_option
from .outputs import OutputFile, check_target
from .sharded_out import is_sharded_target, run_sharded
from ..backends.sharded import PartSpec
from .generating import run_generation, sampling_options


@cli.command("reject")
@dataset_options(default_recipe="rejection")
@out_option("Kept generations (JSONL). With --backend ray, a folder (DIR/) gets the kept generations and "
            "per-prompt lines in parts, grouped by prompt in the cluster.")
@click.option("--group-by", metavar="COLUMN", help="Column identifying the prompt [default: the prompt itself].")
@click.option(
    "--keep",
    type=click.Choice(["best", "first", "all"]),
    default="best",
    show_default=True,
    help="best: top k by reward, ties to the shorter; first: first k passing; all: every passing one.",
)
@click.option("-k", "k", type=POSITIVE, default=1, show_default=True, help="How many to keep per prompt (best/first).")
@sft_format_option
@click.option(
    "--per-prompt",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write one JSON line per prompt: n, passed, pass rate, pass@k, kept.",
)
@click.option(
    "--unsorted",
    is_flag=True,
    help="The input is not grouped by prompt: group it in a temporary SQLite file first (disk, not RAM).",
)
@click.option(
    "--generate",
    "generate",
    is_flag=True,
    help="INPUT holds prompts: sample -n completions each first (see `r1verify generate --help` for the options "
    "below), into --generations, then reject them.",
)
@click.option(
    "--generations",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --generate: where the generations go (resumable) [default: OUT with .generations.jsonl].",
)
@sampling_options
def reject_command(
    out_path: str,
    group_by: str | None,
    keep: str,
    k: int,
    fmt: str,
    per_prompt: Path | None,
    unsorted: bool,
    generate: bool,
    generations: Path | None,
    **options: Any,
) -> None:
    """Rejection sampling: verify every generation, keep correct and clean ones, pick the best per prompt.

    INPUT holds many generations per prompt, one per row, grouped by prompt (as generators write them; else
    pass --unsorted). A generation is a candidate when it passes the recipe (the default recipe, rejection,
    requires a correct answer, one language, no overlong or repetitive output: `r1verify recipes show
    rejection`); identical completions count once. The summary reports per-prompt pass rates and pass@k
    (unbiased estimator). Memory holds one prompt's group at a time.

    \b
    Examples:
      r1verify reject samples.jsonl --out sft.jsonl                    # best one per prompt
      r1verify reject samples.jsonl --group-by problem_id --keep first -k 2 --out sft.jsonl
      r1verify reject samples.jsonl --keep all --per-prompt rates.jsonl --out kept.jsonl
      r1verify reject samples.jsonl --backend ray --address auto --out kept/   # grouped in the cluster, any order
    """
    if is_sharded_target(out_path):
        _reject_sharded(out_path, PartSpec("reject", fmt, keep, k, group_by), per_prompt, generate, generations,
                        options)
        return
    target = Path(out_path)
    sampling = {key: options.pop(key) for key in list(options) if key in _SAMPLING_KEYS}
    made: dict[str, Any] | None = None
    if generate:
        generations = generations or target.with_name(target.stem + ".generations.jsonl")
        check_target(target, "--out", [options["input"], generations])  # before the generation, not after it
        made = run_generation(
            options["input"], generations, options.pop("split"), None, options["skip_invalid"], **sampling
        )
        options.update(input=str(generations), split=None)
        group_by = group_by or "prompt_id"
        unsorted = unsorted or made["resumed_rows"] > 0  # a resumed prompt's missing samples come later
    elif sampling["endpoint"] or sampling["model"] or generations:
        fail("--endpoint, --model and --generations go with --generate (INPUT then holds prompts)")
    stats = RejectionStats()
    source = options["input"]
    outputs = {"--out": target, "--per-prompt": per_prompt, "--summary-json": options["summary_json"]}
    run: DatasetRun | None = None
    try:  # a second output that cannot be opened drops the first one's temporary file (the with statement)
        with (
            OutputFile(target, "--out", [source], others=outputs) as out,
            (
                OutputFile(per_prompt, "--per-prompt", [source], others=outputs)
                if per_prompt
                else contextlib.nullcontext()
            ) as rates,
            dataset_run(outputs=[out, *([rates] if rates else [])], **options) as run,
        ):
            key = group_key_function(group_by, run.stream.columns.prompt)
            if unsorted and options.get("backend") != "ray":
                run.rows = sorted_by_group(run.rows, key)
            verified = run.verified()
            if unsorted and options.get("backend") == "ray":  # the cluster reads the rows: group what comes back
                verified = sorted_by_group(verified, lambda item: key(item.row))  # type: ignore[arg-type,assignment]
            try:
                for group_id, group in groups(verified, key):
                    run.summary.add([item.result for item in group])
                    kept = select(group, keep, k)  # type: ignore[arg-type]
                    for item in kept:
                        write_jsonl(out, sft_record(item.row, item.sample, fmt))  # type: ignore[arg-type]
                    line = stats.add(group, kept)
                    if rates is not None:
                        write_jsonl(rates, {"group": group_label(group_id)[:200], **line})
            except (InvalidRow, UnsortedInput) as exc:
                fail(str(exc))
    except KeyboardInterrupt:
        interrupted(target, stats.kept, "run the command again to redo it whole", run)
    assert run is not None  # the with statement ran (anything else raised out of it)
    extra = stats.to_dict() | ({"generation": made} if made is not None else {})
    run.finish(extra=extra, out_hint=f" ({stats.kept} kept in {target})")


def _reject_sharded(
    out: str,
    spec: PartSpec,
    per_prompt: Path | None,
    generate: bool,
    generations: Path | None,
    options: dict[str, Any],
) -> None:
    """``reject --backend ray --out DIR/``: grouped by prompt in the cluster, so ``--unsorted`` is implied."""
    if per_prompt is not None:
        fail("a sharded --out DIR/ holds the per-prompt lines too (part-NNNNN.per-prompt.jsonl); "
             "leave --per-prompt out")
    if generate:
        fail("--generate does not go with a sharded --out DIR/: generate into a file first (r1verify generate), then "
             "reject it with --backend ray")
    sampling = {key: options.pop(key) for key in list(options) if key in _SAMPLING_KEYS}
    if sampling["endpoint"] or sampling["model"] or generations:
        fail("--endpoint, --model and --generations go with --generate, which a sharded --out DIR/ does not take")
    run_sharded(out, spec, options)


_SAMPLING_KEYS = frozenset(
    "endpoint model n temperature top_p max_tokens seed extra_body system prompt_column id_column concurrency "
    "request_timeout retries api_key_env gen_batch_size device no_fsync".split()
)
