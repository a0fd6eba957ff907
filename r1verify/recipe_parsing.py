"""Reading and writing recipe files: TOML text, dicts in the TOML layout and CLI ``--verifier`` specs become plain,
validated fields for :class:`r1verify.recipe.Recipe`, and back.

Nothing here knows the ``Recipe`` object or the plugin host: this module turns text into checked values (unknown
keys, wrong types, non-finite numbers, impossible timeouts and gates are errors naming the table and key), and the
``Recipe`` object, built from those values, does the reward arithmetic.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

MAX_TIMEOUT = 86400.0

SPEC_KEYS = frozenset(
    {
        "verifier",
        "weight",
        "domains",
        "timeout",
        "required",
        "min_score",
        "requires",
        "skip_without_reference",
        "options",
    }
)
RECIPE_KEYS = frozenset({"name", "description", "default_domain", "on_error", "min_reward", "verifiers"})
# spec keys a CLI ``--verifier NAME:k=v`` may set directly; every other k=v is a verifier option
_CLI_SPEC_KEYS = ("weight", "timeout", "required", "min_score", "skip_without_reference")


class RecipeError(ValueError):
    """A recipe that cannot be used: bad TOML, unknown keys, unknown gates, bad options."""


def read_recipe_file(path: Path) -> tuple[dict[str, Any], str]:
    """The parsed TOML table of a recipe file and its text."""
    if Path(path).is_dir():
        raise RecipeError(f"recipe {str(path)!r} is a folder, not a recipe .toml file; give a .toml file in it")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RecipeError(f"cannot read recipe {path}: {exc.strerror}") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise RecipeError(f"{path}: invalid TOML: {exc}") from None


def parse_recipe(data: Mapping[str, Any], *, name: str | None, source: str | None, where: str) -> dict[str, Any]:
    """Keyword arguments for ``Recipe(...)`` from a mapping in the TOML layout; ``specs`` holds one dict of
    ``VerifierSpec`` fields per ``[verifiers.NAME]`` table."""
    unknown = sorted(set(data) - RECIPE_KEYS)
    if unknown:
        raise RecipeError(f"{where}: unknown key(s) {', '.join(unknown)}; valid: {', '.join(sorted(RECIPE_KEYS))}")
    table = data.get("verifiers")
    if not isinstance(table, Mapping) or not table:
        raise RecipeError(f"{where}: needs a [verifiers.NAME] table for each verifier")
    specs = [_parse_spec(str(spec_name), raw, where) for spec_name, raw in table.items()]
    try:
        return {
            "name": str(name or data.get("name") or "recipe"),
            "specs": specs,
            "description": str(data.get("description", "")),
            "default_domain": data.get("default_domain"),
            "on_error": _float(data.get("on_error", 0.0), "on_error"),
            "min_reward": _float(data["min_reward"], "min_reward") if data.get("min_reward") is not None else None,
            "source": source,
        }
    except (TypeError, ValueError) as exc:
        raise RecipeError(f"{where}: {exc}") from None


def _parse_spec(spec_name: str, raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise RecipeError(f"{where}: [verifiers.{spec_name}] must be a table")
    bad = sorted(set(raw) - SPEC_KEYS)
    if bad:
        raise RecipeError(
            f"{where}: [verifiers.{spec_name}] unknown key(s) {', '.join(bad)}; "
            f"valid: {', '.join(sorted(SPEC_KEYS))} (verifier options go under 'options')"
        )
    try:
        return {
            "name": spec_name,
            "verifier": str(raw.get("verifier", spec_name)),
            "options": dict(raw.get("options", {})),
            "weight": _float(raw.get("weight", 1.0), "weight"),
            "domains": _str_tuple(raw["domains"], "domains") if "domains" in raw else None,
            "timeout": _float(raw["timeout"], "timeout") if raw.get("timeout") is not None else None,
            "required": _bool(raw.get("required", False), "required"),
            "min_score": _float(raw["min_score"], "min_score") if raw.get("min_score") is not None else None,
            "requires": _str_tuple(raw.get("requires", ()), "requires"),
            "skip_without_reference": _bool(raw.get("skip_without_reference", False), "skip_without_reference"),
        }
    except (TypeError, ValueError) as exc:
        raise RecipeError(f"{where}: [verifiers.{spec_name}]: {exc}") from None


def verifier_args_table(args: Sequence[str]) -> dict[str, Any]:
    """The TOML layout (``{"verifiers": {...}}``) of CLI-style specs: ``"math"``, ``"math:delimiter=</think>,timeout=3"``.

    ``weight``, ``timeout``, ``required``, ``min_score``, ``skip_without_reference`` and ``domains`` (``a|b``) are
    spec keys, ``as=NAME`` names the instance; every other ``k=v`` is a verifier option.
    """
    table: dict[str, Any] = {}
    for arg in args:
        verifier, _, rest = arg.partition(":")
        verifier = verifier.strip()
        if not verifier:
            raise RecipeError(f"--verifier {arg!r}: missing verifier name (NAME[:k=v,...])")
        spec: dict[str, Any] = {"verifier": verifier, "options": {}}
        instance = verifier
        previous = ""
        for pair in filter(None, (p.strip() for p in rest.split(","))):
            key, eq, value = pair.partition("=")
            if not eq:
                hint = ""
                if previous:  # `fallbacks=a,b`: the comma separates k=v pairs, so b is read as a pair
                    hint = (f"; list values are separated with '|', not ',' (e.g. {previous}|{pair}); "
                            f"',' separates k=v pairs")
                raise RecipeError(f"--verifier {arg!r}: expected k=v, got {pair!r}{hint}")
            previous = pair
            key = key.strip()
            if key in _CLI_SPEC_KEYS:
                spec[key] = value
            elif key == "domains":
                spec[key] = value.split("|")
            elif key == "as":
                instance = value
            else:
                spec["options"][key] = value
        if instance in table:
            raise RecipeError(f"--verifier {instance!r} given twice; name the second one with as=OTHER_NAME")
        table[instance] = spec
    return {"verifiers": table}


def check_recipe(
    name: str, specs: Sequence[Any], on_error: float | None, min_reward: float | None
) -> None:
    """The rules every recipe obeys, however it was made: unique names, known gates, finite numbers,
    ``0 < timeout <= MAX_TIMEOUT``, no empty ``domains``. ``specs`` are ``VerifierSpec`` objects."""
    names = [s.name for s in specs]
    if not names:
        raise RecipeError(f"recipe {name!r} has no verifiers")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise RecipeError(f"recipe {name!r}: verifier names must be unique, repeated: {', '.join(dupes)}")
    for spec in specs:
        for gate in spec.requires:
            if gate not in names:
                raise RecipeError(
                    f"recipe {name!r}: verifier {spec.name!r} requires {gate!r}, "
                    f"which is not in the recipe ({', '.join(names)})"
                )
        where = f"recipe {name!r}: verifier {spec.name!r}"
        if not math.isfinite(spec.weight):
            raise RecipeError(f"{where} has a non-finite weight")
        if spec.timeout is not None and not (0 < spec.timeout <= MAX_TIMEOUT):
            raise RecipeError(f"{where} needs 0 < timeout <= {MAX_TIMEOUT:g} seconds")
        if spec.min_score is not None and not math.isfinite(spec.min_score):
            raise RecipeError(f"{where} has a non-finite min_score")
        if spec.domains is not None and not spec.domains:
            raise RecipeError(f"{where} has domains = [] (it would skip every sample); leave it out for all")
    for key, value in (("on_error", on_error), ("min_reward", min_reward)):
        if value is not None and not math.isfinite(value):
            raise RecipeError(f"recipe {name!r}: {key} must be a finite number")


_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand_env(value: Any, where: str) -> Any:
    """Replace ``${VAR}`` and ``${VAR:-default}`` (default also when VAR is empty, as in the shell) in string
    option values; any other ``${...}`` form is an error rather than text passed on silently."""
    if isinstance(value, dict):
        return {k: expand_env(v, f"{where} option {k}") for k, v in value.items()}
    if isinstance(value, list):
        return [expand_env(v, where) for v in value]
    if not isinstance(value, str) or "${" not in value:
        return value

    def lookup(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        current = os.environ.get(name, "")
        if current:
            return current
        if default is not None:
            return default
        if name in os.environ:
            return ""
        raise RecipeError(
            f"{where}: environment variable {name} is not set; export {name}=..., or copy the recipe "
            f"(r1verify recipes show NAME > mine.toml) and write the value in"
        )

    expanded = _ENV_REF.sub(lookup, value)
    leftover = _ENV_REF.sub("", value)
    if "${" in leftover:
        raise RecipeError(f"{where}: {value!r}: only ${{VAR}} and ${{VAR:-default}} are supported")
    return expanded


def recipe_toml(top: Mapping[str, Any], specs: Sequence[tuple[str, Mapping[str, Any]]]) -> str:
    """TOML text of a recipe: top-level ``key = value`` lines, then one ``[verifiers.NAME]`` table per spec."""
    lines = [f"{key} = {_toml_value(value)}" for key, value in top.items()]
    for spec_name, fields in specs:
        lines.append("")
        lines.append(f"[verifiers.{_toml_key(spec_name)}]")
        lines.extend(f"{key} = {_toml_value(value)}" for key, value in fields.items())
    return "\n".join(lines) + "\n"


def _float(value: Any, key: str) -> float:
    """A number from TOML (int or float) or the CLI (a string); the error names the key."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise ValueError(f"{key} = {value!r}: expected a number")


def _str_tuple(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{key} = {value!r}: expected a list of strings")
    return tuple(str(v) for v in value)


def _bool(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
        return value.lower() in ("true", "1", "yes")
    raise TypeError(f"{key} = {value!r}: expected true/false")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _toml_value(key)
