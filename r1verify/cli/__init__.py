"""The ``r1verify`` command line: the click group, shared helpers, and the commands in this package."""

from __future__ import annotations

from typing import Any

import click

from ..plugins import PluginError, load_plugins, pm

EXIT_BAD_INPUT = 2


def fail(message: str) -> None:
    """Print an error and exit with status 2 (bad input or usage)."""
    click.echo(f"error: {message}", err=True)
    raise SystemExit(EXIT_BAD_INPUT)


def stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(package_name="r1verify")
def cli() -> None:
    """Verify model outputs and turn verdicts into rewards for RL training of reasoning models.

    \b
    Start here:
      r1verify plugins                       what is installed
      r1verify verifiers                     every verifier and its options
      r1verify recipes list                  named recipes (recipes show NAME prints one)
      r1verify verify data.jsonl --recipe reasoning-rl --out results.jsonl
    """


from . import filtering, listings, rejecting, reporting, verify  # noqa: F401  (registers the commands)


def _load_plugin_commands() -> None:
    load_plugins()
    pm.hook.register_commands(cli=cli)


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point."""
    try:
        _load_plugin_commands()
    except PluginError as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_BAD_INPUT
    return cli.main(args=argv, prog_name="r1verify")


__all__ = ["EXIT_BAD_INPUT", "cli", "fail", "main", "stderr_console"]
