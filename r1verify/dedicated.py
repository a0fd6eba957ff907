"""A verifier in a long-lived process of its own, fed whole batches (e.g. a reward model loaded once)."""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures import wait

import pebble

from . import worker
from .pool import CLOSED_REASON
from .processes import describe_exit, shut_down, worker_context
from .sample import Sample
from .verdict import Verdict
from .verifier import Verifier


POLL_SECONDS = 0.05


class DedicatedRunner:
    """Runs ``verify_batch`` in one separate process that keeps the verifier (and its model) between batches.

    A batch past its deadline kills the process (every item gets ``timeout``); the next batch starts a new one.
    """

    def __init__(self, verifier: Verifier, *, preload: Sequence[str] = ()) -> None:
        self._payload = pickle.dumps(verifier)
        self._verifier = verifier
        self._lock = threading.Lock()  # one batch at a time: the process holds one model
        self._closed = False
        self._pool = pebble.ProcessPool(
            max_workers=1,
            initializer=worker.init_dedicated,
            initargs=(os.getpid(),),
            context=worker_context(preload),
        )

    def run(self, samples: Sequence[Sample], timeout: float) -> list[Verdict]:
        """The batch's verdicts; ``error`` for each sample if the runner is closed before or during the batch."""
        deadline = self._verifier.batch_deadline(len(samples), timeout)
        closed = [Verdict.error(CLOSED_REASON) for _ in samples]
        with self._lock:
            try:
                future = self._pool.schedule(worker.run_batch, args=(self._payload, list(samples)), timeout=deadline)
            except Exception:  # noqa: BLE001 - pebble refuses a closed or broken pool
                if self._closed:
                    return closed
                raise
            try:
                while not future.done():  # in steps: a pool stopped by close() may never resolve the future
                    if self._closed:
                        future.cancel()
                        return closed
                    wait([future], timeout=POLL_SECONDS)
                return future.result()
            except FutureTimeout:
                return [
                    Verdict.timeout(f"the batch exceeded its {deadline:g}s deadline; the process was killed")
                    for _ in samples
                ]
            except pebble.ProcessExpired as exc:
                return [Verdict.error(f"the verifier process died ({describe_exit(exc)})") for _ in samples]
            except BaseException as exc:  # noqa: BLE001 - the verifier's exception, sent back from the process
                if self._closed:
                    return closed
                verdict = worker.crash_verdict(exc)
                return [Verdict.error(verdict.reason, **verdict.details) for _ in samples]

    def close(self) -> None:
        self._closed = True
        shut_down(self._pool)
