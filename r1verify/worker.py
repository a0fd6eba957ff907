"""Code that runs inside worker processes (pool workers and dedicated verifier processes).

Each pool worker gets a shared progress table at start-up. Before each verifier call it writes
``(chunk sequence number, item index, start time)`` into its chunk's slot, so the parent knows which item is
running and since when: the deadline counts from the start of the call, not from when it was queued.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import resource
import signal
import threading
import time
import traceback
from collections.abc import Sequence
from typing import Any

from .sample import Sample
from .verdict import Verdict, as_verdict

SLOT_WIDTH = 4  # chunk sequence number, item index, start time (time.monotonic, shared by all processes), pid
LOADING = -1  # the item index published while a worker loads the chunk's verifiers

_progress: Any = None
_verifiers: dict[bytes, Any] = {}


def init_worker(progress: Any, parent_pid: int, memory_limit_mb: int) -> None:
    """Pebble initializer: keep the progress table, ignore Ctrl-C (the parent decides), watch the parent,
    cap the address space so a runaway computation raises MemoryError instead of exhausting the machine."""
    global _progress
    _progress = progress
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if memory_limit_mb > 0:
        limit = memory_limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _watch_parent(parent_pid)


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    """Run multiprocessing's finalizers before dying when the pool stops this worker.

    Libraries loaded in a worker create named semaphores (tqdm's lock, used by transformers' progress bars);
    a worker killed outright leaves them for the resource tracker to complain about at exit.

    A pool that shuts down sends SIGTERM while its idle workers are already exiting on their own. If that
    exit is running the finalizers, this handler returns and lets it finish: exiting here would cut short the
    finalizer that is running (a semaphore unlinked but never unregistered, which the resource tracker reports
    as "leaked semaphore objects" and "No such file or directory" at the trainer's exit).
    """
    from multiprocessing import util

    if getattr(util, "_exiting", False):
        return
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    util._exiting = True  # type: ignore[attr-defined]
    util._run_finalizers(0)
    os._exit(0)


def _watch_parent(parent_pid: int) -> None:
    """Exit when the engine's process is gone (e.g. kill -9 of the trainer), so no worker outlives it."""

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="r1verify-parent-watch", daemon=True).start()


def load_verifier(blob: bytes) -> Any:
    """Unpickle a verifier once per worker; later calls with the same bytes reuse the instance (and its caches)."""
    key = hashlib.blake2b(blob, digest_size=16).digest()
    verifier = _verifiers.get(key)
    if verifier is None:
        verifier = pickle.loads(blob)
        _verifiers[key] = verifier
    return verifier


def _call(verifier: Any, sample: Sample) -> Verdict:
    started = time.perf_counter()
    try:
        verdict = as_verdict(verifier.verify(sample))
    except BaseException as exc:  # noqa: BLE001 - a verifier's crash is data, including SystemExit
        verdict = crash_verdict(exc)
    verdict.elapsed = time.perf_counter() - started
    return verdict


def crash_verdict(exc: BaseException) -> Verdict:
    tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
    message = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    return Verdict.error_for(
        exc,
        f"verifier raised {type(exc).__name__}" + (f": {message}" if message else ""),
        traceback="".join(tb[-3:])[-2000:],
    )


def run_chunk(slot: int, seq: int, payloads: dict[str, bytes], items: Sequence[tuple[str, Sample]]) -> list[Verdict]:
    """Verify a chunk of items in order, publishing which one runs and since when."""
    progress = _progress
    base = slot * SLOT_WIDTH

    def mark(index: int) -> None:
        progress[base + 2] = 0.0
        progress[base + 1] = float(index)
        progress[base] = float(seq)
        progress[base + 2] = time.monotonic()

    progress[base + 3] = float(os.getpid())
    mark(LOADING)  # unpickling may import heavy modules (a cold worker): a deadline of its own
    try:
        verifiers = {name: load_verifier(blob) for name, blob in payloads.items()}
    except BaseException as exc:  # noqa: BLE001
        progress[base + 2] = 0.0
        verdict = Verdict.error(
            f"cannot load the verifier in a worker process ({type(exc).__name__}: {exc}); verifiers must be "
            f"defined in an importable module, not in __main__ or a closure"
        )
        return [verdict for _ in items]
    out = []
    for index, (name, sample) in enumerate(items):
        mark(index)
        out.append(_call(verifiers[name], sample))
    progress[base + 2] = 0.0
    return out


def call_batch(verifier: Any, samples: Sequence[Sample]) -> list[Verdict]:
    """One ``verify_batch`` call, checked: one verdict per sample; each gets an equal share of the time unless
    the verifier measured its own. Raises on a wrong count or type (the caller reports it)."""
    started = time.perf_counter()
    results = list(verifier.verify_batch(list(samples)))
    if len(results) != len(samples):
        raise RuntimeError(f"verify_batch returned {len(results)} verdicts for {len(samples)} samples")
    verdicts = [as_verdict(r) for r in results]
    per_item = (time.perf_counter() - started) / max(1, len(samples))
    for verdict in verdicts:
        if not verdict.elapsed:
            verdict.elapsed = per_item
    return verdicts


def run_batch(payload: bytes, samples: Sequence[Sample]) -> list[Verdict]:
    """Dedicated-process entry point: one ``verify_batch`` call (the verifier instance is kept between calls)."""
    return call_batch(load_verifier(payload), samples)


def init_dedicated(parent_pid: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    _watch_parent(parent_pid)
