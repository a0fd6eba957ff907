"""Other statements of the final answer, which must agree with the graded answers.

A completion may box one value and state another (``\\boxed{4}. The final answer is 3.``), or correct itself
after its answer (``\\boxed{4} Hmm, actually it might be 3.``). The grader treats a statement that names a
different value as one more answer, that is, as a hedge. Two kinds of statement count:

- answer phrases ("the (final) answer is X", "Answer: X", "#### X") of the kinds that did not supply the graded
  answers, when X starts with a value (a number, math, or a choice letter) and holds no box (a phrase around
  the box, "the answer is \\boxed{4}", is the box itself; "the answer is expected to be an integer" states
  nothing);
- after the last graded answer, a sentence that opens with a self-correction: hedging or correcting words
  (actually, maybe, perhaps, might, could, alternatively, instead, rather, or, wait, hmm, ...) and linking
  words ("it", "the answer", "is", "be", "I think", ...), then a value (a number, math, a choice letter): the
  text from that value to the end of the sentence; or a value, linking words and "possible", "might",
  "could", ... The text right after the answer counts as a sentence. ("Hmm, actually it might be 3.",
  "\\boxed{4}, or maybe 3" and "3 is also possible." state 3; "Alternatively, we can check with 6 eggs",
  "... when divided by 2, 3, 4, or 6" and "2 is also a divisor" state nothing.)

A restatement that agrees with the graded answer (a summary repeating the boxed value in prose) changes
nothing. Pure string work, linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .folding import fold
from .latex import unwrap_text

MAX_STATEMENTS = 16
_VALUE_START = re.compile(
    r"\s*(?:[-+−]?\s*\.?\d|\$|\\\(|\\\[|\\(?:frac|dfrac|tfrac|sqrt|pi|infty)(?![A-Za-z])"
    r"|\(\s*[A-Za-z]\s*\)|[A-J](?=\s*(?:$|[.,;:!)])))"
)
_BOX = re.compile(r"\\(?:boxed|fbox)(?![A-Za-z])")
_CUES = frozenset(
    "actually maybe perhaps possibly probably might may could alternatively otherwise instead rather or "  # noqa: SIM905
    "else either unless wait hmm hmmm oops correction \\lor \\vee ∨".split()
)
"""Words that hedge or correct what was said."""
_LINKS = frozenset(
    "it it's its this that the a answer result value number final correct right true real is are was were "  # noqa: SIM905
    "be being 's would should must can will also even just then so no not oh i i'm think guess believe "
    "mean suppose say but and".split()
)
"""Words that may stand between a cue and its value ("actually *it might be* 3")."""
_AFTER_CUES = frozenset(["possible", "possibly", "maybe", "perhaps", "might", "could", "alternatively", "instead"])
"""Cues that may follow the value instead ("3 *is also* possible")."""
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n")
_LETTERS_ONLY = re.compile(r"\(?[A-J]\)?(?:\s*(?:,|or|and|nor)\s*\(?[A-J]\)?)*")
_SPAN = 200
"""How much of a sentence's start is read (keeps the scan linear)."""
_REACH = 8
"""How many words from a sentence's start a value may be."""
_PUNCTUATION = ",;:!?.*\"'()$—-"


def stated_values(phrases: Iterable[str], after: str) -> tuple[str, ...]:
    """The values stated by ``phrases`` (answer phrases that did not supply the graded answers) and by
    self-corrections in ``after`` (the text after the last graded answer), at most :data:`MAX_STATEMENTS`."""
    found = [p.strip() for p in phrases if _VALUE_START.match(p) and not _BOX.search(p)]
    found += _corrections(unwrap_text(fold(after)))
    return tuple(dict.fromkeys(v for v in found if v))[:MAX_STATEMENTS]


def _corrections(text: str) -> list[str]:
    """Sentences of ``text`` (its start counts as one) that open with a self-correction: hedging and linking
    words, at least one of them a cue, then a value; or a value, linking words and a cue."""
    found = []
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
    for start in starts:
        end = _SENTENCE_END.search(text, start, start + _SPAN)
        words = text[start : end.start() if end else start + _SPAN].split()[:_REACH]
        if value := _correction(words):
            found.append(value)
            if len(found) >= MAX_STATEMENTS:
                break
    return found


def _correction(words: list[str]) -> str | None:
    cued = negated = False
    for i, word in enumerate(words):
        rest = " ".join(words[i:])
        bare = word.strip(_PUNCTUATION).casefold().replace("’", "'")
        if _VALUE_START.match(rest.lstrip("(")) and any(ch.isalnum() for ch in word):
            if negated and _LETTERS_ONLY.fullmatch(rest.strip(" .,;:!?*()")):
                return None  # "It is not A or B": ruling choices out states none of them
            if cued:
                return rest.strip(" .,;:!?*()")
            after = [w.strip(_PUNCTUATION).casefold() for w in words[i + 1 :]]
            linked = [w for w in after if w not in _LINKS]
            return word.strip(" .,;:!?*()") if linked and linked[0] in _AFTER_CUES else None
        negated = negated or bare in ("not", "isn't", "can't", "cannot", "no")
        if bare in _CUES:
            cued = True
        elif bare and bare not in _LINKS:
            return None
    return None
