"""`r1verify verify`: score every row of a dataset with a recipe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..io import output_record, write_jsonl
from .app import cli
from .common import dataset_options, dataset_run, out_option


@cli.command()
@dataset_options()
@out_option("Output JSONL: each input row plus reward, passed and verdicts.")
def verify(out_path: Path, **options: Any) -> None:
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

    A row that cannot be read stops the run with exit code 2, naming the file, line and field; every row
    before it is verified and written first. --skip-invalid counts such rows instead.
    """
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with dataset_run(**options) as run, out_path.open("w", encoding="utf-8") as out:
        for item in run.verified():
            write_jsonl(out, output_record(item.row, item.result))
            run.summary.add([item.result])
    run.finish(out_hint=f" and written to {out_path}")
