"""A bounded, thread-safe LRU cache of verdicts across batches."""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Hashable

from .verdict import Verdict


class VerdictCache:
    """Keeps the latest ``size`` verdicts by work key. Failures (timeout, error) are never cached."""

    def __init__(self, size: int) -> None:
        self.size = max(0, size)
        self._data: OrderedDict[Hashable, Verdict] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Verdict | None:
        if not self.size:
            return None
        with self._lock:
            verdict = self._data.get(key)
            if verdict is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return dataclasses.replace(verdict, details=dict(verdict.details))

    def put(self, key: Hashable, verdict: Verdict) -> None:
        if not self.size or verdict.status.is_failure:
            return
        with self._lock:
            self._data[key] = verdict
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
