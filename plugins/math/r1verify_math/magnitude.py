"""How big is a tower of powers and factorials, without computing it: ``2^{2^{2^{2^{2^{2}}}}}``, ``((5!)!)!``.

Such answers send sympy (and math-verify) into exact arithmetic on numbers with millions of digits: the worker
runs into its deadline and the verdict is ``timeout``, though one look at the size says ``wrong`` against a
reference like 65536. :func:`log10_of` reads expressions made only of non-negative integers, ``^``, ``!``,
``\\cdot``/``*``, braces and parentheses, and returns log10 of their value as a float (``inf`` past floats),
using ``lgamma`` for factorials: cheap, and exact enough to tell numbers apart whose sizes differ by orders of
magnitude, which is all it is used for.
"""

from __future__ import annotations

import math
import re

_ALLOWED = re.compile(r"[\d\s^{}()!*]+")
_TOKEN = re.compile(r"\d+|[\^{}()!*]")
INF = math.inf


def log10_of(norm: str) -> float | None:
    """log10 of the value of a power/factorial expression (``-inf`` for 0), or None when ``norm`` is not one
    (anything else is left to the other comparisons)."""
    text = norm.replace("\\cdot", "*").replace("\\times", "*").replace(" ", "")
    if not text or not _ALLOWED.fullmatch(text) or not any(op in text for op in "^!"):
        return None
    tokens = _TOKEN.findall(text)
    if "".join(tokens) != text:
        return None
    parser = _Parser(tokens)
    try:
        value = parser.product()
    except (IndexError, ValueError):
        return None
    return value if parser.at_end() else None


class _Parser:
    """product := power ('*' power)* ; power := postfix ('^' power)? ; postfix := atom '!'* ;
    atom := INT | '(' product ')' | '{' product '}'. Values are log10s."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens, self.i = tokens, 0

    def at_end(self) -> bool:
        return self.i == len(self.tokens)

    def _take(self, expected: str | None = None) -> str:
        token = self.tokens[self.i]
        if expected is not None and token != expected:
            raise ValueError(f"expected {expected!r}")
        self.i += 1
        return token

    def _peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def product(self) -> float:
        value = self.power()
        while self._peek() == "*":
            self._take()
            value = value + self.power()
        return value

    def power(self) -> float:
        base = self.postfix()
        if self._peek() != "^":
            return base
        self._take()
        exponent = self.power()  # right-associative: 2^3^2 = 2^(3^2)
        if base == -INF:
            return -INF if exponent > -INF else 0.0  # 0^k = 0, 0^0 = 1
        if base == 0.0:
            return 0.0  # 1^k = 1
        if exponent > 300:
            return INF if base > 0 else -INF
        scaled = 10.0**exponent * base
        return scaled

    def postfix(self) -> float:
        value = self.atom()
        while self._peek() == "!":
            self._take()
            value = _log10_factorial(value)
        return value

    def atom(self) -> float:
        token = self._take()
        if token in "({":
            value = self.product()
            self._take(")" if token == "(" else "}")
            return value
        if not token.isdigit():
            raise ValueError(f"unexpected {token!r}")
        number = int(token)
        return math.log10(number) if number else -INF


def _log10_factorial(log_n: float) -> float:
    if log_n == -INF:
        return 0.0  # 0! = 1
    if log_n > 300:
        return INF
    n = 10.0**log_n
    if n > 1e300:
        return INF
    return math.lgamma(n + 1) / math.log(10)
