"""Worker processes with a hard deadline on every verifier call.

Built on pebble's ``ProcessPool`` (process lifecycle, replacing dead or cancelled workers). Work goes out in
chunks, because one task per item caps throughput at ~12k tasks/s here, below what cheap verifiers need.
Pebble's own timeouts are per task, so a chunk cannot use them for per-item deadlines; instead every worker
publishes the item it is running and its start time in a shared table (:mod:`r1verify.worker`), and the
parent cancels the chunk of an item past its deadline. Pebble then kills that worker and starts a new one;
the timed-out item gets ``timeout`` and the rest of the chunk is queued again. A worker that dies (segfault,
OOM kill) costs only the item it was running, which gets ``error``.

A cancelled chunk's slot in the table is not reused until its worker is gone (a dying worker could otherwise
write into the slot of the chunk that replaced it). A pebble pool that breaks (a worker killed while idle) is
replaced by a new one. Closing the pool while ``run`` is waiting ends the run with ``error`` verdicts (reason:
the engine was closed), including when the teardown itself surfaces in the running call as an exception from the
process machinery (``ValueError: I/O operation on closed file``, ``OSError``, pebble's ``RuntimeError``); a closed
pool is never replaced, so no worker outlives :meth:`WorkerPool.close`.
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
LOAD_SECONDS = 120.0  # deadline for a worker to load a chunk's verifiers (a cold worker imports sympy, torch, ...)
QUARANTINE_SECONDS = 30.0  # a cancelled slot whose worker pid is unknown is reused after this long


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


class PoolClosed(RuntimeError):
    """The pool was closed while a run was waiting for it."""


CLOSED_REASON = "the engine was closed before this sample was verified"


class WorkerPool:
    """A pool of worker processes running verifier calls under per-call hard deadlines. Thread-safe."""

    def __init__(
        self, workers: int, *, preload: Sequence[str] = (), max_chunk: int = 64, memory_limit_mb: int = 8192
    ) -> None:
        self.workers = max(1, workers)
        self.max_chunk = max(1, max_chunk)
        self._slots_total = 2 * self.workers
        self._ctx = worker_context(preload)
        self._memory_limit_mb = memory_limit_mb
        self._table = self._ctx.Array(ctypes.c_double, worker.SLOT_WIDTH * self._slots_total, lock=False)
        self._free = list(range(self._slots_total))
        self._quarantine: list[tuple[int, int, float]] = []  # (slot, worker pid or 0, since)
        self._lock = threading.Lock()
        self._slot_freed = threading.Condition(self._lock)
        self._seq = 0
        self._closed = False
        self._pool = self._new_pool()

    def _new_pool(self) -> pebble.ProcessPool:
        return pebble.ProcessPool(
            max_workers=self.workers,
            initializer=worker.init_worker,
            initargs=(self._table, os.getpid(), self._memory_limit_mb),
            context=self._ctx,
        )

    # ------------------------------------------------------------------ slots
    def _take_slot(self, block: bool) -> tuple[int, int] | None:
        with self._slot_freed:
            while True:
                if self._closed:
                    raise PoolClosed("the worker pool was closed")
                self._recycle_quarantined()
                if self._free:
                    break
                if not block:
                    return None
                self._slot_freed.wait(POLL_SECONDS)
            slot = self._free.pop()
            self._seq += 1
            base = slot * worker.SLOT_WIDTH
            self._table[base + 2] = 0.0
            self._table[base] = float(self._seq)
            return slot, self._seq

    def _recycle_quarantined(self) -> None:
        """Free quarantined slots whose worker has exited (caller holds the lock)."""
        now = time.monotonic()
        keep = []
        for slot, pid, since in self._quarantine:
            if _gone(pid) if pid else now - since > QUARANTINE_SECONDS:
                self._free.append(slot)
            else:
                keep.append((slot, pid, since))
        self._quarantine = keep

    def _release_slot(self, slot: int) -> None:
        with self._slot_freed:
            self._free.append(slot)
            self._slot_freed.notify()

    def _quarantine_slot(self, state: _Running) -> None:
        """Hold a cancelled chunk's slot until its worker is gone."""
        base = state.slot * worker.SLOT_WIDTH
        pid = int(self._table[base + 3]) if int(self._table[base]) == state.seq else 0
        with self._slot_freed:
            self._quarantine.append((state.slot, pid, time.monotonic()))

    def _current(self, running: _Running) -> tuple[int, float] | None:
        """(item index, start time) of what the chunk's worker is running (index -1: loading), or None."""
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
        size = max(1, min(self.max_chunk, -(-len(items) // (self.workers * 4))))
        queue: deque[list[WorkItem]] = deque(list(items[i : i + size]) for i in range(0, len(items), size))
        running: dict[Future, _Running] = {}
        deaths: dict[int, int] = {}
        delivered: set[int] = set()
        deliver_to = deliver

        def deliver(key: int, verdict: Verdict) -> None:  # once per item, whichever path answers for it first
            if key not in delivered:
                delivered.add(key)
                deliver_to(key, verdict)

        def requeue(chunk: list[WorkItem]) -> None:
            chunk = [item for item in chunk if item.key not in delivered]
            if chunk:
                queue.appendleft(chunk)

        try:
            while queue or running:
                while queue:
                    taken = self._take_slot(block=not running)
                    if taken is None:
                        break
                    chunk = queue.popleft()
                    try:
                        future = self._schedule(taken, chunk, payloads)
                    except Exception:
                        queue.appendleft(chunk)
                        raise
                    running[future] = _Running(*taken, chunk)
                done, _ = wait(list(running), timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                for future in done:
                    state = running.pop(future)
                    try:
                        self._finish(future, state, deliver, requeue, deaths)
                    except Exception:
                        requeue(state.chunk)  # not delivered: the handler below answers for it
                        raise
                self._enforce_deadlines(running, timeouts, deliver, requeue)
                if self._closed:
                    raise PoolClosed("the worker pool was closed")
        except Exception as exc:
            # The pool closed under this run (another thread, atexit): its teardown may surface here as any
            # error of the process machinery. The run ends with error verdicts, never with that error.
            if not (isinstance(exc, PoolClosed) or self._closed):
                raise
            message = CLOSED_REASON
            for state in running.values():
                for item in state.chunk:
                    deliver(item.key, Verdict.error(message))
            for chunk in queue:
                for item in chunk:
                    deliver(item.key, Verdict.error(message))
            running.clear()
        finally:
            for future, state in running.items():  # only on an exception in this thread (e.g. Ctrl-C)
                future.cancel()
                self._quarantine_slot(state)

    def _schedule(self, taken: tuple[int, int], chunk: list[WorkItem], payloads: dict[str, bytes]) -> Future:
        slot, seq = taken
        needed = {item.verifier for item in chunk}
        args = (slot, seq, {n: payloads[n] for n in needed}, [(i.verifier, i.sample) for i in chunk])
        pool = self._pool
        try:
            try:
                return pool.schedule(worker.run_chunk, args=args)
            except RuntimeError:  # pebble refuses: the pool broke (a worker died while idle) or was stopped
                if self._closed:
                    raise PoolClosed("the worker pool was closed") from None
                return self._replace_pool(pool).schedule(worker.run_chunk, args=args)
        except BaseException:
            self._release_slot(slot)
            raise

    def _replace_pool(self, broken: pebble.ProcessPool) -> pebble.ProcessPool:
        """Swap a broken pebble pool for a new one (once, however many threads notice)."""
        with self._lock:
            if self._closed:  # a pool started now would outlive close()
                raise PoolClosed("the worker pool was closed")
            if self._pool is broken:
                self._pool = self._new_pool()
                threading.Thread(target=shut_down, args=(broken, 0.0), daemon=True).start()
            return self._pool

    def _enforce_deadlines(
        self, running: dict[Future, _Running], timeouts: dict[str, float], deliver: Deliver, requeue
    ) -> None:
        now = time.monotonic()
        for future, state in list(running.items()):
            current = self._current(state)
            if current is None:
                continue
            index, start = current
            loading = index == worker.LOADING
            limit = LOAD_SECONDS if loading else timeouts[state.chunk[index].verifier]
            if now - start <= limit:
                continue
            if not future.cancel():  # it finished in the meantime: handled on the next round
                continue
            running.pop(future)
            self._quarantine_slot(state)
            index = 0 if loading else index
            reason = (
                f"loading the verifier in a worker took more than {limit:g}s; the worker was killed"
                if loading
                else f"exceeded its {limit:g}s deadline; the worker was killed"
            )
            deliver(state.chunk[index].key, Verdict.timeout(reason, deadline=limit))
            requeue(state.chunk[:index] + state.chunk[index + 1 :])

    def _finish(self, future: Future, state: _Running, deliver: Deliver, requeue, deaths: dict[int, int]) -> None:
        current = self._current(state)
        try:
            verdicts = future.result()
        except CancelledError:
            self._quarantine_slot(state)
            return
        except pebble.ProcessExpired as exc:
            self._quarantine_slot(state)
            index = current[0] if current is not None and current[0] != worker.LOADING else None
            rest = state.chunk
            if index is not None:
                item = state.chunk[index]
                deliver(item.key, Verdict.error(f"the worker process died while verifying ({describe_exit(exc)})"))
                rest = state.chunk[:index] + state.chunk[index + 1 :]
            self._retry(rest, describe_exit(exc), deliver, requeue, deaths)
            return
        except BaseException as exc:  # noqa: BLE001
            self._quarantine_slot(state)
            if self._closed:
                raise PoolClosed("the worker pool was closed") from None
            if not self._pool.active:  # the pebble pool broke under this task: run it again on a new one
                self._replace_pool(self._pool)
                self._retry(state.chunk, f"{type(exc).__name__}: {exc}", deliver, requeue, deaths)
                return
            for item in state.chunk:  # e.g. a verdict that does not pickle
                deliver(item.key, Verdict.error(f"worker task failed: {type(exc).__name__}: {exc}"))
            return
        self._release_slot(state.slot)
        for item, verdict in zip(state.chunk, verdicts, strict=True):
            deliver(item.key, verdict)

    @staticmethod
    def _retry(chunk: list[WorkItem], cause: str, deliver: Deliver, requeue, deaths: dict[int, int]) -> None:
        retry = []
        for item in chunk:
            deaths[item.key] = deaths.get(item.key, 0) + 1
            if deaths[item.key] >= MAX_ATTEMPTS:
                deliver(item.key, Verdict.error(f"worker processes kept dying ({cause})"))
            else:
                retry.append(item)
        requeue(retry)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        shut_down(self._pool)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
