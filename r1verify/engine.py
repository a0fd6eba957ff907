"""The engine: verify a batch of samples with a recipe; rewards and verdicts come back in input order.

How a batch flows:

1. Each (sample, verifier) pair either does not apply (``skipped``: another domain) or becomes work with a key
   from ``verifier.cache_key(sample)``.
2. Identical keys inside the batch are verified once; keys seen in earlier batches come from the cache.
3. The remaining work runs where the verifier's ``placement`` says: ``pool`` work is spread over worker
   processes with a hard deadline per call; ``dedicated`` verifiers get whole batches in a process of their
   own; ``inline`` verifiers get whole batches in a thread (their own sandbox enforces deadlines).
4. Verdicts are combined by the recipe into one reward per sample.

Nothing a verifier does can raise out of :meth:`Engine.verify`: exceptions become ``error`` verdicts, overruns
``timeout`` verdicts, dead workers ``error`` verdicts for the one sample they were running. Closing the engine
(from another thread, or at exit) while a call runs gives what it had not verified yet ``error`` verdicts whose
reason says so; only a call on an engine already closed raises, :class:`EngineClosed`.
"""

from __future__ import annotations

import atexit
import dataclasses
import multiprocessing
import multiprocessing.util
import os
import pickle
import threading
import time
import weakref
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import CancelledError, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Self

import xxhash

from .cache import VerdictCache
from .dedicated import DedicatedRunner
from .pool import CLOSED_REASON, WorkerPool, WorkItem
from .recipe import Recipe, RecipeError, VerifierSpec
from .result import Result
from .sample import Sample
from .verdict import Verdict
from .verifier import Verifier
from .worker import call_batch, crash_verdict

Progress = Callable[[int, int], None]
"""Called with (done, total) pairs of (sample, verifier) as work completes."""
OnResult = Callable[[int, "Result"], None]
"""Called with (index in the batch, result) as soon as a sample's last verdict is in."""


def default_memory_limit_mb() -> int:
    """``R1VERIFY_WORKER_MEMORY_MB`` if set (0 disables the cap), else 8192 MiB of address space per worker."""
    return int(os.environ.get("R1VERIFY_WORKER_MEMORY_MB", "8192"))


def default_workers() -> int:
    """``R1VERIFY_WORKERS`` if set, else the CPUs this process may use."""
    env = os.environ.get("R1VERIFY_WORKERS")
    if env:
        return max(1, int(env))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class EngineClosed(RuntimeError):
    """:meth:`Engine.verify` was called on an engine already closed (by :meth:`Engine.close` or at exit).

    A call already running when the engine closes does not raise: what it had not verified yet gets ``error``
    verdicts whose reason says the engine was closed."""


_engines: weakref.WeakSet[Engine] = weakref.WeakSet()
_finalizer_pid: int | None = None


@atexit.register
def _close_all() -> None:
    for engine in list(_engines):
        engine.close()


def _close_at_child_exit() -> None:
    """In a multiprocessing child, close this process's engines when the child exits.

    Such a child (TRL's AsyncGRPO rollout worker, a daemonic process) ends with ``os._exit`` after running
    multiprocessing's finalizers and joining its own children, without atexit handlers: the engines' workers must
    be stopped by a finalizer first, or the child never exits. Registered once per process.
    """
    global _finalizer_pid
    if _finalizer_pid != os.getpid() and multiprocessing.parent_process() is not None:
        _finalizer_pid = os.getpid()
        multiprocessing.util.Finalize(None, _close_all, exitpriority=10)


def _work_key(spec_name: str, key: Hashable) -> bytes:
    """A 128-bit digest of (verifier instance, cache key): ~1 µs for a 4 KB completion (xxh3)."""
    if isinstance(key, bytes):
        data = key
    elif isinstance(key, str):
        data = key.encode("utf-8", "surrogatepass")
    else:
        data = pickle.dumps(key, protocol=pickle.HIGHEST_PROTOCOL)
    h = xxhash.xxh3_128(spec_name.encode("utf-8"))
    h.update(b"\0" + bytes([type(key) is str]))
    h.update(data)
    return h.digest()


