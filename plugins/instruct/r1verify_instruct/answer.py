"""What the instruct verifiers grade: the answer after the reasoning (by default), never the reasoning itself."""

from __future__ import annotations

from typing import Literal

from r1verify import Verdict
from r1verify.templates import get_template

Part = Literal["answer", "completion"]
"""``answer``: the text after the reasoning, cut by the ``template`` preset (the whole completion when it has no
reasoning block; nothing when the reasoning never ends); ``completion``: all of it, reasoning included."""


def graded_text(completion: str, part: Part, template: str) -> tuple[str | None, str]:
    """The text to grade and where it came from; ``None`` (with the reason) when there is no answer to grade."""
    if part == "completion":
        return completion, "the whole completion"
    cut = get_template(template).split(completion)
    if cut.status == "missing":
        return completion, "the whole completion (no reasoning block)"
    if not cut.reasoning_ended:
        return None, f"no answer: {cut.detail}"
    return cut.answer or "", "the answer after the reasoning"


def answer_or_verdict(completion: str, part: Part, template: str, **details: object) -> tuple[str, str] | Verdict:
    """``(text, where it came from)`` when there is a non-empty answer to grade, else the ``no_answer`` verdict."""
    text, source = graded_text(completion, part, template)
    if text is None:
        return Verdict.no_answer(source, **details)
    if not text.strip():
        return Verdict.no_answer(f"{source} is empty", **details)
    return text, source
