"""Is this answer the reference answer? Cheapest decisive test first, math-verify last."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from . import symbolic
from .answer import Answer
from .magnitude import log10_of
from .normalize import encloses, top_level_items
from .numbers import exact_equal, numbers_close

Path = Literal["choice", "string", "exact", "symbolic", "unparsed"]
"""Which test decided: a multiple-choice letter, equal canonical text, exact numbers, or math-verify;
``unparsed``: nothing could, because math-verify cannot parse the reference answer."""


@dataclass(frozen=True, slots=True)
class Rules:
    """The comparison conventions graders legitimately differ on (options of the verifier, docs/math.md)."""

    hundredths: bool = False
    """A percentage also equals its hundredth (``percent = "either"``)."""
    ordered: bool = False
    """A bare list equals another only in the same order (``lists = "ordered"``)."""


def equivalent(pred: Answer, gold: Answer, rules: Rules = Rules()) -> tuple[bool | None, Path]:
    """Whether ``pred`` is the same answer as ``gold`` (``None``: unknown, the reference does not parse), and
    which test decided, under ``rules``."""
    letter = gold.letter(strict=True)
    if letter is not None:
        return pred.letter(strict=False) == letter, "choice"
    if pred.norm == gold.norm:
        return True, "string"
    if gold.exact is not None and not gold.exact.percent and (comma := _decimal_comma(pred)) is not None:
        if numbers_close(comma, gold.exact.value, decimal=True):
            return True, "exact"  # "the answer is 1000,99" for 1000.99: no list is one number
    if gold.literal and not pred.literal:
        return False, "string"  # a text reference ("east") is compared as text, never as a product of symbols
    if (_is_set(pred.norm) and _is_tuple(gold.norm)) or (_is_tuple(pred.norm) and _is_set(gold.norm)):
        return False, "string"  # a set is unordered: not an ordered pair, a tuple or an interval, either way round
    if not (pred.variable and gold.variable and pred.variable != gold.variable):
        # "x = 2" is 2 unless both sides name different variables
        if pred.value == gold.value:
            return True, "string"
        if pred.literal and gold.literal:
            return pred.value.casefold() == gold.value.casefold(), "string"
        if pred.exact is not None and gold.exact is not None:
            return exact_equal(pred.exact, gold.exact, hundredths=rules.hundredths), "exact"
    if rules.ordered and _bare_list(gold) and (_is_set(pred.value) or pred.value[:1] == "("):
        # lists = "ordered": a tuple must name the values in order; a set names no order
        return (not _is_set(pred.value) and _tuple_of(pred, gold)), "exact"
    if _tuple_of(pred, gold):
        return True, "exact"
    if (lost := _LOST_NAME.fullmatch(gold.norm)) and (named := _FUNCTION.fullmatch(pred.norm)):
        if named.group("args") == lost.group("args"):  # g(x)=... for a reference that lost its name: (x)=...
            return equivalent(Answer.read(named.group("value")), Answer.read(lost.group("value")), rules)
    if (shared := _shared_value(gold)) is not None and not pred.multi_valued and "=" not in pred.norm:
        ok, path = equivalent(pred, shared, rules)
        if ok:
            return True, path  # "both angles are \boxed{90^\circ}" for \angle BEA_1=90, \angle AEB_1=90
    if rules.ordered and (in_order := _in_order(pred, gold, rules)) is not None:
        return in_order, "exact"
    if "=" not in pred.norm and _relation_between_expressions(gold):
        return False, "string"  # x+z=1 is a relation, not the value 1 (math-verify compares its right side)
    if _sizes_apart(pred, gold):
        return False, "exact"  # a tower like 2^{2^{2^{2^{2^{2}}}}} is not 65536, and sympy would never finish it
    if not symbolic.parsed(gold):
        return None, "unparsed"
    return symbolic.equal(gold, pred), "symbolic"


_DECIMAL_COMMA = re.compile(r"(-?\d+),(\d+)")
_PROSE_DECIMAL_COMMA = re.compile(r"\s*-?\d+,\d*[1-9]\d*\s*")
"""Prose digits with one comma touching both sides and a fractional part that is not all zeros (``1000,99``)."""


def _decimal_comma(pred: Answer) -> Fraction | None:
    """The value of ``pred`` read with a decimal comma, where that reading is the writer's: ``3{,}5`` (LaTeX's
    decimal comma), or ``1000,99`` / ``0,111`` in prose (math-verify's plain-text reading) — digits touching one
    comma that cannot be a thousands separator (``32,348`` is 32348, see :mod:`.normalize`), with a fractional
    part that is not all zeros. Never a list: ``2, 3`` (a space), ``$2,3$`` (LaTeX writes a decimal comma
    ``{,}``), ``1,0000``, a box ``\boxed{1,2}`` or a bare reference ``1,22`` stay lists."""
    if "{,}" not in pred.raw and not (pred.kind == "text" and _PROSE_DECIMAL_COMMA.fullmatch(pred.raw)):
        return None
    m = _DECIMAL_COMMA.fullmatch(pred.norm)
    return Fraction(f"{m.group(1)}.{m.group(2)}") if m else None


def _sizes_apart(pred: Answer, gold: Answer) -> bool:
    """Whether ``pred`` is a power/factorial expression whose size is orders of magnitude from the reference
    number's (see :mod:`.magnitude`)."""
    if gold.exact is None or gold.exact.percent:
        return False
    size = log10_of(pred.norm)
    if size is None:
        return False
    value = abs(gold.exact.value)
    gold_size = math.log10(value) if value else -math.inf
    if math.isinf(size) or math.isinf(gold_size):
        return size != gold_size
    return abs(size - gold_size) > 1.0


_SUM = re.compile(r"(?<=[\w})\]])[+\-−]")
"""A sum or difference on the left of ``=``: ``x+z``, ``5x-7y+11z+4`` (not ``\\frac{NO}{BO}``, ``|AB|``, ``A:B``)."""


def _relation_between_expressions(gold: Answer) -> bool:
    """Whether the reference is one equation whose left side is a sum or difference (``x+z=1``,
    ``5x-7y+11z+4=0``), not the name of a quantity (``f(x)=2x``, ``\\frac{NO}{BO}=\\frac{1}{\\sqrt6}``): then
    only an equation can be it."""
    norm = gold.norm
    if gold.multi_valued or norm.count("=") != 1 or gold.variable or re.search(r"[<>!:=]=|==", norm):
        return False
    left = norm.partition("=")[0]
    return _depth0_sum(left)


def _depth0_sum(text: str) -> bool:
    depth = 0
    for i, ch in enumerate(text):
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in "+-−" and i > 0 and _SUM.match(text, i):
            return True
    return False


def _in_order(pred: Answer, gold: Answer, rules: Rules) -> bool | None:
    """For two bare lists of values (``10, 4, -2``), whether they are equal item by item in order; ``None`` when
    they are not both bare lists (a set, a tuple, an interval is compared as it is)."""
    if not (gold.multi_valued and pred.multi_valued) or _one_group(gold.value) or _one_group(pred.value):
        return None
    items, values = top_level_items(pred.value), top_level_items(gold.value)
    if len(values) < 2:
        return None
    return len(items) == len(values) and all(
        equivalent(Answer.read(p), Answer.read(g), rules)[0] for p, g in zip(items, values, strict=True)
    )


def _bare_list(gold: Answer) -> bool:
    """Whether ``gold`` is a bare list of values (``1,3``), not one bracketed group or a list of named values."""
    return gold.multi_valued and not gold.variable and "=" not in gold.norm and not _one_group(gold.value)


def _one_group(value: str) -> bool:
    """Whether ``value`` is one bracketed group (a tuple, set or interval), not a list of values."""
    if value.startswith("\\{") and value.endswith("\\}"):
        return True
    return value[:1] in ("(", "[", "{") and encloses(value, 0)


def _tuple_of(pred: Answer, gold: Answer) -> bool:
    """Whether ``pred`` is the tuple of the values a bare list reference names, in its order: ``(-2, -2)`` for
    "determine a and b" with reference ``-2,-2`` (math-verify reads the list as the set {-2})."""
    if not (gold.multi_valued and pred.norm[:1] == "(" and encloses(pred.norm, 0)) or gold.norm[:1] in "({[\\":
        return False
    inner, values = top_level_items(pred.norm[1:-1]), top_level_items(gold.value)
    return len(inner) == len(values) and all(
        equivalent(Answer.read(p), Answer.read(g))[0] for p, g in zip(inner, values, strict=True)
    )


_LOST_NAME = re.compile(r"\((?P<args>[A-Za-z](?:,[A-Za-z])*)\)=(?P<value>[^=]+)")
"""A function definition whose name a dataset lost: ``(x)=x^2-2x+2`` for ``g(x)=x^2-2x+2``."""
_FUNCTION = re.compile(r"[A-Za-z]\((?P<args>[A-Za-z](?:,[A-Za-z])*)\)=(?P<value>[^=]+)")
_NAMED = re.compile(
    r"(?P<name>\\angle[A-Za-z]+(?:_\{?[A-Za-z0-9]+\}?)?|[A-Z]{1,3}(?:_\{?[A-Za-z0-9]+\}?)?'?"
    r"|[a-z](?:_\{?[A-Za-z0-9]+\}?)?'?)=(?P<value>[^=]+)"
)
"""One named quantity and its value: an angle, a segment or point (``AB``), a variable (``x``, ``a_1``), never an
expression (``a+b=5, a-b=5`` is a system of equations, not two quantities equal to 5)."""


def _shared_value(gold: Answer) -> Answer | None:
    """The one value of a reference that names several quantities with the same value (``\\angle BEA_1=90,
    \\angle AEB_1=90``, ``x=1,y=1``): one answer of that value is right about every one of them. ``None`` for
    anything else (a bare list ``1,1`` is not named, ``x=1,y=2`` has two values)."""
    if not gold.multi_valued or "=" not in gold.norm:
        return None
    items = top_level_items(gold.norm)
    named = [_NAMED.fullmatch(item) for item in items]
    if len(items) < 2 or not all(named):
        return None
    values = {m.group("value") for m in named if m}
    return Answer.read(values.pop()) if len(values) == 1 else None


def _is_set(norm: str) -> bool:
    return norm.startswith("\\{")  # a bare {1,3} is a LaTeX group: the list 1, 3


def _is_tuple(norm: str) -> bool:
    """One ordered pair, tuple or interval (``(3, 1)``, ``[1, 3)``); not a list of them (``(3,2),(3,-2)``)."""
    return norm[:1] in ("(", "[") and norm[-1:] in (")", "]") and "," in norm and encloses(norm, 0)


def matches(pred: Answer, golds: Sequence[Answer], rules: Rules = Rules()) -> tuple[bool | None, Path]:
    """Whether ``pred`` equals one of the acceptable answers; ``None`` when it equals none of those that parse
    and some do not parse (then "wrong" would be a guess)."""
    unknown = False
    path: Path = "string"
    for gold in golds:
        ok, path = equivalent(pred, gold, rules)
        if ok:
            return True, path
        unknown = unknown or ok is None
    return (None, "unparsed") if unknown else (False, path)
