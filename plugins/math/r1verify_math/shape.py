"""What an answer says besides its value: marks (connectives, relations, struck-out parts, question marks,
case splits) and words that are not units.

math-verify reads ``3 \\lor 4`` as 4, ``4 \\text{ (doubtful)}`` as 4 and ``\\neg 4`` as 4: it drops what it cannot
read. An answer is one value, so the grader (:mod:`r1verify_math.grade`) calls an answer wrong when it has a
mark or a word the reference does not have. Both are found on :func:`~r1verify_math.folding.fold`-ed text, so
look-alike letters and zero-width characters hide nothing.

- Marks (:func:`marks`): a logical connective (``\\lor``, ``\\land``, ``\\neg``, ``\\not``, ``∨``), an arrow or
  equivalence (``\\to``, ``\\Rightarrow``, ``\\iff``), a relation other than ``=``, ``\\approx`` and the order
  relations (``\\sim``, ``\\equiv``, ``\\cong``, ``\\simeq``, ``\\mid``, a single ``|``), a struck-out part
  (``\\cancel``), a question mark, a ``cases`` or ``array`` environment, several values separated by ``;``;
  loose or negated order relations (``\\gtrsim``, ``\\ll``, ``\\nless``), ``\\neq``, ``\\propto``, set relations
  (``\\subset``), and ``\\in`` unless it puts a name in a set or interval (``x \\in [1, 2)``).
  (Chains of ``=`` and ``\\approx`` are checked for consistency instead:
  :func:`r1verify_math.symbolic.inconsistent_relation`.)
- Words (:func:`words`): in LaTeX, every letter inside a text macro (``\\text``, ``\\textsf``, ``\\emph``,
  ``\\operatorname``, ...; ``\\text{ n o t}`` spells a word too) and every run of two or more letters inside a
  math-font macro (``\\mathrm{or}``), except the units and multiplier that end the answer
  (:mod:`r1verify_math.units`), math names (``\\operatorname{lcm}``) and "and" (a list). In prose ("the answer
  is 4 (alternatively 3)"), every word after the first number, except those; letters inside ``$...$`` are
  math. The words before the first number are the sentence that leads to it ("The largest $n$ is 34"): they
  are checked by :func:`r1verify_math.normalize.qualifier` only.
"""

from __future__ import annotations

import functools
import re

from .folding import fold, join_spelled
from .latex import FONT_MACROS, TEXT_MACROS
from .normalize import SPACING, strip_ordinals, time_of_day
from .units import split_tail

