"""Final-answer extraction: which part of a completion is graded, and which answers it gives.

1. Only the text after the last reasoning delimiter is the final answer (see ``MathOptions.delimiter``). A
   truncated completion (a reasoning or answer block never closed, or a region without a closing tag that stops
   mid-sentence: :mod:`r1verify_math.truncation`) has none; a base model's next chat turn is cut off.
2. In it, every non-empty ``\\boxed{}`` is an answer; without one, the configured fallbacks are tried in order
   (an answer they find whose braces do not close was cut off and is ignored). Of several boxes, the ones the
   question asks for are noted (:mod:`r1verify_math.multipart`).
3. Each answer is split on "or" ("either 2 or 3"), capped at ``max_answer_chars``, and answers that read the
   same (``1/2``, ``0.5``) are merged. More than one distinct answer left is a hedge; the verifier's ``hedging``
   policy decides what that earns.
4. Other statements of the answer (answer phrases besides the boxes, self-corrections after the last answer,
   see :mod:`r1verify_math.statements`) are kept beside the answers: the grader checks that they agree.

Pure string work, linear in the completion: it also runs in the calling process to build cache keys.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .answer import Answer, Kind
from .folding import strip_format
from .latex import balanced, boxed_contents, last_box_end, math_spans, split_alternatives
from r1verify.templates import get_template

from .multipart import select
from .options import UNBOXED, MathOptions
from .plaintext import chosen_letter
from .statements import stated_values
from .truncation import final_turn, stops_mid_sentence
from .unboxed import find as find_unboxed

MAX_ANSWERS = 16
"""At most this many distinct answers are kept (the last ones); more is reported as a hedge by itself."""

_BLANK = re.compile(r"\\[hv]?phantom\s*\{[^{}]*\}|(?<!\\)\\[,;:! ]|\\q?quad(?![A-Za-z])|\s+")
_ANSWER_IS = re.compile(
    r"(?:\b(?:(?:the|my|our)\s+)?(?:(?:correct|final|right)\s+)?answer\s+is\b|\bfinal\s+answer\s*[*_]*\s*[:：]"
    r"|\b(?:the|my|our)\s+answer\s*[:：]"
    r"|^[ \t>*#_]*answer\s*[*_]*\s*[:：]|^[ \t]*A\s*:)[ \t*_:]*(?P<answer>[^\n]*)",
    re.IGNORECASE | re.MULTILINE,
)
_ANSWER_PREFIX = re.compile(
    r"^(?:(?:the|my|our)\s+)?(?:(?:correct|final|right)\s+)?answer\s*(?:is\b|:)[ \t*:]*", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"\.(?=\s|$)|\s+I hope it is correct", re.IGNORECASE)
_GSM8K = re.compile(r"^[ \t]*####[ \t]*(?P<answer>[^\n]*)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Extraction:
    """What a completion answers: distinct answers in order of last appearance, and where they were found."""

    answers: tuple[str, ...] = ()
    source: str = ""
    """``boxed`` or the name of the fallback that found the answers."""
    problem: str = ""
    """Why there is nothing to grade: ``no_delimiter`` (required and missing), ``empty`` (nothing after it),
    ``only_in_reasoning`` (a box before it, none after), ``truncated`` (cut off: :mod:`r1verify_math.truncation`),
    ``unknown_end`` (no box, graded whole without a delimiter that tells a cut-off reasoning apart: the unboxed
    extractors do not guess), ``not_found``; "" when ``answers`` is set."""
    overflow: bool = False
    """More than :data:`MAX_ANSWERS` distinct answers were given (only the last ones are kept)."""
    statements: tuple[str, ...] = ()
    """Other values the final answer states (:mod:`r1verify_math.statements`): answer phrases besides the
    boxes, self-corrections after the last answer, other unboxed extractors' values. They must agree with
    ``answers``."""
    hedge: str = ""
    """The hedging word of the statement an unboxed extractor read (:mod:`r1verify_math.unboxed`), if any."""
    asked: tuple[str, ...] = ()
    """Of several different boxes, the ones that answer the question (:mod:`r1verify_math.multipart`); the
    grader grades only these when the reference is one value."""

    @property
    def kind(self) -> Kind:
        return _kind(self.source)


def extract(completion: str, options: MathOptions, prompt: str = "") -> Extraction:
    """The final answers of ``completion`` under ``options`` (see the module docstring); ``prompt`` (the question)
    decides which of several boxes answers it (:mod:`r1verify_math.multipart`)."""
    reasoning, final, region = _split(completion, options)
    if region == "cut":
        return Extraction(problem="truncated")
    if final is None:
        return Extraction(problem="no_delimiter")
    final = strip_format(final)  # zero-width and other invisible characters never belong to an answer
    if region != "closed":
        final = final_turn(final)  # a base model that goes on to write the next chat turn
    if not final.strip():
        return Extraction(problem="only_in_reasoning" if _has_answer(reasoning) else "empty")
    if region != "closed" and stops_mid_sentence(final):
        return Extraction(problem="truncated")
    ended = region != "unknown"
    source, found = "boxed", [b for b in _last_distinct(boxed_contents(final)) if _BLANK.sub("", b)]
    if not found:
        for name in options.fallbacks:
            if name in UNBOXED:
                continue
            found = [chosen_letter(a) for a in FALLBACKS[name](final) if a.strip() and balanced(a)]
            if name == "last_line" and options.unboxed:
                # a "line" over the cap is a paragraph, not an answer: the unboxed extractors read its end
                found = [a for a in found if len(a.strip()) <= options.max_answer_chars]
            if found:
                source = name
                break
    if not found and options.unboxed:
        if not ended:
            return Extraction(problem="unknown_end")
        return _unboxed(final, options)
    if not found:
        return Extraction(problem="only_in_reasoning" if _has_answer(reasoning) else "not_found")
    distinct = _last_distinct(found)  # a degenerate completion repeats one box thousands of times
    limit = options.max_answer_chars + 1  # one more character marks an answer as over the cap
    parts = [p for answer in distinct[-MAX_ANSWERS:] for p in split_alternatives(answer.strip()[:limit])]
    answers = _last_distinct(parts, key=lambda p: Answer.read(p, _kind(source)).key)
    overflow = len(distinct) > MAX_ANSWERS or len(answers) > MAX_ANSWERS
    asked = select(final, distinct, prompt) if source == "boxed" and 1 < len(distinct) <= MAX_ANSWERS else ()
    statements = _statements(final, source, distinct, region == "whole")
    return Extraction(tuple(answers[-MAX_ANSWERS:]), source, "", overflow, statements, asked=asked)


def _unboxed(final: str, options: MathOptions) -> Extraction:
    """The answer the first extractor of ``options.unboxed`` finds at the end of ``final``; the other
    extractors' values are statements that must agree with it."""
    findings = find_unboxed(final, options.unboxed)
    if not findings.found:
        return Extraction(problem="not_found")
    name, best = findings.found[0]
    limit = options.max_answer_chars + 1
    if findings.hedge:
        return Extraction((findings.segment[:limit],), name, hedge=findings.hedge)
    others = [f.value for n, f in findings.found if n != name and f.value != best.value]
    parts = split_alternatives(best.value.strip()[:limit])
    parts = _last_distinct(parts, key=lambda p: Answer.read(p, _kind(name)).key)
    return Extraction(tuple(parts), name, "", False, stated_values(others, final[best.end :]))


