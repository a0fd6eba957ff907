"""Canonical text of an answer, for the cheap comparisons that run before any symbolic work.

``normalize`` only removes what never changes a value: math delimiters, ``\\left``/``\\right``, spacing,
``\\dfrac``/``\\tfrac``, degree signs, ``\\text{}`` wrappers, thousands separators, and the units that end an
answer (kept aside, see :mod:`r1verify_math.units`); a multiplier word scales the number before it
(``4 million`` is ``4000000``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .folding import fold, join_spelled, strip_format
from .latex import unwrap_text
from .numbers import exact_number, format_number
from .units import Unit, split_tail

_DELIMITERS = re.compile(r"\\\(|\\\)|\\\[|\\\]")
_SIZING = re.compile(r"\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|Biggl|Biggr|big|Big|bigg|Bigg)(?![A-Za-z])")
SPACING = re.compile(r"(?<!\\)\\[,;:! ]|\\q?quad(?![A-Za-z])|~|\\displaystyle(?![A-Za-z])")
_TIME = re.compile(r"(\d{1,2}:\d{2})\s*(?:\\text\s*\{\s*)?([AaPp])\.?\s*(?:[Mm]\.?)?\s*\.?\}?")
_THIN_THOUSANDS = re.compile(r",\s*\\!\s*")
_DEGREES = re.compile(r"\^\s*\{?\s*\\circ\s*\}?|\\circ(?![A-Za-z])|°|\\degree(?![A-Za-z])")
_PERCENT_WORD = re.compile(
    r"(?<=[\d}])\s*(?:\\[A-Za-z]+\s*\{\s*)?(?:percent(?:age)?|per\s*cent|pct)\s*\}?\s*\.?\s*$", re.IGNORECASE
)
_AND = re.compile(r"\s+and\s+|\\text\{\s*and\s*\}")
_FRAC_SHORT = re.compile(r"\\frac\s*(\d)\s*(\d)|\\frac\s*(\d)\s*(?=\{)|\\frac\s*(\{[^{}]*\})\s*(\d)")
_SQRT_SHORT = re.compile(r"\\sqrt\s*(\d)")
_THOUSANDS = re.compile(r"-?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?\s*(?:\\?%)?")
"""``7,425,000``; a leading group ``0`` is never one (``0,111`` is a decimal comma or a list, not 111)."""
_ASSIGNMENT = re.compile(r"^([A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?|\\[A-Za-z]+)(?:=|\\in(?![A-Za-z]))(?!.*=)")
_VALUE_FIRST = re.compile(r"^([^A-Za-z=\\]+|\\frac\{\d+\}\{\d+\}|\\sqrt\{\d+\})=([A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?)$")
"""A value written before its variable: ``2=x``, ``\\frac{1}{2}=p``."""
_LITERAL = re.compile(r"[A-Za-z][A-Za-z' -]*|\d{1,2}:\d{2}(?:[ap]m)?")
_LETTER = re.compile(r"\s*(?:\(\s*([A-Za-z])\s*\)|([A-Za-z])(?=$|[\s.:)]))")
_OTHER_LETTER = re.compile(
    r"(?<![A-Za-z\\])(?:\(?[A-Z]\)?(?![A-Za-z])|\(\s*[a-z]\s*\)|[a-z](?=\s*(?:$|[),;./&\]]|\s\(?[A-Za-z]\)?(?![A-Za-z]))))"
)
_QUALIFIER = re.compile(
    r"(?<![\\A-Za-z])(not|no|never|unless|except|maybe|perhaps|possibly|probably|wrong|incorrect|[a-z]+n['’]t)(?![A-Za-z])",
    re.IGNORECASE,
)
_OPEN = {"(", "[", "{"}
_CLOSE = {")", "]", "}"}


_SUPERSCRIPTS = str.maketrans({"²": "^2", "³": "^3", "⁴": "^4", "⁻": "^-", "¹": "^1"})
"""Unicode superscript digits as LaTeX powers (``x²`` is ``x^2``)."""
_ORDINAL = re.compile(
    r"(?<=\d)\s*(?:\^\s*\{?\s*\\(?:text|mathrm|textrm)\s*\{\s*(?:st|nd|rd|th)\s*\}\s*\}?"
    r"|\^\s*\{\s*(?:st|nd|rd|th)\s*\}|(?:st|nd|rd|th)(?![A-Za-z]))"
)


def strip_ordinals(text: str) -> str:
    """``12^{\\text{th}}`` -> ``12``, ``3rd`` -> ``3``: an ordinal names its number (the 12th grade is grade 12)."""
    return _ORDINAL.sub("", text) if "st" in text or "nd" in text or "rd" in text or "th" in text else text


def time_of_day(text: str) -> str:
    """``4:30 \\text{ p.m.}`` -> ``4:30pm``."""
    return _TIME.sub(lambda m: f"{m.group(1)}{m.group(2).lower()}m", text)


@dataclass(frozen=True, slots=True)
class Reading:
    """An answer's canonical text and what ``normalize`` set aside to get it."""

    norm: str
    unit: Unit | None = None
    """The unit the answer ends with (``\\$5`` is in dollars, ``30^\\circ`` in degrees), if any."""
    multiplier: int = 1
    """The multiplier word after the value (``4 million``), 1 if none."""
    scaled: bool = False
    """Whether ``norm`` is the number already multiplied by ``multiplier`` (only plain numbers can be)."""


