"""Dataset rows -> veRL's RL parquet layout.

veRL's ``RLHFDataset`` reads one row per prompt::

    data_source   str                  routes the reward (r1verify: to a domain, see routing.py)
    prompt        [{"role", "content"}]  the chat the policy continues (``data.prompt_key``)
    ability       str                  the task kind (r1verify writes the row's domain)
    reward_model  {"style": "rule", "ground_truth": str}
    extra_info    {"index": int, "split": str, "domain": str, ...the row's other scalar columns}

A ground truth that is not a string (test cases, a list of acceptable answers) is stored as JSON with
``extra_info["ground_truth_json"] = True``, and the adapter decodes it back, so math answers that look like
JSON (``[1, 2]``, an interval) stay text.
"""

from __future__ import annotations

import os

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from r1verify.io import ColumnMap, InvalidRow, Row, missing_column_message

from .routing import JSON_FLAG


@dataclass(frozen=True)
class ConvertSettings:
    """How rows become veRL rows."""

    data_source: str | None = None
    """``data_source`` of every row (default: the row's ``data_source`` column, else the file's stem)."""
    split: str = "train"
    system: str | None = None
    """A system message put before the user message (string prompts only)."""
    template: str = "{prompt}"
    """The user message, with ``{prompt}`` replaced by the prompt text (e.g. an R1 instruction around it)."""
    default_domain: str | None = None
    """``ability`` and domain of rows without a domain column."""


def _scalar(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _chat(prompt: Any, settings: ConvertSettings, where: str) -> list[dict[str, str]]:
    if isinstance(prompt, list) and prompt and all(isinstance(m, Mapping) for m in prompt):
        messages = []
        for m in prompt:
            if not isinstance(m.get("role"), str) or not isinstance(m.get("content"), str):
                raise InvalidRow(where, "prompt", "every chat message needs string 'role' and 'content'")
            messages.append({"role": m["role"], "content": m["content"]})
        return messages
    if not isinstance(prompt, str) or not prompt.strip():
        raise InvalidRow(where, "prompt", "missing or empty; map the question column with --map prompt=COLUMN")
    messages = [{"role": "system", "content": settings.system}] if settings.system else []
    messages.append({"role": "user", "content": settings.template.replace("{prompt}", prompt)})
    return messages


def verl_row(row: Row, index: int, cmap: ColumnMap, settings: ConvertSettings, stem: str) -> dict[str, Any]:
    """One veRL row; raises :class:`InvalidRow` naming the field that is wrong."""
    if row.error is not None:
        raise row.error
    data = row.data
    reference_column = cmap.resolve_reference(data)
    if reference_column is None or data.get(reference_column) is None:
        raise InvalidRow(row.where, cmap.reference or "reference", "no ground truth; map it with --map reference=COLUMN")
    truth = data[reference_column]
    if "domain" in cmap.mapped() and cmap.domain not in data:  # a mapped column is never silently the default
        raise InvalidRow(row.where, cmap.domain, missing_column_message("domain", cmap.domain, data))
    domain = data.get(cmap.domain) or settings.default_domain
    if domain is not None and not isinstance(domain, str):
        raise InvalidRow(row.where, cmap.domain, f"expected a string, got {type(domain).__name__}")
    source = settings.data_source or data.get("data_source") or stem
    if not isinstance(source, str):
        raise InvalidRow(row.where, "data_source", f"expected a string, got {type(source).__name__}")
    used = {cmap.prompt, cmap.completion, cmap.domain, reference_column, "data_source", "ability", "reward_model"}
    extra: dict[str, Any] = {k: _scalar(v) for k, v in data.items() if k not in used and k != "extra_info"}
    extra.update(index=index, split=settings.split, domain=domain or "", **{JSON_FLAG: not isinstance(truth, str)})
    return {
        "data_source": source,
        "prompt": _chat(data.get(cmap.prompt), settings, row.where),
        "ability": domain or "",
        "reward_model": {"style": "rule", "ground_truth": truth if isinstance(truth, str) else json.dumps(truth)},
        "extra_info": extra,
    }


def verl_rows(
    rows: Iterable[Row], cmap: ColumnMap, settings: ConvertSettings, stem: str, *, skip_invalid: bool = False
) -> Iterator[dict[str, Any] | InvalidRow]:
    """veRL rows in order; a bad row is yielded as its :class:`InvalidRow` when ``skip_invalid``, else raised."""
    index = 0
    for row in rows:
        try:
            out = verl_row(row, index, cmap, settings, stem)
        except InvalidRow as exc:
            if not skip_invalid:
                raise
            yield exc
            continue
        index += 1
        yield out


def write_parquet(rows: list[dict[str, Any]], path: Path) -> None:
    """Write veRL rows; ``extra_info`` values of one key keep one type (mixed ones become strings)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    kinds: dict[str, set[type]] = {}
    for r in rows:
        for k, v in r["extra_info"].items():
            if v is not None:
                kinds.setdefault(k, set()).add(type(v))
    mixed = {k for k, types in kinds.items() if len(types) > 1 and not types <= {int, float}}
    for r in rows:
        for k in mixed:
            if r["extra_info"].get(k) is not None:
                r["extra_info"][k] = str(r["extra_info"][k])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.r1verify-tmp")  # renamed at the end: never half a file
    try:
        pq.write_table(pa.Table.from_pylist(rows), tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
