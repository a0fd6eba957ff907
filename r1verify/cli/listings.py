"""Listing commands: `r1verify plugins`, `r1verify verifiers`, `r1verify recipes list|show`."""

from __future__ import annotations

import json
import textwrap

import click

from ..plugins import UnknownVerifierError, plugin_infos, recipes, verifiers
from ..recipe import Recipe, RecipeError
from .app import cli, fail


@cli.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def plugins_command(as_json: bool) -> None:
    """List installed plugins, their versions and what each registers.

    Control loading with R1VERIFY_LOAD_PLUGINS=a,b (only these) and R1VERIFY_BLOCK_PLUGINS=c.
    """
    infos = plugin_infos()
    if as_json:
        click.echo(json.dumps([info.__dict__ for info in infos], indent=2))
        return
    from rich.table import Table

    table = Table(title="r1verify plugins", title_justify="left")
    for column in ("plugin", "distribution", "version", "verifiers", "recipes"):
        table.add_column(column)
    for info in infos:
        table.add_row(
            info.name,
            info.distribution or "-",
            info.version or "-",
            ", ".join(info.verifiers) or "-",
            ", ".join(info.recipes) or "-",
        )
    from rich.console import Console

    Console().print(table)


@cli.command("verifiers")
@click.argument("names", nargs=-1)
def verifiers_command(names: tuple[str, ...]) -> None:
    """Describe verifiers and their options (all of them, or NAMES)."""
    from ..options import describe_options

    found = verifiers()
    for name in names or sorted(found):
        if name not in found:
            fail(str(UnknownVerifierError(name, sorted(found))))
        reg = found[name]
        cls = reg.obj
        doc = " ".join((cls.__doc__ or "").strip().split("\n\n")[0].split())
        click.echo(
            click.style(name, bold=True) + f"  ({reg.plugin}, placement {cls.placement}, "
            f"default timeout {cls.default_timeout:g}s)"
        )
        if doc:
            click.echo(textwrap.fill(doc, width=100, initial_indent="  ", subsequent_indent="  "))
        for opt, typ, default in describe_options(cls.Options):
            click.echo(f"    {opt}: {typ} = {default}")
        click.echo()


@cli.group("recipes")
def recipes_group() -> None:
    """List and print named recipes."""


@recipes_group.command("list")
def recipes_list() -> None:
    """Named recipes and where they come from."""
    for name, reg in sorted(recipes().items()):
        try:
            description = Recipe.load(name).description.strip().splitlines()[0]
        except (RecipeError, IndexError):
            description = ""
        click.echo(f"{name:<16} {description}  [{reg.plugin}]")


@recipes_group.command("show")
@click.argument("name")
def recipes_show(name: str) -> None:
    """Print a recipe as TOML (copy it to a file to make your own variant)."""
    try:
        click.echo(Recipe.load(name).to_toml(), nl=False)
    except RecipeError as exc:
        fail(str(exc))
