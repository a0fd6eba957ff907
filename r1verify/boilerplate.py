"""Reasoning that says nothing: "Let me think step by step.", "Okay, let me solve this.", "reasoning here".

A format reward that checks only the tags pays such a block, and a policy learns to write it. Shared by the
``think_format`` verifier (which refuses it by default) and the audit's ``empty_reasoning`` detector.
"""

from __future__ import annotations

import itertools
import re

_TAIL = r"[^.!?\n\d=+*/^\\<>]{0,40}"
"""A few more words of the stock phrase ("... about this problem"): no digit, operator or formula, which is work."""
BOILERPLATE = re.compile(
    r"^(?:(?:ok(?:ay)?|alright|hmm+|so|well)[,.!]?\s*)?(?:let(?:'s| me| us)? (?:think|solve|reason|work|figure)"
    + _TAIL
    + r"|i (?:will|need to|should|am going to) (?:think|solve|reason|answer|work)"
    + _TAIL
    + r"|"
    r"thinking(?: process)?|reasoning(?: process)?|step by step|(?:the )?reasoning (?:goes )?here|\.\.\.|…|"
    r"i know the answer|this is (?:easy|simple|straightforward)|done)[.!:;…\s]*$",
    re.IGNORECASE,
)
"""One sentence of stock phrasing with no content of its own."""

SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


def only_boilerplate(body: str) -> bool:
    """Whether every sentence of a (non-empty) reasoning ``body`` is boilerplate.

    Stops at the first sentence that is not: linear, and quick on real reasoning, whose first sentence already
    says something.
    """
    start = 0
    for m in itertools.chain(SENTENCE_END.finditer(body), [None]):
        end = m.start() if m else len(body)
        sentence = body[start:end].strip()
        if sentence and not BOILERPLATE.match(sentence):
            return False
        if m is None:
            return True
        start = m.end()
    return True
