"""What the dataset commands (verify, filter, reject) share: options, recipe loading, the verified stream,
the progress bar and the summary."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import click

from ..backends import BackendError
from ..engine import Engine
from ..guard import RunGuard, RunStopped
from ..io import ColumnMap, InputError, InvalidRow, Row, open_rows
from ..pipeline import Verified, VerifyStream
from ..plugins import PluginError, UnknownVerifierError
from ..recipe import Recipe, RecipeError
from ..summary import Summary
from .app import EXIT_INTERRUPTED, fail, stderr_console
from .outputs import OutputFile, probe_target, write_text_output


EXIT_RUN_STOPPED = 3
"""Exit status of a run the guard stopped: a setup failure every row shares, or --max-error-rate crossed."""
POSITIVE = click.IntRange(min=1)
"""A count that must be at least 1 (click names the option and the value when it is not)."""


def interrupted(out_path: Path, rows: int, hint: str, run: DatasetRun | None) -> NoReturn:
    """Ctrl-C: say what was kept and how to go on, exit 130 (the shell's code for SIGINT). ``run``: the command's
    run, ``None`` when Ctrl-C came before it started."""
    if run is None or run.discarded:
        click.echo(f"\ninterrupted before a row was verified: {out_path} was left as it was", err=True)
    else:
        click.echo(f"\ninterrupted: {rows} rows are in {out_path}; {hint}", err=True)
    raise SystemExit(EXIT_INTERRUPTED)


def stacked(*decorators: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """One decorator applying several click decorators, in the order written."""

    def apply(func: Any) -> Any:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return apply


def recipe_options(default_recipe: str | None = None) -> Callable[[Any], Any]:
    """``--recipe NAME|FILE.toml`` and repeatable ``--verifier NAME[:k=v,...]`` (see :func:`recipe_from_options`)."""
    return stacked(
        click.option(
            "--recipe",
            "-r",
            "recipe_ref",
            metavar="NAME|FILE.toml",
            default=default_recipe,
            show_default=default_recipe is not None,
            help="A registered recipe or a TOML file.",
        ),
        click.option(
            "--verifier",
            "-v",
            "verifier_args",
            multiple=True,
            metavar="NAME[:k=v,...]",
            help="Add a verifier (repeatable). Keys weight, timeout, required, min_score, domains (a|b), "
            "as (instance name) configure the spec; other keys are verifier options.",
        ),
    )


summary_format_option = click.option(
    "--summary",
    "summary_format",
    type=click.Choice(["auto", "table", "json", "none"]),
    default="auto",
    show_default=True,
    help="Summary on stderr: auto = a table on a terminal, one JSON line otherwise.",
)


def max_error_rate_option(help: str) -> Callable[[Any], Any]:
    """``--max-error-rate SHARE`` (see :mod:`r1verify.guard`), ``help`` saying how this command stops."""
    return click.option("--max-error-rate", type=click.FloatRange(0, 1), metavar="SHARE", help=help)


def dataset_options(default_recipe: str | None = None) -> Callable[[Any], Any]:
    """The options every dataset command takes (INPUT, recipe, columns, batching, bad rows, summary)."""
    return stacked(
        click.argument("input", metavar="INPUT"),
        recipe_options(default_recipe),
        click.option(
            "--map",
            "maps",
            multiple=True,
            metavar="FIELD=COLUMN",
            help="Column for prompt/completion/reference/domain, e.g. --map completion=response.",
        ),
        click.option("--split", help="Split to read from a saved Hugging Face DatasetDict."),
        click.option("--batch-size", type=POSITIVE, default=512, show_default=True, help="Rows verified together."),
        click.option("--workers", type=POSITIVE, help="Worker processes [default: R1VERIFY_WORKERS or CPU count]."),
        click.option(
            "--backend",
            type=click.Choice(["local", "ray"]),
            default="local",
            show_default=True,
            help="ray: verify on a Ray cluster, one Engine per actor (pip install 'r1verify[ray]'; docs/scale.md); "
            "--workers is then per actor [default 1].",
        ),
        click.option("--address", help="With --backend ray: auto, or ray://HOST:PORT [default: start a local Ray]."),
        click.option(
            "--actors", type=POSITIVE, help="With --backend ray: verifier actors [default: cluster CPUs / workers]."
        ),
        click.option("--skip-invalid", is_flag=True, help="Skip unreadable rows instead of stopping (exit 2)."),
        max_error_rate_option(
            "Stop (exit 3) when more than this share of rows has an error or timeout verdict, e.g. 0.05; "
            "checked from 50 rows on and at the end. A setup failure every row shares (endpoint down, image not "
            "built) stops the run anyway."
        ),
        click.option("--limit", type=POSITIVE, help="Verify only the first N valid rows."),
        summary_format_option,
        click.option(
            "--summary-json",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Also write the summary as JSON here.",
        ),
    )


def out_option(help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The required ``--out/-o FILE`` option (a string: ``verify``, ``filter`` and ``reject`` also take ``DIR/``)."""
    return click.option("--out", "-o", "out_path", required=True, type=click.Path(path_type=str), help=help)


sft_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["messages", "original"]),
    default="messages",
    show_default=True,
    help="messages: {'messages': [prompt..., assistant]} for TRL's SFTTrainer; original: the row's columns.",
)


