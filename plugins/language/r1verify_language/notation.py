"""Notation in reasoning text, and what inside it still counts as prose.

Notation spans are closed, bounded code and math: fenced and inline code, ``$…$``, ``$$…$$``, ``\\[…\\]``,
``\\(…\\)``, ``\\begin{env}…\\end{env}`` and ``[asy]…[/asy]``. An unclosed fence or delimiter opens nothing, and
math never spans a blank line (LaTeX forbids it). Spans are not black holes; inside them these still count:

- prose macros: the argument of ``\\text``, ``\\textrm``, ``\\textsf``, ``\\texttt``, ``\\textbf``, ``\\emph``,
  ``\\mbox``, ``\\hbox``... (every text-mode macro);
- letters of every script other than Latin and Greek (Han, kana, Hangul, Cyrillic, Arabic...): math and code
  are written in Latin and Greek letters, so other letters are words, as outside notation;
- prose runs of Latin or Greek words: at least two words of three or more letters, each not a LaTeX command,
  a keyword or a common function name, separated only by spaces, punctuation, braces or font commands
  (``\\mathrm``, ``\\operatorname``...). LaTeX math ignores spaces, so space-separated words in math are prose,
  not a product of variables. A run may continue across consecutive spans (``$nous$ $calculons$``).

URLs, e-mail addresses and tags (``<think>``) are notation too, but only in ASCII and never across whitespace:
a Chinese or Cyrillic "URL" is prose. LaTeX commands outside math are removed.
"""

from __future__ import annotations

import re

from .scripts import NOTATION_SCRIPTS, letters_of, mark_class

# Math cannot span a blank line (LaTeX forbids it), nor run on for pages: a stray "$" or "\\[" pairs with another
# at most one paragraph and a bounded number of characters away (which also keeps the scan linear).
_SPAN = r"(?:(?!\n[ \t]*\n).){0,%d}?"
_INLINE, _DISPLAY = _SPAN % 1000, _SPAN % 5000
_URL_CHARS = r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]"
NOTATION = re.compile(
    r"(?P<code>```.{0,20000}?```|`[^`\n]{1,1000}`)"  # closed fences only; inline code
    rf"|(?P<math>\$\${_DISPLAY}\$\$|\\\[{_DISPLAY}\\\]|\\\({_INLINE}\\\)"
    rf"|\\begin\{{(?P<env>[A-Za-z]{{1,30}}\*?)\}}{_DISPLAY}\\end\{{(?P=env)\}}"
    rf"|(?<!\\)\$(?:\\.|(?!\n[ \t]*\n)[^$\\]){{0,1000}}?\$"
    r"|\[asy\].{0,20000}?\[/asy\])"  # Asymptote figures (MATH-style solutions)
    r"|\\[A-Za-z]+"  # stray LaTeX commands
    rf"|https?://{_URL_CHARS}{{1,2000}}|www\.{_URL_CHARS}{{1,2000}}"  # ASCII URLs, never across spaces or CJK
    r"|[A-Za-z0-9.+_-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+"  # e-mail addresses
    r"|</?[A-Za-z][A-Za-z0-9_.:-]{0,63}[ \t]*/?>",  # tags such as <think>
    re.DOTALL,
)