_MARKS = {  # name: (pattern, what it is)
    "or": (r"\\(?:lor|vee|veebar)(?![A-Za-z])|[∨⊻]", "a logical or"),
    "and": (r"\\(?:land|wedge)(?![A-Za-z])|∧", "a logical and"),
    "not": (r"\\(?:neg|lnot|not)(?![A-Za-z])|¬", "a negation"),
    "arrow": (
        (
            r"\\(?:to|gets|mapsto|(?:long)?(?:right|left|leftright)arrow|(?:Long)?(?:Right|Left|Leftright)arrow"
            r"|implies|impliedby|iff)(?![A-Za-z])|[→←↔⇒⇐⇔⟶⟹⟺↦]"
        ),
        "an arrow or equivalence",
    ),
    "sim": (r"\\(?:sim|thicksim)(?![A-Za-z])|∼", "a similarity sign"),
    "approx": (r"\\(?:thickapprox|approxeq)(?![A-Za-z])|≊", "an approximation sign"),
    "equiv": (r"\\equiv(?![A-Za-z])|≡", "a congruence"),
    "cong": (r"\\cong(?![A-Za-z])|≅", "a congruence"),
    "simeq": (r"\\simeq(?![A-Za-z])|≃", "an isomorphism sign"),
    "mid": (r"\\(?:mid|nmid|divides)(?![A-Za-z])|[∣∤]", "a divides or such-that bar"),
    "struck out": (r"\\(?:cancel|bcancel|xcancel|cancelto|sout|st)(?![A-Za-z])", "a struck-out part"),
    "question mark": (r"\?", "a question mark"),
    "ellipsis": (r"\\(?:dots|ldots|cdots|dotsc|dotsb)(?![A-Za-z])|\.\.\.|…", "an ellipsis"),
    "inequality": (
        r"\\(?:geq?q?|leq?q?|geqslant|leqslant|gt|lt)(?![A-Za-z])|[≥≤≦≧]|<(?![|/A-Za-z])|(?<![|A-Za-z/-])>",
        "an inequality",
    ),
    "loose order": (
        r"\\(?:gtrsim|lesssim|gtrapprox|lessapprox|ll|gg|lll|ggg|nless|ngtr|nleq|ngeq|nleqq|ngeqq|nleqslant|ngeqslant"
        r"|lneqq?|gneqq?|lvertneqq|gvertneqq|gtrless|lessgtr|prec|succ|preceq|succeq|precsim|succsim)(?![A-Za-z])"
        r"|[≪≫≲≳≮≯≰≱≺≻]",
        "a loose, negated or strict-order relation",
    ),
    "neq": (r"\\(?:neq|ne|nequiv)(?![A-Za-z])|[≠≢]|(?<![<>=!\d])!=(?!=)", "a not-equal sign"),
    "propto": (r"\\(?:propto|varpropto)(?![A-Za-z])|∝", "a proportionality sign"),
    "set relation": (
        r"\\(?:subset|supset|subseteq|supseteq|subsetneq|supsetneq|subseteqq|supseteqq|sqsubset|sqsupset|ni|notin)"
        r"(?![A-Za-z])|[⊂⊃⊆⊇⊊⊋∉∋]",
        "a set relation",
    ),
    "cases": (r"\\begin\s*\{\s*[dr]?cases\*?\s*\}", "a cases environment"),
    "array": (r"\\begin\s*\{\s*array\s*\}", "an array environment"),
    "matrix": (r"\\begin\s*\{\s*[pbBvV]?matrix\*?\s*\}|\\begin\s*\{\s*smallmatrix\s*\}", "a matrix"),
}
_DESCRIPTIONS = {name: what for name, (_, what) in _MARKS.items()} | {
    "semicolon": "values separated by ';'",
    "element": "an element sign that does not put a name in a set",
}
_MARK = re.compile("|".join(f"(?P<m{i}>{pattern})" for i, (pattern, _) in enumerate(_MARKS.values())))
_MARK_NAMES = list(_MARKS)
_HARMLESS = {"matrix", "interval"}
_INTERVAL = re.compile(r"^[\s$]*(?:\\left)?\s*[\[(].*,.*[\])][\s$.]*$", re.DOTALL)
"""Marks that never make an answer wrong by themselves (a matrix is a value); a matrix reference also allows
an ``array``."""
_IN = re.compile(r"\\in(?![A-Za-z])|∈")
_MEMBERSHIP = re.compile(r"(?:^|[\s,;{(\[])(?:[A-Za-z](?:_\{?\w+\}?)?'*|\\[A-Za-z]+)\s*$")
"""A name right before ``\\in``: ``x \\in``, ``x_1 \\in``, ``\\theta \\in``."""
_SET_START = re.compile(r"\s*(?:\\left|\\[{]|\\(?:mathbb|mathbf|emptyset|varnothing|R|N|Z|Q|C)(?![a-z])|[\[(\]{ℝℕℤℚℂ∅])")
"""What a set or interval starts with: ``[``, ``(``, ``\\{``, ``\\mathbb{R}``, ``\\emptyset``, ``]0, 1[``."""
_BAR = re.compile(r"\\[lr]?vert(?![A-Za-z])|(?<!\\)\|")
_BRACKETS = re.compile(r"\\[{}]|[{}()\[\]]|(?<!\\);")
_TEXT = re.compile(rf"\\(?P<macro>{TEXT_MACROS}|{FONT_MACROS})\s*\{{(?P<arg>[^{{}}]*)\}}")
_FONT = set(FONT_MACROS.split("|"))
_LETTERS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_MATH_SPAN = re.compile(r"\$\$.*?\$\$|\$.*?\$|\\\(.*?\\\)|\\\[.*?\\\]", re.DOTALL)
_COMMAND = re.compile(r"\\[A-Za-z]+")
_DELIMITERS = re.compile(r"\$|\\[()\[\]]")
_DIGIT = re.compile(r"\d")
VALUE_WORDS = frozenset(
    "sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh log ln lg exp sqrt pi inf infty infinity "  # noqa: SIM905
    "lcm gcd sgn sign det dim ker deg rank tr trace re im arg max min mod lim sup percent percentage pct "
    "am pm and".split()
)
"""Words that belong to a value: math names, percent, a.m./p.m., and "and" (which joins the values of a list)."""


