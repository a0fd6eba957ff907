"""math-verify, called with its ``signal.alarm`` timeouts disabled.

math-verify's own timeouts use ``signal.alarm``: whole seconds, main thread only, and they cancel the caller's
alarm. Here ``parsing_timeout=None`` and ``timeout_seconds=None`` turn them off (math-verify 0.9.0's documented
way), which makes these calls safe from any thread; the deadline comes from the r1verify engine, which kills a
worker that overruns. Nothing here calls ``str()`` on a parsed expression (that can hang outside any timeout).
"""

from __future__ import annotations

import logging
import re
from types import ModuleType
from typing import Any

from .answer import Answer
from .latex import relation_sides
from .numeric import is_number, numbers, same_number
from .plaintext import to_latex

_DELIMITED = re.compile(r"\$|\\\(|\\\[")
_DECIMALS = re.compile(r"\.(\d+)\s*$")
_LATEX_MARKERS = re.compile(r"[\\^_{}]")
_FORMULA = re.compile(r"(?=[^A-Za-z]*[A-Za-z(])(?=.*[+\-*/(])(?!.*[A-Za-z]{2})[0-9A-Za-z+\-*/().]+")
"""A prose answer that is one formula in single-letter variables (``2x+3``, ``(r+5)(r+5)``, ``3(x+1)``): read
unboxed, math-verify's plain-text reader keeps only its leading number (``2x+3`` would equal 2)."""
_DEGREES = re.compile(r"(\d+(?:\.\d+)?)\s*(?:\^\s*\{?\s*\\circ\s*\}?|°|\\degree(?![A-Za-z]))")
"""A number of degrees in a side of an equation (``30^\\circ``, ``30°``), read as radians for its value."""
_filter_installed = False


class _DropTimeoutDisabledWarning(logging.Filter):
    """math-verify warns once that its timeout is off; that is deliberate here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Timeout is disabled" not in record.getMessage()


def math_verify() -> ModuleType:
    """The math_verify module, imported on first use (it pulls in sympy and the ANTLR LaTeX parser)."""
    global _filter_installed
    import math_verify as module

    if not _filter_installed:
        for name in ("math_verify.parser", "math_verify.grader"):
            logging.getLogger(name).addFilter(_DropTimeoutDisabledWarning())
        _filter_installed = True
    return module


def parsed(answer: Answer) -> list[Any]:
    """math-verify's parse of an answer (sympy objects only), computed once per :class:`Answer`."""
    if answer.parsed is None:
        items = math_verify().parse(_parse_input(answer), parsing_timeout=None)
        answer.parsed = [item for item in items if not isinstance(item, str)]
    return answer.parsed


def equal(gold: Answer, pred: Answer) -> bool:
    """Whether any parse of ``pred`` equals any parse of ``gold``: by value when both are closed-form numbers
    (:mod:`r1verify_math.numeric`), else with math-verify's ``verify``."""
    verify = math_verify().verify
    return any(_equal(verify, g, p) for g in parsed(gold) for p in parsed(pred))


def inconsistent_relation(answer: Answer) -> str | None:
    """Why an answer written as a chain of ``=`` and ``\\approx`` is not one value, if it is not.

    Every side that is a number must equal every other (``3 = 4``, ``2 + 2 = 5``, ``x = 3 = 4``, ``3 = x = 4``
    are false; ``5 \\times 8 = 40`` and ``x = 2 + 1 = 3`` are fine), and a side after ``\\approx`` must be close
    to them: less than one unit in its last written digit or 1% away (``\\frac{\\sqrt3}{3} \\approx 0.577`` is
    fine, ``4 \\approx 3`` is not). A plain assignment (``x = 3``) is not looked at.
    """
    if "=" not in answer.value and "\\approx" not in answer.norm and "≈" not in answer.norm:
        return None
    sides = relation_sides(answer.raw)
    if len(sides) < 2:
        return None
    values = [(_number(side), side, approximate) for side, approximate in sides]
    exact = [value for value, _, approximate in values if value is not None and not approximate]
    for value in exact[1:]:
        if not same_number(exact[0], value):
            return "the answer is a false equation: two of its sides are different numbers"
    for value, side, approximate in values:
        if approximate and value is not None and exact and not _roughly(exact[0], value, side):
            return f"the answer is not one value: {side.strip()!r} is not an approximation of its other side"
    return None


def _number(side: str) -> Any | None:
    if not side.strip():
        return None
    side = _DEGREES.sub(r"(\1\\pi/180)", side)  # sin 30^\circ is sin(pi/6): math-verify reads radians
    items = [i for i in math_verify().parse("\\boxed{" + side + "}", parsing_timeout=None) if not isinstance(i, str)]
    return items[0] if items and is_number(items[0]) else None


def _roughly(exact: Any, approximation: Any, written: str) -> bool:
    """Whether ``approximation`` (written as ``written``) is ``exact`` to less than one unit in its last
    written digit, or to less than 1%."""
    try:
        a, b = float(exact.doit().evalf()), float(approximation.doit().evalf())
    except (TypeError, ValueError, ArithmeticError):
        return False
    digits = len(m.group(1)) if (m := _DECIMALS.search(written)) else 0
    return abs(a - b) < 10.0**-digits or abs(a - b) < 0.01 * max(abs(a), abs(b))


def _equal(verify: Any, gold: Any, pred: Any) -> bool:
    values = numbers(gold, pred)
    if values is not None:
        return same_number(*values)
    return bool(verify(gold, pred, timeout_seconds=None))


def _parse_input(answer: Answer) -> str:
    """The text handed to ``parse``: delimited math as is; a box's content (or prose holding LaTeX or a list)
    boxed, so that math-verify reads all of it; plain prose as is, so that "42 apples" reads as 42."""
    if answer.scaled:
        return answer.norm  # "4 million": the number it scales to
    raw = answer.raw
    if _DELIMITED.search(raw):
        return raw
    latex = to_latex(raw)  # -1 + sqrt(3), 2**(1/4)
    if (
        answer.kind == "latex"
        or _LATEX_MARKERS.search(raw)
        or answer.multi_valued
        or latex != raw
        or _FORMULA.fullmatch(raw.strip())
    ):
        if answer.kind == "latex":
            latex = latex.replace("²", "^2").replace("³", "^3")  # \boxed{x² - 2x}
        return "\\boxed{" + latex + "}"
    return raw