def _frac_short(m: re.Match) -> str:
    if m.group(1):
        return f"\\frac{{{m.group(1)}}}{{{m.group(2)}}}"
    if m.group(3):
        return f"\\frac{{{m.group(3)}}}"
    return f"\\frac{m.group(4)}{{{m.group(5)}}}"


def normalize(answer: str) -> str:
    """The canonical form of an answer: equal canonical forms mean equal answers."""
    return read(answer).norm


def read(answer: str) -> Reading:
    """The canonical form of an answer, with its unit and multiplier set aside."""
    s = strip_format(answer).strip().translate(_SUPERSCRIPTS)  # x² - 2x
    dollars = "\\$" in s
    s = s.replace("\\$", "").replace("$", "")
    s = _DELIMITERS.sub("", s)
    s = _THIN_THOUSANDS.sub(",", s)  # 10,\!080 (MATH's thousands separator)
    s = time_of_day(strip_ordinals(s))  # 4:30 \text{ p.m.}, 12^{\text{th}}
    s = s.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac").replace("{,}", ",")
    s = _SIZING.sub("", s)
    s = SPACING.sub(" ", s)
    degrees = _DEGREES.search(s) is not None
    s = _DEGREES.sub("", s)
    s = _PERCENT_WORD.sub("%", s)
    s, tail = split_tail(s)
    s = _AND.sub(",", s)
    s = unwrap_text(s).strip()
    s = _FRAC_SHORT.sub(_frac_short, s)
    s = _SQRT_SHORT.sub(r"\\sqrt{\1}", s)
    if _THOUSANDS.fullmatch(s):  # "7,425,000" but not the list "32, 349"
        s = s.replace(",", "")
    s = "".join(s.split()).replace("\\%", "%")
    norm = s.rstrip("\\").rstrip(".")
    unit = tail.unit if tail else None
    if unit is None and (dollars or degrees):
        unit = (("dollar", 1),) if dollars else (("deg", 1),)
    multiplier = tail.multiplier if tail else 1
    scaled = False
    if multiplier != 1 and (number := exact_number(norm)) is not None and not number.percent:
        norm, scaled = format_number(number.value * multiplier), True
    return Reading(norm, unit, multiplier, scaled)


