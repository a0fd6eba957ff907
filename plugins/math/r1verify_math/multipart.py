"""Several boxes for a one-value reference: which of them answers the question.

Long-CoT models box every result they reach: the pizza's weight and then the asked ``m - n``, one box per
sub-question, an expression and then its value. When the reference is one value and the final answer boxes
several different values, the grader applies this rule before calling them a hedge (docs/math.md, "Multi-part
answers"):

1. **Intermediate forms.** A box whose content has a variable and reappears as the left side of the equation
   chain that ends in a later box is that box's earlier form (``\\boxed{\\frac{12}{T^2}}`` ...
   ``\\frac{12}{T^2} = \\frac{12}{13^2} = \\boxed{\\frac{12}{169}}``): it is dropped.
2. **The asked part.** If the question names what it asks ("What is $m-n$?", "Compute the distance modulus.")
   and exactly one of the remaining boxes is introduced in its own sentence by that name
   ("Finally, $m-n = 9-5 = \\boxed{4}$", "the distance modulus is \\boxed{27.39}"), that box alone is graded.
3. Otherwise the boxes stay several answers: a hedge.

Guards: nothing is selected when any box is introduced by a hedging word (or, maybe, perhaps, alternatively,
actually, wait, ...), when more than one box is introduced by the name or as "the (final) answer", or when
the prompt names nothing; a
selected box is still split on "or" and checked like any other answer. Pure string work on the final answer
region and the prompt, only when there are several boxes.
"""

from __future__ import annotations

import re

_ASKED = re.compile(
    r"(?:\b(?:what|which)\s+(?:is|are|was|were|will\s+be)\s+|\b(?:compute|find|determine|calculate|evaluate|"
    r"give|express|estimate|how\s+(?:many|much)))\s*(?:the\s+(?:value|values|number|sum)\s+of\s+)?(?P<x>[^?.\n]{1,100})",
    re.IGNORECASE,
)
_MATH = re.compile(r"\$([^$]{1,60})\$|\\\(\s*(.{1,60}?)\s*\\\)")
_NOISE = re.compile(r"\s+|\\[,;:! ]|\\left|\\right|[{}$]|\\[()]")
_WORD = re.compile(r"[A-Za-z]{3,}")
_STOP = frozenset(
    "the this that these those and for with from into its their value values number numbers sum what which "
    "possible smallest largest least greatest total answer".split()
)
_HEDGE = re.compile(
    r"(?<![A-Za-z\\])(?:or|maybe|perhaps|possibly|probably|alternatively|actually|wait|might|could|either|"
    r"otherwise|instead|hmm|not)(?![A-Za-z])",
    re.IGNORECASE,
)
_SENTENCE_START = re.compile(r"(?:[.!?](?=\s)|\n\s*\n|^)")
_ANSWER = re.compile(r"(?<![A-Za-z])answer(?![A-Za-z])", re.IGNORECASE)
"""A box introduced as "the (final) answer" names the asked part too: with another named box, two answers."""
_LEAD = 200
"""How far before a box its introducing sentence is read."""
_VARIABLE = re.compile(r"(?<![A-Za-z\\])[A-Za-z](?![A-Za-z])")
_COMMAND = re.compile(r"\\[A-Za-z]+")


def select(final: str, boxes: list[str], prompt: str) -> tuple[str, ...]:
    """The boxes of ``boxes`` (distinct contents, in order) that answer the question, by the rule of the module
    docstring; ``()`` when the rule does not apply (then all of them are graded)."""
    if len(boxes) < 2:
        return ()
    starts = [_box_start(final, box) for box in boxes]
    if any(s < 0 for s in starts):
        return ()
    leads = [_lead(final, start) for start in starts]
    if any(_HEDGE.search(lead) for lead in leads):
        return ()
    kept = [i for i in range(len(boxes)) if not _intermediate(boxes[i], starts[i], starts, leads)]
    if len(kept) == 1:
        return (boxes[kept[0]],)
    key = _asked(prompt)
    if key is None:
        return () if len(kept) == len(boxes) else tuple(boxes[i] for i in kept)
    named = [i for i in kept if _names(leads[i], key) or _ANSWER.search(leads[i])]
    if len(named) == 1:
        return (boxes[named[0]],)
    return () if len(kept) == len(boxes) else tuple(boxes[i] for i in kept)


def _box_start(final: str, content: str) -> int:
    return max(final.rfind("\\boxed{" + content), final.rfind("\\fbox{" + content))


def _lead(final: str, start: int) -> str:
    """The text of the sentence that leads to the box starting at ``start``."""
    window = final[max(0, start - _LEAD) : start]
    cut = max((m.end() for m in _SENTENCE_START.finditer(window)), default=0)
    return window[cut:]


def _intermediate(box: str, start: int, starts: list[int], leads: list[str]) -> bool:
    """Whether ``box`` (with a variable) is the start of the equation chain that leads to a later box."""
    if not _VARIABLE.search(_COMMAND.sub(" ", box)):
        return False
    for later, lead in zip(starts, leads, strict=True):
        if later <= start:
            continue
        i = lead.rfind(box)
        if i >= 0 and re.fullmatch(r"\s*=[^=]*(?:=[^=]*)*=\s*|\s*=\s*", lead[i + len(box) :]):
            return True
    return False


def _asked(prompt: str) -> tuple[str, frozenset[str]] | None:
    """What the question asks for: its math (normalized) and its first two content words."""
    matches = list(_ASKED.finditer(prompt[-1500:]))
    if not matches:
        return None
    asked = matches[-1].group("x")
    math = _MATH.search(asked)
    if math:
        return _norm(math.group(1) or math.group(2)), frozenset()
    words = [w.casefold() for w in _WORD.findall(asked) if w.casefold() not in _STOP][:2]
    return ("", frozenset(words)) if words else None


def _names(lead: str, key: tuple[str, frozenset[str]]) -> bool:
    math, words = key
    if math:  # the asked expression stated as what the value is: "m-n = 9-5 = ", "m+n is"
        return re.search(re.escape(math) + r"(?:=|is)", _norm(lead)) is not None
    lowered = lead.casefold()
    return all(re.search(rf"(?<![a-z]){re.escape(w)}", lowered) for w in words)


def _norm(text: str) -> str:
    return _NOISE.sub("", text).replace("\\dfrac", "\\frac")
