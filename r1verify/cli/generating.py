"""`r1verify generate`: sample n completions per prompt into the file `r1verify reject` reads (resumable)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import click

from ..io import InputError, InvalidRow, open_rows
from .app import cli, fail, stderr_console
from .common import POSITIVE, stacked
from .outputs import check_target

EXIT_GENERATION_FAILED = 1


def sampling_options(func: Any) -> Any:
    """The options of the generation backends, shared by ``generate`` and ``reject --generate``."""
    return stacked(
        click.option("--endpoint", metavar="URL", help="OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1 "
                     "(vLLM, SGLang, TGI). Without it, --model is a local transformers checkpoint."),
        click.option("--model", "model", metavar="NAME|PATH", help="Served model name, or a local model folder."),
        click.option("-n", "n", type=POSITIVE, default=8, show_default=True, help="Completions per prompt."),
        click.option("--temperature", type=click.FloatRange(min=0), help="Sampling temperature [default: the server's]."),
        click.option("--top-p", type=click.FloatRange(0, 1, min_open=True), help="Nucleus sampling [default: the server's]."),
        click.option("--max-tokens", type=POSITIVE, help="Most tokens per completion [default: the server's; 256 local]."),
        click.option("--seed", type=int, help="Sampling seed (passed to the server)."),
        click.option("--extra-body", metavar="JSON", help='More request fields, e.g. \'{"top_k": 20}\'.'),
        click.option("--system", metavar="TEXT", help="A system message for prompts that have none."),
        click.option("--prompt-column", metavar="COLUMN", help="Prompt column [default: messages, else prompt]."),
        click.option("--id-column", metavar="COLUMN", help="Unique prompt id column [default: a hash of the prompt]."),
        click.option("--concurrency", type=POSITIVE, default=64, show_default=True, help="Requests in flight."),
        click.option("--request-timeout", type=click.FloatRange(min=0, min_open=True), default=600.0, show_default=True,
                     help="Seconds for one whole request (connect to last byte)."),
        click.option("--retries", type=click.IntRange(min=0), default=5, show_default=True,
                     help="Retries of a request after 429/5xx/timeouts/dropped connections (exponential backoff)."),
        click.option("--api-key-env", default="OPENAI_API_KEY", show_default=True, metavar="VAR",
                     help="Environment variable holding the API key, if the server wants one."),
        click.option("--gen-batch-size", type=POSITIVE, default=8, show_default=True,
                     help="Local model: prompts per generate call."),
        click.option("--device", help="Local model: torch device [default: cuda if available, else cpu]."),
        click.option("--no-fsync", is_flag=True, help="Flush but do not fsync each prompt's rows."),
    )(func)


@cli.command("generate")
@click.argument("input", metavar="INPUT")
@click.option("--out", "-o", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Generations (JSONL), appended to: a rerun resumes.")
@sampling_options
@click.option("--split", help="Split to read from a saved Hugging Face DatasetDict.")
@click.option("--limit", type=POSITIVE, help="Only the first N prompts.")
@click.option("--skip-invalid", is_flag=True, help="Skip prompt rows that cannot be read instead of stopping (exit 2).")
@click.option("--summary", "summary_format", type=click.Choice(["json", "none"]), default="json",
              show_default=True, help="One JSON line on stderr at the end.")
def generate_command(input: str, out_path: Path, split: str | None, limit: int | None, skip_invalid: bool,
                     summary_format: str, **options: Any) -> None:
    """Sample -n completions for every prompt of INPUT (JSONL, JSON, Parquet or a saved HF dataset, with chat
    `messages` or a `prompt` column) and write one row per completion: the row's columns, prompt, completion,
    prompt_id, sample_index, finish_reason, model. `r1verify reject OUT --group-by prompt_id` reads it.

    OUT is resumable: rows of prompts already complete are skipped, a prompt cut short gets only its missing
    samples, a torn last line is dropped. A request that still fails after --retries stops the run (exit 1)
    with the server's answer; run the same command again to continue. A prompt row that cannot be read stops
    the run (exit 2) after the prompts before it are generated; --skip-invalid counts such rows instead.

    \b
    Examples:
      r1verify generate prompts.jsonl --endpoint http://127.0.0.1:8000/v1 --model R1-Distill -n 8 \\
          --temperature 0.6 --top-p 0.95 --max-tokens 8192 --out gens.jsonl
      r1verify generate prompts.jsonl --model ./tiny-model -n 4 --out gens.jsonl     # local transformers
      r1verify reject prompts.jsonl --generate --endpoint URL --model NAME -n 8 --out sft.jsonl
    """
    stats = run_generation(input, out_path, split, limit, skip_invalid, **options)
    if summary_format == "json":
        click.echo(json.dumps({"generation": stats}), err=True)


def run_generation(input: str, out_path: Path, split: str | None, limit: int | None, skip_invalid: bool,
                   **options: Any) -> dict[str, Any]:
    """Generate into ``out_path`` from the CLI options; exits 2 on bad arguments or input, 1 when the endpoint
    fails for good. Returns the run's statistics."""
    from ..generation import EndpointError, GenerationStore, generate, prompt_items

    check_target(out_path, "--out", [input])
    backend = _backend(options)
    try:
        rows, total = open_rows(input, split=split)
    except InputError as exc:
        fail(str(exc))
    if limit is not None:
        total = min(total, limit) if total is not None else limit
    skipped: list[str] = []
    bad: list[InvalidRow] = []

    def on_invalid(exc: InvalidRow) -> bool:
        """--skip-invalid: count the row and go on; else stop taking prompts (those taken are finished)."""
        if skip_invalid:
            skipped.append(str(exc))
        else:
            bad.append(exc)
        return skip_invalid

    items = prompt_items(rows, options["prompt_column"], options["id_column"], options["system"], on_invalid)
    if limit is not None:
        items = islice(items, limit)
    existed = out_path.exists()
    try:
        store = GenerationStore(out_path, fsync=not options["no_fsync"])
    except (ValueError, OSError) as exc:
        fail(str(exc))
    with store, _progress(sys.stderr.isatty(), total) as progress:
        try:
            stats = generate(items, store, backend, options["n"], progress)
        except EndpointError as exc:
            store.close()
            click.echo(f"error: generation stopped: {exc}\n{_kept(out_path, existed)}", err=True)
            raise SystemExit(EXIT_GENERATION_FAILED) from None
        except OSError as exc:  # a local checkpoint that is not there, a full disk
            fail(f"generation failed: {exc}")
    if bad:
        fail(f"{bad[0]}\n{stats.prompts} prompts before it are in {out_path}; fix the row and run again to resume, "
             "or pass --skip-invalid to skip such rows")
    return {**stats.to_dict(), "skipped_invalid_rows": len(skipped), "first_invalid_rows": skipped[:5]}


