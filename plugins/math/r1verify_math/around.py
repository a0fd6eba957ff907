"""Text around a box: what touches ``\\boxed{}`` from outside can change its value or take it back.

The one-value rules of the grader read what is inside a box; the same things written just outside it are read
here and handed to the same rules:

- In math, the box is one side of a relation chain (``$x = \\boxed{5}$``). A unary minus, a fraction or root
  it is the first argument of, or a power, factorial, subscript, digit or relation mark after it makes a
  larger expression, and that expression is the answer written: ``$-\\boxed{5}$`` is ``-5``,
  ``$\\boxed{5}^2$`` is ``5^2``, ``$\\frac{\\boxed{5}}{2}$`` is ``\\frac{5}{2}``, ``$\\boxed{5}!$`` is ``5!``,
  ``$\\boxed{5} \\neq 6$`` has a mark. Anything longer before it is a derivation (``12x - 7 + \\boxed{4}``) and
  is not read. A chain with another side that is a plain number other than the box's (``$\\boxed{5} = 6$``,
  ``$n = 6 = \\boxed{5}$``) is a false equation.
- In prose, digits glued to the box are part of its number (``\\boxed{5}0``, ``\\boxed{5}.5``,
  ``\\boxed{5},000``); a multiplier or percent word right after it scales it (``\\boxed{5} thousand``); a power
  or operation word right after it (``squared``, ``minus``) changes it.
- The words right before the box (or the math that holds it), back to the first word that is not a
  qualifier or a linking word: a hedge or negation (:func:`r1verify_math.normalize.qualifier`: "not",
  "isn't", "maybe", "probably", "wrong"), a bound (the comparative words of the unboxed extractors: "at
  least", "greater than") or an operation ("twice", "the square of") qualifies the box; so does "wrong" or
  "incorrect" before the answer noun ("The incorrect answer is \\boxed{5}"). A box in a question ("Is the
  answer \\boxed{5}?") is not an answer.

Approximation words are not qualifiers here, as they are not in answer phrases: "approximately
\\boxed{3.14}" is graded as 3.14. Pure string work, linear in the text (each box reads a bounded window).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .latex import relation_sides
from .normalize import SPACING, qualifier
from .numbers import exact_number
from .shape import marks, unexpected_marks
from .units import _POWER_AFTER, MULTIPLIERS
from .unboxed import _QUALIFIER as _BOUND

_BOX = re.compile(r"\\(?:boxed|fbox)(?![A-Za-z])\s*")
_BRACE_TOKENS = re.compile(r"\\.|[{}]", re.DOTALL)
_MATH_TOKENS = re.compile(r"\\\$|\$\$|\$|\\\[|\\\]|\\\(|\\\)")
_CLOSER = {"$$": "$$", "$": "$", "\\[": "\\]", "\\(": "\\)"}
_WINDOW = 200
_HOLE = "\x00"
_NONE: frozenset[str] = frozenset()
_OPERATOR_BEFORE = frozenset(["", "-", "−", "\\frac{", "\\dfrac{", "\\tfrac{", "\\sqrt{"])
"""What may stand before a box on its side for the box to be part of a larger value: a unary minus, or the
first argument of a fraction or root (anything longer is a derivation: ``12x - 7 + \\boxed{...}``)."""
_OPERATOR_AFTER = re.compile(r"\s*(?:[\^!_]|\d|\.\d)")
"""What makes a larger value of a box it follows in math: a power, a factorial, a subscript, a digit."""
_ATOM = re.compile(r"[-+]?[\w.]+")
_EMPTY = re.compile(r"\s*(?:\\displaystyle(?![A-Za-z])\s*)*")
_END_PUNCT = re.compile(r"^\s*[.,;:]?\s*$")
_GLUE_AFTER = re.compile(r"(?:\d+|\.\d+|,\d{3}(?!\d))+")
_GLUE_BEFORE = re.compile(r"(?:[-−]|\d+\.?)$")
_WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
_FILLERS = frozenset("the a an of than to so then thus hence therefore it be is are was would will equal equals as by".split())
"""Linking words that may stand between a qualifier and the box ("is *not equal to* \\boxed{5}")."""
_OPERATIONS = frozenset(
    "twice thrice double triple quadruple half square cube root sqrt squared cubed plus minus times divided "
    "power reciprocal".split()
)
"""Words that make another value of the one they stand before ("twice \\boxed{5}", "the square of ...")."""
_APPROXIMATE = frozenset("about around".split())
"""Approximation words: graded on the value, as in answer phrases."""
_AFTER = frozenset([*_POWER_AFTER, "minus", "plus", "divided", "factorial", "times"])
_SCALE = frozenset([*MULTIPLIERS, "percent", "percentage"])
_SENTENCE_REST = re.compile(r"[^.!?\n]{0,80}?([.!?\n]|$)")
_NOUNS = frozenset("answer value result solution".split())
_VERBS = frozenset("is are was were be equals".split())


@dataclass(frozen=True, slots=True)
class Box:
    content: str
    written: str
    """The value written: ``content`` unless something touches the box."""
    problem: str = ""
    """Why the text around the box takes it back or qualifies it ("" if nothing does)."""


def boxes(text: str) -> list[Box]:
    """Every closed ``\\boxed{...}`` of ``text`` that holds no other box, in order, read in its context."""
    starts = [(m.start(), m.end()) for m in _BOX.finditer(text)]
    if not starts:
        return []
    opens = {end for _, end in starts if end < len(text) and text[end] == "{"}
    closing: dict[int, int] = {}
    if opens:
        stack: list[int] = []
        for m in _BRACE_TOKENS.finditer(text, min(opens)):
            token = m.group()
            if token == "{":
                stack.append(m.start())
            elif token == "}" and stack:
                start = stack.pop()
                if start in opens:
                    closing[start] = m.start()
    spans = _spans(text)
    out = []
    for start, end in starts:
        if end not in closing:
            continue
        content = text[end + 1 : closing[end]]
        if _BOX.search(content):
            continue
        out.append(_read(text, start, closing[end] + 1, content, spans))
    return out


def _spans(text: str) -> list[tuple[int, int, int, int]]:
    out = []
    opened: tuple[str, int, int] | None = None
    for m in _MATH_TOKENS.finditer(text):
        token = m.group()
        if token == "\\$":
            continue
        if opened is None:
            if token in _CLOSER:
                opened = (token, m.start(), m.end())
        elif token == _CLOSER[opened[0]]:
            out.append((opened[1], opened[2], m.start(), m.end()))
            opened = None
    return out


def _read(text: str, start: int, end: int, content: str, spans: list) -> Box:
    written, chain = content, ""
    before_at, after_at = start, end
    i = bisect.bisect_right(spans, (start, len(text) + 1)) - 1  # the last span opened before the box
    span = spans[i] if i >= 0 and spans[i][1] <= start and end <= spans[i][2] else None
    if span is not None:
        inner = text[span[1] : start] + _HOLE + text[end : span[2]]
        if not _BOX.search(inner):
            sides = [side for side, _ in relation_sides(inner)]
            side = next(s for s in sides if _HOLE in s)
            left, _, right = SPACING.sub(" ", side).partition(_HOLE)
            left = _EMPTY.sub("", left, count=1) if not left.strip() else left
            after = _OPERATOR_AFTER.match(right) or (not left.strip() and unexpected_marks(marks(right), _NONE))
            if left.strip() in _OPERATOR_BEFORE and (left.strip() or after):
                written = _join(left.strip(), content, right.strip())
            elif not left.strip() and _END_PUNCT.match(right) and len(sides) > 1:
                chain = _false_chain(sides, side, content)
            if not left.strip():
                before_at = span[0]
            if _END_PUNCT.match(right) and sides[-1] is side:
                after_at = span[3]
    if span is None:
        glued = _GLUE_AFTER.match(text, end)
        lead = _GLUE_BEFORE.search(text, max(0, start - 12), start)
        if glued or lead:
            written = (lead.group() if lead else "") + content + (glued.group() if glued else "")
    problem = chain or _before(text[max(0, before_at - _WINDOW) : before_at], content) or _question(text, after_at)
    if not problem and written == content:
        word = _WORD.match(text[after_at : after_at + 40].lstrip(" \t"))
        if word and text[after_at : after_at + 40][:1] in " \t":
            w = word.group().casefold()
            if w in _AFTER:
                problem = f"the word after the box changes its value ({word.group()!r})"
            elif w in _SCALE:
                written = f"{content} \\text{{ {word.group()}}}"
    return Box(content, written, problem)


def _false_chain(sides: list[str], side: str, content: str) -> str:
    """The chain, when a side of it other than the box's is a plain number other than the box's."""
    value = exact_number(content.strip())
    if value is None:
        return ""
    for other in sides:
        number = exact_number(SPACING.sub(" ", other).strip()) if other is not side else None
        if number is not None and number.value != value.value:
            shown = " = ".join(content.strip() if s is side else s.strip() for s in sides)
            return f"the box is one side of a false equation ({shown!r})"
    return ""


def _join(left: str, content: str, right: str) -> str:
    if right and _END_PUNCT.match(right):
        right = ""
    if _ATOM.fullmatch(content.strip()):
        return left + content.strip() + right
    return left + "{" + content + "}" + right


def _before(window: str, content: str) -> str:
    """Why the words right before a box qualify it ("" if they do not): walking back from the box over
    linking words, a qualifier, bound or operation word before the stating verb ("is NOT", "is at least",
    "twice"), a qualifier after it ("could be"), or a qualifying adjective of the answer noun before it ("The
    incorrect answer is"); the subject of the sentence ("the square root is") is not read."""
    cut = max(window.rfind("\n"), *(window.rfind(p) for p in ".,;:!?()"))
    words: list[str] = []
    for token in reversed(window[cut + 1 :].replace("$", " ").split()):
        if not _WORD.fullmatch(token.strip("*_")):
            break
        words.insert(0, token.strip("*_"))
    if not words:
        return ""
    shown = " ".join(words[-6:])
    stated = False
    for i in range(len(words) - 1, -1, -1):
        folded = words[i].casefold()
        bound = _BOUND.fullmatch(words[i]) and folded not in _APPROXIMATE
        at = folded in ("least", "most") and i and words[i - 1].casefold() == "at"
        if qualifier(words[i] + " 0") or bound or at or (not stated and folded in _OPERATIONS):
            return f"the words before the box qualify it ({shown!r}); a final answer states one value"
        if folded in _VERBS:
            stated = True
        elif folded in _NOUNS and stated:
            previous = words[max(0, i - 2) : i]
            if previous and qualifier(" ".join(previous) + " 0"):
                return f"the answer the box gives is called {' '.join([*previous, words[i]])!r}"
            return ""
        elif folded not in _FILLERS:
            return ""
    return ""


def _question(text: str, at: int) -> str:
    """Why the sentence a box ends in is a question ("" if it is not)."""
    m = _SENTENCE_REST.match(text, at)
    if m and m.group(1) == "?":
        return "the box is part of a question, not an answer"
    return ""
