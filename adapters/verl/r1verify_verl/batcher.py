"""Samples that arrive one at a time, verified together.

veRL 0.9's reward loop asks for one sample at a time (``run_single`` for every sample of a chunk at once, a
synchronous ``compute_score`` from executor threads), and its agent loop asks as each rollout finishes. The
batcher collects what arrives within ``max_wait`` seconds (at most ``max_batch`` samples) into one
:meth:`Engine.verify` call, so deduplication, the worker pool and the cache see the whole chunk.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from r1verify import Sample
from r1verify.guard import RunStopped

from .scoring import Scorer


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """How long a sample may wait for others, and how many go together."""

    max_wait: float = 0.005
    """Seconds the first sample of a batch waits for more."""
    max_batch: int = 4096
    """Most samples in one engine call."""
    max_inflight: int = 2
    """Engine calls running at once (a batch held by a slow verifier does not block the next one)."""

    def __post_init__(self) -> None:
        if self.max_wait < 0 or self.max_batch < 1 or self.max_inflight < 1:
            raise ValueError("max_wait must be >= 0, max_batch and max_inflight >= 1")


_Item = tuple[Sample | Exception, "Future[dict[str, Any]]"]


class Batcher:
    """Thread-safe: :meth:`submit` from any thread, the future completes with the sample's score dict."""

    def __init__(self, scorer: Scorer, options: BatchOptions = BatchOptions()) -> None:
        self.scorer = scorer
        self.options = options
        self._lock = threading.Lock()
        self._pid = -1
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._runner: ThreadPoolExecutor | None = None

    def submit(self, item: Sample | Exception) -> Future[dict[str, Any]]:
        """Queue one sample (or the exception that says why a row could not be read)."""
        self._ensure_thread()
        future: Future[dict[str, Any]] = Future()
        self._queue.put((item, future))
        return future

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            # first use, or a forked child: threads do not survive a fork, so start afresh
            self._pid = os.getpid()
            self._queue = queue.SimpleQueue()
            self._runner = ThreadPoolExecutor(self.options.max_inflight, thread_name_prefix="r1verify-verl")
            threading.Thread(target=self._collect, name="r1verify-verl-batcher", daemon=True).start()

    def _collect(self) -> None:
        q, runner = self._queue, self._runner
        assert runner is not None
        slots = threading.Semaphore(self.options.max_inflight)
        while True:
            batch = [q.get()]
            deadline = time.monotonic() + self.options.max_wait
            while len(batch) < self.options.max_batch:
                left = deadline - time.monotonic()
                try:
                    batch.append(q.get(timeout=left) if left > 0 else q.get_nowait())
                except queue.Empty:
                    break
            slots.acquire()
            runner.submit(self._run, batch, slots)

    def _run(self, batch: list[_Item], slots: threading.Semaphore) -> None:
        try:
            scores = self.scorer.score([item for item, _ in batch])
            for (_, future), score in zip(batch, scores, strict=True):
                future.set_result(score)
        except RunStopped as exc:  # a setup failure or too many errors: every caller raises it into veRL
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
        except BaseException as exc:  # noqa: BLE001 - never leave a caller waiting
            for _, future in batch:
                if not future.done():
                    future.set_result(self.scorer.failed(f"r1verify: {type(exc).__name__}: {exc}"))
        finally:
            slots.release()
