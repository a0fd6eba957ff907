"""Worker processes with a hard deadline on every verifier call.

Built on pebble's ``ProcessPool`` (process lifecycle, replacing dead or cancelled workers). Work goes out in
chunks, because one task per item caps throughput at ~12k tasks/s here, below what cheap verifiers need.
Pebble's own timeouts are per task, so a chunk cannot use them for per-item deadlines; instead every worker
publishes the item it is running and its start time in a shared table (:mod:`r1verify.worker`), and the
parent cancels the chunk of an item past its deadline. Pebble then kills that worker and starts a new one;
the timed-out item gets ``timeout`` and the rest of the chunk is queued again. A worker that dies (segfault,
OOM kill) costs only the item it was running, which gets ``error``.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, wait
from dataclasses import dataclass

import pebble

from . import worker
from .processes import describe_exit, shut_down, worker_context
from .sample import Sample
from .verdict import Verdict

POLL_SECONDS = 0.02
MAX_ATTEMPTS = 3  # an item whose worker died this many times is reported as an error


@dataclass(slots=True)
class WorkItem:
    """One verifier call: ``key`` identifies it to the caller."""

    key: int
    verifier: str
    sample: Sample


Deliver = Callable[[int, Verdict], None]


@dataclass(slots=True)
class _Running:
    slot: int
    seq: int
    chunk: list[WorkItem]


class WorkerPool:
    """A pool of worker processes running verifier calls under per-call hard deadlines. Thread-safe."""

    def __init__(
        self, workers: int, *, preload: Sequence[str] = (), max_chunk: int = 64, memory_limit_mb: int = 4096
    ) -> None:
        self.workers = max(1, workers)
        self.max_chunk = max(1, max_chunk)
        self._slots_total = 2 * self.workers
        ctx = worker_context(preload)
        self._table = ctx.Array(ctypes.c_double, worker.SLOT_WIDTH * self._slots_total, lock=False)
        self._free = list(range(self._slots_total))
        self._lock = threading.Lock()
        self._slot_freed = threading.Condition(self._lock)
        self._seq = 0
        self._pool = pebble.ProcessPool(
            max_workers=self.workers,
            initializer=worker.init_worker,
            initargs=(self._table, os.getpid(), memory_limit_mb),
            context=ctx,
        )
        self._closed = False

    # ------------------------------------------------------------------ slots
    def _take_slot(self, block: bool) -> tuple[int, int] | None:
        with self._slot_freed:
            while not self._free:
                if not block:
                    return None
                self._slot_freed.wait(POLL_SECONDS)
            slot = self._free.pop()
            self._seq += 1
            base = slot * worker.SLOT_WIDTH
            self._table[base + 2] = 0.0
            self._table[base] = float(self._seq)
            return slot, self._seq

    def _release_slot(self, slot: int) -> None:
        with self._slot_freed:
            self._free.append(slot)
            self._slot_freed.notify()

    def _current(self, running: _Running) -> tuple[int, float] | None:
        """(item index, start time) of the item the chunk's worker is running, or None."""
        base = running.slot * worker.SLOT_WIDTH
        start = self._table[base + 2]
        seq = self._table[base]
        index = self._table[base + 1]
        if start == 0.0 or start != self._table[base + 2] or int(seq) != running.seq:
            return None
        return int(index), start

    # ------------------------------------------------------------------ running
    def run(
        self,
        items: Sequence[WorkItem],
        payloads: dict[str, bytes],
        timeouts: dict[str, float],
        deliver: Deliver,
    ) -> None:
        """Run every item; ``deliver(item.key, verdict)`` is called once per item, from this thread."""
        if self._closed:
            raise RuntimeError("the worker pool is closed")
        size = max(1, min(self.max_chunk, -(-len(items) // (self.workers * 4))))
        queue: deque[list[WorkItem]] = deque(list(items[i : i + size]) for i in range(0, len(items), size))
        running: dict[Future, _Running] = {}
        deaths: dict[int, int] = {}

        def requeue(chunk: list[WorkItem]) -> None:
            if chunk:
                queue.appendleft(chunk)

        try:
            while queue or running:
                while queue:
                    taken = self._take_slot(block=not running)
                    if taken is None:
                        break
                    slot, seq = taken
                    chunk = queue.popleft()
                    needed = {item.verifier for item in chunk}
                    future = self._pool.schedule(
                        worker.run_chunk,
                        args=(slot, seq, {n: payloads[n] for n in needed}, [(i.verifier, i.sample) for i in chunk]),
                    )
                    running[future] = _Running(slot, seq, chunk)
                done, _ = wait(list(running), timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                for future in done:
                    state = running.pop(future)
                    self._finish(future, state, deliver, requeue, deaths)
                now = time.monotonic()
                for future, state in list(running.items()):
                    current = self._current(state)
                    if current is None:
                        continue
                    index, start = current
                    item = state.chunk[index]
                    limit = timeouts[item.verifier]
                    if now - start <= limit:
                        continue
                    if not future.cancel():  # it finished in the meantime: handled on the next round
                        continue
                    running.pop(future)
                    self._release_slot(state.slot)
                    deliver(
                        item.key,
                        Verdict.timeout(f"exceeded its {limit:g}s deadline; the worker was killed", deadline=limit),
                    )
                    requeue(state.chunk[:index] + state.chunk[index + 1 :])
        finally:
            for future, state in running.items():  # only on an exception in this thread (e.g. Ctrl-C)
                future.cancel()
                self._release_slot(state.slot)

    def _finish(self, future: Future, state: _Running, deliver: Deliver, requeue, deaths: dict[int, int]) -> None:
        current = self._current(state)
        self._release_slot(state.slot)
        try:
            verdicts = future.result()
        except CancelledError:
            return
        except pebble.ProcessExpired as exc:
            index = current[0] if current is not None else None
            rest = state.chunk
            if index is not None:
                item = state.chunk[index]
                deliver(item.key, Verdict.error(f"the worker process died while verifying ({describe_exit(exc)})"))
                rest = state.chunk[:index] + state.chunk[index + 1 :]
            retry = []
            for item in rest:
                deaths[item.key] = deaths.get(item.key, 0) + 1
                if deaths[item.key] >= MAX_ATTEMPTS:
                    deliver(item.key, Verdict.error(f"worker processes kept dying ({describe_exit(exc)})"))
                else:
                    retry.append(item)
            requeue(retry)
            return
        except BaseException as exc:  # noqa: BLE001 - e.g. a verdict that does not pickle
            for item in state.chunk:
                deliver(item.key, Verdict.error(f"worker task failed: {type(exc).__name__}: {exc}"))
            return
        for item, verdict in zip(state.chunk, verdicts, strict=True):
            deliver(item.key, verdict)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        shut_down(self._pool)
