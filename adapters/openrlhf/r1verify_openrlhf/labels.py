"""Decode OpenRLHF labels (the ``--data.label_key`` column) into a reference, a domain and meta."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

LabelMode = Literal["auto", "json", "text"]
LABEL_MODES: tuple[str, ...] = ("auto", "json", "text")


class LabelError(ValueError):
    """A label that cannot be decoded in the requested mode."""


@dataclass(frozen=True, slots=True)
class Label:
    """What a label says about the sample to verify."""

    reference: Any = None
    domain: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def decode_label(label: Any, mode: LabelMode = "auto") -> Label:
    """Decode one label.

    - ``"text"``: the label is the reference as it is.
    - ``"json"``: a string label is JSON (an error if it is not).
    - ``"auto"`` (default): a string that is a JSON object, or a JSON array holding objects or arrays (test
      cases), is decoded; every other string stays text. A math answer such as ``[1, 2]`` (an interval) or
      ``0.50`` is therefore never turned into a list or a number.

    A decoded object with a ``"reference"`` key is an envelope: ``{"reference": ..., "domain": "code", ...}``
    sets the reference and the domain, and its other keys become ``meta`` (e.g. ``language``). Any other
    object is the reference itself (e.g. ``{"inputs": [...], "outputs": [...]}``). An empty label means no
    reference.
    """
    if mode not in LABEL_MODES:
        raise LabelError(f"unknown label mode {mode!r}; use one of {', '.join(LABEL_MODES)}")
    if label is None or label == "":
        return Label()
    if isinstance(label, str) and mode != "text":
        label = _decode_string(label, strict=mode == "json")
    if isinstance(label, dict) and "reference" in label:
        return _envelope(label)
    return Label(reference=label)


def _decode_string(text: str, *, strict: bool) -> Any:
    stripped = text.strip()
    if not strict and not stripped.startswith(("{", "[")):
        return text
    try:
        value = json.loads(stripped)
    except (ValueError, RecursionError) as exc:
        if strict:
            raise LabelError(f"label is not JSON ({exc}): {text[:80]!r}") from None
        return text
    if strict or isinstance(value, dict):
        return value
    if isinstance(value, list) and value and all(isinstance(v, (dict, list)) for v in value):
        return value
    return text


def _envelope(data: dict[str, Any]) -> Label:
    domain = data.get("domain")
    if domain is not None and not isinstance(domain, str):
        raise LabelError(f"label 'domain' must be a string, got {type(domain).__name__}")
    meta = {k: v for k, v in data.items() if k not in ("reference", "domain")}
    return Label(reference=data["reference"], domain=domain, meta=meta)
