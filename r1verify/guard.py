"""Stop a run that would train on silent zeros: setup failures fail fast, an error share over the limit stops.

Two kinds of ``error`` verdicts look alike row by row but mean different things for a run:

- a **setup failure** every sample shares (the judge endpoint is down or the model name is wrong, the sandbox
  image is not built, a required column is missing): no row of the run can be judged, and training on it
  teaches nothing. Verifiers mark such verdicts with :meth:`Verdict.setup_error` (or raise an exception whose
  class sets ``setup_error = True``). When a verifier's first verdicts are all setup errors, the run stops
  before it goes on (after ``setup_window`` of them, or at the end of a shorter run).
- a **per-sample failure** (one program hung, one reference did not parse): a verdict like any other, which the
  run survives. ``max_error_rate`` bounds their share: a run whose rows with an ``error``/``timeout`` verdict
  exceed it stops loudly (checked once ``min_rows`` rows are in, and at the end).

A verifier that has judged a sample once is working: later setup errors (an endpoint that went away mid-run)
count as errors toward ``max_error_rate`` instead of stopping the run at once.

The CLI (``--max-error-rate``) and every trainer adapter (``max_error_rate=``) use this guard.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable

from .result import Result
from .verdict import Status

SETUP_FIX = "Fix that first: no sample of this run can be judged until then, and training on it teaches nothing"


class RunStopped(RuntimeError):
    """The run must not go on: a setup failure every sample shares, or too many errors. The message says why
    and what to fix."""


class RunGuard:
    """Watches a run's results; :meth:`add` raises :class:`RunStopped` when the run must stop.

    ``max_error_rate`` is a share in [0, 1] (``None``: no limit); ``setup_window`` is how many setup errors in a
    row, before any judged verdict, stop the run; ``min_rows`` is how many rows the error share needs before it
    is checked during the run. Thread-safe.
    """

    def __init__(self, max_error_rate: float | None = None, *, setup_window: int = 8, min_rows: int = 50) -> None:
        if max_error_rate is not None and not 0.0 <= max_error_rate <= 1.0:
            raise ValueError(f"max_error_rate must be between 0 and 1, got {max_error_rate!r}")
        self.max_error_rate = max_error_rate
        self.setup_window = setup_window
        self.min_rows = min_rows
        self.rows = 0
        self.failed_rows = 0
        self._working: set[str] = set()
        self._setup: Counter[str] = Counter()
        self._setup_reason: dict[str, str] = {}
        self._lock = threading.Lock()

    def add(self, results: Iterable[Result]) -> None:
        """Account for ``results``; raises :class:`RunStopped` if the run must stop now."""
        with self._lock:
            for result in results:
                self._add(result)
            self._check(final=False)

    def finish(self) -> None:
        """The end of the run: raises :class:`RunStopped` for a setup failure or an error share that a short run
        never got to check."""
        with self._lock:
            self._check(final=True)

    @property
    def error_rate(self) -> float:
        return self.failed_rows / self.rows if self.rows else 0.0

    def _add(self, result: Result) -> None:
        self.rows += 1
        failed = False
        for name, verdict in result.verdicts.items():
            if verdict.status is Status.SKIPPED:
                continue
            failed = failed or verdict.status.is_failure
            if name in self._working:
                continue
            if verdict.is_setup_error:
                self._setup[name] += 1
                self._setup_reason.setdefault(name, verdict.reason)
            elif not verdict.status.is_failure:
                self._working.add(name)
                self._setup.pop(name, None)
        self.failed_rows += failed

    def _check(self, *, final: bool) -> None:
        for name, count in self._setup.items():
            if count >= self.setup_window or final:
                raise RunStopped(
                    f"verifier {name!r} failed on every sample so far ({count}) with a setup error: "
                    f"{self._setup_reason[name]}. {SETUP_FIX}"
                )
        limit = self.max_error_rate
        if limit is not None and self.rows and (final or self.rows >= self.min_rows) and self.error_rate > limit:
            raise RunStopped(
                f"{self.failed_rows} of {self.rows} rows ({self.error_rate:.1%}) have an error or timeout verdict, "
                f"over the limit max_error_rate={limit:g}; the verdict reasons (summary, output) say what fails. "
                "Fix the cause, or raise the limit if such failures are expected"
            )
