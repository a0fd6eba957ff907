"""OpenRLHF reward requests (query, prompt, label per sample) -> r1verify samples."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from r1verify import Sample

from .labels import LABEL_MODES, LabelMode, decode_label
from .text import recover_response


@dataclass(frozen=True, slots=True)
class ConvertOptions:
    """How OpenRLHF's strings become samples."""

    labels: LabelMode = "auto"
    """Label decoding: ``auto``, ``json`` or ``text`` (see :func:`r1verify_openrlhf.labels.decode_label`)."""
    end_tokens: tuple[str, ...] = ()
    """Extra end-of-turn tokens to cut the response at (the common ones are built in)."""

    def __post_init__(self) -> None:
        if self.labels not in LABEL_MODES:
            raise ValueError(f"labels must be one of {', '.join(LABEL_MODES)}, got {self.labels!r}")


def sample_from_query(query: Any, prompt: Any, label: Any, options: ConvertOptions = ConvertOptions()) -> Sample:
    """The sample OpenRLHF asks about; raises ``TypeError``/``ValueError`` on input that cannot be read."""
    if not isinstance(query, str):
        raise TypeError(f"query must be a string, got {type(query).__name__}")
    if prompt is not None and not isinstance(prompt, str):
        raise TypeError(f"prompt must be a string, got {type(prompt).__name__}")
    decoded = decode_label(label, options.labels)
    return Sample(
        completion=recover_response(query, prompt, options.end_tokens),
        prompt=prompt or None,
        reference=decoded.reference,
        domain=decoded.domain,
        meta=decoded.meta,
    )


def request_items(
    queries: Sequence[Any], prompts: Sequence[Any] | None, labels: Sequence[Any] | None, options: ConvertOptions
) -> list[Sample | Exception]:
    """Samples for a reward request; an item that cannot be read becomes the exception saying why."""
    items: list[Sample | Exception] = []
    for i, query in enumerate(queries):
        try:
            prompt = _at(prompts, i, "prompts")
            label = _at(labels, i, "labels")
            items.append(sample_from_query(query, prompt, label, options))
        except (TypeError, ValueError) as exc:
            items.append(exc)
    return items


def _at(values: Sequence[Any] | None, i: int, name: str) -> Any:
    if values is None:
        return None
    if i >= len(values):
        raise ValueError(f"{name} has {len(values)} entries, fewer than the queries")
    return values[i]