def split_assignment(norm: str) -> tuple[str, str]:
    """``"x=2"`` -> ``("x", "2")``, ``"x\\in[1,2)"`` -> ``("x", "[1,2)")``; a list of assignments ``"a=1,b=-2"``
    -> ``("a,b", "1,-2")``; a value written first ``"2=x"`` -> ``("x", "2")``; anything else -> ``("", norm)``."""
    m = _ASSIGNMENT.match(norm)
    if m and m.end() < len(norm):
        return m.group(1), norm[m.end() :]
    if "=" not in norm:
        return "", norm
    first = _VALUE_FIRST.match(norm)
    if first:
        return first.group(2), first.group(1)
    items = top_level_items(norm)
    pairs = [_ASSIGNMENT.match(item) for item in items]
    if len(items) > 1 and all(p and p.end() < len(item) for p, item in zip(pairs, items)):
        names = [p.group(1) for p in pairs if p]
        values = [item[p.end() :] for p, item in zip(pairs, items) if p]
        return ",".join(names), ",".join(values)
    return "", norm


def top_level_items(norm: str) -> list[str]:
    """``norm`` split at the commas outside every bracket (``"(1,2),3"`` -> ``["(1,2)", "3"]``)."""
    items, depth, start, previous = [], 0, 0, ""
    for i, ch in enumerate(norm):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0 and previous != "\\":
            items.append(norm[start:i])
            start = i + 1
        previous = ch
    items.append(norm[start:])
    return items


def is_literal(norm: str) -> bool:
    """Plain words (``east``, ``Evelyn``) or a time of day (``4:30pm``): compared as text, case-insensitively,
    never symbolically."""
    return len(norm) > 1 and _LITERAL.fullmatch(norm) is not None


def plain_text(answer: str) -> str:
    """An answer without math delimiters and ``\\text{}``-style wrappers, spaces kept."""
    return unwrap_text(_DELIMITERS.sub("", answer.replace("\\$", "").replace("$", ""))).strip()


def choice_letter(text: str, *, strict: bool) -> str | None:
    """The multiple-choice letter that :func:`plain_text` ``text`` names, if it names exactly one.

    ``strict`` (a reference): ``C``, ``(C)``, ``(C) option text``. Otherwise (a model's answer) also ``c``,
    ``C.``, ``C: 42``, ``(c) 42``. An answer that names a second letter names none: ``(A) and (B)``,
    ``D, not A``, and in lower case too (``C d``, ``(C) (d)``, ``C (also d)``), though a lower-case letter
    followed by a word (``C) a circle``) is read as text.
    """
    text = fold(text)
    m = _LETTER.match(text)
    if not m:
        return None
    letter, rest = m.group(1) or m.group(2), text[m.end() :]
    if strict and (not letter.isupper() or (m.group(2) and rest.strip())):
        return None
    if _OTHER_LETTER.search(rest):
        return None
    return letter.upper()


def qualifier(answer: str) -> str | None:
    """A word that qualifies a mathematical answer (``5 \\text{ is not it}``, ``6, maybe``), if it has one.

    math-verify drops ``\\text{}`` from what it parses, so such an answer would read as plain ``5``. Answers in
    words only (``\\text{no solution}``) are not qualified.
    """
    if not any(ch.isdigit() for ch in answer):
        return None
    text = join_spelled(fold(plain_text(answer)))
    m = _QUALIFIER.search(text)
    return m.group(1) if m else None


def is_multi_valued(norm: str) -> bool:
    """Several values separated by a comma outside brackets (``1,-2``, ``x=1,y=2``), or a set of several
    values (``\\{1,2\\}``, ``{1,2}``): a list of answers, which may also be given one box per value."""
    for opening, closing in (("\\{", "\\}"), ("{", "}")):
        if norm.startswith(opening) and norm.endswith(closing) and encloses(norm, len(opening) - 1):
            norm = norm[len(opening) : -len(closing)]
            break
    depth = 0
    previous = ""
    for ch in norm:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0 and previous != "\\":
            return True
        previous = ch
    return False


def encloses(text: str, start: int) -> bool:
    """Whether the bracket at ``start`` closes at the very end of ``text``."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] in _OPEN:
            depth += 1
        elif text[i] in _CLOSE:
            depth -= 1
            if depth == 0:
                return i == len(text) - 1
    return False
