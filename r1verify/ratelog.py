"""Log lines that repeat (one per bad request, one per failed sample) at a bounded rate, with counts.

A trainer sending thousands of malformed requests, or a verifier failing on every sample, should leave a few
readable lines that say how often it happens, not flood the log or stay silent.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any


class RateLimitedLog:
    """``warning(key, msg, *args)`` logs at most once per ``every`` seconds per key; the next line that is
    logged for a key says how many were left out since the last one."""

    def __init__(self, logger: logging.Logger, every: float = 10.0) -> None:
        self.logger = logger
        self.every = every
        self._last: dict[str, float] = {}
        self._left_out: dict[str, int] = {}
        self._lock = threading.Lock()

    def warning(self, key: str, msg: str, *args: Any) -> bool:
        """Log ``msg % args`` under ``key`` unless one was logged less than ``every`` seconds ago.
        Returns whether the line was logged."""
        now = time.monotonic()
        with self._lock:
            if now - self._last.get(key, -self.every) < self.every:
                self._left_out[key] = self._left_out.get(key, 0) + 1
                return False
            self._last[key] = now
            left_out = self._left_out.pop(key, 0)
        if left_out:
            msg += f" (and {left_out} more like it since the last such line)"
        self.logger.warning(msg, *args)
        return True
