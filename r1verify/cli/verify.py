"""`r1verify verify`: score every row of a dataset with a recipe."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from ..io import ColumnMap, InputError, InvalidRow, Row, open_rows, output_record, to_sample, write_jsonl
from ..plugins import PluginError, UnknownVerifierError
from ..recipe import Recipe, RecipeError
from ..summary import Summary
from . import cli, fail, stderr_console


@cli.command()
@click.argument("input", metavar="INPUT")
@click.option("--recipe", "-r", "recipe_ref", metavar="NAME|FILE.toml", help="A registered recipe or a TOML file.")
@click.option(
    "--verifier",
    "-v",
    "verifier_args",
    multiple=True,
    metavar="NAME[:k=v,...]",
    help="Add a verifier (repeatable). Keys weight, timeout, required, min_score, domains (a|b), as (instance "
    "name) configure the spec; other keys are verifier options.",
)
@click.option(
    "--out",
    "-o",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output JSONL: each input row plus reward, passed and verdicts.",
)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Column for prompt/completion/reference/domain, e.g. --map completion=response.",
)
@click.option("--split", help="Split to read from a saved Hugging Face DatasetDict.")
@click.option("--batch-size", default=512, show_default=True, help="Rows verified together (dedup works per batch).")
@click.option("--workers", type=int, help="Worker processes [default: R1VERIFY_WORKERS or the CPU count].")
@click.option("--skip-invalid", is_flag=True, help="Skip rows that cannot be read instead of stopping (exit 2).")
@click.option("--limit", type=int, help="Verify only the first N valid rows.")
@click.option(
    "--summary",
    "summary_format",
    type=click.Choice(["auto", "table", "json", "none"]),
    default="auto",
    show_default=True,
    help="Summary on stderr: auto = a table on a terminal, one JSON line otherwise.",
)
@click.option("--summary-json", type=click.Path(dir_okay=False, path_type=Path), help="Also write the summary here.")
def verify(
    input: str,
    recipe_ref: str | None,
    verifier_args: tuple[str, ...],
    out_path: Path,
    maps: tuple[str, ...],
    split: str | None,
    batch_size: int,
    workers: int | None,
    skip_invalid: bool,
    limit: int | None,
    summary_format: str,
    summary_json: Path | None,
) -> None:
    """Verify every row of INPUT and write rewards and verdicts to --out.

    INPUT is a .jsonl/.json/.parquet file, a folder saved with datasets' save_to_disk, or - for JSONL on stdin.
    Columns: prompt, completion (text or chat messages), reference (else the first of ground_truth, answer,
    solution, label, tests), domain; every other column is passed to verifiers as meta and copied to the output.

    \b
    Examples:
      r1verify verify gens.jsonl --recipe reasoning-rl --out scored.jsonl
      r1verify verify gens.parquet -v math -v think_format:weight=0.2 --out scored.jsonl
      r1verify verify gens.jsonl --recipe my.toml --map completion=response --skip-invalid -o out.jsonl

    A row that cannot be read stops the run with exit code 2, naming the file, line and field; every row
    before it is verified and written first. --skip-invalid counts such rows instead.
    """
    from ..engine import Engine

    recipe = _recipe_from_options(recipe_ref, verifier_args)
    try:
        cmap = ColumnMap.parse(maps)
        rows, total = open_rows(input, split=split)
    except InputError as exc:
        fail(str(exc))
    if limit is not None:
        total = min(total, limit) if total is not None else limit
    try:
        engine = Engine(recipe, workers=workers)
    except (RecipeError, UnknownVerifierError, PluginError) as exc:
        fail(str(exc))
    summary = Summary()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    show_progress = sys.stderr.isatty() and summary_format != "none"
    bad: InvalidRow | None = None
    skipped: list[str] = []
    with engine, out_path.open("w", encoding="utf-8") as out, _progress_bar(show_progress, total) as advance:
        batch: list[tuple[Row, Any]] = []
        reference_column: list[str | None] = []

        def flush() -> None:
            results = engine.verify([sample for _, sample in batch])
            for (row, _), result in zip(batch, results, strict=True):
                write_jsonl(out, output_record(row, result))
            out.flush()
            summary.add(results)
            advance(len(batch))
            batch.clear()

        try:
            for row in _take(rows, limit):
                if not reference_column and row.error is None:
                    reference_column.append(cmap.resolve_reference(row.data))
                try:
                    batch.append((row, to_sample(row, cmap, reference_column[0])))
                except InvalidRow as exc:
                    if not skip_invalid:
                        raise
                    skipped.append(str(exc))
                    continue
                if len(batch) >= batch_size:
                    flush()
        except InvalidRow as exc:
            bad = exc
        if batch:
            flush()
    summary.skipped_rows = len(skipped)
    _report(summary, summary_format, summary_json, skipped)
    if bad is not None:
        fail(
            f"{bad}\n{summary.rows} rows before it were verified and written to {out_path}; "
            f"fix the row, or pass --skip-invalid to skip such rows"
        )


def _take(rows: Iterator[Row], limit: int | None) -> Iterator[Row]:
    """Rows up to ``limit`` valid ones (broken rows pass through so the caller can report or skip them)."""
    taken = 0
    for row in rows:
        if limit is not None and taken >= limit:
            return
        taken += row.error is None
        yield row


def _recipe_from_options(recipe_ref: str | None, verifier_args: tuple[str, ...]) -> Recipe:
    if not recipe_ref and not verifier_args:
        fail("give a recipe (--recipe NAME|FILE.toml) or at least one --verifier NAME; see `r1verify recipes list`")
    try:
        recipe = Recipe.load(recipe_ref) if recipe_ref else None
        extra = Recipe.from_verifier_args(list(verifier_args)) if verifier_args else None
    except (RecipeError, PluginError) as exc:
        fail(str(exc))
    if recipe and extra:
        try:
            return recipe.merged(extra)
        except RecipeError as exc:
            fail(str(exc))
    return recipe or extra  # type: ignore[return-value]


@contextlib.contextmanager
def _progress_bar(enabled: bool, total: int | None) -> Iterator[Any]:
    if not enabled:
        yield lambda n: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("verifying"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
        console=stderr_console(),
    ) as progress:
        task = progress.add_task("rows", total=total)
        yield lambda n: progress.advance(task, n)


def _report(summary: Summary, fmt: str, json_path: Path | None, skipped: list[str]) -> None:
    data = summary.to_dict()
    if skipped:
        data["first_invalid_rows"] = skipped[:5]
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    if fmt == "auto":
        fmt = "table" if sys.stderr.isatty() else "json"
    if fmt == "table":
        console = stderr_console()
        console.print(summary.table())
        for line in skipped[:5]:
            console.print(f"skipped {line}", style="yellow", markup=False, highlight=False)
    elif fmt == "json":
        click.echo(json.dumps({"summary": data}), err=True)
