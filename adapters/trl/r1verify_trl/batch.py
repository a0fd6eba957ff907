"""One engine call per generation batch, shared by every reward function of a recipe.

TRL calls each reward function with the same batch: the first one to arrive verifies the batch with every
verifier of the recipe (one :meth:`Engine.verify` call), the others wait for and reuse its results. State lives
per process in a registry keyed by the group's token, so reward functions unpickled in another process (TRL's
async GRPO variant spawns one) find each other there and build their own engine on first use.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from r1verify import Engine, Recipe, Result, Sample, Status, Verdict
from r1verify.engine import default_workers
from r1verify.guard import RunGuard
from r1verify.processes import allow_worker_processes  # noqa: F401 - moved to the core; kept importable here

logger = logging.getLogger("r1verify_trl")

MEMO_SIZE = 8
"""Batches kept while not every reward function has read them (e.g. only some of the functions are in use)."""


def batch_key(samples: Sequence[Sample]) -> bytes:
    """A digest of the whole batch content (every field of every sample, in order).

    Pickled rather than JSON-encoded: twice as fast, and samples must pickle anyway to reach the workers.
    """
    fields = [(s.completion, s.prompt, s.reference, s.domain, s.meta) for s in samples]
    return hashlib.blake2b(pickle.dumps(fields, protocol=5), digest_size=16).digest()


def trainer_workers() -> int:
    """Worker processes for one trainer process: the CPUs shared among the ranks of this node.

    ``R1VERIFY_WORKERS`` wins; otherwise the CPU count divided by ``LOCAL_WORLD_SIZE`` (set by torchrun and
    accelerate), so eight ranks on one node do not start eight CPU-sized pools.
    """
    if os.environ.get("R1VERIFY_WORKERS"):
        return default_workers()
    ranks = max(1, int(os.environ.get("LOCAL_WORLD_SIZE", "1") or 1))
    return max(1, default_workers() // ranks)


@dataclass(eq=False)
class _Entry:
    """A batch being verified or verified; ``readers`` are the reward functions that took it already."""

    key: bytes
    sources: tuple[Any, ...]
    """The argument objects the batch was built from, kept alive so that their ids stay theirs."""
    readers: set[str]
    done: threading.Event = field(default_factory=threading.Event)
    results: list[Result] | None = None


def _same_objects(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


class SharedBatches:
    """Per-process state of one reward-function group: a lazily built engine and the batch memo."""

    def __init__(
        self, recipe: Recipe, names: Sequence[str], workers: int | None, max_error_rate: float | None = None
    ) -> None:
        self.recipe = recipe
        self.names = frozenset(names)
        self.workers = workers
        self.guard = RunGuard(max_error_rate)
        """Stops training (raises into the trainer) on a setup failure every sample shares, or past
        ``max_error_rate``."""
        self.pid = os.getpid()
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self._memo: list[_Entry] = []

    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                # The core lets a daemonic process (TRL's AsyncGRPO rollout worker) start the engine's workers and
                # closes the engine when such a multiprocessing child exits (r1verify.processes and .engine).
                self._engine = Engine(self.recipe, workers=self.workers or trainer_workers())
            return self._engine

    def close(self) -> None:
        with self._lock:
            engine, self._engine = self._engine, None
        if engine is not None:
            engine.close()

    def results(
        self,
        name: str,
        sources: tuple[Any, ...],
        build: Callable[[], list[Sample]],
        on_computed: Callable[[list[Result]], None],
    ) -> list[Result]:
        """Results for one batch: computed once for the whole group, then reused by the other functions.

        ``sources`` are the objects the batch comes from (TRL hands every reward function the same lists): a
        function called with those very objects joins that batch without building samples. Otherwise
        ``build()`` makes the samples and their content decides. The function that computes calls
        ``on_computed`` with the results (logging, once per batch). A function that already read a batch
        starts a new computation: a later step that repeats a batch (the engine's cache makes it cheap).
        """
        owner = False
        with self._lock:
            entry = self._join(name, lambda e: _same_objects(e.sources, sources))
        if entry is None:
            samples = build()
            key = batch_key(samples)
            with self._lock:
                entry = self._join(name, lambda e: e.key == key)
                if entry is None:
                    entry, owner = self._open(name, key, sources), True
        if owner:
            try:
                entry.results = self._verify(samples)
                on_computed(entry.results)
            finally:
                entry.done.set()
            self.guard.add(entry.results)  # RunStopped: the trainer stops here, loudly
        else:
            entry.done.wait()
        assert entry.results is not None
        return entry.results

    def _join(self, name: str, match: Callable[[_Entry], bool]) -> _Entry | None:
        """The first matching batch this function has not read yet, now read by it (lock held)."""
        entry = next((e for e in self._memo if name not in e.readers and match(e)), None)
        if entry is not None:
            entry.readers.add(name)
            self._drop_if_read(entry)
        return entry

    def _open(self, name: str, key: bytes, sources: tuple[Any, ...]) -> _Entry:
        entry = _Entry(key, sources, {name})
        self._memo.append(entry)
        del self._memo[:-MEMO_SIZE]
        self._drop_if_read(entry)
        return entry

    def _drop_if_read(self, entry: _Entry) -> None:
        if entry.readers >= self.names and entry in self._memo:
            self._memo.remove(entry)

    def _verify(self, samples: Sequence[Sample]) -> list[Result]:
        try:
            return self.engine().verify(samples)
        except Exception as exc:  # noqa: BLE001 - a reward function must never raise into the trainer
            logger.warning(
                "r1verify could not verify a batch of %d samples: %s: %s; the next batch starts a new engine",
                len(samples),
                type(exc).__name__,
                exc,
            )
            self.close()
            # a setup error: if the engine never verified a batch of this run, the guard stops the run at once
            # instead of training on on_error scores; once it has worked, it counts toward max_error_rate
            return self.failed(len(samples), f"the verifier engine failed: {type(exc).__name__}: {exc}", setup=True)

    def failed(self, n: int, reason: str, *, setup: bool = False) -> list[Result]:
        """Results for a batch that could not be verified at all: every verifier ``error`` (a setup error with
        ``setup``, see :mod:`r1verify.guard`)."""
        details = {"setup": True} if setup else {}
        out = []
        for _ in range(n):
            verdicts = {
                spec.name: Verdict(Status.ERROR, None, reason, dict(details), verifier=spec.name)
                for spec in self.recipe.specs
            }
            reward, passed, scores = self.recipe.combine(verdicts)
            out.append(Result(reward, passed, verdicts, scores))
        return out


_registry: dict[str, SharedBatches] = {}
_registry_lock = threading.Lock()


def shared_batches(
    token: str, recipe: Recipe, names: Sequence[str], workers: int | None, max_error_rate: float | None = None
) -> SharedBatches:
    """The group's state in this process (a forked child gets its own: engines do not survive a fork)."""
    with _registry_lock:
        state = _registry.get(token)
        if state is None or state.pid != os.getpid():
            state = _registry[token] = SharedBatches(recipe, names, workers, max_error_rate)
        return state


def close_shared(token: str) -> None:
    """Stop the group's engine in this process (a later call starts a new one)."""
    with _registry_lock:
        state = _registry.pop(token, None)
    if state is not None and state.pid == os.getpid():
        state.close()