def _statements(final: str, source: str, answers: list[str], whole: bool) -> tuple[str, ...]:
    """The values :mod:`r1verify_math.statements` finds besides the graded answers (anchored sources only).
    In a completion graded ``whole`` (no reasoning tags: the reasoning is in the region) answer phrases count
    only near the last box (:func:`_answer_zone`): "perhaps the answer is 360 degrees" 5000 characters before
    the final ``\\boxed{72}`` is reasoning, not a second answer."""
    if source == "boxed":
        end = last_box_end(final)
    elif source in _ANCHORED:
        end = final.rfind(answers[-1]) + len(answers[-1])
    else:
        return ()  # last_math and last_line guess where the answer is; there is nothing to check against
    scope = final[_answer_zone(final, end) :] if whole and source == "boxed" else final
    phrases = [p for name, find in _ANCHORED.items() if name != source for p in find(scope)]
    return stated_values(phrases, final[end:])


ZONE = 1500
"""At most this many characters before the last box of a whole completion are read for answer phrases."""


def _answer_zone(final: str, end: int) -> int:
    """Where the answer of a whole completion starts: the paragraph before the one holding the last box (which
    ends at ``end``), at most :data:`ZONE` characters before the box."""
    start = max(final.rfind("\\boxed", 0, end), final.rfind("\\fbox", 0, end), 0)
    paragraph = final.rfind("\n\n", 0, start)
    previous = final.rfind("\n\n", 0, max(paragraph, 0))
    return max(previous, start - ZONE, 0)


def _kind(source: str) -> Kind:
    return "latex" if source in ("boxed", "last_math", "last_display", "assignment") else "text"


Region = Literal["closed", "open", "whole", "unknown", "cut"]
"""How the final answer region ends: ``closed`` by the template's answer block (``<|end_of_solution|>``);
``open``: it runs to the end of the completion (after ``</think>``); ``whole``: the whole of a completion
without reasoning tags, reasoning included (answer phrases count only near its last box);
``unknown``: graded whole without the delimiter, and without an opening tag to tell a cut-off reasoning from a
model that skipped the tags (a ``delimiter`` other than ``</think>`` / ``<|end_of_thought|>``): boxes and
fallbacks are read, the unboxed extractors are not; ``cut``: the reasoning or the answer block was opened and
never closed (a truncated rollout)."""