_BRACED = r"\{((?:[^{}]|\{[^{}]*\})*)\}"
_PROSE_MACRO = re.compile(
    r"\\(?:text(?:rm|sf|tt|sc|up|sl|bf|it|md|normal)?|emph|mbox|hbox|fbox|makebox|framebox|intertext"
    rf"|shortintertext)\*?\s*{_BRACED}"
)
_MATH_LETTER = f"[{letters_of(*NOTATION_SCRIPTS)}]"
_MARK = f"[{mark_class()}]"
_OTHER_LETTER = rf"(?:(?!{_MATH_LETTER})[^\W\d_])"
_OTHER_WORDS = re.compile(rf"{_OTHER_LETTER}(?:{_OTHER_LETTER}|{_MARK})*")
"""Letters of scripts other than Latin and Greek: no math or code is written in them."""
_LATIN_RUN = re.compile(f"{_MATH_LETTER}+")
# A Latin/Greek word that is not a command's or an environment's name, an attribute (np.sqrt), a subscript or
# glued to digits, and not a function call, a subscripted or indexed name (f(x), a_n, a[i]).
_WORD = (
    rf"(?<![0-9_^.\\]|{_MATH_LETTER})(?<!\\begin\{{)(?<!\\end\{{)"
    rf"(?>{_MATH_LETTER}(?:{_MATH_LETTER}|{_MARK}|['\u2019](?={_MATH_LETTER}))*)(?![(_^\[0-9])"
)
_SEPARATOR = (
    r"(?:[\s,.:!?'\"\u2019{}~$`\-]"
    r"|\\(?:mathrm|mathbf|mathit|mathsf|mathtt|mathnormal|operatorname|boldsymbol|bm|quad|qquad)(?![A-Za-z])"
    r"|\\[\[\]() ,;:!])++"
)
"""What may separate two words of a prose run: spaces, punctuation, braces, code or math delimiters, font and
spacing commands."""
_SEQUENCE = re.compile(rf"{_WORD}(?:{_SEPARATOR}{_WORD})*")
_MARKUP = re.compile(r"\\[A-Za-z]+|\\.|[{}$`~]")
"""Separators that are not prose: replaced by spaces when a run is kept (its punctuation stays)."""
_GAP = re.compile(f"(?:{_SEPARATOR})?")
_MAY_HOLD_PROSE = re.compile(
    r"(?<![\\A-Za-z])(?<!\\begin\{)(?<!\\end\{)[A-Za-z]{3}"
    r"|\\(?:text|emph|mbox|hbox|fbox|makebox|framebox|intertext|shortintertext)|[^\x00-\x7f]"
)
"""A quick test: a span without a word of three ASCII letters, a prose macro or a non-ASCII character has no prose."""
_NOT_PROSE_WORDS = """
    sin cos tan cot sec csc sinh cosh tanh arcsin arccos arctan log exp lim sup inf max min gcd lcm mod det deg dim
    arg ker tr var cov
    and not for from import return def class lambda while elif else with pass break continue yield try except
    finally raise assert global nonlocal none true false self print range len int float str list dict set tuple sum
    abs round sorted input map filter zip enumerate open math numpy sympy itertools fractions collections
    include define using namespace std long double char bool void auto const static struct public private protected
    new delete main cout cin endl printf scanf vector string function var let null undefined this
    draw label dot fill filldraw unitsize size pair real path dashed arrow asy cycle olympiad geometry graph
    python cpp java javascript bash text plaintext latex json
"""
NOT_PROSE = frozenset(_NOT_PROSE_WORDS.split())
"""Latin words that are notation, not prose, inside code and math: functions, keywords, code-block languages."""


class _Runs:
    """The open run of Latin/Greek words; it may continue across consecutive spans."""

    __slots__ = ("pieces", "strong")

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.strong = 0

    def add(self, words: str) -> None:
        """Extend the run with a sequence of words."""
        self.pieces.append(words)
        self.strong += sum(1 for w in _LATIN_RUN.findall(words) if len(w) >= 3 and w.lower() not in NOT_PROSE)

    def close(self) -> str:
        """The run's text if it is prose (two strong words or more), else nothing; a new run starts."""
        prose = " " + _MARKUP.sub(" ", " ".join(self.pieces)) + " " if self.strong >= 2 else ""
        self.pieces, self.strong = [], 0
        return prose

    def close_into(self, out: list[str]) -> None:
        if self.pieces:
            out.append(self.close())


def _scan(span: str, math: bool, runs: _Runs, out: list[str]) -> None:
    """Append what of one code or math span counts as prose to ``out``; extend or close ``runs``."""
    if math:
        kept = _PROSE_MACRO.findall(span)
        if kept:
            out.append(" " + " ".join(kept) + " ")
            span = _PROSE_MACRO.sub(r"\\relax ", span)
    if not span.isascii():
        out.append(" " + " ".join(_OTHER_WORDS.findall(span)) + " ")
    previous = 0
    for sequence in _SEQUENCE.finditer(span):
        if not _GAP.fullmatch(span, previous, sequence.start()):
            runs.close_into(out)
        runs.add(sequence.group())
        previous = sequence.end()
    if not _GAP.fullmatch(span, previous):
        runs.close_into(out)


def _span_follows(text: str, end: int) -> bool:
    """Whether a code or math span starts after ``end`` with only separators in between."""
    gap_end = _GAP.match(text, end).end()  # type: ignore[union-attr]  # matches the empty string at worst
    for position in range(end, min(gap_end, end + 100) + 1):
        if text.startswith(("$", "`", "\\", "["), position):
            match = NOTATION.match(text, position)
            if match is not None and match.lastgroup is not None:
                return True
    return False


def strip_notation(text: str) -> str:
    """``text`` with notation replaced by what of it still counts as prose (see the module docstring)."""
    runs = _Runs()

    def replace(match: re.Match[str]) -> str:
        kind = match.lastgroup
        if kind is None:  # a command, URL, e-mail address or tag
            return " "
        span = match.group()
        if not runs.pieces and not _MAY_HOLD_PROSE.search(span):
            return " "  # the common case: nothing in it is prose
        out = [" "]
        _scan(span, kind == "math", runs, out)
        if runs.pieces and not _span_follows(text, match.end()):
            out.append(runs.close())  # a run goes on only into a span that follows
        out.append(" ")
        return "".join(out)

    return NOTATION.sub(replace, text)
