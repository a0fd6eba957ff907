"""The ``r1verify`` command line: the click group (``app.py``) and the commands in this package."""

from __future__ import annotations

from typing import Any

import click

from ..plugins import PluginError, load_plugins, pm
from . import auditing, filtering, generating, listings, rejecting, reporting, verify  # noqa: F401  (registers the commands)
from .app import EXIT_BAD_INPUT, EXIT_INTERRUPTED, cli, fail, stderr_console


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
    except KeyboardInterrupt:  # Ctrl-C while the plugins import (a second or two): nothing has started
        click.echo("\ninterrupted before any work started; nothing was written", err=True)
        return EXIT_INTERRUPTED
    return cli.main(args=argv, prog_name="r1verify")


__all__ = ["EXIT_BAD_INPUT", "cli", "fail", "main", "stderr_console"]