def _split(completion: str, options: MathOptions) -> tuple[str, str | None, Region]:
    """(reasoning, final answer region or ``None`` when the delimiter is required and missing, how the region
    ends)."""
    if options.template != "r1":
        template = get_template(options.template)
        cut = template.split(completion)
        if cut.status in ("unclosed", "answer_unclosed"):
            return completion, None, "cut"
        if cut.reasoning_ended:
            closed = cut.status == "ok" and bool(template.open_answer)
            return cut.reasoning or "", cut.answer or "", "closed" if closed else "open"
        # no template at all ("missing") is a model that answers without reasoning tags
        return ("", completion, "whole") if not options.require_delimiter else (completion, None, "open")
    if not options.delimiter:
        return "", completion, "whole"
    reasoning, sep, final = completion.rpartition(options.delimiter)
    if sep:
        return reasoning, final, "open"
    opener = _OPENERS.get(options.delimiter)
    if opener is not None and opener in completion:
        return completion, None, "cut"
    if options.require_delimiter:
        return completion, None, "open"
    return "", completion, "whole" if opener is not None else "unknown"


_OPENERS = {"</think>": "<think>", "<|end_of_thought|>": "<|begin_of_thought|>"}
"""The tag that opens the reasoning a delimiter closes: a completion with neither did not use the tags (it is
not cut off); for other delimiters a completion without one may be either."""


def _has_answer(reasoning: str) -> bool:
    return any(_BLANK.sub("", b) for b in boxed_contents(reasoning))


def _last_distinct(items: list[str], key: Callable[[str], object] = lambda s: s) -> list[str]:
    """Distinct items in the order of their last appearance."""
    seen: set[object] = set()
    out = []
    for item in reversed(items):
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out[::-1]


def _answer_is(text: str) -> list[str]:
    out = []
    for m in _answer_phrases(text):
        answer = m.group("answer")
        while (prefix := _ANSWER_PREFIX.match(answer)) and prefix.end():  # "Final Answer: The final answer is 5"
            answer = answer[prefix.end() :]
        out.append(_SENTENCE_END.split(answer, 1)[0].strip(" \t*"))
    return out


def _answer_phrases(text: str) -> list[re.Match]:
    """``_ANSWER_IS.finditer(text)``, run only on the lines where it can match (each with the line before it,
    for phrases broken across lines): a long reasoning is scanned with cheap literal searches."""
    out: list[re.Match] = []
    done = 0
    for first, last in _answer_candidates(text):
        if last <= done:
            continue
        line = text.rfind("\n", 0, first) + 1
        start = max(done, text.rfind("\n", 0, max(line - 1, 0)) + 1 if line else 0)
        end = text.find("\n", last)
        for m in _ANSWER_IS.finditer(text, start, len(text) if end < 0 else end):
            if m.start() >= done:
                out.append(m)
                done = m.end()
        done = max(done, last)
    return out


def _answer_candidates(text: str) -> list[tuple[int, int]]:
    """Where ``_ANSWER_IS`` can match: each "answer" (any case), and each "A:" that starts a line."""
    found = []
    lower = text.lower()
    i = lower.find("answer")
    while i >= 0:
        found.append((i, i + 6))
        i = lower.find("answer", i + 6)
    j = text.find(":")
    while j >= 0:
        k = j - 1
        while k >= 0 and text[k].isspace():
            k -= 1
        if k >= 0 and text[k] == "A" and not text[text.rfind("\n", 0, k) + 1 : k].strip(" \t"):
            found.append((k, j + 1))
        j = text.find(":", j + 1)
    return sorted(found)


def _gsm8k(text: str) -> list[str]:
    return [m.group("answer").strip() for m in _GSM8K.finditer(text)]


def _last_math(text: str) -> list[str]:
    spans = [s for s in math_spans(text) if s.strip()]
    return spans[-1:]


def _last_line(text: str) -> list[str]:
    text = text.strip()
    line = text.rpartition("\n")[2]
    end = re.match(r"\s*\\end\{(\w+\*?)\}", line)
    if end:  # a matrix or aligned block whose last line closes it: the whole block is the last "line"
        start = text.rfind("\\begin{" + end.group(1) + "}")
        if start >= 0:
            return [text[start:]]
    return [line]


_ANCHORED: dict[str, Callable[[str], list[str]]] = {"answer_is": _answer_is, "gsm8k": _gsm8k}
FALLBACKS: dict[str, Callable[[str], list[str]]] = {
    "answer_is": _answer_is,
    "gsm8k": _gsm8k,
    "last_math": _last_math,
    "last_line": _last_line,
}
