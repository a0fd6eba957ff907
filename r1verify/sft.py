"""Rows in the chat ``messages`` format that TRL's SFTTrainer reads."""

from __future__ import annotations

from typing import Any, Literal

from .io import Row
from .sample import Sample

OutputFormat = Literal["messages", "original"]


def sft_record(row: Row, sample: Sample, fmt: OutputFormat) -> dict[str, Any]:
    """``{"messages": [...prompt messages, {"role": "assistant", "content": completion}]}``, or the row as read."""
    if fmt == "original":
        return dict(row.data)
    if isinstance(sample.prompt, list):
        messages = [dict(m) for m in sample.prompt]
    elif sample.prompt:
        messages = [{"role": "user", "content": sample.prompt}]
    else:
        messages = []
    messages.append({"role": "assistant", "content": sample.completion})
    return {"messages": messages}
