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
from .numeric import numbers, same_number

_DELIMITED = re.compile(r"\$|\\\(|\\\[")
_LATEX_MARKERS = re.compile(r"[\\^_{}]")
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


def _equal(verify: Any, gold: Any, pred: Any) -> bool:
    values = numbers(gold, pred)
    if values is not None:
        return same_number(*values)
    return bool(verify(gold, pred, timeout_seconds=None))


def _parse_input(answer: Answer) -> str:
    """The text handed to ``parse``: delimited math as is; a box's content (or prose holding LaTeX or a list)
    boxed, so that math-verify reads all of it; plain prose as is, so that "42 apples" reads as 42."""
    raw = answer.raw
    if _DELIMITED.search(raw):
        return raw
    if answer.kind == "latex" or _LATEX_MARKERS.search(raw) or answer.multi_valued:
        return "\\boxed{" + raw + "}"
    return raw
