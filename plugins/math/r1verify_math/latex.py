"""Linear-time scanning of LaTeX: ``\\boxed{}`` groups, math environments, alternatives joined by "or".

Everything here is pure string work (no sympy) and linear in the input, because it also runs in the calling
process (for cache keys) on completions that can be megabytes of repeated ``\\boxed{}``.
"""

from __future__ import annotations

import re

_BOX = re.compile(r"\\(?:boxed|fbox)(?![A-Za-z])\s*")


def _nested(depth: int) -> str:
    """A regex for brace-balanced text nesting at most ``depth`` groups (possessive: no backtracking)."""
    flat = r"(?:[^{}\\]|\\.)"
    inner = flat
    for _ in range(depth):
        inner = rf"(?:{flat}|\{{{inner}*+\}})"
    return inner


_BOX_SHALLOW = re.compile(rf"\\(?:boxed|fbox)(?![A-Za-z])\s*\{{({_nested(4)}*+)\}}", re.DOTALL)
_BRACE_TOKENS = re.compile(r"\\.|[{}]", re.DOTALL)  # an escape (\{, \}, \\) is one token and never a brace
_BARE_BOX_ARG = re.compile(r"[^\s$]+")
_MATH_TOKENS = re.compile(r"\\\$|\$\$|\$|\\\[|\\\]|\\\(|\\\)")
_CLOSER = {"$$": "$$", "$": "$", "\\[": "\\]", "\\(": "\\)"}
TEXT_MACROS = (
    "text|textrm|textsf|texttt|textsc|textup|textsl|textbf|textit|textmd|textnormal|emph|mbox|hbox|operatorname"
)
"""Macros whose argument is text: every letter in them is a word."""
FONT_MACROS = "mathrm|mathsf|mathtt|mathit|mathbf|mathnormal"
"""Math-font macros: one letter in them is a symbol (``\\mathrm{e}``), several are a word (``\\mathrm{cm}``)."""
_TEXT_WRAPPER = re.compile(rf"\\(?:{TEXT_MACROS}|{FONT_MACROS})\s*\{{([^{{}}]*)\}}")
_OR = re.compile(r"(?<![A-Za-z\\])(?:or|OR)(?![A-Za-z])")
_RELATION = re.compile(r"\\approx(?![A-Za-z])|≈|(?<![<>!:=\\])=(?!=)")
_EITHER = re.compile(r"^\s*(?:either|Either)(?![A-Za-z])\s*")


def boxed_contents(text: str) -> list[str]:
    """Contents of every closed ``\\boxed{...}`` / ``\\fbox{...}`` (and ``\\boxed 5``), in order.

    A box containing another box yields only the inner one; a box that never closes (a truncated completion)
    yields nothing. One pass over the braces of the text, however many boxes it has; when every box is shallow
    (the usual case) a single regex finds them all.
    """
    starts = [m.end() for m in _BOX.finditer(text)]
    if not starts:
        return []
    shallow = _BOX_SHALLOW.findall(text)
    if len(shallow) == len(starts):
        return shallow
    opens = {end for end in starts if end < len(text) and text[end] == "{"}
    closing: dict[int, int] = {}
    if opens:
        stack: list[int] = []
        for m in _BRACE_TOKENS.finditer(text, min(opens)):
            token = m.group()
            if token == "{":
                stack.append(m.start())
            elif token == "}" and stack:
                start = stack.pop()
                if start in opens:
                    closing[start] = m.start()
    out = []
    for end in starts:
        if end in closing:
            content = text[end + 1 : closing[end]]
            if not _BOX.search(content):
                out.append(content)
        elif end not in opens and text[end - 1].isspace():
            bare = _BARE_BOX_ARG.match(text, end)  # "\boxed 5": the argument is the next token
            if bare:
                out.append(bare.group())
    return out


