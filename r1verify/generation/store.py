"""The resumable output file: whole lines appended with flush + fsync, what is already there counted on start."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from ..io import write_jsonl


class GenerationStore:
    """An append-only JSONL file of generations, keyed by ``prompt_id``.

    On open it reads what an earlier run wrote: a last line without its newline (the run was killed while
    writing it) is cut off, and ``done[prompt_id]`` counts the complete rows per prompt, so a restart asks only
    for what is missing. Each :meth:`append` writes whole lines in one call, then flushes and fsyncs.
    """

    def __init__(self, path: str | Path, *, fsync: bool = True) -> None:
        self.path = Path(path)
        self.fsync = fsync
        self.done: Counter[str] = Counter()
        self.truncated_bytes = 0
        self.resumed_rows = 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._scan()
        self._fh: IO[str] = self.path.open("a", encoding="utf-8")

    def _scan(self) -> None:
        if not self.path.exists():
            return
        good = 0
        with self.path.open("rb") as fh:
            for raw in fh:
                if not raw.endswith(b"\n"):
                    break  # a torn last line: cut below
                try:
                    data = json.loads(raw)
                    prompt_id = data["prompt_id"]
                except (ValueError, RecursionError, KeyError, TypeError):
                    raise ValueError(
                        f"{self.path}: line {self.resumed_rows + 1} is not a generation row (no prompt_id); "
                        "resume only into a file written by `r1verify generate`, or choose another --out"
                    ) from None
                self.done[str(prompt_id)] += 1
                self.resumed_rows += 1
                good += len(raw)
        size = self.path.stat().st_size
        if size > good:
            self.truncated_bytes = size - good
            with self.path.open("r+b") as fh:
                fh.truncate(good)

    def missing(self, prompt_id: str, n: int) -> int:
        """How many generations ``prompt_id`` still needs to reach ``n``."""
        return max(0, n - self.done[prompt_id])

    def append(self, records: Iterable[dict[str, Any]]) -> None:
        """Write rows as whole lines, then flush and (unless disabled) fsync."""
        rows = list(records)
        if not rows:
            return
        import io

        buffer = io.StringIO()
        for record in rows:
            write_jsonl(buffer, record)
        self._fh.write(buffer.getvalue())
        self._fh.flush()
        if self.fsync:
            os.fsync(self._fh.fileno())
        for record in rows:
            self.done[str(record["prompt_id"])] += 1

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> GenerationStore:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
