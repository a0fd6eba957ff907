"""``r1verify verify --resume``: continue a run from the rows its output already holds.

The output of ``verify`` holds one line per valid input row, in input order. A resumed run keeps the output's
complete lines (a torn last line is dropped), checks that each belongs to the input row it stands for (same
completion), and verifies only the rows after them, so the final file is what one uninterrupted run writes:
no row lost, none duplicated.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..io import ColumnMap, InvalidRow, Row, to_sample
from ..result import Result
from ..summary import Summary
from ..verdict import Verdict
from .outputs import OutputError


@dataclass
class ResumePoint:
    """The complete lines of an earlier run's output: how many, and how many bytes they take."""

    path: Path
    rows: int = 0
    size: int = 0

    @classmethod
    def scan(cls, path: Path) -> ResumePoint:
        point = cls(path)
        if not path.is_file():
            return point
        with path.open("rb") as fh:
            for raw in fh:
                if not raw.endswith(b"\n"):
                    break  # a torn last line (the run was killed mid-write): verified again
                point.rows += 1
                point.size += len(raw)
        return point

    def skip_done(self, rows: Iterator[Row], columns: ColumnMap, summary: Summary) -> Iterator[Row]:
        """``rows`` without those the output already holds; their results go into ``summary``.

        Rows that cannot become samples pass through (the stream skips or stops at them, as the first run did).
        """
        if self.rows == 0:
            yield from rows
            return
        with self.path.open("rb") as done:
            for row in rows:
                if summary.rows >= self.rows:
                    yield row
                    continue
                try:
                    to_sample(row, columns)
                except InvalidRow:
                    yield row
                    continue
                summary.add([self._check(done.readline(), summary.rows + 1, row, columns)])
        if summary.rows < self.rows:
            raise OutputError(
                f"--resume: {self.path} holds {self.rows} rows but the input has only {summary.rows}; "
                "it is not this input's output. Choose another --out, or drop --resume to start over"
            )

    def _check(self, raw: bytes, lineno: int, row: Row, columns: ColumnMap) -> Result:
        where = f"{self.path}:{lineno}"
        try:
            record = json.loads(raw)
            result = Result(
                record["reward"],
                record["passed"],
                {name: Verdict.from_dict(v, name) for name, v in record["verdicts"].items()},
                {},
            )
        except (ValueError, RecursionError, KeyError, TypeError, AttributeError):
            raise OutputError(
                f"--resume: {where} is not a result row of `r1verify verify`; choose another --out, "
                "or drop --resume to start over"
            ) from None
        if record.get(columns.completion) != row.data.get(columns.completion):
            raise OutputError(
                f"--resume: {where} does not hold the result of {row.where} (another completion): the output "
                "belongs to another input or another --limit/--skip-invalid run. Choose another --out, or drop "
                "--resume to start over"
            )
        return result
