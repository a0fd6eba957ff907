"""The reward service behind all three OpenRLHF paths: an engine, a micro-batcher and a reward mapper."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from r1verify import Engine, Recipe, Result, Sample
from r1verify.engine import OnResult
from r1verify.guard import RunGuard, RunStopped
from r1verify.ratelog import RateLimitedLog

from .batcher import BatcherStats, BatchOptions, MicroBatcher
from .convert import ConvertOptions
from .rewards import RewardInfo, RewardMapper

logger = logging.getLogger("r1verify.openrlhf")
_failures = RateLimitedLog(logger)
"""Verifier errors and timeouts: one line per verifier every 10 s, with the count of those left out."""

Item = Sample | BaseException
"""A sample to verify, or the reason its request item could not become one."""


class RewardService:
    """Verifies samples with a recipe and answers with OpenRLHF rewards. Thread-safe; never raises per sample.

    Example::

        service = RewardService(Recipe.from_verifier_args(["math:required=true"]))
        [info] = service.rewards([Sample("... \\\\boxed{2}", reference="2")], timeout=60)
        info.reward, info.score, info.logs
        service.close()

    Every input item gets a :class:`RewardInfo`: an item that is an exception (unreadable input), a failed
    engine call or an answer later than ``timeout`` becomes ``RewardMapper.failure`` (``error_reward``, with the
    ``r1verify/error`` flag and ``error`` set). Verifier failures are logged, at most one line per verifier every
    10 s with a count. :class:`RunStopped` is raised instead when a setup failure every sample shares makes the
    run pointless, or the error share passes ``max_error_rate`` (see :mod:`r1verify.guard`).
    """

    def __init__(
        self,
        recipe: Recipe | str | Path,
        *,
        workers: int | None = None,
        cache_size: int = 100_000,
        batching: BatchOptions | None = None,
        error_reward: float = 0.0,
        max_error_rate: float | None = None,
    ) -> None:
        self.recipe = Recipe.load(recipe)
        self.mapper = RewardMapper(self.recipe, error_reward=error_reward)
        self.engine = Engine(self.recipe, workers=workers, cache_size=cache_size)
        self.guard = RunGuard(max_error_rate)
        self.batcher = MicroBatcher(self._verify, batching)

    @property
    def log_keys(self) -> tuple[str, ...]:
        return self.mapper.keys

    def stats(self) -> BatcherStats:
        return self.batcher.snapshot()

    def submit(self, items: Sequence[Item]) -> tuple[list[int], Future]:
        """Queue the samples among ``items``; (their positions, a future of their results)."""
        positions = [i for i, item in enumerate(items) if isinstance(item, Sample)]
        return positions, self.batcher.submit([items[i] for i in positions])

    def rewards(self, items: Sequence[Item], *, timeout: float) -> list[RewardInfo]:
        """Blocking: one reward per item, at most ``timeout`` seconds from now."""
        try:
            positions, future = self.submit(items)
        except Exception as exc:  # noqa: BLE001 - e.g. closed during shutdown
            return self._failed(items, f"not verified: {exc}")
        try:
            results = future.result(timeout)
        except FutureTimeout:
            future.cancel()
            return self._failed(items, f"no verdict within {timeout:g}s", timeout=True)
        except RunStopped:
            raise
        except Exception as exc:  # noqa: BLE001
            return self._failed(items, f"verification failed: {type(exc).__name__}: {exc}")
        return self._merge(items, positions, results)

    async def arewards(self, items: Sequence[Item], *, timeout: float) -> list[RewardInfo]:
        """:meth:`rewards` for event loops: waits without blocking the loop."""
        try:
            positions, future = self.submit(items)
        except Exception as exc:  # noqa: BLE001
            return self._failed(items, f"not verified: {exc}")
        try:
            results = await asyncio.wait_for(asyncio.wrap_future(future), timeout)
        except TimeoutError:
            return self._failed(items, f"no verdict within {timeout:g}s", timeout=True)
        except RunStopped:
            raise
        except Exception as exc:  # noqa: BLE001
            return self._failed(items, f"verification failed: {type(exc).__name__}: {exc}")
        return self._merge(items, positions, results)

    def close(self) -> None:
        """Finish queued work, then stop the engine's processes."""
        self.batcher.close(wait=True)
        self.engine.close()

    # ------------------------------------------------------------------ internals
    def _verify(self, samples: Sequence[Sample], on_result: OnResult | None = None) -> list[Result]:
        """One engine batch, its failures logged (rate-limited) and checked by the guard.

        ``on_result`` gets each result as soon as it is in, except results with a failed verdict: those wait for
        the guard, so a request is never answered with the zeros of a run that must stop.
        """

        def early(index: int, result: Result) -> None:
            if on_result is not None and not any(v.status.is_failure for v in result.verdicts.values()):
                on_result(index, result)

        results = self.engine.verify(samples, on_result=early)
        for result in results:
            for name, verdict in result.verdicts.items():
                if verdict.status.is_failure:
                    _failures.warning(name, "verifier %s: %s: %s", name, verdict.status.value, verdict.reason[:300])
        self.guard.add(results)
        return results

    def _merge(self, items: Sequence[Item], positions: list[int], results: list[Result]) -> list[RewardInfo]:
        out: list[RewardInfo | None] = [None] * len(items)
        for i, result in zip(positions, results, strict=True):
            out[i] = self.mapper.from_result(result)
        for i, item in enumerate(items):
            if out[i] is None:
                out[i] = self._failure(f"cannot read this request item: {item}")
        return out  # type: ignore[return-value]

    def _failed(self, items: Sequence[Item], reason: str, *, timeout: bool = False) -> list[RewardInfo]:
        return [
            self._failure(
                f"cannot read this request item: {item}" if isinstance(item, BaseException) else reason,
                timeout=timeout and not isinstance(item, BaseException),
            )
            for item in items
        ]

    def _failure(self, reason: str, *, timeout: bool = False) -> RewardInfo:
        logger.warning("r1verify reward failed: %s", reason)
        return self.mapper.failure(reason, timeout=timeout)