class _Collector:
    """Thread-safe sink for verdicts of unique work, fanned out to every sample that shares the key.

    A sample's result is combined as soon as its last verdict arrives (and handed to ``on_result``).
    """

    def __init__(
        self,
        n: int,
        n_specs: int,
        progress: Progress | None,
        cache: VerdictCache,
        finish: Callable[[dict[str, Verdict]], Result],
        on_result: OnResult | None,
    ) -> None:
        self.verdicts: list[dict[str, Verdict]] = [{} for _ in range(n)]
        self.results: list[Result | None] = [None] * n
        self.missing = [n_specs] * n
        self.total = n * n_specs
        self.done = 0
        self.progress = progress
        self.cache = cache
        self.finish = finish
        self.on_result = on_result
        self.spec_names: list[str] = []
        self.lock = threading.Lock()

    def fill_missing(self, reason: str) -> None:
        """An ``error`` verdict for every (sample, verifier) still without one (the engine closed meanwhile)."""
        with self.lock:
            missing = [(i, spec) for i, left in enumerate(self.missing) if left for spec in self.spec_names]
            missing = [(i, spec) for i, spec in missing if spec not in self.verdicts[i]]
        for index, spec in missing:
            self.put(index, spec, Verdict.error(reason))

    def put(self, index: int, spec_name: str, verdict: Verdict) -> None:
        verdict.verifier = spec_name
        self._store([(index, verdict)], spec_name)

    def fan_out(self, spec_name: str, key: bytes, indices: list[int], verdict: Verdict) -> None:
        """Give every sample that shares ``key`` its own copy; the cache keeps another. Only the first copy
        carries the time spent, so summed verifier time is not multiplied by duplicates."""
        first = _copy(verdict, spec_name, verdict.elapsed)
        self.cache.put(key, _copy(verdict, spec_name, 0.0))
        self._store([(indices[0], first), *((i, _copy(verdict, spec_name, 0.0)) for i in indices[1:])], spec_name)

    def _store(self, items: list[tuple[int, Verdict]], spec_name: str) -> None:
        complete = []
        with self.lock:
            for index, verdict in items:
                self.verdicts[index][spec_name] = verdict
                self.missing[index] -= 1
                if self.missing[index] == 0:
                    complete.append(index)
            self.done += len(items)
            if self.progress is not None:  # under the lock, so counts never go backwards
                self.progress(self.done, self.total)
        for index in complete:
            result = self.results[index] = self.finish(self.verdicts[index])
            if self.on_result is not None:
                self.on_result(index, result)


def _payload(name: str, verifier: Verifier) -> bytes:
    try:
        return pickle.dumps(verifier)
    except Exception as exc:  # noqa: BLE001 - pickling fails with many exception types
        raise RecipeError(
            f"verifier {name!r} ({type(verifier).__qualname__}) cannot be pickled for worker processes ({exc}); "
            f"define the class at module level in an importable module and keep unpicklable state out of it"
        ) from None


def _copy(verdict: Verdict, spec_name: str, elapsed: float) -> Verdict:
    return Verdict(verdict.status, verdict.score, verdict.reason, dict(verdict.details), spec_name, elapsed)


@dataclasses.dataclass(slots=True)
class _Unique:
    spec: VerifierSpec
    verifier: Verifier
    key: bytes
    sample: Sample
    indices: list[int]


