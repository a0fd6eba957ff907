"""Where the ``length`` verifier learns whether a sample's answer is right.

- ``reference``: the final answer (the last ``\\boxed{...}``, else the ``<answer>`` block, else the text after
  the reasoning) equals the reference (or one of a list) after light normalisation: whitespace, case, ``$``
  delimiters, a trailing period and ``\\boxed{}`` are ignored. No math equivalence: ``0.5`` is not ``1/2``.
- ``meta``: ``meta[meta_key]`` carries the verdict of an earlier verification: a bool, 1/0, a status string
  (``"correct"``; ``"wrong"``, ``"partial"``, ``"no_answer"``, ``"format_error"``) or a verdict dict with a
  ``status`` (as ``r1verify verify`` writes them).
- ``verifier``: run another registered verifier (``judge``, e.g. ``math``) on the sample, in the same call.
"""

from __future__ import annotations

import re
from typing import Any

from r1verify import Sample, Status
from r1verify.builtin import NO_REFERENCE_FIX

from .parts import cut

_JUDGEMENTS = {
    Status.CORRECT.value: True,
    Status.WRONG.value: False,
    Status.PARTIAL.value: False,
    Status.NO_ANSWER.value: False,
    Status.FORMAT_ERROR.value: False,
}


class Undecidable(Exception):
    """Correctness cannot be established for this sample; the message says why and how to fix it."""

    setup_error = False


class MissingInput(Undecidable):
    """The sample lacks the input correctness is read from (its reference, its ``meta`` field): when every
    sample lacks it, the column is missing or named otherwise, a setup mistake (see :mod:`r1verify.guard`)."""

    setup_error = True


class JudgeSetupError(Undecidable):
    """The judge verifier failed with a setup error (see :meth:`r1verify.Verdict.setup_error`)."""

    setup_error = True


def last_boxed(text: str) -> str | None:
    """The content of the last ``\\boxed{...}`` (or ``\\fbox{...}``), braces balanced; None if there is none."""
    start = max(text.rfind("\\boxed{"), text.rfind("\\fbox{"))
    if start < 0:
        return None
    i = text.index("{", start) + 1
    depth, begin = 1, i
    while i < len(text):
        ch = text[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return text[begin:i]
        i += 1
    return None


_ANSWER_BLOCK = re.compile(r"<answer>(.*?)</answer>", re.DOTALL)


def final_answer(completion: str, think_tag: str) -> str:
    """The final answer of a completion: last ``\\boxed{}``, else the ``<answer>`` block, else the text after
    the reasoning."""
    after = cut(completion, "answer", think_tag) or completion
    boxed = last_boxed(after)
    if boxed is not None:
        return boxed
    block = _ANSWER_BLOCK.findall(after)
    return block[-1] if block else after


def normalize(text: str) -> str:
    text = " ".join(str(text).split()).casefold()
    boxed = last_boxed(text)
    if boxed is not None:
        text = boxed
    previous = None
    while text != previous:  # peel "$42$." and "$ 42 $" alike
        previous = text
        text = text.strip().rstrip(".").strip("$")
    return text


def from_reference(sample: Sample, think_tag: str) -> bool:
    if sample.reference is None:
        raise MissingInput(f"the sample has no reference to compare the answer with (correctness = 'reference'); "
                           f"{NO_REFERENCE_FIX}")
    refs = sample.reference if isinstance(sample.reference, (list, tuple)) else [sample.reference]
    answer = normalize(final_answer(sample.completion, think_tag))
    return bool(answer) and any(answer == normalize(r) for r in refs)


def from_meta(sample: Sample, key: str) -> bool:
    if key not in sample.meta:
        raise MissingInput(f"meta has no {key!r} field (correctness = 'meta'): add it to each row (or set "
                           f"meta_key to the column that holds it), or use correctness = 'reference' or 'verifier'")
    value: Any = sample.meta[key]
    if isinstance(value, dict) and "status" in value:
        value = value["status"]
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _JUDGEMENTS:
        return _JUDGEMENTS[value.strip().lower()]
    raise Undecidable(f"meta[{key!r}] = {value!r} is not a judgement: use true/false, 1/0 or a verdict status")


def from_verdict_status(status: Status, judge: str, reason: str, *, setup: bool = False) -> bool:
    """``setup``: the judge's verdict is a setup error, which the length verdict passes on as one."""
    if status.value in _JUDGEMENTS:
        return _JUDGEMENTS[status.value]
    error = JudgeSetupError if setup else Undecidable
    raise error(f"the judge {judge!r} could not decide ({status.value}: {reason})")
