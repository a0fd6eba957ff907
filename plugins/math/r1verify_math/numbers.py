"""Exact numbers: integers, decimals, fractions, mixed numbers and percentages, compared as rationals.

A percentage compares as the number written before its sign: ``25\\%`` is 25 next to ``25`` or ``25\\%``, and is
not ``0.25``. (Datasets write the answer to a percent question as ``25\\%`` or as a bare ``25``; reading
``25\\%`` as 0.25 as well would accept both ``500\\%`` and ``5\\%`` for ``5\\%``.)

When both sides are plain numbers the comparison is decided here, without sympy and without the rounding that
makes math-verify call ``1/2004!`` and ``1/2006!`` equal. A decimal matches a fraction the way math-verify's
``float_rounding=6`` does (``0.333333`` is ``1/3``), but never merely because both round to zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

FLOAT_ROUNDING = 6
"""Decimals agree with a value when both round to the same 6 decimal places (math-verify's default) ..."""
RELATIVE_TOLERANCE = Fraction(1, 10**6)
"""... and differ by at most one part in a million (so ``1e-9`` is not ``2e-9``)."""

_NUM = r"\d+(?:\.\d*)?|\.\d+"
_PLAIN = re.compile(rf"(-?)({_NUM})")
_SLASH = re.compile(rf"(-?)({_NUM})/({_NUM})")
_FRAC = re.compile(rf"(-?)\\frac\{{(-?)({_NUM})\}}\{{(-?)({_NUM})\}}")
_MIXED = re.compile(r"(-?)(\d+)\\frac\{(\d+)\}\{(\d+)\}")


@dataclass(frozen=True, slots=True)
class Exact:
    """A number written exactly: its value, whether it was written with a decimal point, and with ``%``."""

    value: Fraction
    decimal: bool = False
    percent: bool = False


def exact_number(norm: str) -> Exact | None:
    """The exact value of a normalized answer (``-3``, ``0.75``, ``3/4``, ``\\frac{3}{4}``, ``2\\frac{1}{2}``,
    ``50%``), or ``None`` when it is anything else."""
    percent = norm.endswith("%")
    text = norm[:-1] if percent else norm
    decimal = "." in text
    try:
        if m := _PLAIN.fullmatch(text):
            value = Fraction(m.group(2))
            sign = m.group(1)
        elif m := _FRAC.fullmatch(text):
            value = Fraction(m.group(3)) / Fraction(m.group(5))
            sign = "-" if (m.group(1) + m.group(2) + m.group(4)).count("-") % 2 else ""
        elif m := _SLASH.fullmatch(text):
            value = Fraction(m.group(2)) / Fraction(m.group(3))
            sign = m.group(1)
        elif (m := _MIXED.fullmatch(text)) and 0 < int(m.group(3)) < int(m.group(4)):
            # MATH writes mixed numbers as 2\frac{1}{2}; a proper fraction after an integer is never a product
            value = int(m.group(2)) + Fraction(int(m.group(3)), int(m.group(4)))
            sign = m.group(1)
        else:
            return None
    except (ValueError, ZeroDivisionError):
        return None
    return Exact(-value if sign else value, decimal, percent)


def numbers_close(a: Fraction, b: Fraction, *, decimal: bool) -> bool:
    """Equal rationals; or, when a decimal is involved, equal to 6 places and within one part in a million."""
    if a == b:
        return True
    if not decimal:
        return False
    return round(a, FLOAT_ROUNDING) == round(b, FLOAT_ROUNDING) and abs(a - b) <= RELATIVE_TOLERANCE * max(
        abs(a), abs(b)
    )


def exact_equal(a: Exact, b: Exact, *, hundredths: bool = False) -> bool:
    """Whether two exact numbers are the same answer: a percentage as the number before its sign, and with
    ``hundredths`` also as that number's hundredth when the other side is a proportion, a number of size at most
    1 that is not a percentage (``33.5\\%`` is ``0.335``; ``2500\\%`` is not ``25``; two percentages compare
    by their numbers, so ``500\\%`` is never ``5\\%``)."""
    decimal = a.decimal or b.decimal
    if numbers_close(a.value, b.value, decimal=decimal):
        return True
    if hundredths and a.percent != b.percent:
        percent, other = (a, b) if a.percent else (b, a)
        # a proportion (at most 1 in size) only: 2500% is never 25
        return abs(other.value) <= 1 and numbers_close(percent.value / 100, other.value, decimal=True)
    return False


def format_number(value: Fraction) -> str:
    """A rational as :func:`exact_number` reads it back: ``4000000``, ``-9/2``."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"