class Engine:
    """Verifies batches of samples with a recipe.

    Example::

        from r1verify import Engine, Sample

        with Engine("reasoning-rl") as engine:
            results = engine.verify([Sample(completion="<think>...</think> \\boxed{2}", reference="2")])
            print(results[0].reward, results[0].verdicts["accuracy"].status)

    ``workers`` is the number of worker processes (default: ``R1VERIFY_WORKERS`` or the CPU count);
    ``cache_size`` bounds the cross-batch verdict cache (0 disables it); ``memory_limit_mb`` caps each pool
    worker's address space (default ``R1VERIFY_WORKER_MEMORY_MB`` or 8192; 0 for no cap), so a runaway
    computation becomes an ``error`` verdict instead of exhausting the machine. The engine is thread-safe;
    worker processes start on first use and stop at :meth:`close` (or at exit).
    """

    def __init__(
        self,
        recipe: Recipe | str | Path,
        *,
        workers: int | None = None,
        cache_size: int = 100_000,
        memory_limit_mb: int | None = None,
    ) -> None:
        self.recipe = Recipe.load(recipe)
        self.workers = workers or default_workers()
        self.memory_limit_mb = default_memory_limit_mb() if memory_limit_mb is None else memory_limit_mb
        self._built = self.recipe.build()
        self._timeouts = {spec.name: spec.timeout or v.default_timeout for spec, v in self._built}
        self._payloads = {spec.name: _payload(spec.name, v) for spec, v in self._built}
        self._preload = tuple(sorted({m for _, v in self._built for m in v.preload_modules}))
        self.cache = VerdictCache(cache_size)
        self._lock = threading.Lock()
        self._pool: WorkerPool | None = None
        self._dedicated: dict[str, DedicatedRunner] = {}
        self._threads = ThreadPoolExecutor(max_workers=max(2, len(self._built)), thread_name_prefix="r1verify")
        self._closed = False
        _engines.add(self)
        _close_at_child_exit()

    # ------------------------------------------------------------------ public
    @property
    def verifier_names(self) -> list[str]:
        return [spec.name for spec, _ in self._built]

    def verify_one(self, sample: Sample) -> Result:
        return self.verify([sample])[0]

    def verify(
        self, samples: Sequence[Sample], *, progress: Progress | None = None, on_result: OnResult | None = None
    ) -> list[Result]:
        """Verify ``samples``; one :class:`Result` per sample, in input order. Never raises for a verifier's sake.

        ``progress(done, total)`` reports (sample, verifier) pairs as they finish; ``on_result(index, result)``
        receives each sample's result as soon as it is complete, so a caller can answer early while a slow
        sample in the same batch is still running (callbacks come from engine threads).
        """
        if self._closed:
            raise EngineClosed("this engine is closed")
        collector = _Collector(len(samples), len(self._built), progress, self.cache, self._combine, on_result)
        collector.spec_names = self.verifier_names
        unique = self._plan(samples, collector)
        pool_work = [u for u in unique if u.verifier.placement == "pool"]
        batched: dict[str, list[_Unique]] = {}
        for u in unique:
            if u.verifier.placement != "pool":
                batched.setdefault(u.spec.name, []).append(u)
        futures = []
        try:
            for group in batched.values():
                futures.append(self._threads.submit(self._run_batched, group, collector))
            if pool_work:
                self._run_pool(pool_work, collector)
        except (EngineClosed, RuntimeError):  # the engine closed under this call (threads shut down, no pool)
            if not self._closed:
                raise
        for future in futures:
            try:
                future.result()
            except (CancelledError, EngineClosed):  # the engine closed before the group ran
                if not self._closed:
                    raise
        if self._closed:
            collector.fill_missing(CLOSED_REASON)
        return collector.results  # type: ignore[return-value]  # every sample is complete here

    async def averify(
        self, samples: Sequence[Sample], *, progress: Progress | None = None, on_result: OnResult | None = None
    ) -> list[Result]:
        """:meth:`verify` for async callers (runs in a thread; the event loop keeps serving)."""
        import asyncio

        return await asyncio.to_thread(self.verify, samples, progress=progress, on_result=on_result)

    def close(self) -> None:
        """Stop worker processes and dedicated verifier processes."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            pool, self._pool = self._pool, None
            dedicated, self._dedicated = list(self._dedicated.values()), {}
        if pool is not None:
            pool.close()
        for runner in dedicated:
            runner.close()
        self._threads.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getstate__(self) -> dict[str, Any]:
        raise TypeError("an Engine holds processes and does not pickle; pickle its recipe and build a new one")

    # ------------------------------------------------------------------ internals
    def _plan(self, samples: Sequence[Sample], collector: _Collector) -> list[_Unique]:
        """Skip what does not apply, answer from the cache, group identical work. Returns the unique work."""
        unique: dict[bytes, _Unique] = {}
        unrouted_by_domain: dict[str | None, str | None] = {}  # a batch has few domains; unrouted runs difflib
        for index, sample in enumerate(samples):
            domain = self.recipe.effective_domain(sample.domain)
            if domain not in unrouted_by_domain:
                unrouted_by_domain[domain] = self.recipe.unrouted(domain)
            unrouted = unrouted_by_domain[domain]
            for spec, verifier in self._built:
                if unrouted and spec.domains is not None:  # never "skipped": the row would pass unjudged
                    collector.put(index, spec.name, Verdict.setup_error(unrouted))
                    continue
                if not spec.applies_to(domain):
                    collector.put(
                        index, spec.name, Verdict.skipped(f"domain {domain!r} is not one of {list(spec.domains or ())}")
                    )
                    continue
                if spec.skip_without_reference and sample.reference in (None, "", [], {}):
                    collector.put(index, spec.name, Verdict.skipped("no reference to check against"))
                    continue
                try:
                    key = _work_key(spec.name, verifier.cache_key(sample))
                except Exception as exc:  # noqa: BLE001 - a bad sample must not stop the batch
                    verdict = crash_verdict(exc)
                    verdict.reason = f"cannot read this sample: {verdict.reason}"
                    collector.put(index, spec.name, verdict)
                    continue
                if key in unique:
                    unique[key].indices.append(index)
                    continue
                cached = self.cache.get(key)
                if cached is not None:
                    cached.details["cached"] = True
                    collector.put(index, spec.name, cached)
                    continue
                unique[key] = _Unique(spec, verifier, key, sample, [index])
        return list(unique.values())

    def _get_pool(self) -> WorkerPool:
        with self._lock:
            if self._closed:
                raise EngineClosed("this engine is closed")
            if self._pool is None:
                self._pool = WorkerPool(self.workers, preload=self._preload, memory_limit_mb=self.memory_limit_mb)
            return self._pool

    def _run_pool(self, work: list[_Unique], collector: _Collector) -> None:
        items = [WorkItem(i, u.spec.name, u.sample) for i, u in enumerate(work)]

        def deliver(i: int, verdict: Verdict) -> None:
            u = work[i]
            collector.fan_out(u.spec.name, u.key, u.indices, verdict)

        self._get_pool().run(items, self._payloads, self._timeouts, deliver)

    def _run_batched(self, group: list[_Unique], collector: _Collector) -> None:
        spec, verifier = group[0].spec, group[0].verifier
        samples = [u.sample for u in group]
        timeout = self._timeouts[spec.name]
        if verifier.placement == "dedicated":
            verdicts = self._dedicated_runner(spec.name, verifier).run(samples, timeout)
        else:
            verdicts = self._run_inline(verifier, samples, timeout)
        for u, verdict in zip(group, verdicts, strict=True):
            collector.fan_out(spec.name, u.key, u.indices, verdict)

    def _dedicated_runner(self, name: str, verifier: Verifier) -> DedicatedRunner:
        with self._lock:
            if self._closed:
                raise EngineClosed("this engine is closed")
            runner = self._dedicated.get(name)
            if runner is None:
                runner = self._dedicated[name] = DedicatedRunner(verifier, preload=self._preload)
            return runner

    def _run_inline(self, verifier: Verifier, samples: list[Sample], timeout: float) -> list[Verdict]:
        deadline = verifier.batch_deadline(len(samples), timeout)
        outcome: list[Any] = []

        def call() -> None:
            try:
                outcome.append(call_batch(verifier, samples))
            except BaseException as exc:  # noqa: BLE001
                outcome.append(exc)

        # A daemon thread per call, never joined past the deadline: a stuck call must neither hold up later
        # batches nor keep the interpreter from exiting.
        thread = threading.Thread(target=call, name=f"r1verify-inline-{verifier.name}", daemon=True)
        thread.start()
        ends = time.monotonic() + deadline
        while not outcome and not self._closed and (left := ends - time.monotonic()) > 0:
            thread.join(min(left, 0.05))  # in steps: closing the engine ends the wait
        if not outcome and self._closed:
            return [Verdict.error(CLOSED_REASON) for _ in samples]
        if not outcome:
            return [Verdict.timeout(f"the batch exceeded its {deadline:g}s deadline") for _ in samples]
        results = outcome[0]
        if isinstance(results, BaseException):
            verdict = crash_verdict(results)
            return [Verdict.error(verdict.reason, **verdict.details) for _ in samples]
        return results

    def _combine(self, verdicts: dict[str, Verdict]) -> Result:
        ordered = {spec.name: verdicts[spec.name] for spec, _ in self._built}
        reward, passed, scores = self.recipe.combine(ordered)
        return Result(reward, passed, ordered, scores)


def verify(samples: Sequence[Sample], recipe: Recipe | str | Path, **engine_options: Any) -> list[Result]:
    """One-shot convenience: build an engine, verify ``samples``, close it."""
    with Engine(recipe, **engine_options) as engine:
        return engine.verify(samples)
