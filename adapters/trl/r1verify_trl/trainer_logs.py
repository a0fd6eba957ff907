"""What a batch's verdicts add to TRL's logs: completion-table columns and failure counts."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from r1verify import Result, Status

logger = logging.getLogger("r1verify_trl")

ANSWER_DETAIL = "answer"
"""The ``Verdict.details`` key verifiers use for the answer they extracted."""


def log_batch(
    results: Sequence[Result],
    names: Sequence[str],
    prefix: str,
    log_extra: Callable[[str, list], None] | None,
    log_metric: Callable[[str, float], None] | None,
) -> None:
    """Log one batch: per verifier a ``NAME/status`` column (and ``NAME/answer`` when the verifier extracts
    answers) via ``log_extra``, and ``r1verify/NAME/errors`` / ``r1verify/NAME/timeouts`` counts via
    ``log_metric``. Logging problems are reported as warnings, never raised."""
    try:
        for name in names:
            verdicts = [r.verdicts[name] for r in results]
            if log_extra is not None:
                log_extra(f"{prefix}{name}/status", [v.status.value for v in verdicts])
                if any(ANSWER_DETAIL in v.details for v in verdicts):
                    log_extra(f"{prefix}{name}/answer", [_cell(v.details.get(ANSWER_DETAIL)) for v in verdicts])
            if log_metric is not None:
                log_metric(f"r1verify/{prefix}{name}/errors", float(sum(v.status is Status.ERROR for v in verdicts)))
                log_metric(
                    f"r1verify/{prefix}{name}/timeouts", float(sum(v.status is Status.TIMEOUT for v in verdicts))
                )
    except Exception as exc:  # noqa: BLE001 - logging must not stop training
        logger.warning("r1verify could not log a batch to the trainer: %s: %s", type(exc).__name__, exc)


def _cell(value: Any) -> str | None:
    """A table cell: strings as they are, anything else as text (the completions table wants one type)."""
    if value is None or isinstance(value, str):
        return value
    return str(value)
