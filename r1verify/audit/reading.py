"""Rollouts from the files trainers write: JSONL / JSON / Parquet / a saved HF dataset (``r1verify.io``), a
folder of per-step files (veRL's ``rollout_data_dir``, TRL's ``completions/``), or an r1verify results file.

Columns: ``prompt``, ``completion``, ``reference``, ``domain`` as everywhere in r1verify (``--map``), plus
``reward`` (a column, or ``a+0.2*b`` to add several with weights, e.g. TRL's per-function columns), ``step``,
``group`` (which prompt's group; default: the prompt text) and ``id``. A bad row raises
:class:`r1verify.io.InvalidRow` naming the file, the row and the field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..io import ColumnMap, InputError, InvalidRow, Row, missing_column_message, open_rows, to_sample
from .model import Rollout

AUDIT_FIELDS = ("reward", "step", "group", "id")
REWARD_ALIASES = ("reward", "rewards", "score", "scores")
STEP_ALIASES = ("step", "global_step", "global_steps", "iteration")
STEP_FILE = re.compile(r"(\d+)")
SHAPING = ("format", "think_format", "tag_count", "language", "overlong", "length", "repetition")
"""Verifier instance names of a results file that pay for form, not for the answer."""


@dataclass
class RolloutColumns:
    """Where the rollout's fields are: r1verify's :class:`ColumnMap` plus the audit's own columns."""

    columns: ColumnMap = field(default_factory=ColumnMap)
    reward: str | None = None
    step: str | None = None
    group: str | None = None
    id: str = "id"
    mapped: frozenset[str] = frozenset()
    """The audit's own fields named by ``--map`` (:meth:`parse`); with ``step``/``group`` set and ``id`` other than
    ``"id"`` their columns must be in every row (:meth:`check_mapped`), like :meth:`ColumnMap.check_mapped`'s."""

    def check_mapped(self, row: Row) -> None:
        """Raise :class:`InvalidRow` when a column mapped explicitly is not in the row: the prompt, completion,
        reference and domain ones (:meth:`ColumnMap.check_mapped`) and the step, group and id ones. (A missing
        reward column has its own message in :func:`to_rollout`.)"""
        self.columns.check_mapped(row)
        for name, default in (("step", None), ("group", None), ("id", "id")):
            column = getattr(self, name)
            if (name in self.mapped or column != default) and column is not None and column not in row.data:
                raise InvalidRow(row.where, column, missing_column_message(name, column, row.data))

    @classmethod
    def parse(cls, pairs: Sequence[str]) -> RolloutColumns:
        """From ``--map`` pairs; reward/step/group/id are the audit's, the rest go to :meth:`ColumnMap.parse`."""
        own: dict[str, str] = {}
        rest = []
        for pair in pairs:
            key, eq, column = pair.partition("=")
            if eq and key.strip() in AUDIT_FIELDS and column.strip():
                own[key.strip()] = column.strip()
            else:
                rest.append(pair)
        try:
            columns = ColumnMap.parse(rest)
        except InputError as exc:
            raise InputError(
                str(exc).replace(
                    "prompt, completion, reference or domain",
                    "prompt, completion, reference, domain, reward, step, group or id",
                )
            ) from None
        if "reward" in own:
            reward_terms(own["reward"])  # a malformed sum fails now, before any row is read
        return cls(columns, **own, mapped=frozenset(own))


def input_files(path: str) -> list[str]:
    """``path`` itself, or a folder's per-step ``.jsonl``/``.parquet`` files in step order (a folder that is a
    saved Hugging Face dataset is read as one)."""
    p = Path(path)
    if not p.is_dir() or (p / "dataset_info.json").exists() or (p / "dataset_dict.json").exists():
        return [path]
    files = [f for f in p.iterdir() if f.suffix in (".jsonl", ".parquet") and not f.name.startswith(".")]
    if not files:
        raise InputError(f"{p}: a folder with no .jsonl or .parquet files and not a saved dataset")

    def order(f: Path) -> tuple[int, str]:
        numbers = STEP_FILE.findall(f.stem)
        return (int(numbers[-1]) if numbers else -1, f.name)

    return [str(f) for f in sorted(files, key=order)]


