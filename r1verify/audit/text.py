"""Text helpers the answer detectors share: where the reasoning and the final answer are, boxed answers with
their offsets, numbers, and a light normalisation for comparing answers. Pure string work."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..templates import split

BOX_RE = re.compile(r"\\(?:boxed|fbox)\s*\{")
NUMBER_RE = re.compile(r"(?<![\w.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|(?<![\w.])-?\d+(?:\.\d+)?(?![\w])")
"""Integers and decimals, with thousands separators; not digits inside words (x2, a1b)."""


@dataclass(frozen=True, slots=True)
class Regions:
    """Offsets of the reasoning and the final answer in a completion (``None`` when there is none)."""

    status: str
    reasoning: tuple[int, int] | None
    answer: tuple[int, int] | None


def regions(completion: str, template: str = "r1") -> Regions:
    """The reasoning and answer regions as offsets, with :func:`r1verify.templates.split`'s status.

    Think-tag templates (r1, qwen3): the reasoning runs from after the first ``<think>`` (or the start) to the
    first ``</think>``, the answer from the last ``</think>`` to the end. Other templates: the split's texts,
    located in the completion.
    """
    cut = split(completion, template)
    if template in ("r1", "qwen3"):
        close = completion.find("</think>")
        if close < 0:
            if cut.reasoning is None:
                return Regions(cut.status, None, None)
            opened = completion.find("<think>")
            return Regions(cut.status, (opened + 7 if opened >= 0 else 0, len(completion)), None)
        opened = completion.find("<think>", 0, close)
        last = completion.rfind("</think>") + len("</think>")
        return Regions(cut.status, (opened + 7 if opened >= 0 else 0, close), (last, len(completion)))
    reasoning = answer = None
    if cut.reasoning is not None and (start := completion.find(cut.reasoning)) >= 0:
        reasoning = (start, start + len(cut.reasoning))
    if cut.answer is not None and (start := completion.rfind(cut.answer)) >= 0:
        answer = (start, start + len(cut.answer))
    return Regions(cut.status, reasoning, answer)


@dataclass(frozen=True, slots=True)
class Boxed:
    """A ``\\boxed{...}``: the whole command's span and its content."""

    start: int
    end: int
    content: str


def boxed(text: str, lo: int = 0, hi: int | None = None) -> Iterator[Boxed]:
    """Every ``\\boxed{...}`` in ``text[lo:hi]`` with balanced braces (an unclosed one is skipped)."""
    hi = len(text) if hi is None else hi
    for m in BOX_RE.finditer(text, lo, hi):
        depth, i = 1, m.end()
        while i < hi and depth:
            ch = text[i]
            if ch == "\\":
                i += 2
                continue
            depth += ch == "{"
            depth -= ch == "}"
            i += 1
        if depth == 0:
            yield Boxed(m.start(), i, text[m.end() : i - 1])


def normalize_answer(text: str) -> str:
    """An answer for comparison: no spaces, ``\\left``/``\\right``/``\\!``/``$``, ``dfrac`` as ``frac``,
    thousands separators and a trailing ``.0`` gone."""
    s = re.sub(r"\\(?:left|right|!|,|;|\s)|\$|\s+|\\text\{\s*\}", "", text)
    s = s.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac")
    if re.fullmatch(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?", s):
        s = s.replace(",", "")
    if re.fullmatch(r"-?\d+\.0+", s):
        s = s.split(".")[0]
    return s.rstrip(".")


def answer_parts(reference: object) -> int:
    """How many comma- or ``and``-separated parts a reference answer has (1 for a scalar)."""
    if not isinstance(reference, str):
        return 1 if not isinstance(reference, (list, tuple)) else max(1, len(reference))
    ref = reference.strip()
    inner = re.sub(r"^[\(\[\{]|[\)\]\}]$", "", ref)
    if ref != inner and ref[:1] in "([" and ref[-1:] in ")]":
        return 1  # a tuple / interval is one answer
    return len([p for p in re.split(r",|\\text\{\s*and\s*\}|\band\b", inner) if p.strip()])


def words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text)


def is_code(domain: str | None) -> bool:
    """A code sample (answer detectors leave these to the code detectors)."""
    return (domain or "").lower().startswith("code")
