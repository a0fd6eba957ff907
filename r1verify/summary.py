"""Run statistics: per verifier counts by status, mean score and time; totals and throughput."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .result import Result
from .verdict import Status


@dataclass
class VerifierStats:
    statuses: Counter[str] = field(default_factory=Counter)
    score_sum: float = 0.0
    scored: int = 0
    seconds: float = 0.0

    @property
    def mean_score(self) -> float | None:
        return self.score_sum / self.scored if self.scored else None


class Summary:
    """Accumulates results batch by batch (so it works on streams of any length)."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.rows = 0
        self.passed = 0
        self.reward_sum = 0.0
        self.skipped_rows = 0
        self.verifiers: dict[str, VerifierStats] = {}
        self.rate_rows: int | None = None
        """The rows ``rows_per_second`` counts when not all of them were verified now (a resumed job)."""

    def add(self, results: Iterable[Result]) -> None:
        for result in results:
            self.rows += 1
            self.passed += result.passed
            self.reward_sum += result.reward
            for name, verdict in result.verdicts.items():
                stats = self.verifiers.setdefault(name, VerifierStats())
                stats.statuses[verdict.status.value] += 1
                stats.seconds += verdict.elapsed
                if verdict.score is not None and not verdict.status.is_failure:
                    stats.score_sum += verdict.score
                    stats.scored += 1

    def to_state(self) -> dict[str, Any]:
        """The counts as plain JSON (what a cluster worker sends back and a manifest keeps); see :meth:`merge`."""
        return {
            "rows": self.rows,
            "passed": self.passed,
            "reward_sum": self.reward_sum,
            "skipped_rows": self.skipped_rows,
            "verifiers": {
                name: {"statuses": dict(v.statuses), "score_sum": v.score_sum, "scored": v.scored, "seconds": v.seconds}
                for name, v in self.verifiers.items()
            },
        }

    def merge(self, state: dict[str, Any]) -> None:
        """Add the counts of another summary's :meth:`to_state` (a shard verified elsewhere)."""
        self.rows += state["rows"]
        self.passed += state["passed"]
        self.reward_sum += state["reward_sum"]
        self.skipped_rows += state["skipped_rows"]
        for name, data in state["verifiers"].items():
            stats = self.verifiers.setdefault(name, VerifierStats())
            stats.statuses.update(data["statuses"])
            stats.score_sum += data["score_sum"]
            stats.scored += data["scored"]
            stats.seconds += data["seconds"]

    @property
    def wall_seconds(self) -> float:
        return time.perf_counter() - self.started

    def to_dict(self) -> dict[str, Any]:
        wall = self.wall_seconds
        rated = self.rows if self.rate_rows is None else self.rate_rows
        return {
            "rows": self.rows,
            "skipped_invalid_rows": self.skipped_rows,
            "passed": self.passed,
            "mean_reward": self.reward_sum / self.rows if self.rows else None,
            "wall_seconds": round(wall, 3),
            "rows_per_second": round(rated / wall, 1) if wall > 0 else None,
            "verifiers": {
                name: {
                    "statuses": dict(stats.statuses),
                    "mean_score": stats.mean_score,
                    "verifier_seconds": round(stats.seconds, 3),
                }
                for name, stats in self.verifiers.items()
            },
        }

    def table(self) -> Any:
        """A rich Table of the summary."""
        from rich.table import Table

        shown = [s.value for s in Status if any(st.statuses.get(s.value) for st in self.verifiers.values())]
        table = Table(title="r1verify summary", title_justify="left")
        table.add_column("verifier")
        for status in shown:
            table.add_column(status, justify="right")
        table.add_column("mean score", justify="right")
        table.add_column("cpu s", justify="right")
        for name, stats in self.verifiers.items():
            mean = stats.mean_score
            table.add_row(
                name,
                *(str(stats.statuses.get(s, 0)) for s in shown),
                "-" if mean is None else f"{mean:.3f}",
                f"{stats.seconds:.2f}",
            )
        data = self.to_dict()
        mean_reward = data["mean_reward"]
        table.caption = (
            f"{self.rows} rows, {self.passed} passed, mean reward "
            f"{'-' if mean_reward is None else f'{mean_reward:.3f}'}, {data['wall_seconds']:.2f} s wall, "
            f"{data['rows_per_second'] or 0:.1f} rows/s"
            + (f", {self.skipped_rows} invalid rows skipped" if self.skipped_rows else "")
        )
        table.caption_justify = "left"
        return table