def reward_terms(spec: str) -> list[tuple[float, str]]:
    """``"accuracy+0.2*format"`` as ``[(1.0, "accuracy"), (0.2, "format")]``: the columns to add, with weights."""
    terms = []
    for term in spec.split("+"):
        weight, star, column = term.strip().partition("*")
        if not star:
            weight, column = "1", weight
        try:
            terms.append((float(weight), column.strip()))
        except ValueError:
            raise InputError(f"--map reward={spec}: {term.strip()!r} is not COLUMN or WEIGHT*COLUMN") from None
    return terms


def prompt_text(value: Any) -> str:
    """A prompt as text: a string, or the contents of chat messages joined by newlines."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(str(m.get("content", "")) if isinstance(m, dict) else str(m) for m in value)
    return str(value)


def _number(row: Row, column: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        shown = repr(value)[:40] if isinstance(value, (int, float, str)) else type(value).__name__
        raise InvalidRow(row.where, column, f"expected a finite number, got {shown}")
    return float(value)


def to_rollout(row: Row, index: int, cols: RolloutColumns, template: str = "r1") -> Rollout:
    """One row as a :class:`Rollout`; :class:`InvalidRow` names the field that is wrong, or the column mapped
    with ``--map`` that the row lacks."""
    sample = to_sample(row, cols.columns)
    cols.check_mapped(row)
    data = row.data
    reward_spec = cols.reward or next((a for a in REWARD_ALIASES if a in data), None)
    if reward_spec is None:
        hint = f"; map the reward with --map reward=COLUMN or reward=A+B (columns: {', '.join(list(data)[:12])})"
        raise InvalidRow(row.where, "reward", "missing" + hint)
    reward = 0.0
    for weight, column in (
        reward_terms(reward_spec) if "+" in reward_spec or "*" in reward_spec else [(1.0, reward_spec)]
    ):
        if column not in data:
            raise InvalidRow(row.where, column, f"missing (the reward column; columns: {', '.join(list(data)[:12])})")
        reward += weight * _number(row, column, data[column])
    step_column = cols.step or next((a for a in STEP_ALIASES if a in data), None)
    step = None
    if step_column is not None:
        raw = data.get(step_column)
        if raw is not None:
            if isinstance(raw, float) and raw.is_integer():
                raw = int(raw)
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise InvalidRow(row.where, step_column, f"expected a whole step number, got {str(raw)[:40]!r}")
            step = raw
    prompt = prompt_text(sample.prompt)
    group = str(data.get(cols.group)) if cols.group and data.get(cols.group) is not None else prompt
    verdicts = data.get("verdicts") if isinstance(data.get("verdicts"), dict) else None
    ident = data.get(cols.id)
    return Rollout(
        index,
        row.where,
        prompt,
        sample.completion,
        reward,
        step,
        sample.reference,
        sample.domain,
        group,
        str(ident) if ident is not None else row.where,
        verdicts,
        _paid_for_answer(verdicts),
        template,
    )


def _paid_for_answer(verdicts: dict[str, Any] | None) -> bool | None:
    """Whether a results row's answer verifiers (all but :data:`SHAPING`) passed; ``None`` when none applied."""
    if not verdicts:
        return None
    answer = [
        v for k, v in verdicts.items() if k not in SHAPING and isinstance(v, dict) and v.get("status") != "skipped"
    ]
    if not answer:
        return None
    return any(v.get("status") in ("correct", "partial") for v in answer)


def read_rollouts(
    paths: Sequence[str],
    cols: RolloutColumns,
    *,
    split: str | None = None,
    template: str = "r1",
    skip_invalid: bool = False,
    skipped: list[str] | None = None,
) -> tuple[Iterator[Rollout], int | None]:
    """Rollouts of every file (in order) and their total when cheap to know. A bad row raises
    :class:`InvalidRow`, or with ``skip_invalid`` is appended to ``skipped`` (``where: message``)."""
    files = [f for path in paths for f in input_files(path)]
    opened = [open_rows(f, split=split) for f in files]
    counts = [n for _, n in opened]
    total = sum(n for n in counts if n is not None) if all(n is not None for n in counts) else None

    def rollouts() -> Iterator[Rollout]:
        index = 0
        for rows, _ in opened:
            for row in rows:
                try:
                    rollout = to_rollout(row, index, cols, template)
                except InvalidRow as exc:
                    if not skip_invalid:
                        raise
                    if skipped is not None:
                        skipped.append(str(exc))
                    continue
                index += 1
                yield rollout

    return rollouts(), total
