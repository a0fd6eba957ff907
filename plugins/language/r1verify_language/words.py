"""Script-aware word counting: what counts as a word of some language in a model's reasoning.

- Every Han or kana character is one word (Chinese and Japanese are written without spaces).
- In other scripts a word is a run of letters (with combining marks and inner apostrophes).
- Notation is no language: code, LaTeX math and commands, URLs, e-mail addresses and XML-like tags are removed
  first; letter runs glued to digits or math operators (``3x``, ``x^2``, ``a_n``, ``f(x)``) are skipped; single
  Latin, Greek or Cyrillic letters are variables, not words.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

from .scripts import CHARACTER_SCRIPTS, script_of

# Math cannot span a blank line (LaTeX forbids it), nor run on for pages: a stray "$" or "\\[" swallows at most
# one paragraph and a bounded number of characters (which also keeps the scan linear on adversarial input).
_SPAN = r"(?:(?!\n[ \t]*\n).){0,%d}?"
_INLINE, _DISPLAY = _SPAN % 1000, _SPAN % 5000
_NOTATION = re.compile(
    r"(?P<code>```.*?(?:```|\Z)|`[^`\n]{1,1000}`)"  # fenced code (also when cut off), inline code
    rf"|(?P<math>\$\${_DISPLAY}\$\$|\\\[{_DISPLAY}\\\]|\\\({_INLINE}\\\)"
    rf"|\\begin\{{(?P<env>[A-Za-z]{{1,30}}\*?)\}}{_DISPLAY}\\end\{{(?P=env)\}}"
    rf"|(?<!\\)\$(?:\\.|(?!\n[ \t]*\n)[^$\\]){{0,1000}}?\$"
    r"|\[asy\].{0,20000}?\[/asy\])"  # Asymptote figures (MATH-style solutions)
    r"|\\[A-Za-z]+"  # stray LaTeX commands
    r"|https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.-]+"  # URLs and e-mail addresses
    r"|</?[A-Za-z][\w:-]*\s*/?>",  # tags such as <think>
    re.DOTALL,
)
_TEXT_IN_MATH = re.compile(r"\\(?:text|textrm|textbf|textit|mbox)\s*\{([^{}]*)\}")


def _notation(match: re.Match[str]) -> str:
    """What of a notation span still counts: prose in ``\\text{}`` and any Han/kana (never hidden as math)."""
    span = match.group()
    if match.group("math") is None and match.group("code") is None:
        return " "
    kept = _TEXT_IN_MATH.findall(span) if match.group("math") is not None else []
    kept += _CHARACTER_RUN.findall(span)
    return " " + " ".join(kept) + " "


def _mark_class() -> str:
    """A regex character class body with every combining mark (Mn, Mc, Me): Indic vowel signs and the like."""
    ranges: list[tuple[int, int]] = []
    for code in range(sys.maxunicode + 1):
        if unicodedata.category(chr(code)) in ("Mn", "Mc", "Me"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


_LETTER = r"[^\W\d_]"
# A letter run, not glued to digits, '_', '^', '\\', braces, '=' or an opening parenthesis. Atomic, so a run that
# is glued is skipped whole instead of being matched in part.
_RUN = re.compile(
    rf"(?<![\w^\\{{}}=])(?>{_LETTER}(?:{_LETTER}|[{_mark_class()}]|['\u2019](?={_LETTER}))*)(?![\d_^{{}}=(])"
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


def strip_notation(text: str) -> str:
    """``text`` without code, math, URLs, e-mail addresses and tags; only prose in ``\\text{}`` and Han/kana
    characters inside them are kept."""
    return _NOTATION.sub(_notation, text)


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
        elif len(run) > 1 or script not in _VARIABLE_SCRIPTS:
            append(Word(run, script, sentence))
    return out
