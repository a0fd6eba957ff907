"""Micro-batching: many concurrent single-sample requests become a few engine batches.

OpenRLHF asks for one reward per sample, from hundreds of rollout coroutines or threads at once. Verifying
each on its own pays the engine's per-call overhead every time and loses de-duplication inside GRPO groups.
:class:`MicroBatcher` queues requests from any thread (or event loop, via :func:`asyncio.wrap_future`), waits at
most ``max_wait`` seconds after the oldest queued request for company, and hands up to ``max_batch`` samples
to the engine in one call. Up to ``max_inflight`` batches run at once, so a batch held up by a hanging
verifier (until the engine's hard deadline kills it) does not hold up the batches behind it.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from r1verify import Result, Sample

OnResult = Callable[[int, Result], None]
VerifyBatch = Callable[..., list[Result]]
"""``verify(samples, on_result=callback)`` -> results, like :meth:`r1verify.Engine.verify`; ``on_result(i, result)``
is called as each sample completes, so a request is answered without waiting for a slow neighbour."""


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """How requests are grouped into engine calls."""

    max_batch: int = 256
    """Most samples in one engine call (1 = one verification per request)."""
    max_wait: float = 0.005
    """Seconds a request may wait for others to join its batch."""
    max_inflight: int = 4
    """Engine calls running at once."""

    def __post_init__(self) -> None:
        if self.max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        if not 0 <= self.max_wait <= 10:
            raise ValueError("max_wait must be between 0 and 10 seconds")
        if self.max_inflight < 1:
            raise ValueError("max_inflight must be at least 1")


@dataclass(slots=True)
class _Pending:
    samples: list[Sample]
    future: Future
    since: float


@dataclass(slots=True)
class BatcherStats:
    """Counters since start (read them with :meth:`MicroBatcher.snapshot`)."""

    requests: int = 0
    samples: int = 0
    batches: int = 0
    batched_samples: int = 0
    largest_batch: int = 0
    failed_batches: int = 0
    cancelled: int = 0
    queued: int = 0
    inflight: int = 0
    batch_seconds: float = 0.0


class MicroBatcher:
    """Groups samples submitted from many threads into batched calls of ``verify``.

    ``submit(samples)`` returns a :class:`concurrent.futures.Future` of the samples' results, in order. A request
    is never split across batches; one larger than ``max_batch`` is a batch of its own. ``verify`` must not
    raise for a sample's sake (:meth:`r1verify.Engine.verify` does not); if it raises anyway, the futures of that
    batch get the exception. Thread-safe.
    """

    def __init__(self, verify: VerifyBatch, options: BatchOptions | None = None) -> None:
        self.verify = verify
        self.options = options or BatchOptions()
        self._queue: deque[_Pending] = deque()
        self._cond = threading.Condition()
        self._slots = threading.Semaphore(self.options.max_inflight)
        self._calls = ThreadPoolExecutor(self.options.max_inflight, thread_name_prefix="r1verify-batch")
        self._stats = BatcherStats()
        self._closing = False
        self._thread = threading.Thread(target=self._collect, name="r1verify-batcher", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ public
    def submit(self, samples: Sequence[Sample]) -> Future:
        """Queue ``samples``; the future's result is their list of results."""
        future: Future = Future()
        samples = list(samples)
        if not samples:
            future.set_result([])
            return future
        with self._cond:
            if self._closing:
                raise RuntimeError("the batcher is closed")
            self._queue.append(_Pending(samples, future, time.monotonic()))
            self._stats.queued += len(samples)
            self._stats.requests += 1
            self._stats.samples += len(samples)
            self._cond.notify()
        return future

    def snapshot(self) -> BatcherStats:
        """A copy of the counters."""
        with self._cond:
            return dataclasses.replace(self._stats)

    def close(self, wait: bool = True) -> None:
        """Stop taking requests; queued ones are still verified. With ``wait``, return when all are done."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if wait:
            self._thread.join()
            self._calls.shutdown(wait=True)

    # ------------------------------------------------------------------ internals
    def _collect(self) -> None:
        while True:
            self._slots.acquire()  # form the batch only once it can run: requests keep joining meanwhile
            batch = self._next_batch()
            if batch is None:
                self._slots.release()
                return
            self._calls.submit(self._run, batch)

    def _next_batch(self) -> list[_Pending] | None:
        opts = self.options
        with self._cond:
            while True:
                while not self._queue and not self._closing:
                    self._cond.wait()
                if not self._queue:
                    return None
                deadline = self._queue[0].since + opts.max_wait
                while not self._closing and self._stats.queued < opts.max_batch:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._cond.wait(left)
                batch: list[_Pending] = []
                size = 0
                while self._queue and (not batch or size + len(self._queue[0].samples) <= opts.max_batch):
                    pending = self._queue.popleft()
                    self._stats.queued -= len(pending.samples)
                    if not pending.future.set_running_or_notify_cancel():  # the caller gave up
                        self._stats.cancelled += 1
                        continue
                    batch.append(pending)
                    size += len(pending.samples)
                if batch:
                    self._stats.inflight += 1
                    return batch

    def _run(self, batch: list[_Pending]) -> None:
        samples = [s for p in batch for s in p.samples]
        owner = [(b, j) for b, p in enumerate(batch) for j in range(len(p.samples))]
        parts: list[list[Result | None]] = [[None] * len(p.samples) for p in batch]
        missing = [len(p.samples) for p in batch]
        lock = threading.Lock()

        def on_result(index: int, result: Result) -> None:
            b, j = owner[index]
            with lock:
                parts[b][j] = result
                missing[b] -= 1
                complete = missing[b] == 0
            if complete:  # this request is answered now, whatever else of the batch is still running
                batch[b].future.set_result(parts[b])

        started = time.monotonic()
        try:
            results = self.verify(samples, on_result=on_result)
            if len(results) != len(samples):
                raise RuntimeError(f"verify returned {len(results)} results for {len(samples)} samples")
        except BaseException as exc:  # noqa: BLE001 - handed to the callers, never lost
            with self._cond:
                self._stats.failed_batches += 1
            for p in batch:
                if not p.future.done():
                    p.future.set_exception(exc)
        else:
            at = 0
            for p in batch:  # requests not yet answered through on_result
                if not p.future.done():
                    p.future.set_result(results[at : at + len(p.samples)])
                at += len(p.samples)
        finally:
            with self._cond:
                stats = self._stats
                stats.inflight -= 1
                stats.batches += 1
                stats.batched_samples += len(samples)
                stats.largest_batch = max(stats.largest_batch, len(samples))
                stats.batch_seconds += time.monotonic() - started
            self._slots.release()
