"""Closed-form numbers (no variables) are compared by value here, not by math-verify.

math-verify compares numbers with ``(a - b).evalf(chop=True) == 0``, which calls any two tiny numbers equal
(``1/2004!`` and ``1/2006!``, ``10^{-20}`` and ``10^{-21}``), and it tries ``simplify`` before giving up on
two different numbers (seconds for ``\\sqrt{34} + 3\\sqrt{10}`` vs 28). Here rationals compare exactly, a decimal
compares with :func:`r1verify_math.numbers.numbers_close`, and anything else (radicals, pi, e) to 50
significant digits, relative, and then exactly: two exact closed forms are equal only when sympy shows their
difference is zero (``\\pi + 10^{-40}`` is not ``\\pi``). Infinities are equal only to themselves.
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
    if is_number(gold) and is_number(pred):
        return gold, pred
    return None


def same_number(a: Any, b: Any) -> bool:
    """Whether two numbers from :func:`numbers` are equal (a percentage as the number before its sign)."""
    try:
        return _close(_reading(a), _reading(b))
    except (TypeError, ValueError, ArithmeticError):
        return False  # a number that cannot be evaluated cannot be shown equal


def is_number(expr: Any) -> bool:
    """Whether a parsed expression is a number: no variables, not a matrix, not a set or relation."""
    from sympy import Expr
    from sympy.matrices.expressions import MatrixExpr

    return isinstance(expr, Expr) and not isinstance(expr, MatrixExpr) and not expr.free_symbols


def _reading(expr: Any) -> Any:
    """The number, or for a percentage (``50\\%``) the number before the percent sign (as in
    :mod:`r1verify_math.numbers`)."""
    from math_verify.grader import get_pct_val

    base = get_pct_val(expr)
    return expr.doit() if base is None else base


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
        close = abs(a - b) <= _EXACT_TOLERANCE * max(abs(a), abs(b))  # radicals, pi: 30 digits agree
    else:
        tolerance = RELATIVE_TOLERANCE if decimal else _EXACT_TOLERANCE  # complex numbers
        difference = abs(complex((x - y).evalf(_DIGITS)))
        scale = max(abs(complex(x.evalf(_DIGITS))), abs(complex(y.evalf(_DIGITS))))
        close = difference <= float(tolerance) * scale
    return close and (decimal or _exactly_equal(x, y))


def _exactly_equal(x: Any, y: Any) -> bool:
    """Whether two exact closed forms that agree to 30 digits are equal: their difference must be zero, not
    merely tiny (``\\pi + 10^{-40}`` is not ``\\pi``). Decided by sympy when it can; otherwise the difference
    must evaluate to zero at 50 digits."""
    from sympy import expand

    difference = expand(x - y)
    if difference == 0:
        return True
    zero = difference.is_zero
    if zero is not None:
        return bool(zero)
    return abs(complex(difference.evalf(_DIGITS))) == 0


def _fraction(x: Any) -> Fraction:
    """A real number as a fraction: exact for rationals and decimals, else its value to 50 digits."""
    if x.is_Rational or x.is_Float:
        return Fraction(str(x))
    return Fraction(str(x.evalf(_DIGITS)))
