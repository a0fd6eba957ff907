"""The ``r1verify`` click group and the helpers every command shares (exit code, error output).

Command modules import the group from here and add themselves with ``@cli.command``; ``r1verify.cli`` imports
them all, so nothing in this package imports back up to its ``__init__``.
"""

from __future__ import annotations

from typing import Any

import click

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
"""Ctrl-C: the shell's code for a process ended by SIGINT."""


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
