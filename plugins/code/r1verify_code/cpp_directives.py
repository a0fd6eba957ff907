"""The preprocessor directives of a C++ solution, found by a small lexer that errs towards seeing too many.

A C++ solution is compiled in one translation unit with the test code that follows it, so its macros would
reach the tests (``#define __assert_fail(...)`` silences every ``assert``). :func:`solution_macros` lists the
macros a solution defines or undefines, and rejects what cannot be scoped safely; ``cpp_tests`` then restores
every one of them before the test code. The lexer only has to be safe in one direction: it may take text inside
a comment or literal for code (an extra name to restore, or a rejection), never code for a comment or literal.
"""

from __future__ import annotations

import re


class RejectedProgram(ValueError):
    """The solution uses the preprocessor in a way assert-style C++ tests cannot allow; the message says how."""


_SPLICE = re.compile(r"\\[ \t\f\v]*\r?\n")  # GCC also splices a backslash followed by spaces and a newline
_IDENT_START = re.compile(r"[A-Za-z_$\x80-\U0010ffff]|\\[uU]")
_IDENT = re.compile(r"(?:[A-Za-z0-9_$\x80-\U0010ffff]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*")
_PP_NUMBER = re.compile(r"\.?[0-9](?:[eEpP][+-]|'[A-Za-z0-9_]|[A-Za-z0-9_.])*")
_RAW_OPEN = re.compile(r'"([^ ()\\\t\v\f\n]{0,16})\(')
_SPACE = re.compile(r"(?:[ \t\f\v\r]|/\*.*?\*/)*", re.DOTALL)
_RAW_PREFIXES = frozenset({"R", "u8R", "uR", "UR", "LR"})
_PREFIXES = frozenset({"u8", "u", "U", "L"})
_DIGITS = frozenset("0123456789")

_RESERVED = re.compile(r"_[A-Z_]|.*__")
"""Identifiers the implementation owns (the C++ standard's rule): its headers and assert use them."""
_FORBIDDEN = frozenset({"assert", "NDEBUG"})
_DIRECTIVES = frozenset(
    {
        "define",
        "undef",
        "include",
        "if",
        "ifdef",
        "ifndef",
        "elif",
        "else",
        "endif",
        "pragma",
        "line",
        "error",
        "warning",
    }
    | {""}
)
_PRAGMAS = re.compile(
    r"(?:once|pack|message|region|endregion|omp|STDC"
    r"|GCC\s+(?:optimize|target|diagnostic|push_options|pop_options|reset_options|unroll|ivdep))\b"
)
_QUOTED_HEADER = re.compile(r'"[\w+./-]+\.(?:h|hh|hpp|hxx)"')


def solution_macros(code: str) -> list[str]:
    """Names of the macros ``code`` defines or undefines (in order, once each).

    Raises :class:`RejectedProgram` for a ``#define``/``#undef`` of a reserved identifier (``__x``, ``_X``),
    ``assert`` or ``NDEBUG``; ``_Pragma`` or a ``#pragma`` other than optimisation hints;
    ``#include`` other than of a header; other directives; unbalanced ``#if``/``#endif``; and an unterminated
    comment or raw string literal (it would swallow the tests)."""
    text = _SPLICE.sub("", code)
    names: dict[str, None] = {}
    depth, i, n = 0, 0, len(text)
    after_literal = False
    while i < n:
        c = text[i]
        if c == "/" and text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise RejectedProgram("the C++ solution ends inside a /* comment */, which would swallow the tests")
            i = end + 2
        elif c in "\"'":
            i = _skip_quoted(text, i)
            after_literal = True
            continue
        elif c == "#" or text.startswith("%:", i):
            i, depth = _directive(text, i + (1 if c == "#" else 2), names, depth)
        elif c in _DIGITS or (c == "." and text[i + 1 : i + 2] in _DIGITS):
            i = _PP_NUMBER.match(text, i).end()
        elif _IDENT_START.match(text, i):
            start = i
            i = _IDENT.match(text, i + (2 if c == "\\" else 1)).end()
            word = text[start:i]
            if word == "_Pragma":
                raise RejectedProgram("the C++ solution uses _Pragma; assert-style tests do not allow it")
            if not after_literal and i < n and text[i] == '"' and word in _RAW_PREFIXES:
                i = _skip_raw(text, i)
                after_literal = True
                continue
            if not after_literal and i < n and text[i] in "\"'" and word in _PREFIXES:
                continue  # an encoding prefix: the literal comes next
        else:
            i += 1
        after_literal = False
    if depth:
        raise RejectedProgram("the C++ solution leaves an #if without its #endif")
    return list(names)


def _skip_quoted(text: str, i: int) -> int:
    """Past a string or character literal; it ends at its closing quote or, at the latest, the line's end."""
    quote, j = text[i], i + 1
    while j < len(text) and text[j] not in (quote, "\n"):
        j += 2 if text[j] == "\\" else 1
    return j + 1


def _skip_raw(text: str, i: int) -> int:
    opening = _RAW_OPEN.match(text, i)
    if opening is None:
        return i + 1  # not a valid raw string: an ordinary one, which g++ rejects or ends at the line
    end = text.find(")" + opening.group(1) + '"', opening.end())
    if end < 0:
        raise RejectedProgram("the C++ solution ends inside a raw string literal, which would swallow the tests")
    return end + len(opening.group(1)) + 2


def _word(text: str, i: int) -> tuple[str, int]:
    """The identifier after spaces and comments at ``i`` ('' if none), and the index past it."""
    i = _SPACE.match(text, i).end()
    if not _IDENT_START.match(text, i):
        return "", i
    end = _IDENT.match(text, i + 1).end()
    return text[i:end], end


def _directive(text: str, i: int, names: dict[str, None], depth: int) -> tuple[int, int]:
    """Check one directive (``i`` is just past its ``#``); returns the end of its line and the #if depth."""
    name, i = _word(text, i)
    line_end = text.find("\n", i)
    line_end = len(text) if line_end < 0 else line_end
    rest = text[_SPACE.match(text, i).end() : line_end].strip()
    if name not in _DIRECTIVES or (not name and rest and not rest[0].isdigit()):  # null directive, line marker
        raise RejectedProgram(f"the C++ solution uses #{name or rest[:20]}, which assert-style tests do not allow")
    if name in ("define", "undef"):
        macro, _ = _word(text, i)
        if not macro or _RESERVED.match(macro) or macro in _FORBIDDEN:
            raise RejectedProgram(
                f"the C++ solution does #{name} {macro or '(nothing)'}: assert-style tests do not allow macros "
                "named assert or NDEBUG, or like the implementation's reserved identifiers (_X..., ...__...)"
            )
        names[macro] = None
    elif name == "include" and not (rest.startswith("<") or _QUOTED_HEADER.match(rest)):
        raise RejectedProgram("the C++ solution includes something other than a header (#include <name> only)")
    elif name == "pragma" and not _PRAGMAS.match(rest):
        raise RejectedProgram(f"the C++ solution uses #pragma {rest[:30]}; only optimisation pragmas are allowed")
    elif name in ("if", "ifdef", "ifndef"):
        depth += 1
    elif name in ("elif", "else", "endif") and depth == 0:
        raise RejectedProgram(f"the C++ solution has an #{name} without its #if")
    elif name == "endif":
        depth -= 1
    return line_end, depth
