"""Which part of a completion a shaping term measures, cut leniently (no format judgement)."""

from __future__ import annotations

from typing import Literal

Part = Literal["completion", "reasoning", "answer"]
"""``completion``: all of it; ``reasoning``: before the first closing think tag (all of it when there is none);
``answer``: after the last closing think tag (empty when there is none)."""


def cut(completion: str, part: Part, think_tag: str = "think") -> str:
    """The ``part`` of ``completion``; the think tags themselves are not part of the reasoning."""
    if part == "completion":
        return completion
    close = f"</{think_tag}>"
    if part == "answer":
        head, sep, tail = completion.rpartition(close)
        return tail if sep else ""
    head, sep, _ = completion.partition(close)
    return head.replace(f"<{think_tag}>", "", 1) if sep else completion.replace(f"<{think_tag}>", "", 1)
