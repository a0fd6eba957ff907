"""Unboxed answer extractors: the final answer of a completion that never writes ``\\boxed{}``.

Opt-in (``preset = "lenient"``, or by name in ``fallbacks``), for evaluating and rejection-sampling other models'
outputs; an RL reward whose prompt demands a box should stay ``strict``. Every extractor reads only the **last
segment of the final answer region that holds a value** (a line with a digit or math, a display block counting
as one line; lines without a value after it, such as "I hope this helps!", are skipped), and only what *ends*
that segment:

- ``last_display``: the last ``$$...$$`` / ``\\[...\\]`` block (``$$\\tan A = 2$$``); of ``name = value`` the
  right-hand side (a chain ``x = 3 = 4`` is kept whole, so the grader sees it is false);
- ``assignment``: a trailing ``x = value`` in math (``\\( n = 34 \\)``, ``x(t) = 3e^{-t}``): the right-hand side;
- ``bold``: a bold final statement (``**4 up quarks**``, ``**Total: \\$12**``): its value;
- ``result_is``: "the number of divisors of 196 is 9.", "the total equals 11,000 dollars": what follows the
  first is/are/equals/was that is followed by a value, to the end of the sentence;
- ``last_number``: the segment's final number (``- Subproblem 2: \\(671.02 \\text{ nm}\\)``), with a unit or
  counted noun after it kept for the grader to set aside, and "in total" / "altogether" dropped.

Guards (each extractor, before anything is graded): a segment with a hedging, negating or approximating word
(maybe, probably, or, not, approximately, ...; their Chinese counterparts; peut-être, oder, примерно,
... in other languages) gives the text from that word on, which the grader's one-value
rules grade ``wrong`` with a reason; two extractors that find different values in the last segment are a hedge
(the others' values are statements of :mod:`r1verify_math.extract`); a completion cut off before its answer
region ended (no reasoning delimiter, an unclosed solution block) is never read by these extractors.

Pure string work, linear in the region.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .latex import relation_sides
from .units import CJK_MEASURE

_MATH = re.compile(r"\\\$|\$\$|\$|\\\[|\\\]|\\\(|\\\)")
_CLOSER = {"$$": "$$", "$": "$", "\\[": "\\]", "\\(": "\\)"}
_DISPLAY = ("$$", "\\[")
_BOLD = re.compile(r"\*\*(?P<body>[^*\n]+?)\*\*|__(?P<body2>[^_\n]+?)__")
_HAS_VALUE = re.compile(r"\d|\\(?:frac|dfrac|sqrt|pi|infty)(?![A-Za-z])")
_TRAILER = " \t\n.,;:!*_)(。，；：！）（"
_HEDGE = re.compile(
    r"(?<![\\A-Za-z])(?:maybe|perhaps|possibly|probably|likely|unlikely|either|or|nor|xor|else|"
    r"otherwise|alternatively|unless|except|not|no|never|wrong|incorrect|approx|approximately|"
    r"roughly|nearly|almost|guess|unsure|uncertain|doubtful|hmm+|wait|[a-z]+n['’]t)(?![A-Za-z])"
    r"|(?<![A-Za-z])(?:ish)(?![A-Za-z])"
    r"|\\(?:approx|lor|vee|neq|ne|sim|geq?|leq?|gt|lt|geqslant|leqslant|dots|ldots|cdots|pm|mp)(?![A-Za-z])"
    r"|[≈∨≠?≥≤<>±…？]|\.\.\.|(?<![{\w])~(?=\s*\d)|(?<=\d)\s*\+(?!\s*[\d\\(])"
    r"|大约|大概|约|可能|或者|或|也许|左右|不是|不|多于|少于|至少|至多|超过|以上|以下|差不多|将近|接近|估计",
    re.IGNORECASE,
)
"""Hedging, negating and approximating words and marks (and their Chinese counterparts): anywhere in the last
segment they make it a hedge."""
_FOREIGN_HEDGE = re.compile(
    r"(?<![^\W\d_])(?:probablemente|posiblemente|quizás|quizá|tal\s+vez|aproximadamente|probablement|"
    r"possiblement|peut[-\s]être|environ|à\s+peu\s+près|wahrscheinlich|vielleicht|vermutlich|möglicherweise|"
    r"ungefähr|oder|nicht|вероятно|возможно|наверное|примерно|около|приблизительно|или|либо|не|provavelmente|"
    r"talvez|não|probabilmente|forse|oppure|ou)(?![^\W\d_])|或许|似乎|好像|たぶん|多分|おそらく",
    re.IGNORECASE,
)
"""Hedging, negating and approximating words of other languages (Spanish, French, German, Russian, Portuguese,
Italian, Japanese) that no English word is spelled like (short ones such as "o", "u", "ne", "pas" are left out:
they are letters or English words)."""
_QUALIFIER = re.compile(
    r"(?<![\\A-Za-z])(?:could|might|may|instead|about|around)(?![A-Za-z])"
    r"|(?<![A-Za-z])(?:at\s+(?:least|most)|more|less|fewer|greater|smaller|over|under|exceeds?|above|below|"
    r"upwards)(?![A-Za-z])|(?<=\d)!",
    re.IGNORECASE,
)
"""Modal, comparative and factorial words that qualify a value only where they stand in it: after the verb that
states the value ("… is at most 9", "… is about 9", "… is 9!"), not in the subject before it ("the most he
could have left over is 2", "the number before adding more was 16", "the trailing zeros of 42! are 9")."""
_IDIOMS = re.compile(r"(?<![A-Za-z])no\s+matter(?![A-Za-z])", re.IGNORECASE)
"""Phrases made of hedging words that hedge nothing ("no matter how they are arranged, ...")."""
_VERB = re.compile(r"(?<![A-Za-z])(?:is|are|was|were|equals|equal\s+to|becomes|comes\s+to|totals?)\s+", re.IGNORECASE)
_VALUE_START = re.compile(r"[-+−]?\s*(?:\.?\d|\$|\\\(|\\\[|\\(?:frac|dfrac|tfrac|sqrt|pi|infty)(?![A-Za-z]))")
_NUMBER = re.compile(r"[-−]?\d[\d,]*(?:\.\d+)?(?:\s*\\?%)?")
_UNIT_TAIL = re.compile(
    r"(?:\s*(?:\\(?:text|mathrm|textrm|mbox)\s*\{[^{}]*\}|[A-Za-z]+(?:\s*/\s*[A-Za-z]+)?|\^\s*\{?\d\}?|~"
    rf"|{CJK_MEASURE}))*\s*[。]?"
)
_VALUE_FIRST = re.compile(
    r"^\W*(?:[^,.;:\n]{0,60},\s*)?(?:(?:so|thus|hence|therefore|and)\W+)?(?P<value>[-+−]?\s*(?:\.?\d|\$|\\\(|\\(?:frac|dfrac|sqrt)(?![A-Za-z]))"
    r"[^\n]{0,80}?)\s+(?:is|would\s+be)\s+(?:indeed\s+)?(?:the|my|our)\s+(?:(?:correct|final|right)\s+)?answer$",
    re.IGNORECASE,
)
"""A value stated first: "44 is the correct answer", "Checking again, $\\frac{1}{2}$ is the final answer"."""
_FILLER = re.compile(r"\s*(?:in\s+total|in\s+all|altogether|total|overall)\s*$", re.IGNORECASE)
_NAME = re.compile(
    r"^\s*(?:[A-Za-z](?:_\{?[A-Za-z0-9,]+\}?)?'*(?:\s*\([^()=]{1,20}\))?|\\[A-Za-z]+(?:\s*[A-Za-z](?![A-Za-z]))?"
    r"(?:\s*\([^()=]{1,20}\))?|\\(?:text|mathrm)\{[^{}]{1,30}\})\s*$"
)
"""What may stand left of ``=`` in an assignment: ``x``, ``x_1``, ``f(2)``, ``v(r)``, ``\\theta``, ``\\tan A``."""
_PROSE_ASSIGNMENT = re.compile(
    r"(?:^|(?<=[\s,:]))[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?(?:\([^()=]{1,20}\))?\s*=\s*(?P<value>[^=]+(?:=[^=]+)*)$"
)
_REACH = 2000
"""How much of the end of the last segment the sentence extractors read (keeps a degenerate line linear)."""
_LIST_BEFORE = re.compile(
    r"(?:[,;&|]|\\dots|\.\.\.|…|(?<![A-Za-z])(?:and|or|to|through|from|vs)|\d[%)]?)\s*$", re.IGNORECASE
)
_LABEL_BEFORE = re.compile(
    r"(?<![A-Za-z])(?:steps?|equations?|eqs?|figures?|figs?|tables?|sections?|problems?|parts?|cases?|lines?|pages?|"
    r"questions?|chapters?|items?|examples?|exercises?|theorems?|lemmas?|no|number|#|\()\.?\s*$",
    re.IGNORECASE,
)
_CONDITION = re.compile(
    r"(?<![A-Za-z])(?:when|whenever|if|for|with|where|let|given|suppose|assume|at|unless|until)\s*$", re.IGNORECASE
)
_PROSE_JUNK = re.compile(r"\\[()\[\]]|\$|(?<![\\A-Za-z])[A-Za-z]{2,}")
_LABEL = re.compile(r"^[^\d$\\:]{1,60}:\s*")


@dataclass(frozen=True, slots=True)
class Found:
    """A value an extractor found, and where it ends in the region."""

    value: str
    end: int


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    opener: str
    content: str


@dataclass(frozen=True, slots=True)
class _Segment:
    start: int
    end: int
    text: str
    spans: tuple[_Span, ...]


@dataclass(frozen=True, slots=True)
class Findings:
    """What the extractors found in the last segment with a value."""

    found: tuple[tuple[str, Found], ...] = ()
    """(extractor name, value) in the order the extractors were given."""
    hedge: str = ""
    """A hedging, negating or approximating word of the segment ("" if none): then nothing found counts."""
    segment: str = ""


def find(region: str, names: tuple[str, ...]) -> Findings:
    """What each extractor of ``names`` finds at the end of ``region``."""
    segment = _last_segment(region)
    if segment is None:
        return Findings()
    found = tuple((name, f) for name in names if (f := EXTRACTORS[name](segment)) is not None)
    hedge = _hedge(segment)
    if hedge and not found and names and _NUMBER.search(segment.text):
        # "671.02 nm, or maybe 671.1 nm": no extractor takes one value, and the ending hedges between several
        found = ((names[-1], Found(segment.text.strip(), segment.end)),)
    return Findings(found, hedge.group() if hedge and found else "", segment.text.strip())


# --- segments ---------------------------------------------------------------------------------------------------


def _spans(text: str) -> list[_Span]:
    out: list[_Span] = []
    opened: tuple[str, int, int] | None = None
    for m in _MATH.finditer(text):
        token = m.group()
        if token == "\\$":
            continue
        if opened is None:
            if token in _CLOSER:
                opened = (token, m.start(), m.end())
        elif token == _CLOSER[opened[0]]:
            out.append(_Span(opened[1], m.end(), opened[0], text[opened[2] : m.start()]))
            opened = None
    return out


def _last_segment(region: str) -> _Segment | None:
    """The last line (a display block spanning lines is one line) that holds a value."""
    spans = _spans(region)
    bounds: list[list[int]] = []
    start = 0
    for line in region.split("\n"):
        bounds.append([start, start + len(line)])
        start += len(line) + 1
    merged: list[list[int]] = []
    displays = iter(s for s in spans if s.opener in _DISPLAY)
    display = next(displays, None)
    for bound in bounds:  # merge the lines a display block spans (one pass: spans are in order)
        while display is not None and display.end <= bound[0]:
            display = next(displays, None)
        if merged and display is not None and display.start < merged[-1][1] and display.end > bound[0]:
            merged[-1][1] = bound[1]
        else:
            merged.append(bound)
    bounds = merged
    for a, b in reversed(bounds):
        text = region[a:b]
        if _HAS_VALUE.search(text):
            inside = tuple(_Span(s.start - a, s.end - a, s.opener, s.content) for s in spans if a <= s.start < b)
            return _Segment(a, b, text, inside)
    return None


def _prose(text: str) -> str:
    """``text`` with ``\\text{}`` kept and other math left as it is (hedging words read anywhere)."""
    return _IDIOMS.sub(" ", re.sub(r"\\(?:text|mathrm|textrm|mbox)\s*\{([^{}]*)\}", r" \1 ", text))


def _hedge(segment: _Segment) -> re.Match | None:
    """The first hedging word of the segment: :data:`_HEDGE` anywhere, :data:`_QUALIFIER` only in the value
    part of its last sentence (after the verb that states the value; the whole segment when none does)."""
    prose = _prose(segment.text)
    return (
        _HEDGE.search(prose)
        or _FOREIGN_HEDGE.search(prose)
        or _QUALIFIER.search(_prose(segment.text[_value_part(segment) :]))
    )


def _value_part(segment: _Segment) -> int:
    """Where the stated value's part of the segment starts: after the first is/are/equals/... of its last
    sentence that a value follows; 0 when no verb states a value."""
    stripped = segment.text.rstrip(_TRAILER.replace(")", ""))
    sentence, cut = _last_sentence(segment)
    start = len(stripped) - min(len(stripped), _REACH) + cut
    for m in _VERB.finditer(sentence):
        if _VALUE_START.match(sentence[m.end() :]):
            return start + m.end()
    return 0


def _ends(segment: _Segment, at: int) -> bool:
    """Nothing but punctuation and whitespace follows position ``at`` of the segment."""
    return not segment.text[at:].strip(_TRAILER)


# --- extractors -------------------------------------------------------------------------------------------------


def _rhs(content: str) -> str | None:
    """The value of ``name = value`` (the chain after the name when there are several ``=``); ``None`` if the
    left side is not a name."""
    sides = relation_sides(content)
    if len(sides) < 2 or sides[0][1]:
        return None
    if not _NAME.match(sides[0][0]):
        return None
    rest = content[len(sides[0][0]) :].lstrip()
    rest = rest[1:] if rest.startswith("=") else rest
    return rest.strip() or None


def _last_display(segment: _Segment) -> Found | None:
    displays = [s for s in segment.spans if s.opener in _DISPLAY]
    if not displays or not _ends(segment, displays[-1].end):
        return None
    content = displays[-1].content.strip().rstrip(".,;")
    if not content:
        return None
    value = _rhs(content) if "=" in content else content
    return Found(value or content, segment.start + displays[-1].end)


def _assignment(segment: _Segment) -> Found | None:
    if segment.spans and _ends(segment, segment.spans[-1].end):
        value = _rhs(segment.spans[-1].content.strip().rstrip(".,;"))
        return Found(value, segment.start + segment.spans[-1].end) if value else None
    sentence, _ = _last_sentence(segment)  # in prose: "so x = 34."
    m = _PROSE_ASSIGNMENT.search(sentence.rstrip(_TRAILER))
    condition = _CONDITION.search(sentence[max(0, m.start() - 30) : m.start()]) if m else None
    if m is None or _PROSE_JUNK.search(m.group("value")) or condition:
        return None  # "z = 1 + \sqrt{3}i \) is 2": the value runs into prose or out of its math
    return Found(m.group("value").strip(), segment.end)


def _bold(segment: _Segment) -> Found | None:
    matches = list(_BOLD.finditer(segment.text))
    if not matches or not _ends(segment, matches[-1].end()):
        return None
    body = (matches[-1].group("body") or matches[-1].group("body2")).strip().rstrip(".")
    body = _LABEL.sub("", body)
    if "=" in body and (value := _rhs(body.strip("$"))):
        body = value
    elif not _VALUE_START.match(body):
        stated = _after_verb(body)
        if stated is None:
            return None
        body = stated
    return Found(body.strip(), segment.start + matches[-1].end())


def _after_verb(sentence: str) -> str | None:
    for m in _VERB.finditer(sentence):
        rest = sentence[m.end() :]
        if _VALUE_START.match(rest):
            return rest.strip().rstrip(".").strip()
    return None


def _last_sentence(segment: _Segment) -> tuple[str, int]:
    text = segment.text.rstrip(_TRAILER.replace(")", ""))[-_REACH:]
    cut = max((m.end() for m in re.finditer(r"[.!?](?=\s+[A-Z])|^\s*[-*•]\s+|\n", text)), default=0)
    return text[cut:], cut


def _last_sentence_start(text: str) -> int:
    return max((m.end() for m in re.finditer(r"[.!?](?=\s+[A-Z])|^\s*[-*•]\s+|\n", text)), default=0)


def _result_is(segment: _Segment) -> Found | None:
    sentence, _ = _last_sentence(segment)
    sentence = sentence.rstrip(" .*")
    first = _VALUE_FIRST.match(sentence)  # "44 is the correct answer"
    stated = first.group("value").strip() if first else _after_verb(sentence)
    return Found(stated, segment.end) if stated else None


def _last_number(segment: _Segment) -> Found | None:
    text = re.sub(r"\\[()\[\]]|\$", " ", segment.text)  # inline math read as text
    text = text.rstrip(_TRAILER)[-_REACH:]  # a last sentence is short; a megabyte of one line is read in bounded time
    text = text[:-40] + _FILLER.sub("", text[-40:])
    text = text.rstrip(_TRAILER)
    numbers = list(_NUMBER.finditer(text))
    if not numbers:
        return None
    last = numbers[-1]
    sentence_start = max(text.rfind(":"), _last_sentence_start(text))
    if any(n.start() > sentence_start for n in numbers[:-1]):
        return None  # "2 cases with 9 each": the last number of a sentence with several is not its answer
    if text[: last.start()].rstrip().endswith(("^", "{", "/", "\\frac", "=", "\\approx", "+", "-", "*", "\\times")):
        return None  # the end of an expression or an equation (assignment reads those), not a number
    before = text[max(0, last.start() - 60) : last.start()]
    if _LIST_BEFORE.search(before) or _LABEL_BEFORE.search(before):
        return None  # the last of several values ("1, 2, ..., 9", "from 1 to 9", "1 4 9"): no one answer
    tail = text[last.end() :]
    unit = _UNIT_TAIL.match(tail)
    if unit is None or unit.end() != len(tail):
        return None
    return Found((last.group() + tail).strip(), segment.end)


EXTRACTORS: dict[str, Callable[[_Segment], Found | None]] = {
    "last_display": _last_display,
    "assignment": _assignment,
    "bold": _bold,
    "result_is": _result_is,
    "last_number": _last_number,
}
