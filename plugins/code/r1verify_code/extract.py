"""Finding the program in a completion: the final answer's last fenced code block."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from r1verify_sandbox.languages import LanguageSpec, UnknownLanguageError

_OPEN = re.compile(r"[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*?)[ \t]*\n?")
_THINK_OPEN = re.compile(r"<think>", re.IGNORECASE)
_THINK_CLOSE = re.compile(r"</think>", re.IGNORECASE)


@dataclass(frozen=True)
class Extracted:
    """The program found in a completion and the language it is in."""

    code: str
    language: str
    fence: str
    """The fence's language tag as written (empty when untagged)."""


class NoProgram(ValueError):
    """No program could be taken from the completion; the message says why."""


def final_answer(completion: str) -> str:
    """The text after the reasoning: after the last ``</think>``. An unclosed ``<think>`` has no answer."""
    closes = list(_THINK_CLOSE.finditer(completion))
    if closes:
        return completion[closes[-1].end() :]
    if _THINK_OPEN.search(completion):
        raise NoProgram("the reasoning never ends (<think> without </think>)")
    return completion


def _tag(info: str) -> str:
    words = info.strip().split()
    return words[0].lower().lstrip("{.").rstrip("}") if words else ""


def fenced_blocks(text: str) -> tuple[list[tuple[str, str]], bool]:
    """``(tag, body)`` of every closed fenced block, in order, and whether a block was left open.

    One pass over the lines (CommonMark rules: the closing fence uses the same character, at least as many, and
    nothing else on its line), so degenerate completions (thousands of fence lines) cost linear time.
    """
    blocks: list[tuple[str, str]] = []
    fence = tag = ""
    body: list[str] = []
    for line in text.splitlines(keepends=True):
        if not fence:
            opening = _OPEN.fullmatch(line)
            if opening and not (opening["fence"][0] == "`" and "`" in opening["info"]):
                fence, tag, body = opening["fence"], _tag(opening["info"]), []
            continue
        closing = line.strip(" \t\r\n")
        if len(closing) >= len(fence) and closing == fence[0] * len(closing):
            blocks.append((tag, "".join(body)))
            fence = ""
        else:
            body.append(line)
    return blocks, bool(fence)


def extract_program(
    completion: str,
    languages: Mapping[str, LanguageSpec],
    *,
    required: str | None = None,
    default: str = "python",
    require_fence: bool = True,
) -> Extracted:
    """The last fenced block of the final answer that is code in a registered language.

    Blocks tagged with a registered language (``python``, ``py``, ``cpp``, ``c++``, ...) win over untagged ones.
    ``required`` (the sample's language) ignores blocks tagged with any other language; untagged blocks are in
    ``required``, else in ``default``. Without any fence, ``require_fence=False`` takes the whole final answer.
    """
    answer = final_answer(completion)
    required_spec = _spec(languages, required, "the sample asks for")
    untagged_spec = required_spec or _spec(languages, default, "the default language is")
    tagged: list[Extracted] = []
    untagged: list[Extracted] = []
    seen_tags: list[str] = []
    blocks, left_open = fenced_blocks(answer)
    for tag, body in blocks:
        if not body.strip():
            continue
        if not tag:
            untagged.append(Extracted(body, untagged_spec.name, ""))  # type: ignore[union-attr]
            continue
        seen_tags.append(tag)
        spec = languages.get(tag)
        if spec is not None and (required_spec is None or spec.name == required_spec.name):
            tagged.append(Extracted(body, spec.name, tag))
    if tagged:
        return tagged[-1]
    if untagged:
        return untagged[-1]
    if seen_tags:
        wanted = required_spec.name if required_spec else "a registered language"
        raise NoProgram(f"no code block in {wanted} (found blocks tagged {', '.join(sorted(set(seen_tags)))})")
    if not require_fence and answer.strip():
        return Extracted(answer, untagged_spec.name, "")  # type: ignore[union-attr]
    if left_open or blocks:
        raise NoProgram("the final answer has an unclosed or empty code block")
    raise NoProgram("no fenced code block in the final answer")


def _spec(languages: Mapping[str, LanguageSpec], name: str | None, what: str) -> LanguageSpec | None:
    if not name:
        return None
    spec = languages.get(name.strip().lower())
    if spec is None:
        names = ", ".join(sorted({s.name for s in languages.values()}))
        raise UnknownLanguageError(f"{what} language {name!r}, which no plugin registers (registered: {names})")
    return spec
