"""Closed-form numbers (no variables) are compared by value here, not by math-verify.

math-verify compares numbers with ``(a - b).evalf(chop=True) == 0``, which calls any two tiny numbers equal
(``1/2004!`` and ``1/2006!``, ``10^{-20}`` and ``10^{-21}``), and it tries ``simplify`` before giving up on
two different numbers (seconds for ``\\sqrt{34} + 3\\sqrt{10}`` vs 28). Here rationals compare exactly, a decimal
compares with :func:`r1verify_math.numbers.numbers_close`, and anything else (radicals, pi, e) to 50
significant digits, relative. Infinities are equal only to themselves.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from .numbers import RELATIVE_TOLERANCE, numbers_close

_EXACT_TOLERANCE = Fraction(1, 10**30)
_DIGITS = 50


def numbers(gold: Any, pred: Any) -> tuple[Any, Any] | None:
    """The two values when both sides are numbers without variables, else ``None``.

    ``x = 2`` counts as 2 when the other side is not an equation (as in math-verify); two equations are left
    to math-verify, which compares their variables too.
    """
    from sympy import Eq, Symbol

    gold_eq, pred_eq = isinstance(gold, Eq), isinstance(pred, Eq)
    if gold_eq and pred_eq:
        return None
    if gold_eq and isinstance(gold.lhs, Symbol):
        gold = gold.rhs
    if pred_eq and isinstance(pred.lhs, Symbol):
        pred = pred.rhs
    if _is_number(gold) and _is_number(pred):
        return gold, pred
    return None


def same_number(a: Any, b: Any) -> bool:
    """Whether two numbers from :func:`numbers` are equal; ``50\\%`` may also read as 50."""
    try:
        return any(_close(x, y) for x in _readings(a) for y in _readings(b))
    except (TypeError, ValueError, ArithmeticError):
        return False  # a number that cannot be evaluated cannot be shown equal


def _is_number(expr: Any) -> bool:
    from sympy import Expr
    from sympy.matrices.expressions import MatrixExpr

    return isinstance(expr, Expr) and not isinstance(expr, MatrixExpr) and not expr.free_symbols


def _readings(expr: Any) -> list[Any]:
    """A number, and for a percentage (``50\\%``) also the number before the percent sign."""
    from math_verify.grader import get_pct_val

    readings = [expr.doit()]
    base = get_pct_val(expr)
    if base is not None:
        readings.append(base)
    return readings


def _close(x: Any, y: Any) -> bool:
    from sympy import Float

    if x == y:
        return True
    if not (x.is_finite and y.is_finite):
        return False  # infinities are equal only when identical (above); nan never
    decimal = x.has(Float) or y.has(Float)
    if x.is_extended_real and y.is_extended_real:
        a, b = _fraction(x), _fraction(y)
        if decimal or (x.is_Rational and y.is_Rational):
            return numbers_close(a, b, decimal=decimal)
        return abs(a - b) <= _EXACT_TOLERANCE * max(abs(a), abs(b))  # radicals, pi: 50 digits agree
    tolerance = RELATIVE_TOLERANCE if decimal else _EXACT_TOLERANCE  # complex numbers
    difference = abs(complex((x - y).evalf(_DIGITS)))
    return difference <= float(tolerance) * max(abs(complex(x.evalf(_DIGITS))), abs(complex(y.evalf(_DIGITS))))


def _fraction(x: Any) -> Fraction:
    """A real number as a fraction: exact for rationals and decimals, else its value to 50 digits."""
    if x.is_Rational or x.is_Float:
        return Fraction(str(x))
    return Fraction(str(x.evalf(_DIGITS)))
