"""Script-aware word counting: what counts as a word of some language in a model's reasoning.

- Every Han or kana character is one word (Chinese and Japanese are written without spaces).
- In other scripts a word is a run of letters (with combining marks and inner apostrophes).
- Notation is no language: code, LaTeX math and commands, URLs, e-mail addresses and XML-like tags are removed
  first, except what of them is prose (``notation.py``); Latin or Greek letter runs glued to digits or math
  operators (``3x``, ``x^2``, ``a_n``, ``f(x)``) are skipped; single Latin, Greek or Cyrillic letters are
  variables, not words, and letter-like math symbols (ℝ, 𝑥) are never words.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from .notation import strip_notation
from .scripts import CHARACTER_SCRIPTS, NOTATION_SCRIPTS, letters_of, mark_class, script_of

_MATH = f"[{letters_of(*NOTATION_SCRIPTS)}]"
_OTHER = rf"(?:(?!{_MATH})[^\W\d_])"
_MARKS = f"[{mark_class()}]"
# Latin and Greek letter runs (the letters of math variables and code) that are glued to digits, '_', '^', '\\',
# braces, '=' or an opening parenthesis are notation (3x, x^2, a_n, f(x)); atomic, so a glued run is skipped whole.
# Runs of other letters are words wherever they stand: no notation is written in them.
_RUN = re.compile(
    rf"(?<![\d_^\\{{}}=]|{_MATH})(?>{_MATH}(?:{_MATH}|{_MARKS}|['\u2019](?={_MATH}))*)(?![\d_^{{}}=(])"
    rf"|{_OTHER}(?:{_OTHER}|{_MARKS}|['\u2019](?={_OTHER}))*"
)
_CHARACTER_RANGES = "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U0001b000-\U0001b16f\U00020000-\U0003134f"
_CHARACTER_RUN = re.compile(f"[{_CHARACTER_RANGES}]+")
_SENTENCE_END = re.compile(r"[.!?;\n\u3002\uff01\uff1f\uff1b\u2026]")
_VARIABLE_SCRIPTS = frozenset({"Latin", "Greek", "Cyrillic"})


@dataclass(frozen=True, slots=True)
class Word:
    """One counted word: its text, script and the index of the sentence it is in."""

    text: str
    script: str
    sentence: int


def words(text: str) -> list[Word]:
    """The words of ``text`` in order, notation removed (see the module docstring)."""
    # Han/kana runs are set apart by spaces: digits next to them ("3个") are normal, not notation.
    clean = _CHARACTER_RUN.sub(r" \g<0> ", strip_notation(text))
    ends = [m.start() for m in _SENTENCE_END.finditer(clean)]
    out: list[Word] = []
    append = out.append
    for match in _RUN.finditer(clean):
        run = match.group()
        sentence = bisect_right(ends, match.start())
        script = script_of(run[0])
        if script in CHARACTER_SCRIPTS:
            for ch in run:
                append(Word(ch, script_of(ch), sentence))
        elif script != "Math" and (len(run) > 1 or script not in _VARIABLE_SCRIPTS):
            append(Word(run, script, sentence))
    return out
