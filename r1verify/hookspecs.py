"""The hooks a plugin may implement. Hooks only *register* things; the host calls verifiers itself.

A plugin is a module listed under the ``r1verify`` entry-point group of its distribution::

    [project.entry-points.r1verify]
    mine = "r1verify_mine.plugin"

and implements any of these hooks with the ``r1verify.hookimpl`` marker::

    from r1verify import hookimpl

    @hookimpl
    def register_verifiers(register):
        register(MyVerifier)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pluggy import HookimplMarker, HookspecMarker

if TYPE_CHECKING:
    import click

    from .recipe import Recipe
    from .verifier import Verifier

hookspec = HookspecMarker("r1verify")
hookimpl = HookimplMarker("r1verify")


@hookspec
def register_verifiers(register: Callable[[type[Verifier]], None]) -> None:
    """Register verifier classes: call ``register(VerifierClass)`` once per class.

    The class's ``name`` is how recipes and the CLI refer to it; two plugins registering the same name is
    an error that names both.
    """


@hookspec
def register_recipes(register: Callable[[str, Recipe | Path | str | dict[str, Any]], None]) -> None:
    """Register named recipes: ``register(name, recipe)`` where ``recipe`` is a :class:`Recipe`, a path to a
    TOML file, or a dict in the TOML layout."""


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add subcommands to the ``r1verify`` command line (a :class:`click.Group`)."""


@hookspec
def register_languages(register: Callable[[Any], None]) -> None:
    """Register programming languages for the code sandbox: ``register(spec)`` with a
    ``r1verify_sandbox.LanguageSpec`` (name, source file name, compile and run commands)."""
