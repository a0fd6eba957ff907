"""Rejection sampling: group generations by prompt, keep the good ones, pick the best, measure pass@k.

Groups are read as contiguous runs of rows (how generators write n samples per prompt), so memory holds one
group at a time. Unsorted input can be grouped on disk first with :func:`sorted_by_group`.
"""

from __future__ import annotations

import hashlib
import json
import math
import pickle
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from .io import InvalidRow, Row
from .pipeline import Verified

KeepRule = Literal["best", "first", "all"]

GroupKey = Callable[[Row], str]


def group_key_function(group_by: str | None, prompt_column: str) -> GroupKey:
    """Group by a column (a prompt id), or by the prompt itself when ``group_by`` is None."""
    column = group_by or prompt_column

    def key(row: Row) -> str:
        if row.error is not None:
            return ""
        if column not in row.data:
            raise InvalidRow(row.where, column, "missing; it is needed to group generations by prompt (--group-by)")
        value = row.data[column]
        # type-tagged, so that the ids 1 and "1" stay two groups
        return "s:" + value if isinstance(value, str) else "j:" + json.dumps(value, sort_keys=True, ensure_ascii=False)

    return key


def group_label(key: str) -> str:
    """The group id as written in reports (without its type tag)."""
    return key[2:]


class UnsortedInput(ValueError):
    """A prompt's generations are not contiguous in the input."""


def groups(items: Iterable[Verified], key: GroupKey) -> Iterator[tuple[str, list[Verified]]]:
    """Contiguous runs of items with the same key; a key that comes back after its run ended is an error."""
    finished: set[bytes] = set()
    current: str | None = None
    bucket: list[Verified] = []
    for item in items:
        k = key(item.row)
        if k != current:
            if bucket:
                finished.add(_digest(current))
                yield current, bucket  # type: ignore[misc]
            if _digest(k) in finished:
                raise UnsortedInput(
                    f"{item.row.where}: generations for this prompt appeared earlier and were already grouped; "
                    f"the input is not grouped by prompt. Pass --unsorted to group on disk first."
                )
            current, bucket = k, []
        bucket.append(item)
    if bucket:
        yield current, bucket  # type: ignore[misc]


def _digest(key: str | None) -> bytes:
    return hashlib.blake2b((key or "").encode("utf-8", "surrogatepass"), digest_size=12).digest()


def sorted_by_group(rows: Iterable[Row], key: GroupKey) -> Iterator[Row]:
    """Rows grouped by key, groups in order of first appearance and rows in input order inside a group, via a
    temporary SQLite file on disk.

    Rows are stored pickled, so every value (bytes, dates, odd strings) comes back exactly as it was read.
    """
    with tempfile.TemporaryDirectory(prefix="r1verify-groups-") as tmp:
        db = sqlite3.connect(f"{tmp}/rows.sqlite")
        db.execute("CREATE TABLE rows (grp BLOB, seq INTEGER, row BLOB)")
        db.executemany(
            "INSERT INTO rows VALUES (?, ?, ?)",
            (
                (_digest(key(row)), seq, pickle.dumps(row, protocol=pickle.HIGHEST_PROTOCOL))
                for seq, row in enumerate(rows)
            ),
        )
        db.execute("CREATE INDEX by_group ON rows (grp, seq)")
        db.commit()
        grouped = (
            "SELECT row FROM rows JOIN (SELECT grp, MIN(seq) AS first FROM rows GROUP BY grp) USING (grp) "
            "ORDER BY first, seq"
        )
        for (blob,) in db.execute(grouped):
            yield pickle.loads(blob)
        db.close()


def select(group: list[Verified], rule: KeepRule, k: int) -> list[Verified]:
    """The generations to keep from one prompt's group.

    Only generations that pass the recipe are candidates; identical completions (whitespace-normalised) count
    once. ``best``: the ``k`` with the highest reward, ties to the shorter completion (R1 prefers concise
    answers), then input order. ``first``: the first ``k`` in input order. ``all``: every candidate.
    """
    seen: set[str] = set()
    candidates = []
    for item in group:
        if not item.result.passed:
            continue
        norm = " ".join(item.sample.completion.split())
        if norm in seen:
            continue
        seen.add(norm)
        candidates.append(item)
    if rule == "all":
        return candidates
    if rule == "first":
        return candidates[:k]
    order = sorted(
        range(len(candidates)), key=lambda i: (-candidates[i].result.reward, len(candidates[i].sample.completion), i)
    )
    return [candidates[i] for i in order[:k]]


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k (Chen et al. 2021) for n samples of which c pass: 1 - C(n-c, k) / C(n, k)."""
    if k > n:
        raise ValueError(f"k={k} > n={n}")
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


@dataclass
class RejectionStats:
    """Per-prompt pass rates and pass@k, accumulated group by group."""

    ks: tuple[int, ...] = (1, 4, 8, 16, 32, 64)
    prompts: int = 0
    rows: int = 0
    passed: int = 0
    kept: int = 0
    duplicates: int = 0
    prompts_without_pass: int = 0
    _pass_at: dict[int, list[float]] = field(default_factory=dict)

    def add(self, group: list[Verified], kept: list[Verified]) -> dict[str, Any]:
        n = len(group)
        c = sum(item.result.passed for item in group)
        passing_unique = len({" ".join(i.sample.completion.split()) for i in group if i.result.passed})
        self.prompts += 1
        self.rows += n
        self.passed += c
        self.kept += len(kept)
        self.duplicates += c - passing_unique
        self.prompts_without_pass += c == 0
        per_prompt: dict[str, Any] = {"n": n, "passed": c, "pass_rate": c / n, "kept": len(kept)}
        for k in self.ks:
            if k <= n:
                value = pass_at_k(n, c, k)
                acc = self._pass_at.setdefault(k, [0.0, 0])
                acc[0] += value
                acc[1] += 1
                per_prompt[f"pass@{k}"] = value
        return per_prompt

    def to_state(self) -> dict[str, Any]:
        """The counts as plain JSON, for :meth:`merge` (stats of parts of the groups computed elsewhere)."""
        return {
            "prompts": self.prompts,
            "rows": self.rows,
            "passed": self.passed,
            "kept": self.kept,
            "duplicates": self.duplicates,
            "prompts_without_pass": self.prompts_without_pass,
            "pass_at": {str(k): acc for k, acc in self._pass_at.items()},
        }

    def merge(self, state: dict[str, Any]) -> None:
        """Add the counts of other groups (a :meth:`to_state`)."""
        for name in ("prompts", "rows", "passed", "kept", "duplicates", "prompts_without_pass"):
            setattr(self, name, getattr(self, name) + state[name])
        for k, (total, count) in state["pass_at"].items():
            acc = self._pass_at.setdefault(int(k), [0.0, 0])
            acc[0] += total
            acc[1] += count

    def to_dict(self) -> dict[str, Any]:
        return {
            "prompts": self.prompts,
            "generations": self.rows,
            "passed": self.passed,
            "kept": self.kept,
            "duplicates_dropped": self.duplicates,
            "prompts_without_a_pass": self.prompts_without_pass,
            "mean_pass_rate": self.passed / self.rows if self.rows else None,
            "pass_at_k": {f"pass@{k}": round(s / m, 4) for k, (s, m) in sorted(self._pass_at.items()) if m},
        }