def recipe_from_options(recipe_ref: str | None, verifier_args: tuple[str, ...]) -> Recipe:
    if not recipe_ref and not verifier_args:
        fail("give a recipe (--recipe NAME|FILE.toml) or at least one --verifier NAME; see `r1verify recipes list`")
    try:
        recipe = Recipe.load(recipe_ref) if recipe_ref else None
        extra = Recipe.from_verifier_args(list(verifier_args)) if verifier_args else None
        if recipe and extra:
            return recipe.merged(extra)
    except (RecipeError, PluginError) as exc:
        fail(str(exc))
    except UnicodeDecodeError as exc:  # a recipe file that is not UTF-8 (TOML must be)
        fail(f"{recipe_ref}: not valid UTF-8 (byte {exc.start}); save the recipe as UTF-8")
    return recipe or extra  # type: ignore[return-value]


@dataclass
class DatasetRun:
    """An open dataset command: the engine, the verified stream and its summary."""

    engine: Engine
    stream: VerifyStream
    rows: Iterator[Row]
    summary: Summary
    summary_format: str
    summary_json: Path | None
    guard: RunGuard = field(default_factory=RunGuard)
    bad: InvalidRow | None = field(default=None, init=False)
    """The bad row the stream stopped at."""
    stopped: RunStopped | None = field(default=None, init=False)
    """Why the guard stopped the run."""
    outputs: Sequence[OutputFile] = ()
    """The command's output files, kept or dropped together when the run fails (see :meth:`close`)."""
    discarded: bool = field(default=False, init=False)
    """The run failed before a row was done: the outputs, and the summary JSON, were left as they were."""
    _streams: list[Generator[Verified, None, None]] = field(default_factory=list, init=False, repr=False)

    def verified(self) -> Iterator[Verified]:
        """Verified rows; stops at a bad row (after the rows before it) and records it in ``bad``."""
        stream = self._verified()
        self._streams.append(stream)
        return stream

    def close(self, failed: bool = False) -> None:
        """End every stream :meth:`verified` opened (a Ray execution stops before Ray may be shut down).

        A run that failed (``failed``: an exception or Ctrl-C in the command; or a bad row, the guard) keeps or
        drops its outputs together: before any row was done (none summarised, none written) they are all dropped,
        so earlier files of the same names stay as they were; after, they are all kept, even one still empty
        (``filter`` interrupted before its first kept row: an empty ``--out`` beside the ``--rejects`` written).
        """
        for stream in self._streams:
            stream.close()
        if not (failed or self.bad or self.stopped):
            return
        if self.summary.rows or any(out.written for out in self.outputs):
            for out in self.outputs:
                out.keep()  # committed when the command's with statement ends
        else:
            for out in self.outputs:
                out.discard()
            self.discarded = True

    def _verified(self) -> Generator[Verified, None, None]:
        try:
            for item in self.stream.run(self.rows):
                yield item
                self.guard.add([item.result])
        except InvalidRow as exc:
            self.bad = exc
        except RunStopped as exc:
            self.stopped = exc
        except BackendError as exc:
            fail(str(exc))

    def finish(self, extra: dict[str, Any] | None = None, out_hint: str = "") -> None:
        """Print the summary; exit 2 naming the bad row if there was one, 3 if the guard stopped the run."""
        if self.stopped is None and self.bad is None:
            try:
                self.guard.finish()
            except RunStopped as exc:
                self.stopped = exc
        self.summary.skipped_rows = len(self.stream.skipped)
        summary_json = None if self.discarded else self.summary_json
        report_summary(self.summary, self.summary_format, summary_json, self.stream.skipped, extra)
        if self.discarded:
            out_hint = "; the outputs were left as they were"
        if self.stopped is not None:
            click.echo(f"error: run stopped: {self.stopped}\n{self.summary.rows} rows were verified{out_hint}",
                       err=True)
            raise SystemExit(EXIT_RUN_STOPPED)
        if self.bad is not None:
            fail(
                f"{self.bad}\n{self.summary.rows} rows before it were verified{out_hint}; "
                f"fix the row, or pass --skip-invalid to skip such rows"
            )