def _kept(out_path: Path, existed: bool) -> str:
    """What a failed run leaves: the finished prompts to resume from, or no file at all."""
    if not existed and out_path.exists() and out_path.stat().st_size == 0:
        out_path.unlink()
        return f"no prompt finished, so {out_path} was not written; fix the cause and run the command again"
    return f"finished prompts are in {out_path}; run the same command again to resume"


def _backend(options: dict[str, Any]) -> Any:
    from ..generation import EndpointGenerator, LocalGenerator, SamplingParams

    if not options["model"]:
        fail("give --model (the served model's name with --endpoint, or a local model folder)")
    extra: dict[str, Any] = {}
    if options["extra_body"]:
        try:
            extra = json.loads(options["extra_body"])
        except json.JSONDecodeError as exc:
            fail(f"--extra-body is not JSON ({exc.msg}); e.g. --extra-body '{{\"top_k\": 20}}'")
        if not isinstance(extra, dict):
            fail("--extra-body must be a JSON object")
    params = SamplingParams(n=options["n"], temperature=options["temperature"], top_p=options["top_p"],
                            max_tokens=options["max_tokens"], seed=options["seed"], extra=extra)
    if options["endpoint"]:
        if not options["endpoint"].startswith(("http://", "https://")):
            fail(f"--endpoint {options['endpoint']!r}: expected an http(s) URL such as http://127.0.0.1:8000/v1")
        return EndpointGenerator(options["endpoint"], options["model"], params, concurrency=options["concurrency"],
                                 request_timeout=options["request_timeout"], retries=options["retries"],
                                 api_key=os.environ.get(options["api_key_env"]) or None)
    if not Path(options["model"]).is_dir():
        fail(f"--model {options['model']!r} is not a local folder; to use a server, add --endpoint URL")
    return LocalGenerator(options["model"], params, batch_size=options["gen_batch_size"], device=options["device"])


@contextlib.contextmanager
def _progress(enabled: bool, total: int | None) -> Iterator[Callable[[int, int], None]]:
    if not enabled:
        yield lambda prompts, tokens: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    started = time.perf_counter()
    tokens = 0
    with Progress(TextColumn("generating"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                  TimeRemainingColumn(), transient=True, console=stderr_console()) as bar:
        task = bar.add_task("prompts", total=total, rate="")

        def advance(prompts: int, new_tokens: int) -> None:
            nonlocal tokens
            tokens += new_tokens
            rate = tokens / max(1e-9, time.perf_counter() - started)
            bar.update(task, advance=prompts, rate=f"{rate:,.0f} tok/s")

        yield advance
