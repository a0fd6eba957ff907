"""Streaming verification of dataset rows: batches in, (row, sample, result) out, bad rows reported by place.

Shared by ``r1verify verify``, ``filter`` and ``reject``: memory stays bounded by the batch size whatever the
input's length.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from .engine import Engine
from .io import ColumnMap, InvalidRow, Row, to_sample
from .result import Result
from .sample import Sample


@dataclass(slots=True)
class Verified:
    row: Row
    sample: Sample
    result: Result


@dataclass
class VerifyStream:
    """Verify rows in batches.

    Iterating :meth:`run` yields every readable row with its result, in input order. A row that cannot become a
    sample is recorded in ``skipped`` when ``skip_invalid`` is set; otherwise everything before it is yielded
    first and then its :class:`InvalidRow` is raised.
    """

    engine: Engine
    columns: ColumnMap = field(default_factory=ColumnMap)
    batch_size: int = 512
    skip_invalid: bool = False
    limit: int | None = None
    on_batch: Callable[[int], None] | None = None
    """Called with the number of rows after each verified batch (progress bars)."""
    skipped: list[str] = field(default_factory=list)

    def run(self, rows: Iterable[Row]) -> Iterator[Verified]:
        batch: list[tuple[Row, Sample]] = []
        taken = 0
        bad: InvalidRow | None = None
        for row in rows:
            if self.limit is not None and taken >= self.limit:
                break
            try:
                sample = to_sample(row, self.columns)
            except InvalidRow as exc:
                if self.skip_invalid:
                    self.skipped.append(str(exc))
                    continue
                bad = exc
                break
            taken += 1
            batch.append((row, sample))
            if len(batch) >= self.batch_size:
                yield from self._flush(batch)
        if batch:  # the rows read before a bad row are still verified and handed out
            yield from self._flush(batch)
        if bad is not None:
            raise bad

    def _flush(self, batch: list[tuple[Row, Sample]]) -> Iterator[Verified]:
        results = self.engine.verify([sample for _, sample in batch])
        items = [Verified(row, sample, result) for (row, sample), result in zip(batch, results, strict=True)]
        batch.clear()
        if self.on_batch is not None:
            self.on_batch(len(items))
        yield from items
