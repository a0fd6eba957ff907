"""The plugin host: one pluggy PluginManager named ``r1verify``, fed by the ``r1verify`` entry-point group.

Environment controls:

- ``R1VERIFY_LOAD_PLUGINS=math,format``: load only these entry points (empty: load none but the built-ins).
- ``R1VERIFY_BLOCK_PLUGINS=rm``: never load these.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pluggy

from . import hookspecs
from .recipe import Recipe, RecipeError, register_lookups
from .verifier import Verifier

GROUP = "r1verify"
BUILTIN_PLUGINS = ("r1verify.builtin",)

pm = pluggy.PluginManager(GROUP)
pm.add_hookspecs(hookspecs)

_lock = threading.RLock()
_loaded = False
_distributions: dict[str, importlib.metadata.Distribution | None] = {}


class PluginError(RuntimeError):
    """A plugin problem: two plugins registering one name, a bad registration, an unknown hook."""


def _env_list(name: str) -> list[str] | None:
    value = os.environ.get(name)
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def load_plugins() -> None:
    """Load built-in and installed plugins once (idempotent, thread-safe).

    A plugin that fails to import is an error naming it and the way to block it.
    """
    global _loaded
    with _lock:
        if _loaded:
            return
        _loaded = True
        blocked = set(_env_list("R1VERIFY_BLOCK_PLUGINS") or [])
        only = _env_list("R1VERIFY_LOAD_PLUGINS")
        for ep in importlib.metadata.entry_points(group=GROUP):
            if ep.name in blocked or (only is not None and ep.name not in only) or pm.get_plugin(ep.name):
                continue
            dist = getattr(ep, "dist", None)
            try:
                plugin = ep.load()
            except Exception as exc:
                raise PluginError(
                    f"plugin {ep.name!r} ({dist.name if dist else ep.value}) failed to import: "
                    f"{type(exc).__name__}: {exc}. Fix or uninstall it, or skip it with R1VERIFY_BLOCK_PLUGINS={ep.name}"
                ) from exc
            pm.register(plugin, name=ep.name)
            _distributions[ep.name] = dist
        for module_name in BUILTIN_PLUGINS:
            if pm.get_plugin(module_name) is None:
                pm.register(importlib.import_module(module_name), name=module_name)
                _distributions[module_name] = _own_distribution()
        pm.check_pending()


def _own_distribution() -> importlib.metadata.Distribution | None:
    try:
        return importlib.metadata.distribution("r1verify")
    except importlib.metadata.PackageNotFoundError:
        return None


def _call_each(hook_name: str, **kwargs: Any) -> None:
    """Call one registration hook plugin by plugin, passing ``register`` bound to the calling plugin's name.

    Knowing which plugin registered what lets duplicate names be reported with both plugins named.
    """
    load_plugins()
    hook = getattr(pm.hook, hook_name)
    for impl in reversed(hook.get_hookimpls()):  # registration order, built-ins last
        args = {}
        for arg in impl.argnames:
            value = kwargs[arg]
            args[arg] = value(impl.plugin_name) if callable(value) and arg == "register" else value
        impl.function(**args)


@dataclass(frozen=True)
class Registered:
    """Something a plugin registered, and which plugin did."""

    name: str
    obj: Any
    plugin: str


def _collect(
    hook_name: str, make: Callable[[str, tuple[Any, ...]], tuple[str, Any]], what: str
) -> dict[str, Registered]:
    found: dict[str, Registered] = {}

    def bind(plugin: str) -> Callable[..., None]:
        def register(*args: Any) -> None:
            name, obj = make(plugin, args)
            if name in found:
                raise PluginError(
                    f"{what} {name!r} is registered by two plugins: {found[name].plugin!r} and {plugin!r}; "
                    f"uninstall one, or block one with R1VERIFY_BLOCK_PLUGINS"
                )
            found[name] = Registered(name, obj, plugin)

        return register

    _call_each(hook_name, register=bind)
    return found


def _verifier_entry(plugin: str, args: tuple[Any, ...]) -> tuple[str, Any]:
    (cls,) = args
    if not (isinstance(cls, type) and issubclass(cls, Verifier)):
        raise PluginError(f"plugin {plugin!r} registered {cls!r}, which is not a r1verify.Verifier subclass")
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not name:
        raise PluginError(f"plugin {plugin!r} registered {cls.__name__} without a 'name'")
    return name, cls


def verifiers() -> dict[str, Registered]:
    """Every registered verifier class by name."""
    with _lock:
        return _collect("register_verifiers", _verifier_entry, "verifier")


def recipes() -> dict[str, Registered]:
    """Every registered recipe by name (objects are Recipe, a path, or a dict)."""

    def entry(plugin: str, args: tuple[Any, ...]) -> tuple[str, Any]:
        name, recipe = args
        return name, recipe

    with _lock:
        return _collect("register_recipes", entry, "recipe")


def languages() -> dict[str, Registered]:
    """Every registered sandbox language spec by name."""

    def entry(plugin: str, args: tuple[Any, ...]) -> tuple[str, Any]:
        (spec,) = args
        return spec.name, spec

    with _lock:
        return _collect("register_languages", entry, "language")


def get_verifier_class(name: str) -> type[Verifier]:
    """The verifier class registered as ``name``; the error lists the installed ones."""
    found = verifiers()
    if name not in found:
        raise UnknownVerifierError(name, sorted(found))
    return found[name].obj


def get_recipe(name: str) -> Recipe:
    """The recipe registered as ``name``; the error lists the registered ones."""
    found = recipes()
    if name not in found:
        raise RecipeError(
            f"no recipe named {name!r}; registered recipes: {', '.join(sorted(found)) or '(none)'} "
            f"(or pass a path to a .toml file)"
        )
    obj = found[name].obj
    if isinstance(obj, Recipe):
        return obj
    if isinstance(obj, dict):
        return Recipe.from_dict(obj, name=name)
    return Recipe.from_file(Path(obj), name=name)


register_lookups(get_recipe, get_verifier_class)  # Recipe.load(name) and Recipe.build() resolve names here


# First-party verifiers and the distribution that provides each, for error messages.
FIRST_PARTY = {
    "math": "r1verify-math",
    "think_format": "r1verify-format",
    "tag_count": "r1verify-format",
    "overlong": "r1verify-format",
    "length": "r1verify-format",
    "repetition": "r1verify-format",
    "language": "r1verify-language",
    "code": "r1verify-code",
    "reward_model": "r1verify-rm",
    "reward_model_remote": "r1verify-rm",
}


def _install_hint(name: str) -> str:
    dist = FIRST_PARTY.get(name)
    if dist:
        return f"It is provided by {dist}: pip install {dist}"
    return "Install the plugin that provides it, or check the spelling"


class UnknownVerifierError(LookupError):
    """A recipe or command names a verifier that no installed plugin registers."""

    def __init__(self, name: str, installed: list[str]) -> None:
        self.name = name
        self.installed = installed
        super().__init__(
            f"no verifier named {name!r} is installed; installed verifiers: {', '.join(installed) or '(none)'}. "
            f"{_install_hint(name)}; `r1verify plugins` shows what is installed"
        )

    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class PluginInfo:
    name: str
    distribution: str | None
    version: str | None
    verifiers: tuple[str, ...]
    recipes: tuple[str, ...]
    hooks: tuple[str, ...]


def plugin_infos() -> list[PluginInfo]:
    """Installed plugins with their distribution, version and what each registers."""
    load_plugins()
    by_plugin_v: dict[str, list[str]] = {}
    for reg in verifiers().values():
        by_plugin_v.setdefault(reg.plugin, []).append(reg.name)
    by_plugin_r: dict[str, list[str]] = {}
    for reg in recipes().values():
        by_plugin_r.setdefault(reg.plugin, []).append(reg.name)
    infos = []
    for name, plugin in pm.list_name_plugin():
        dist = _distributions.get(name)
        hooks = tuple(sorted(h.name for h in pm.get_hookcallers(plugin) or []))
        infos.append(
            PluginInfo(
                name=name,
                distribution=dist.name if dist is not None else None,
                version=dist.version if dist is not None else None,
                verifiers=tuple(sorted(by_plugin_v.get(name, []))),
                recipes=tuple(sorted(by_plugin_r.get(name, []))),
                hooks=hooks,
            )
        )
    return sorted(infos, key=lambda i: (i.name in BUILTIN_PLUGINS, i.name))
