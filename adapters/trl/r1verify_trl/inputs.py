"""What GRPOTrainer passes to a reward function, turned into r1verify Samples.

TRL calls reward functions with keyword arguments only: ``prompts``, ``completions``, ``completion_ids``, one
list per dataset column, and its own helpers (``trainer_state``, ``log_extra``, ``log_metric``,
``environments``). Completions are strings (standard data) or lists of chat messages (conversational data).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from r1verify import Sample
from r1verify.io import REFERENCE_ALIASES

TRAINER_KWARGS = frozenset(
    {"prompts", "completions", "completion_ids", "trainer_state", "log_extra", "log_metric", "environments"}
)
"""Keyword arguments GRPOTrainer adds that are not dataset columns."""

REASONING_FIELDS = ("reasoning_content", "thinking", "reasoning")
"""Message fields where transformers' response parsing puts the text it took out of ``<think>...</think>``."""

THINK_OPEN = "<think>"


class ColumnError(ValueError):
    """A mapped dataset column is missing from the batch."""


@dataclass(frozen=True)
class Columns:
    """Which dataset columns become a sample's ``reference``, ``domain`` and ``meta``.

    - ``reference``: candidate columns, the first one present in the batch wins; named columns must exist.
      ``None`` (default) tries ``reference``, ``ground_truth``, ``answer``, ``solution``, ``label``, ``tests``
      (as the CLI does) and allows none; an empty tuple means no reference.
    - ``domain``: the column holding the domain (absent column: the recipe's ``default_domain``).
    - ``meta``: the columns copied into ``meta``; ``None`` copies every other column.
    """

    reference: tuple[str, ...] | None = None
    domain: str | None = "domain"
    meta: tuple[str, ...] | None = None

    @classmethod
    def from_kwargs(cls, column_map: Mapping[str, Any]) -> Columns:
        """From ``reward_funcs(..., reference="gold", domain="task", meta=["lang"])``; unknown keys are an error."""
        unknown = sorted(set(column_map) - {"reference", "domain", "meta"})
        if unknown:
            raise TypeError(
                f"unknown argument(s) {', '.join(unknown)}; dataset columns are mapped with reference=COLUMN(S), "
                f"domain=COLUMN and meta=[COLUMNS]"
            )
        out = cls()
        if "reference" in column_map:
            out = replace(out, reference=_names(column_map["reference"], "reference"))
        if "domain" in column_map:
            domain = column_map["domain"]
            if domain is not None and not isinstance(domain, str):
                raise TypeError(f"domain= takes a column name or None, got {domain!r}")
            out = replace(out, domain=domain)
        if "meta" in column_map and column_map["meta"] is not None:
            out = replace(out, meta=_names(column_map["meta"], "meta"))
        return out

    def reference_column(self, columns: Mapping[str, Any]) -> str | None:
        """The reference column of this batch (``None``: no reference)."""
        candidates = REFERENCE_ALIASES if self.reference is None else self.reference
        found = next((c for c in candidates if c in columns), None)
        if found is None and self.reference:
            raise ColumnError(
                f"reference column {' or '.join(map(repr, self.reference))} is not in the dataset (columns: "
                f"{', '.join(sorted(columns)) or 'none'}); pass reward_funcs(..., reference=COLUMN)"
            )
        return found


