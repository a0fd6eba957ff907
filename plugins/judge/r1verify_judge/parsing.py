"""Strict parsing of a judge's reply: a ``Reason:`` line and a ``Score:`` (or ``Verdict:``) line, once each."""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE = re.compile(
    r"^[ \t>*_#-]*(reason|score|verdict)[*_]*[ \t]*:[*_]*[ \t]*(.*?)[ \t]*[*_]*[ \t]*$", re.IGNORECASE | re.MULTILINE
)


class JudgeFormatError(ValueError):
    """The reply does not follow the format; the message quotes it."""


@dataclass(frozen=True)
class Judgement:
    reason: str
    score: int | None = None
    verdict: bool | None = None


def parse_reply(reply: str, kind: str, low: int = 1, high: int = 10) -> Judgement:
    """``Reason: ...`` and ``Score: N`` (``low <= N <= high``, an integer) or ``Verdict: correct|incorrect``.

    Markdown emphasis around the keys is tolerated; anything else is not: a missing or repeated line, a
    fraction, a range, a word for a number, a verdict other than correct/incorrect. A reasoning judge's
    ``<think>...</think>`` is dropped first, so a score inside its thinking does not count.
    """
    text = reply.rpartition("</think>")[2] if "</think>" in reply else reply
    found: dict[str, list[str]] = {"reason": [], "score": [], "verdict": []}
    for key, value in _LINE.findall(text):
        found[key.lower()].append(value)
    key = "score" if kind == "score" else "verdict"
    if len(found[key]) != 1:
        raise JudgeFormatError(_problem(f"{'no' if not found[key] else 'more than one'} '{key.title()}:' line", reply))
    if len(found["reason"]) != 1 or not found["reason"][0]:
        raise JudgeFormatError(_problem("no single non-empty 'Reason:' line", reply))
    reason, value = found["reason"][0], found[key][0]
    if kind == "score":
        if not re.fullmatch(r"\d{1,3}", value) or not low <= int(value) <= high:
            raise JudgeFormatError(_problem(f"score {value!r} is not an integer from {low} to {high}", reply))
        return Judgement(reason, score=int(value))
    word = value.lower().rstrip(".")
    if word not in ("correct", "incorrect"):
        raise JudgeFormatError(_problem(f"verdict {value!r} is not 'correct' or 'incorrect'", reply))
    return Judgement(reason, verdict=word == "correct")


def _problem(what: str, reply: str, limit: int = 300) -> str:
    quoted = reply if len(reply) <= limit else "..." + reply[-limit:]
    return f"unparseable judge reply ({what}): {quoted!r}"