@contextlib.contextmanager
def dataset_run(
    input: str,
    recipe_ref: str | None,
    verifier_args: tuple[str, ...],
    maps: tuple[str, ...],
    split: str | None,
    batch_size: int,
    workers: int | None,
    skip_invalid: bool,
    max_error_rate: float | None,
    limit: int | None,
    summary_format: str,
    summary_json: Path | None,
    backend: str = "local",
    address: str | None = None,
    actors: int | None = None,
    outputs: Sequence[OutputFile] = (),
) -> Iterator[DatasetRun]:
    """Open INPUT and an engine for the recipe; bad arguments exit 2 with the reason. ``outputs``: the command's
    output files (see :attr:`DatasetRun.outputs`)."""
    recipe = recipe_from_options(recipe_ref, verifier_args)
    if summary_json is not None:
        probe_target(summary_json, "--summary-json", [input])
    if backend != "ray" and (address or actors):
        fail("--address and --actors go with --backend ray")
    try:
        columns = ColumnMap.parse(maps)
        rows, total = open_rows(input, split=split) if backend != "ray" else ray_input(input, split)
    except InputError as exc:
        fail(str(exc))
    if limit is not None:
        total = min(total, limit) if total is not None else limit
    try:
        engine = Engine(recipe, workers=workers)
    except (RecipeError, UnknownVerifierError, PluginError) as exc:
        fail(str(exc))
    summary = Summary()
    show_progress = sys.stderr.isatty() and summary_format != "none"
    with engine, progress_bar(show_progress, total) as advance:

        def on_batch(n: int) -> None:
            advance(n)

        stream: Any = VerifyStream(engine, columns, batch_size, skip_invalid, limit, on_batch)
        if backend == "ray":
            from ..backends.ray_stream import RayStream

            stream = RayStream(recipe, input, columns, batch_size, skip_invalid, limit, on_batch)
            stream.workers, stream.actors, stream.address = workers or 1, actors, address
        run = DatasetRun(
            engine, stream, rows, summary, summary_format, summary_json, RunGuard(max_error_rate), outputs
        )
        try:
            yield run
        except BaseException:  # an error in the command's loop, Ctrl-C: the stream ends now, not at GC
            run.close(failed=True)
            raise
        run.close()


def ray_input(input: str, split: str | None) -> tuple[Iterator[Row], int | None]:
    """``--backend ray``: check Ray is installed and INPUT is a file it reads; the cluster reads the rows."""
    from ..backends import BackendError, require_ray
    from ..backends.shards import plan_shards

    if split is not None:
        raise InputError("--split reads saved Hugging Face datasets, which --backend ray does not; use --backend local")
    try:
        require_ray()
    except BackendError as exc:
        fail(str(exc))
    if input == "-":
        raise InputError("--backend ray cannot read stdin; give a .jsonl or .parquet file, or use --backend local")
    plan_shards(input)  # a missing file, a folder or another format fails here, before any output is opened
    return iter(()), None


@contextlib.contextmanager
def progress_bar(enabled: bool, total: int | None, label: str = "verifying") -> Iterator[Callable[[int], None]]:
    """A transient rich progress bar on stderr (``advance(n)`` per batch), or a no-op when not ``enabled``."""
    if not enabled:
        yield lambda n: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
        console=stderr_console(),
    ) as progress:
        task = progress.add_task("rows", total=total)
        yield lambda n: progress.advance(task, n)


def report_summary(
    summary: Summary, fmt: str, json_path: Path | None, skipped: list[str], extra: dict[str, Any] | None = None
) -> None:
    data = summary.to_dict()
    if extra:
        data.update(extra)
    if skipped:
        data["first_invalid_rows"] = skipped[:5]
    if json_path is not None:
        write_text_output(json_path, json.dumps(data, indent=2) + "\n", "--summary-json")
    if fmt == "auto":
        fmt = "table" if sys.stderr.isatty() else "json"
    if fmt == "table":
        console = stderr_console()
        console.print(summary.table())
        for key, value in (extra or {}).items():
            if not isinstance(value, (dict, list)):
                console.print(f"{key}: {value}", markup=False, highlight=False)
        for line in skipped[:5]:
            console.print(f"skipped {line}", style="yellow", markup=False, highlight=False)
    elif fmt == "json":
        click.echo(json.dumps({"summary": data}), err=True)
