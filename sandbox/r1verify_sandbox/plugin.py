"""Entry point of r1verify-sandbox: the built-in languages and the ``r1verify sandbox`` command."""

from __future__ import annotations

from typing import Any

from r1verify import hookimpl

from .languages import BUILTIN


@hookimpl
def register_languages(register: Any) -> None:
    for spec in BUILTIN:
        register(spec)


@hookimpl
def register_commands(cli: Any) -> None:
    from .cli import sandbox_command

    cli.add_command(sandbox_command)
