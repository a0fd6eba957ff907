"""Function calls in a model's answer: OpenAI ``tool_calls`` JSON and Hermes ``<tool_call>`` blocks.

A call is ``Call(name, arguments)`` with ``arguments`` a dict (OpenAI sends them as JSON text; both forms read).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .fences import fenced_blocks

CallFormat = Literal["auto", "hermes", "openai"]


class CallFormatError(ValueError):
    """Something that claims to be a call and is not one (a ``<tool_call>`` block that is not JSON, no name)."""


@dataclass(frozen=True)
class Call:
    """One function call; ``optional`` (reference calls only) lists arguments a prediction may leave out."""

    name: str
    arguments: dict[str, Any]
    optional: frozenset[str] = field(default_factory=frozenset)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "arguments": self.arguments}


def to_call(obj: Any, where: str) -> Call:
    """A :class:`Call` from ``{"name", "arguments"}``, ``{"function": {...}}`` (OpenAI) or
    ``{"name", "parameters"}``."""
    if not isinstance(obj, Mapping):
        raise CallFormatError(f"{where} is not an object")
    if isinstance(obj.get("function"), Mapping):
        obj = obj["function"]
    name = obj.get("name")
    if not isinstance(name, str) or not name:
        raise CallFormatError(f"{where} has no function name")
    args = obj.get("arguments", obj.get("parameters", {}))
    if isinstance(args, str):
        try:
            args = json.loads(args) if args.strip() else {}
        except ValueError as exc:
            raise CallFormatError(f"{where}: the arguments of {name!r} are not JSON ({exc})") from None
    if args is None:
        args = {}
    if not isinstance(args, Mapping):
        raise CallFormatError(f"{where}: the arguments of {name!r} are not an object")
    optional = obj.get("optional", ())
    return Call(name, dict(args), frozenset(optional) if isinstance(optional, (list, tuple)) else frozenset())


def calls_from_json(value: Any, where: str) -> list[Call]:
    """Calls from parsed JSON: ``{"tool_calls": [...]}`` (an OpenAI message), a list of calls, or one call."""
    if isinstance(value, Mapping) and "tool_calls" in value:
        value = value["tool_calls"] or []
    if isinstance(value, list):
        return [to_call(item, f"{where} call {i + 1}") for i, item in enumerate(value)]
    return [to_call(value, where)]


_OPEN, _CLOSE = "<tool_call>", "</tool_call>"
_DECODER = json.JSONDecoder()


def _hermes(text: str) -> list[Call]:
    """Each ``<tool_call>`` holds one JSON value, decoded in place (so a ``</tool_call>`` inside a string
    argument does not end the block), then ``</tool_call>``."""
    calls: list[Call] = []
    pos, i = text.find(_OPEN), 0
    while pos != -1:
        i += 1
        start = pos + len(_OPEN)
        body_start = len(text) - len(text[start:].lstrip())
        try:
            value, end = _DECODER.raw_decode(text, body_start)
        except ValueError as exc:
            raise CallFormatError(f"<tool_call> block {i} is not JSON ({exc})") from None
        if not text[end:].lstrip().startswith(_CLOSE):
            raise CallFormatError(f"<tool_call> block {i} is not one JSON value closed by {_CLOSE}")
        calls.extend(calls_from_json(value, f"<tool_call> block {i}"))
        pos = text.find(_OPEN, text.index(_CLOSE, end) + len(_CLOSE))
    return calls


def _openai(text: str) -> list[Call]:
    """The answer as JSON, else its last fenced block: an OpenAI message / tool_calls list / call(s)."""
    candidates = [text.strip()] + [body for _, body in reversed(fenced_blocks(text))]
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        return calls_from_json(value, "the JSON answer")
    return []


def parse_calls(text: str, fmt: CallFormat = "auto") -> list[Call]:
    """Every call in ``text``; :class:`CallFormatError` for a malformed one. ``auto``: Hermes blocks if there are
    any ``<tool_call>`` tags, else OpenAI JSON."""
    if fmt == "hermes" or (fmt == "auto" and _OPEN in text):
        return _hermes(text)
    return _openai(text)