_shared: dict[object, RewardService] = {}
_shared_lock = threading.Lock()


def shared_service(key: object, make: Callable[[], RewardService]) -> RewardService:
    """The process-wide service for ``key``, made on first use (reward-function and agent files use this:
    OpenRLHF calls them from many threads and coroutines of one process)."""
    service = _shared.get(key)
    if service is None:
        with _shared_lock:
            service = _shared.get(key)
            if service is None:
                service = _shared[key] = make()
    return service


def close_shared_services() -> None:
    """Close every process-wide service (their engines would otherwise stop at interpreter exit)."""
    with _shared_lock:
        services = list(_shared.values())
        _shared.clear()
    for service in services:
        service.close()


class ServiceClient:
    """What the reward function and the agent share: a checked recipe, its reward mapping, and a process-wide
    :class:`RewardService` (created on first use, one per distinct configuration)."""

    def __init__(
        self,
        kind: str,
        recipe: Recipe | str | Path,
        *,
        convert: ConvertOptions | None = None,
        batching: BatchOptions | None = None,
        workers: int | None = None,
        cache_size: int = 100_000,
        error_reward: float = 0.0,
        timeout: float = 150.0,
        max_error_rate: float | None = None,
    ) -> None:
        self.recipe = Recipe.load(recipe)
        self.recipe.build()  # an unknown verifier or a bad option fails now, not at the first sample
        self.mapper = RewardMapper(self.recipe, error_reward=error_reward)
        self.convert = convert or ConvertOptions()
        self.timeout = float(timeout)
        self._service_args = {
            "workers": workers,
            "cache_size": cache_size,
            "batching": batching,
            "error_reward": error_reward,
            "max_error_rate": max_error_rate,
        }
        self._service_key = (kind, self.recipe.to_toml(), repr(sorted(self._service_args.items())))

    @property
    def service(self) -> RewardService:
        """The process-wide service (created on first use)."""
        return shared_service(self._service_key, lambda: RewardService(self.recipe, **self._service_args))
