"""A small testing kit for plugin authors (loaded by pytest automatically when r1verify is installed).

Fixtures:

- ``r1verify_plugin``: register verifier classes or recipes for one test, as if a plugin provided them::

      def test_my_verifier(r1verify_plugin):
          r1verify_plugin(verifiers=[MyVerifier], recipes={"mine": {"verifiers": {"my": {}}}})
          with Engine("mine") as engine:
              ...

Helpers: :func:`inline_plugin` builds a plugin object; :func:`registered` registers one in a ``with`` block.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest

from .hookspecs import hookimpl
from .plugins import load_plugins, pm

_counter = itertools.count()


class _InlinePlugin:
    def __init__(self, verifiers: Sequence[type], recipes: Mapping[str, Any]) -> None:
        self._verifiers = list(verifiers)
        self._recipes = dict(recipes)

    @hookimpl
    def register_verifiers(self, register: Any) -> None:
        for cls in self._verifiers:
            register(cls)

    @hookimpl
    def register_recipes(self, register: Any) -> None:
        for name, recipe in self._recipes.items():
            register(name, recipe)


def inline_plugin(verifiers: Sequence[type] = (), recipes: Mapping[str, Any] | None = None) -> Any:
    """A plugin object registering ``verifiers`` and ``recipes`` (name -> Recipe, TOML path or dict)."""
    return _InlinePlugin(verifiers, recipes or {})


@contextlib.contextmanager
def registered(plugin: Any, name: str | None = None) -> Iterator[str]:
    """Register ``plugin`` with the r1verify plugin manager for the duration of the block."""
    load_plugins()
    name = name or f"inline-test-plugin-{next(_counter)}"
    pm.register(plugin, name=name)
    try:
        yield name
    finally:
        pm.unregister(name=name)


@pytest.fixture
def r1verify_plugin() -> Iterator[Any]:
    """Call it with ``verifiers=[...]`` and/or ``recipes={...}``; registrations end with the test."""
    stack = contextlib.ExitStack()

    def register(
        verifiers: Sequence[type] = (), recipes: Mapping[str, Any] | None = None, name: str | None = None
    ) -> str:
        return stack.enter_context(registered(inline_plugin(verifiers, recipes), name))

    with stack:
        yield register
