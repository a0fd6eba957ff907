"""`r1verify report`: a self-contained HTML report of a results file, optionally a PNG of it."""

from __future__ import annotations

from pathlib import Path

import click

from .app import cli, fail


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
@click.option("--examples", default=6, show_default=True, help="How many worst and borderline examples to show.")
def report_command(results: Path, out_path: Path | None, png: Path | None, title: str | None, examples: int) -> None:
    """Write an HTML report of RESULTS (the JSONL that `r1verify verify --out` writes).

    The page is one file with no external resources: the summary table, the reward histogram, a score
    histogram and status breakdown per verifier, and the worst and borderline examples.

    \b
    Examples:
      r1verify report scored.jsonl                       # writes scored.html
      r1verify report scored.jsonl -o report.html --png report.png
    """
    from ..report import NotAResultsFile, read_results, render_html, screenshot

    out_path = out_path or results.with_suffix(".html")
    try:
        with results.open(encoding="utf-8") as fh:
            data = read_results(fh, str(results), examples=examples)
    except NotAResultsFile as exc:
        fail(str(exc))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(render_html(data, title or results.name), encoding="utf-8")
    click.echo(f"wrote {out_path} ({data.summary.rows} rows)")
    if png is not None:
        try:
            screenshot(out_path, png)
        except RuntimeError as exc:
            fail(str(exc))
        click.echo(f"wrote {png}")
