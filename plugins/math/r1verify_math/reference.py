"""Reading a sample's reference in the forms real datasets use, as the tuple of acceptable final answers.

- a bare answer: ``"3/4"``, ``"\\frac{3}{4}"``, ``"$x=2$"``, ``42``, ``27.0``;
- a MATH ``solution``: its ``\\boxed{...}`` answer (several boxes with different answers are one list answer);
- a GSM8K rationale: what follows the last ``####``;
- a list or tuple of any of these: each is an acceptable answer;
- a multiple-choice letter: ``"C"``, ``"(C)"``, ``"\\text{(C)}"`` (recognised later, from the answer itself).
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Iterable
from typing import Any

from r1verify.builtin import NO_REFERENCE_FIX

from .answer import Answer
from .latex import boxed_contents

_PROSE = re.compile(r"^(?:the\s+)?(?:final\s+|correct\s+)?answer\s*(?:is\b|:)\s*", re.IGNORECASE)
"""A reference written as a sentence: its value follows "(the) answer is"."""
_FINAL = re.compile(r"\bfinal\s+answer\s+is\s*\$([^$]+)\$", re.IGNORECASE)
"""A solution in the Minerva / hendrycks format, "Final Answer: The final answer is $28\\%$. I hope it is correct."."""
FORMS = "an answer string or number, a MATH solution with \\boxed{}, a GSM8K rationale ending in '#### N', or a list of those"


class UnreadableReference(ValueError):
    """The reference cannot be read; the message says which forms are accepted."""

    setup_error = False


class MissingReference(UnreadableReference):
    """The sample has no reference at all (none, an empty list, blank text): when every sample lacks one, the
    reference column is missing or named otherwise, a setup mistake (see :mod:`r1verify.guard`). The message
    names the fix. A reference that is there but cannot be read stays a per-sample :class:`UnreadableReference`."""

    setup_error = True


def reference_answers(reference: Any) -> tuple[str, ...]:
    """The acceptable answers a reference names (raises :class:`UnreadableReference` when it names none)."""
    if reference is None:
        raise MissingReference(f"the sample has no reference; {NO_REFERENCE_FIX}")
    if isinstance(reference, str) and not reference.strip():
        raise MissingReference(f"the reference {reference!r} contains no answer (it is empty); {NO_REFERENCE_FIX}")
    if isinstance(reference, (list, tuple)):
        if not reference:
            raise MissingReference(f"the reference is an empty list; give at least one answer ({FORMS})")
        return tuple(answer for item in reference for answer in _answers(item))
    return _answers(reference)


def reference_key(reference: Any) -> Hashable:
    """What identifies a reference for caching: its answers, or its text when it cannot be read."""
    try:
        return reference_answers(reference)
    except UnreadableReference:
        return ("unreadable", repr(reference))


def _answers(value: Any) -> tuple[str, ...]:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise UnreadableReference(f"cannot read a reference of type {type(value).__name__}; use {FORMS}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise UnreadableReference(f"the reference {value!r} is not a finite number")
        return (str(int(value)) if value.is_integer() else repr(value),)
    if isinstance(value, int):
        return (str(value),)
    text = _PROSE.sub("", value.strip())  # "answer is 0.6666667"
    if "####" in text:
        answer = text.rpartition("####")[2]
    else:
        boxes = boxed_contents(text)
        answer = ", ".join(_distinct(b.strip() for b in boxes if b.strip())) if boxes else _final_answer(text)
    if not answer.strip():
        raise UnreadableReference(f"the reference {value[:80]!r} contains no answer; use {FORMS}")
    return (answer.strip(),)


def _final_answer(text: str) -> str:
    """The answer a solution without a box states as "The final answer is $X$" (a model-written reference may
    state it again after a repeated passage); ``text`` itself when it states none. A reference that states two
    different final answers cannot be read (math-verify would take the first)."""
    stated = _distinct(m.group(1).strip() for m in _FINAL.finditer(text) if m.group(1).strip())
    if len(stated) > 1:
        shown = " / ".join(repr(a[:40]) for a in stated[:3])
        raise UnreadableReference(f"the reference states {len(stated)} different final answers ({shown}); use {FORMS}")
    return stated[0] if stated else text


def _distinct(answers: Iterable[str]) -> list[str]:
    """One of each answer, answers that read the same counting once (``15\\frac{39}{40}`` and ``\\frac{639}{40}``)."""
    seen: dict[object, str] = {}
    for answer in answers:
        seen.setdefault(Answer.read(answer).key, answer)
    return list(seen.values())
