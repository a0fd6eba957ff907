"""Fenced code blocks (```lang ... ```) in an answer, last one last."""

from __future__ import annotations

import re

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([\w+.-]*)[^\n]*\n(.*?)^[ \t]*\1[ \t]*$", re.DOTALL | re.MULTILINE)


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """``(language, body)`` of every closed fenced block, in order (language lower-cased, may be empty)."""
    return [(m.group(2).lower(), m.group(3)) for m in _FENCE.finditer(text)]
