"""What a batch's verdicts add to TRL's logs: completion-table columns and failure counts."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Literal

from r1verify import Result, Status
from r1verify.ratelog import RateLimitedLog

logger = logging.getLogger("r1verify_trl")

ANSWER_DETAIL = "answer"
"""The ``Verdict.details`` key verifiers use for the answer they extracted."""

COMPACT_COLUMN = "r1verify"
"""The one completions-table column of ``completions_table="compact"`` (after the prefix)."""

Table = Literal["columns", "compact", "none"]

_failures = RateLimitedLog(logger)
"""Verifier errors and timeouts where the trainer passes no ``log_metric`` (TRL's ``AsyncGRPOTrainer``): one line
per verifier every 10 s, with the count of those left out."""


def log_batch(
    results: Sequence[Result],
    names: Sequence[str],
    prefix: str,
    log_extra: Callable[[str, list], None] | None,
    log_metric: Callable[[str, float], None] | None,
    table: Table = "columns",
) -> None:
    """Log one batch: the completions-table columns via ``log_extra`` (``table="columns"``: per verifier a
    ``NAME/status`` column, and ``NAME/answer`` when the verifier extracts answers; ``"compact"``: one ``r1verify``
    column, e.g. ``accuracy=correct:4 format=format_error``; ``"none"``), and ``r1verify/NAME/errors`` /
    ``r1verify/NAME/timeouts`` counts via ``log_metric``. Without ``log_metric``, failures are logged as warnings
    (rate-limited). Logging problems are reported as warnings, never raised."""
    try:
        if log_extra is not None and table == "compact":
            log_extra(f"{prefix}{COMPACT_COLUMN}", [compact_cell(r, names) for r in results])
        for name in names:
            verdicts = [r.verdicts[name] for r in results]
            if log_extra is not None and table == "columns":
                log_extra(f"{prefix}{name}/status", [v.status.value for v in verdicts])
                if any(ANSWER_DETAIL in v.details for v in verdicts):
                    log_extra(f"{prefix}{name}/answer", [_cell(v.details.get(ANSWER_DETAIL)) for v in verdicts])
            errors = sum(v.status is Status.ERROR for v in verdicts)
            timeouts = sum(v.status is Status.TIMEOUT for v in verdicts)
            if log_metric is not None:
                log_metric(f"r1verify/{prefix}{name}/errors", float(errors))
                log_metric(f"r1verify/{prefix}{name}/timeouts", float(timeouts))
            elif errors or timeouts:
                reason = next(v.reason for v in verdicts if v.status.is_failure)
                _failures.warning(
                    prefix + name,
                    "verifier %s: %d error, %d timeout in a batch of %d (%s)",
                    prefix + name,
                    errors,
                    timeouts,
                    len(verdicts),
                    reason[:300],
                )
    except Exception as exc:  # noqa: BLE001 - logging must not stop training
        logger.warning("r1verify could not log a batch to the trainer: %s: %s", type(exc).__name__, exc)


def compact_cell(result: Result, names: Sequence[str]) -> str:
    """``NAME=status`` for each verifier that applies (``:answer`` after it where one was extracted)."""
    parts = []
    for name in names:
        verdict = result.verdicts[name]
        if verdict.status is Status.SKIPPED:
            continue
        answer = verdict.details.get(ANSWER_DETAIL)
        parts.append(f"{name}={verdict.status.value}" + (f":{_cell(answer)}" if answer is not None else ""))
    return " ".join(parts)


def _cell(value: Any) -> str | None:
    """A table cell: strings as they are, anything else as text (the completions table wants one type)."""
    if value is None or isinstance(value, str):
        return value
    return str(value)
