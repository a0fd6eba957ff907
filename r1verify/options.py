"""Typed verifier options: a dataclass per verifier, validated and coerced from TOML, Python or the CLI."""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Literal, Union


class OptionsError(ValueError):
    """Options that don't fit a verifier: an unknown name, a wrong type or a bad value."""


@dataclasses.dataclass(frozen=True)
class NoOptions:
    """For verifiers without options."""


def option_fields(options_cls: type) -> dict[str, dataclasses.Field]:
    return {f.name: f for f in dataclasses.fields(options_cls)}


def describe_options(options_cls: type) -> list[tuple[str, str, str]]:
    """(name, type, default) for every option, for ``--help`` style listings."""
    hints = typing.get_type_hints(options_cls)
    rows = []
    for name, f in option_fields(options_cls).items():
        if f.default is not dataclasses.MISSING:
            default = repr(f.default)
        elif f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
            default = repr(f.default_factory())  # type: ignore[misc]
        else:
            default = "(required)"
        rows.append((name, _type_name(hints[name]), default))
    return rows


def parse_options(options_cls: type, values: dict[str, Any], *, owner: str = "verifier") -> Any:
    """Build ``options_cls`` from ``values``; unknown names and bad types raise :class:`OptionsError`.

    Strings are coerced to the declared type (``"true"`` -> ``True``, ``"0.5"`` -> ``0.5``,
    ``"a|b"`` -> ``("a", "b")`` for tuples), so CLI ``k=v`` pairs and TOML values both work.
    """
    fields = option_fields(options_cls)
    unknown = sorted(set(values) - set(fields))
    if unknown:
        valid = ", ".join(sorted(fields)) or "(none)"
        raise OptionsError(f"{owner}: unknown option(s) {', '.join(unknown)}; valid options: {valid}")
    hints = typing.get_type_hints(options_cls)
    kwargs = {}
    for name, value in values.items():
        try:
            kwargs[name] = coerce(value, hints[name])
        except (TypeError, ValueError) as exc:
            raise OptionsError(f"{owner}: option {name}={value!r}: {exc}") from None
    missing = [
        name
        for name, f in fields.items()
        if name not in kwargs and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        example = ",".join(f"{name}=..." for name in missing)
        raise OptionsError(
            f"{owner}: missing required option(s) {', '.join(missing)}: give them in the recipe's table, or on the "
            f"command line as -v NAME:{example} (`r1verify verifiers` lists every option)"
        )
    try:
        return options_cls(**kwargs)
    except TypeError as exc:  # an options class with its own __init__
        raise OptionsError(f"{owner}: {exc}") from None
    except ValueError as exc:  # __post_init__ validation in the options class
        raise OptionsError(f"{owner}: {exc}") from None


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def coerce(value: Any, hint: Any) -> Any:
    """Coerce ``value`` to the type ``hint`` or raise ``TypeError``/``ValueError``."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any:
        return value
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        if isinstance(value, str) and value.lower() in ("none", "null") and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return coerce(value, arg)
            except (TypeError, ValueError) as exc:
                errors.append(str(exc))
        raise ValueError("; ".join(errors))
    if origin is Literal:
        if value in args:
            return value
        raise ValueError(f"expected one of {', '.join(map(repr, args))}")
    if origin in (tuple, list):
        if isinstance(value, str):
            value = [v for v in value.split("|")] if value else []
        if not isinstance(value, (list, tuple)):
            raise TypeError(f"expected a list, got {type(value).__name__}")
        item = args[0] if args else Any
        items = [coerce(v, item) for v in value]
        return tuple(items) if origin is tuple else items
    if origin is dict or hint is dict:
        if not isinstance(value, dict):
            raise TypeError(f"expected a table/dict, got {type(value).__name__}")
        return dict(value)
    if hint is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
            return value.lower() in _TRUE
        raise TypeError(f"expected true/false, got {value!r}")
    if hint is int:
        if isinstance(value, bool):
            raise TypeError("expected an integer, got a bool")
        if isinstance(value, int):
            return value
        if isinstance(value, str):
            try:
                return int(value)
            except ValueError:
                raise ValueError("expected a whole number") from None
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise TypeError(f"expected an integer, got {value!r}")
    if hint is float:
        if isinstance(value, bool):
            raise TypeError("expected a number, got a bool")
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                raise ValueError("expected a number") from None
        raise TypeError(f"expected a number, got {value!r}")
    if hint is str:
        if isinstance(value, str):
            return value
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _type_name(hint: Any) -> str:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is Literal:
        return "|".join(map(str, args))
    if origin in (Union, types.UnionType):
        return " or ".join(_type_name(a) for a in args if a is not type(None)) + " or none"
    if origin in (tuple, list):
        return f"list of {_type_name(args[0]) if args else 'any'}"
    return getattr(hint, "__name__", str(hint))
