"""Comparing a program's output with the expected one: stdout text, or returned values."""

from __future__ import annotations

import math
from typing import Any, Literal

CompareMode = Literal["lines", "tokens", "float", "exact"]

DEFAULT_FLOAT_TOL = 1e-6
"""The tolerance of ``compare="float"`` when no ``float_tol`` is given."""


def _lines(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _number(token: str) -> float | None:
    try:
        value = float(token)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _tokens_match(got: list[str], expected: list[str], float_tol: float) -> bool:
    if len(got) != len(expected):
        return False
    for g, e in zip(got, expected):
        if g == e:
            continue
        if float_tol <= 0:
            return False
        a, b = _number(g), _number(e)
        if a is None or b is None or not math.isclose(a, b, rel_tol=float_tol, abs_tol=float_tol):
            return False
    return True


def stdout_matches(
    got: str, expected: str, *, mode: CompareMode = "lines", float_tol: float = 0.0, case_sensitive: bool = True
) -> bool:
    """Does ``got`` match ``expected``?

    - ``lines`` (default): line by line, ignoring trailing whitespace on each line, trailing empty lines and
      ``\\r\\n`` vs ``\\n`` (what most online judges accept).
    - ``tokens``: the whitespace-separated tokens must match (layout is free).
    - ``float``: as ``tokens``, and tokens that are both numbers match within ``float_tol`` (1e-6 when it is 0);
      ``nan``/``inf`` must match as text.
    - ``exact``: byte for byte.

    With ``float_tol`` > 0, tokens that are both numbers match within that relative or absolute tolerance.
    """
    if not case_sensitive:
        got, expected = got.lower(), expected.lower()
    if mode == "exact":
        return got == expected
    if mode == "tokens":
        return _tokens_match(got.split(), expected.split(), float_tol)
    if mode == "float":
        return _tokens_match(got.split(), expected.split(), float_tol or DEFAULT_FLOAT_TOL)
    got_lines, expected_lines = _lines(got), _lines(expected)
    if got_lines == expected_lines:
        return True
    if float_tol <= 0 or len(got_lines) != len(expected_lines):
        return False
    return all(_tokens_match(g.split(), e.split(), float_tol) for g, e in zip(got_lines, expected_lines))


def values_match(got: Any, expected: Any, float_tol: float = 0.0) -> bool:
    """Do two JSON values match? Numbers within ``float_tol`` (when > 0); a bool never equals a number."""
    if isinstance(expected, bool) or isinstance(got, bool):
        return type(got) is type(expected) and got == expected
    if isinstance(expected, (int, float)) and isinstance(got, (int, float)):
        if float_tol > 0 and (isinstance(expected, float) or isinstance(got, float)):
            return math.isclose(got, expected, rel_tol=float_tol, abs_tol=float_tol)
        return got == expected
    if isinstance(expected, list) and isinstance(got, list):
        return len(got) == len(expected) and all(values_match(g, e, float_tol) for g, e in zip(got, expected))
    if isinstance(expected, dict) and isinstance(got, dict):
        return got.keys() == expected.keys() and all(values_match(got[k], expected[k], float_tol) for k in expected)
    return type(got) is type(expected) and got == expected
