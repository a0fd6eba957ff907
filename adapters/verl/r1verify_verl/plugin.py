"""Entry point of r1verify-verl: the ``r1verify verl convert`` and ``r1verify verl overrides`` commands."""

from __future__ import annotations

import os
from pathlib import Path

import click

from r1verify import hookimpl
from r1verify.cli import fail
from r1verify.cli.common import recipe_from_options
from r1verify.cli.outputs import check_target
from r1verify.io import ColumnMap, InputError, InvalidRow, open_rows
from r1verify.plugins import PluginError, UnknownVerifierError
from r1verify.recipe import RecipeError

from .dataset import ConvertSettings, verl_rows, write_parquet


@click.group("verl")
def verl_group() -> None:
    """veRL: datasets in its parquet layout, and the trainer overrides that use r1verify (docs/verl.md)."""


@verl_group.command("convert")
@click.argument("input", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--out", "-o", "out", type=click.Path(path_type=Path), required=True, help="The parquet file to write.")
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN", help="Column of prompt, reference or domain.")
@click.option("--data-source", help="data_source of every row [default: the row's data_source, else the file stem].")
@click.option("--split", default="train", show_default=True, help="extra_info.split.")
@click.option("--system", help="A system message before each string prompt.")
@click.option(
    "--template",
    default="{prompt}",
    show_default=True,
    help="The user message; {prompt} is replaced by the prompt text.",
)
@click.option("--default-domain", help="Domain (and ability) of rows without a domain column, e.g. math.")
@click.option("--skip-invalid", is_flag=True, help="Count rows that cannot be converted instead of stopping.")
def convert_command(
    input: Path,
    out: Path,
    maps: tuple[str, ...],
    data_source: str | None,
    split: str,
    system: str | None,
    template: str,
    default_domain: str | None,
    skip_invalid: bool,
) -> None:
    """Write INPUT (JSONL, JSON, Parquet, saved HF dataset) as veRL's RL parquet: data_source, a prompt chat
    list, ability, reward_model.ground_truth and extra_info (index, split, domain, the other columns)."""
    if "{prompt}" not in template:
        fail("--template must contain {prompt}, where the prompt text goes")
    check_target(out, "--out", [input])
    if out.suffix.lower() != ".parquet":
        fail(f"--out {out}: verl convert writes Parquet (what veRL's data.train_files reads); "
             f"name it {out.with_suffix('.parquet')}")
    try:
        cmap = ColumnMap.parse(maps)
        rows, _ = open_rows(input)
        settings = ConvertSettings(data_source, split, system, template, default_domain)
        converted, skipped = [], []
        for item in verl_rows(rows, cmap, settings, input.stem, skip_invalid=skip_invalid):
            if isinstance(item, InvalidRow):
                skipped.append(item)
            else:
                converted.append(item)
    except (InputError, InvalidRow) as exc:
        fail(f"{exc}" + ("" if skip_invalid else " (--skip-invalid counts such rows instead)"))
    for reason in skipped[:5]:
        click.echo(f"skipped {reason}", err=True)
    if not converted:
        fail(f"{input}: no row could be converted ({len(skipped)} invalid); map the columns with --map")
    try:
        write_parquet(converted, out)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror}; pass a writable path with --out")
    click.echo(f"wrote {len(converted)} rows to {out}" + (f" ({len(skipped)} invalid rows skipped)" if skipped else ""))


@verl_group.command("overrides")
@click.option(
    "--recipe",
    "-r",
    default="reasoning-rl",
    show_default=True,
    metavar="NAME|FILE.toml",
    help="A registered recipe or a TOML file (checked here; a file is printed as its absolute path).",
)
@click.option(
    "--style",
    type=click.Choice(["manager", "function"]),
    default="manager",
    show_default=True,
    help="manager: the batched r1verify reward manager; function: compute_score through veRL's naive manager.",
)
def overrides_command(recipe: str, style: str) -> None:
    """Print the ``python -m verl.trainer.main_ppo`` overrides that score rewards with RECIPE.

    The recipe is loaded and its verifiers built first, as ``verify -r`` does: a misspelled name, a missing file
    or a bad option exits 2 with the fix here, not when veRL's reward workers start after the model is loaded."""
    loaded = recipe_from_options(recipe, ())
    try:
        loaded.build()
    except (RecipeError, UnknownVerifierError, PluginError) as exc:
        fail(str(exc))
    ref = recipe
    if recipe_is_file(recipe):
        ref = os.path.abspath(recipe)  # as Recipe.load read it: veRL's reward workers run in other folders
    if style == "manager":
        lines = [
            "reward.reward_manager.source=importlib",
            "reward.reward_manager.module.path=pkg://r1verify_verl.manager",
            "reward.reward_manager.name=R1VerifyRewardManager",
            f"+reward.reward_kwargs.recipe={ref}",
        ]
    else:
        lines = [
            "reward.custom_reward_function.path=pkg://r1verify_verl.functions",
            "reward.custom_reward_function.name=compute_score",
            f"+reward.custom_reward_function.reward_kwargs.recipe={ref}",
        ]
    click.echo(" \\\n".join(lines))


def recipe_is_file(ref: str) -> bool:
    """Whether :meth:`r1verify.Recipe.load` reads ``ref`` as a file (``*.toml``, or a path with a separator)."""
    return ref.endswith(".toml") or "/" in ref or "\\" in ref


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(verl_group)
