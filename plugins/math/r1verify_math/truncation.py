"""Where a completion really ends: the end of its chat turn, and whether it stops in the middle of a sentence.

A final answer region that runs to the end of the completion (after ``</think>``, or a whole completion without
reasoning tags) has no closing tag to say it is complete, so two things are read from its text:

- :func:`final_turn`: a base model often goes on after its answer to write the next turn of a chat it imagines
  (``<|im_start|>user``, ``<|endoftext|>``, a line ``Human: ...``): everything from the first such marker on is
  not part of the answer. Dropping it can only remove answers, never add one (a hedge written before the
  marker is still read).
- :func:`stops_mid_sentence`: a completion cut off by a token limit ends inside a sentence or a formula:
  on a colon, a comma, an operator, an opening bracket, an unclosed math span or brace group, or a word that
  cannot end a sentence ("the", "is", "of", ...). Such a completion is ``no_answer`` ("truncated"), whatever
  it stated earlier: the sentence it was writing may have changed the answer.

Pure string work: only the end of the text is scanned (a marker search runs only when a marker's first letters
occur).
"""

from __future__ import annotations

import re

_END_OF_TURN = re.compile(
    r"<\|(?:im_start|im_end|endoftext|eot_id|end_of_text|end|user)\|>|^[ \t]*(?:Human|User)[ \t]*:",
    re.MULTILINE,
)
_RULE_LINES = re.compile(r"(?:\n[ \t]*[-*_=~]{3,}[ \t]*)+$")
_TRAILING_EMPHASIS = " \t\n*_"
_OPEN_END = re.compile(
    r"(?:[:,;=+\-−(\[{^_&]|(?<![A-Za-z])(?:the|a|an|of|to|is|are|was|were|and|or|with|for|that|which|by|"
    r"in|on|as|be|so|then|than|from|at|into|its|their|our|this|these|let|we|get|gives?|becomes?|equals?)\b)$"
)
"""How a cut-off text ends: punctuation that continues, or a lower-case word that cannot end a sentence (a
capital "A" ends "… it can't be A")."""
_BRACES = re.compile(r"\\.|[{}]", re.DOTALL)
_COMMAND = re.compile(r"\\[A-Za-z]{2,}")
_RULE_CHARS = frozenset("-*_=~")
_REACH = 4000
"""How much of the end of the region is scanned for unclosed math spans."""
_PARAGRAPH = 1500
"""How much of the last paragraph is scanned for unclosed brace groups."""


def final_turn(region: str) -> str:
    """``region`` up to the first marker of another chat turn (see the module docstring)."""
    if "<|" not in region and "Human" not in region and "User" not in region:
        return region  # the usual case, decided without a regex scan
    m = _END_OF_TURN.search(region)
    return region[: m.start()] if m else region


def stops_mid_sentence(region: str) -> bool:
    """Whether ``region`` ends inside a sentence or a formula (see the module docstring)."""
    tail = region[-_REACH:].rstrip()
    if tail[-1:] in _RULE_CHARS:
        tail = _RULE_LINES.sub("", tail)
    tail = tail.rstrip(_TRAILING_EMPHASIS)
    if not tail:
        return False
    if _OPEN_END.search(tail[-12:]):
        return True
    return _open_math(tail) or _open_braces(tail[max(tail.rfind("\n\n") + 1, len(tail) - _PARAGRAPH) :])


def _open_math(tail: str) -> bool:
    """An inline or display math span that opens and never closes."""
    if tail.rfind("\\[") > tail.rfind("\\]") or tail.rfind("\\(") > tail.rfind("\\)"):
        return True
    return tail.replace("\\$", "").count("$$") % 2 == 1


def _open_braces(paragraph: str) -> bool:
    """A brace group of LaTeX that opens and never closes (``\\frac{3AF +``); braces in text without LaTeX
    commands (code, a model's degenerate output) are not read."""
    if not _COMMAND.search(paragraph):
        return False
    depth = 0
    for m in _BRACES.finditer(paragraph):
        token = m.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(0, depth - 1)
    return depth > 0