def marks(answer: str) -> frozenset[str]:
    """The marks in ``answer`` (see the module docstring), by name."""
    text = fold(answer)
    found = {_MARK_NAMES[int(m.lastgroup[1:])] for m in _MARK.finditer(text)}  # type: ignore[index]
    if len(_BAR.findall(text)) % 2:
        found.add("mid")  # a lone bar is "divides" or "such that"; pairs are absolute values
    if _top_level_semicolon(text):
        found.add("semicolon")
    if any(not _MEMBERSHIP.search(text, 0, m.start()) or not _SET_START.match(text, m.end()) for m in _IN.finditer(text)):
        found.add("element")  # "\in 5", "x \in 5": only "x \in [1, 2)" (a name in a set or interval) is a value
    if _INTERVAL.match(text) or "\\cup" in text or "\\infty" in text:
        found.add("interval")  # an interval or ray: an inequality may state the same set
    return frozenset(found)


def unexpected_marks(answer: frozenset[str], reference: frozenset[str]) -> list[str]:
    """What the marks of an answer that its reference does not have (and that matter) are, in words."""
    allowed = reference | ({"array"} if "matrix" in reference else set())
    allowed |= {"inequality"} if "interval" in reference else set()
    return sorted(_DESCRIPTIONS[name] for name in answer - allowed - _HARMLESS)


def words(answer: str, prose: bool) -> tuple[str, ...]:
    """The words of ``answer`` that are text (see the module docstring), folded and case-folded, in order.

    ``prose``: the answer is a sentence ("the answer is ...") rather than LaTeX (a box, a reference).
    """
    text = time_of_day(strip_ordinals(SPACING.sub(" ", fold(answer)).replace("\\$", " ")))
    if not prose:
        return tuple(_latex_words(split_tail(_DELIMITERS.sub(" ", text).strip())[0]))
    found: list[str] = []

    def span(m: re.Match) -> str:
        found.extend(_latex_words(m.group()))
        return " 0 " if _DIGIT.search(m.group()) else " "

    text = _MATH_SPAN.sub(span, text)
    text = _TEXT.sub(lambda m: f" {m.group('arg')} ", text)
    text = _COMMAND.sub(" ", split_tail(text)[0])
    first = _DIGIT.search(text)
    rest = text[first.start() :] if first else text
    rest = join_spelled(rest)
    found += [w for w in _words(rest) if len(w) > 1]
    return tuple(found)


@functools.lru_cache(maxsize=4096)
def reference_words(reference: str) -> frozenset[str]:
    """The words a reference answer allows: its :func:`words`, and every run of letters outside a LaTeX command
    (a reference may be plain text: ``east``, ``$125$ miles``, ``A, C``)."""
    text = fold(reference)
    bare = _words(_COMMAND.sub(" ", _TEXT.sub(" ", text)))
    return frozenset(words(reference, prose=False)) | frozenset(bare)


def _latex_words(text: str) -> list[str]:
    groups: list[tuple[str, bool]] = []  # macro arguments, adjacent ones joined: \mathrm{n}\mathrm{o} spells "no"
    end = -1
    for m in _TEXT.finditer(text):
        font = m.group("macro") in _FONT
        if groups and not text[end : m.start()].strip():
            arg, all_font = groups[-1]
            groups[-1] = (arg + m.group("arg"), all_font and font)
        else:
            groups.append((m.group("arg"), font))
        end = m.end()
    found = []
    for arg, font in groups:
        arg = join_spelled(arg)
        found += [w for w in _words(arg) if len(w) >= (2 if font else 1)]
    return found


def _words(text: str) -> list[str]:
    return [w for w in (m.group().casefold() for m in _LETTERS.finditer(text)) if w not in VALUE_WORDS]


def _top_level_semicolon(text: str) -> bool:
    """A ``;`` outside every bracket: several values (``3; 4``); ``\\;`` is a space."""
    depth = 0
    for m in _BRACKETS.finditer(text):
        token = m.group()
        if token == ";":
            if depth == 0:
                return True
        elif token in ("{", "(", "[", "\\{"):
            depth += 1
        else:
            depth = max(0, depth - 1)
    return False
