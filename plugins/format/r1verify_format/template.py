"""The strict R1 template: ``<think> reasoning </think>`` then the final answer, optionally in ``<answer>`` tags.

Rules, in the order they are checked:

1. Tags are written exactly: ``<Think>``, ``< think>``, ``<think/>`` are malformed.
2. One reasoning block, at the start: ``<think>`` first (only whitespace before it) unless the prompt already
   opened it (prefilled), in which case the completion has no ``<think>`` at all; one ``</think>`` after it.
3. No answer tags inside the reasoning; after ``</think>`` either no answer tags, or exactly one
   ``<answer>...</answer>`` with nothing but whitespace around it (no text before it, none trailing after it).
4. The reasoning is not empty, and neither is the final answer: each has a visible letter or digit
   (``content.has_content``), so zero-width characters, fillers, ``---`` or an HTML comment are empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from r1verify import Status

from .content import has_content
from .tags import AnswerTags, BlockTags, Tags


@dataclass(frozen=True, slots=True)
class Parsed:
    """A completion that follows the template (``problem`` is empty), or why it does not."""

    status: Status
    problem: str = ""
    reasoning: str = ""
    answer: str = ""
    answer_tagged: bool = False


def _fail(problem: str, status: Status = Status.FORMAT_ERROR) -> Parsed:
    return Parsed(status, problem)


def parse(
    completion: str,
    tags: Tags | BlockTags,
    *,
    prefilled: bool,
    answer_tags: AnswerTags,
    required_by: str = "answer_tags = required",
) -> Parsed:
    """Check ``completion`` against the template (see the module docstring). The ``sky-t1`` preset is this
    template with its own delimiters and ``answer_tags = required`` (``required_by`` names why, for messages)."""
    found = [(m.group(), m.start(), m.end()) for m in tags.pattern.finditer(completion)]
    exact = {tags.open_think, tags.close_think, tags.open_answer, tags.close_answer}
    for text, start, _ in found:
        if text not in exact:
            return _fail(f"malformed tag {text!r} at character {start}; tags are written exactly as {tags.open_think}")
    names = [text for text, _, _ in found]
    opens, closes = names.count(tags.open_think), names.count(tags.close_think)
    fix = f"; if the chat template puts {tags.open_think} into the prompt, set prefilled = 'yes'"

    # 2. one reasoning block at the start
    if prefilled:
        if opens:
            return _fail(f"{tags.open_think} in the completion although the prompt already opened the reasoning "
                         f"block (prefilled): a nested reasoning block")  # fmt: skip
        start = 0
    else:
        if opens == 0:
            if closes:
                return _fail(f"no {tags.open_think} before {tags.close_think}" + fix)
            return _fail(f"no {tags.open_think} block")
        if opens > 1:
            return _fail(f"{opens} {tags.open_think} tags: nested or repeated reasoning blocks")
        if names[0] != tags.open_think:
            return _fail(f"{names[0]} before {tags.open_think}: the reasoning block must come first")
        if completion[: found[0][1]].strip():
            return _fail(f"text before {tags.open_think}: the reasoning block must come first")
        start = found[0][2]
    if closes == 0:
        return _fail(f"the reasoning block is never closed (no {tags.close_think}; truncated?)")
    if closes > 1:
        return _fail(f"{closes} {tags.close_think} tags: repeated reasoning blocks")
    close_index = names.index(tags.close_think)
    close_start, close_end = found[close_index][1], found[close_index][2]

    # 3. answer tags: none inside the reasoning, at most one well-formed block after it
    inside = [n for n in names[:close_index] if n != tags.open_think]
    if inside:
        return _fail(f"{inside[0]} inside the reasoning block")
    after = found[close_index + 1 :]
    reasoning = completion[start:close_start].strip()
    rest = completion[close_end:]
    if not after:
        if answer_tags == "required":
            return _fail(
                f"no {tags.open_answer}...{tags.close_answer} block after the reasoning ({required_by})"
            )
        if not has_content(reasoning):
            return _fail("empty reasoning block (no visible letter or digit)")
        answer = rest.strip()
        if not has_content(answer):
            return _fail(f"nothing visible after {tags.close_think}: no final answer", Status.NO_ANSWER)
        return Parsed(Status.CORRECT, reasoning=reasoning, answer=answer)
    if answer_tags == "forbidden":
        return _fail(f"{after[0][0]} tag, but answer_tags = forbidden")
    if [n for n, _, _ in after] != [tags.open_answer, tags.close_answer]:
        return _fail(f"the answer tags after the reasoning are {[n for n, _, _ in after]}; "
                     f"expected one {tags.open_answer}...{tags.close_answer} block")  # fmt: skip
    (_, a_open, a_body), (_, a_close, a_end) = after
    if completion[close_end:a_open].strip():
        return _fail(f"text between {tags.close_think} and {tags.open_answer}")
    if completion[a_end:].strip():
        return _fail(f"trailing text after {tags.close_answer}")
    if not has_content(reasoning):
        return _fail("empty reasoning block (no visible letter or digit)")
    answer = completion[a_body:a_close].strip()
    if not has_content(answer):
        return _fail(f"empty {tags.open_answer} block: no final answer", Status.NO_ANSWER)
    return Parsed(Status.CORRECT, reasoning=reasoning, answer=answer, answer_tagged=True)