def last_box_end(text: str) -> int:
    """The index just after the last ``\\boxed{...}`` / ``\\fbox{...}`` of ``text`` that closes (0 if none)."""
    starts = [m.end() for m in _BOX.finditer(text)]
    for start in reversed(starts):
        if start < len(text) and text[start] == "{":
            depth = 0
            for m in _BRACE_TOKENS.finditer(text, start):
                depth += 1 if m.group() == "{" else -1 if m.group() == "}" else 0
                if depth == 0:
                    return m.end()
        elif bare := _BARE_BOX_ARG.match(text, start):
            return bare.end()
    return 0


def math_spans(text: str) -> list[str]:
    """Contents of ``$...$``, ``$$...$$``, ``\\(...\\)``, ``\\[...\\]`` in order (escaped ``\\$`` ignored)."""
    out = []
    opened: tuple[str, int] | None = None
    for m in _MATH_TOKENS.finditer(text):
        token = m.group()
        if token == "\\$":
            continue
        if opened is None:
            if token in _CLOSER:
                opened = (token, m.end())
        elif token == _CLOSER[opened[0]]:
            out.append(text[opened[1] : m.start()])
            opened = None
    return out


def unwrap_text(text: str) -> str:
    """``\\text{east}`` -> ``east`` (every macro of :data:`TEXT_MACROS` and :data:`FONT_MACROS`), innermost
    groups first."""
    for _ in range(4):
        unwrapped = _TEXT_WRAPPER.sub(r"\1", text)
        if unwrapped == text:
            break
        text = unwrapped
    return text


def split_alternatives(answer: str) -> list[str]:
    """``"2 or 3"``, ``"either x=2 or x=3"``, ``"2 \\text{ or } 3"`` -> the alternatives; otherwise ``[answer]``.

    Only an "or" outside every brace group splits, so ``\\frac{or}{...}`` style content is left alone.
    """
    if "or" not in answer and "OR" not in answer:
        return [answer]
    text = unwrap_text(answer)
    cuts = []
    for m in _OR.finditer(text):
        if _depth(text, m.start()) == 0:
            cuts.append(m)
    if not cuts:
        return [answer]
    parts, last = [], 0
    for m in cuts:
        parts.append(text[last : m.start()])
        last = m.end()
    parts.append(text[last:])
    parts = [_EITHER.sub("", p).strip(" \t\n,;:") for p in parts]
    parts = [p for p in parts if p]
    return parts or [answer]


def relation_sides(text: str) -> list[tuple[str, bool]]:
    """The sides of a chain of ``=`` and ``\\approx`` outside every brace group, each with whether it follows an
    ``\\approx``: ``x = 2+1 \\approx 3.1`` -> ``[("x ", False), (" 2+1 ", False), (" 3.1", True)]``. ``\\le``,
    ``<=``, ``:=`` and ``==`` do not split."""
    sides, last, approximate = [], 0, False
    for m in _RELATION.finditer(text):
        if _depth(text, m.start()) == 0:
            sides.append((text[last : m.start()], approximate))
            last, approximate = m.end(), m.group() != "="
    sides.append((text[last:], approximate))
    return sides


def balanced(text: str) -> bool:
    """Whether every brace group in ``text`` closes (a cut-off answer like ``\\frac{1}{2`` does not)."""
    depth = 0
    for m in _BRACE_TOKENS.finditer(text):
        if m.group() == "{":
            depth += 1
        elif m.group() == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def max_depth(text: str) -> int:
    """The deepest brace nesting in ``text``."""
    depth = deepest = 0
    for m in _BRACE_TOKENS.finditer(text):
        if m.group() == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif m.group() == "}":
            depth = max(0, depth - 1)
    return deepest


def _depth(text: str, index: int) -> int:
    depth = 0
    for m in _BRACE_TOKENS.finditer(text, 0, index):
        if m.group() == "{":
            depth += 1
        elif m.group() == "}":
            depth = max(0, depth - 1)
    return depth