def _names(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise TypeError(f"{what}= takes a column name or a list of column names, got {value!r}")


def _content_text(content: Any) -> str:
    """A message's ``content``: a string, or multimodal parts of which the text ones are kept."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict) and p.get("type") == "text")
    return str(content)


def completion_text(completion: Any) -> tuple[str, bool]:
    """The text to verify and whether it was rebuilt from a parsed reasoning field.

    Conversational completions keep the assistant messages (joined by newlines, tool turns left out). When the
    tokenizer's response parser moved the reasoning into ``reasoning_content``/``thinking``, the original
    ``<think>...</think>`` text is rebuilt so that format verifiers see what the model wrote.
    """
    if isinstance(completion, str):
        return completion, False
    if completion is None:
        return "", False
    messages = [completion] if isinstance(completion, Mapping) else completion
    if not isinstance(messages, list):
        return str(completion), False
    parts, rebuilt = [], False
    for message in messages:
        if not isinstance(message, Mapping) or message.get("role", "assistant") != "assistant":
            continue
        text = _content_text(message.get("content"))
        reasoning = next((message[f] for f in REASONING_FIELDS if isinstance(message.get(f), str)), None)
        if reasoning is not None:
            text, rebuilt = f"{THINK_OPEN}\n{reasoning}\n</think>\n\n{text}", True
        parts.append(text)
    return "\n".join(parts), rebuilt


def _visible_prefill(prompt: Any, tag: str) -> str:
    """The ``tag`` (and what follows it) ending a text prompt or a final assistant message being continued."""
    tail = prompt
    if isinstance(prompt, list) and prompt and isinstance(prompt[-1], Mapping):
        tail = _content_text(prompt[-1].get("content")) if prompt[-1].get("role") == "assistant" else ""
    if tag and isinstance(tail, str) and tail.rstrip().endswith(tag):
        return tail[tail.rfind(tag) :]
    return ""


def _without_prefill(prompt: Any, prefill: str) -> Any:
    """``prompt`` minus its trailing visible prefill (a continued assistant message left empty is dropped)."""
    if isinstance(prompt, str):
        return prompt[: len(prompt) - len(prefill)]
    last = dict(prompt[-1])
    content = _content_text(last.get("content"))[: -len(prefill)]
    return prompt[:-1] + ([{**last, "content": content}] if content.strip() else [])


def split_prefill(prompt: Any, setting: bool | str) -> tuple[Any, str]:
    """(prompt, text to put in front of the completion) when the chat template pre-filled ``<think>``.

    ``setting`` ``False``: nothing changes (format verifiers see a ``<think>`` ending a text prompt themselves).
    ``True`` (the prefill is ``"<think>\\n"``) or the prefill text itself: the completion gets it in front, so it
    holds the whole assistant turn; a prompt that shows the prefill at its end loses it, so that no verifier
    counts the tag twice.
    """
    if setting is False:
        return prompt, ""
    prefill = THINK_OPEN + "\n" if setting is True else setting
    visible = _visible_prefill(prompt, prefill.strip())
    if visible:
        return _without_prefill(prompt, visible), visible
    return prompt, prefill


def build_samples(
    prompts: Sequence[Any] | None,
    completions: Sequence[Any],
    columns: Mapping[str, Sequence[Any]],
    mapping: Columns,
    prefill_think: bool | str,
) -> list[Sample]:
    """One Sample per completion. ``columns`` holds the dataset columns (trainer kwargs already removed)."""
    n = len(completions)
    for name, values in columns.items():
        if len(values) != n:
            raise ColumnError(f"column {name!r} has {len(values)} values for {n} completions")
    ref_col = mapping.reference_column(columns)
    dom_col = mapping.domain if mapping.domain in columns else None
    if mapping.meta is None:
        meta_cols = [c for c in columns if c not in (ref_col, dom_col)]
    else:
        meta_cols = [c for c in mapping.meta if c in columns]
    samples = []
    for i, completion in enumerate(completions):
        prompt = prompts[i] if prompts is not None else None
        text, rebuilt = completion_text(completion)
        prompt, prefill = split_prefill(prompt, prefill_think)
        if not rebuilt:  # a rebuilt completion has its <think> already
            text = prefill + text
        domain = columns[dom_col][i] if dom_col else None
        samples.append(
            Sample(
                completion=text,
                prompt=prompt if isinstance(prompt, (str, list)) else None,
                reference=columns[ref_col][i] if ref_col else None,
                domain=None if domain is None else str(domain),
                meta={c: columns[c][i] for c in meta_cols},
            )
        )
    return samples
