"""Comparing function-call arguments as values, with the coercion rules docs/instruct.md lists."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .calls import Call


@dataclass(frozen=True)
class ValueRules:
    """``coerce_numbers``: a string holding a number equals that number (``"5"`` == 5); ``case_sensitive``: string
    case matters; ``extra_args``: arguments the reference does not have are allowed."""

    coerce_numbers: bool = True
    case_sensitive: bool = True
    extra_args: bool = False


def _number(value: Any, rules: ValueRules) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if rules.coerce_numbers and isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def same_value(expected: Any, got: Any, rules: ValueRules) -> bool:
    """Equal as values: numbers by value (1 == 1.0; strings holding numbers if ``coerce_numbers``), booleans only
    to booleans, strings exactly (or case-folded), lists in order, objects key by key, ``null`` only to ``null``."""
    if isinstance(expected, bool) or isinstance(got, bool):
        return isinstance(expected, bool) and isinstance(got, bool) and expected == got
    if expected is None or got is None:
        return expected is None and got is None
    a, b = _number(expected, rules), _number(got, rules)
    if a is not None and b is not None and (
        isinstance(expected, (int, float)) or isinstance(got, (int, float))
    ):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(expected, str) and isinstance(got, str):
        return expected == got if rules.case_sensitive else expected.casefold() == got.casefold()
    if isinstance(expected, list) and isinstance(got, list):
        return len(expected) == len(got) and all(same_value(x, y, rules) for x, y in zip(expected, got))
    if isinstance(expected, Mapping) and isinstance(got, Mapping):
        return set(expected) == set(got) and all(same_value(expected[k], got[k], rules) for k in expected)
    return False


def call_mismatch(expected: Call, got: Call, rules: ValueRules) -> str | None:
    """Why ``got`` is not ``expected`` (``None`` when it is): the name exactly, then each argument."""
    if got.name != expected.name:
        return f"called {got.name!r}, expected {expected.name!r}"
    for key, value in expected.arguments.items():
        if key not in got.arguments:
            if key in expected.optional:
                continue
            return f"{expected.name}: missing argument {key!r}"
        if not same_value(value, got.arguments[key], rules):
            return f"{expected.name}: argument {key!r} is {got.arguments[key]!r}, expected {value!r}"
    extra = sorted(set(got.arguments) - set(expected.arguments) - expected.optional)
    if extra and not rules.extra_args:
        return f"{expected.name}: unexpected argument(s) {', '.join(map(repr, extra))}"
    return None
