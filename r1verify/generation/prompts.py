"""Prompts to generate from: dataset rows with chat ``messages`` or a ``prompt`` column, each with a stable id."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..io import InvalidRow, Row

PROMPT_COLUMNS = ("messages", "prompt")
"""Columns tried in order when no prompt column is named."""


@dataclass(frozen=True)
class PromptItem:
    """One prompt: its id (``prompt_id`` in the output), the chat messages sent, the prompt as the output
    stores it (messages or text) and the row's other columns, copied into every generation."""

    prompt_id: str
    messages: list[dict[str, Any]]
    prompt: str | list[dict[str, Any]]
    columns: dict[str, Any]


def prompt_items(
    rows: Iterator[Row],
    prompt_column: str | None = None,
    id_column: str | None = None,
    system: str | None = None,
    on_invalid: Callable[[InvalidRow], bool] | None = None,
) -> Iterator[PromptItem]:
    """Prompt items from rows; a missing or ill-typed prompt is an :class:`InvalidRow` naming the row.

    Without ``on_invalid`` that error is raised. With it, ``on_invalid(error)`` decides: True skips the row,
    False ends the items there (cleanly, so a consumer finishes the prompts it already took).

    Without ``id_column`` the id is a hash of the prompt (the k-th repeat of a prompt gets ``-k``), so a rerun
    over the same input finds the same ids. With it, ids must be unique.
    """
    seen: dict[str, int] = {}
    for row in rows:
        try:
            item = _prompt_item(row, prompt_column, id_column, system, seen)
        except InvalidRow as exc:
            if on_invalid is None:
                raise
            if on_invalid(exc):
                continue
            return
        yield item


def _prompt_item(
    row: Row, prompt_column: str | None, id_column: str | None, system: str | None, seen: dict[str, int]
) -> PromptItem:
    if row.error is not None:
        raise row.error
    column = prompt_column or next((c for c in PROMPT_COLUMNS if c in row.data), None)
    if column is None or column not in row.data:
        wanted = prompt_column or " or ".join(PROMPT_COLUMNS)
        hint = f"; name the column with --prompt-column COLUMN (columns: {', '.join(list(row.data)[:12])})"
        raise InvalidRow(row.where, wanted, "missing" + hint)
    value = row.data[column]
    messages = _messages(value, row.where, column)
    if system and not any(m.get("role") == "system" for m in messages):
        messages = [{"role": "system", "content": system}, *messages]
    if id_column is not None:
        if row.data.get(id_column) is None:
            raise InvalidRow(row.where, id_column, "missing (the --id-column must be set on every row)")
        base = str(row.data[id_column])
    else:
        base = hashlib.sha1(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
    repeat = seen.get(base, 0)
    if repeat and id_column is not None:
        raise InvalidRow(row.where, id_column, f"duplicate id {base!r}: ids must be unique per prompt")
    seen[base] = repeat + 1
    prompt_id = base if not repeat else f"{base}-{repeat}"
    columns = {k: v for k, v in row.data.items() if k != column}
    return PromptItem(prompt_id, messages, value, columns)


def _messages(value: Any, where: str, column: str) -> list[dict[str, Any]]:
    if isinstance(value, str):
        if not value.strip():
            raise InvalidRow(where, column, "empty prompt")
        return [{"role": "user", "content": value}]
    if isinstance(value, list) and value and all(isinstance(m, dict) for m in value):
        for m in value:
            if not isinstance(m.get("role"), str) or not isinstance(m.get("content"), str):
                raise InvalidRow(where, column, "every chat message needs a string 'role' and 'content'")
        if value[-1]["role"] == "assistant":
            raise InvalidRow(where, column, "the last message is the assistant's: there is nothing to answer")
        return [{"role": m["role"], "content": m["content"]} for m in value]
    kind = type(value).__name__
    raise InvalidRow(where, column, f"expected a string or a non-empty list of chat messages, got {kind}")


def generation_record(item: PromptItem, index: int, completion: str, finish_reason: str | None, model: str) -> dict:
    """One output row, in the format ``r1verify reject`` reads: the row's columns, ``prompt`` (as given) and
    ``completion``, plus ``prompt_id``, ``sample_index`` (0..n-1), ``finish_reason`` and ``model``."""
    return {
        **item.columns,
        "prompt": item.prompt,
        "completion": completion,
        "prompt_id": item.prompt_id,
        "sample_index": index,
        "finish_reason": finish_reason,
        "model": model,
    }
