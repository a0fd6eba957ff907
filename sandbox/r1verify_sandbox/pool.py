"""The warm pool: N runners started once, programs spread over them by one thread per runner."""

from __future__ import annotations

import atexit
import logging
import queue
import threading
import weakref
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Self

from .backends import DockerBackend, LocalBackend, make_backend
from .config import SandboxConfig
from .errors import SandboxError
from .languages import LanguageSpec, UnknownLanguageError, languages
from .program import Limits, Program
from .result import ProgramResult, RunResult
from .worker import RunnerFailure, RunnerProcess

log = logging.getLogger("r1verify.sandbox")

_pools: weakref.WeakSet[SandboxPool] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for pool in list(_pools):
        pool.close()


class SandboxPool:
    """Runs programs on ``config.size`` warm runners (Docker containers, or local processes).

    Example::

        from r1verify_sandbox import Program, SandboxPool

        with SandboxPool() as pool:
            result = pool.run(Program("print(input()[::-1])", inputs=["hello"]))
            print(result.status, result.runs[0].stdout)

    Programs given to :meth:`run_many` run concurrently, one per runner. Infrastructure problems at start
    (no engine, no image) raise :class:`~.SandboxError`; later ones become ``sandbox_error`` results. A runner
    that breaks, stops answering, or has served ``config.max_uses`` programs is replaced. :meth:`close` (also
    at interpreter exit) removes every container the pool started.
    """

    def __init__(self, config: SandboxConfig | None = None, **overrides: Any) -> None:
        if config is None:
            config = SandboxConfig(**overrides)
        elif overrides:
            raise TypeError("pass either a SandboxConfig or keyword overrides, not both")
        self.config = config
        self.size = config.size
        self.backend: DockerBackend | LocalBackend = make_backend(config)
        self._tasks: queue.SimpleQueue[tuple[Program, LanguageSpec, Future[ProgramResult]] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._live: set[RunnerProcess] = set()
        self._threads: list[threading.Thread] = []
        self._languages: dict[str, LanguageSpec] = {}
        self._started = False
        self._closed = False
        self.replaced = 0
        """Runners replaced so far (worn out, broken or unresponsive)."""
        _pools.add(self)

    # ------------------------------------------------------------------ public
    def start(self) -> Self:
        """Start every runner (in parallel) and wait until all report ready; idempotent."""
        with self._start_lock:
            if self._closed:
                raise SandboxError("this sandbox pool is closed")
            if self._started:
                return self
            try:
                self.backend.prepare()
            except SandboxError:
                self.close()
                raise
            self._languages = languages()
            with ThreadPoolExecutor(self.size) as starter:
                attempts = list(starter.map(self._try_spawn, range(self.size)))
            failures = [a for a in attempts if isinstance(a, BaseException)]
            if failures:
                for runner in attempts:
                    if isinstance(runner, RunnerProcess):
                        self._discard(runner, kill=True)
                self.close()
                raise SandboxError(f"the sandbox could not start: {failures[0]}") from failures[0]
            for runner in attempts:
                thread = threading.Thread(target=self._serve, args=(runner,), name="r1verify-sandbox", daemon=True)
                self._threads.append(thread)
                thread.start()
            self._started = True
        return self

    def submit(self, program: Program) -> Future[ProgramResult]:
        """Queue ``program``; the future's result is its :class:`ProgramResult` (it never raises).

        Raises :class:`~.SandboxError` when the pool cannot start or is closed, and
        :class:`~.UnknownLanguageError` for a language no plugin registers.
        """
        self.start()
        spec = self._languages.get(program.language.strip().lower())
        if spec is None:
            raise UnknownLanguageError(
                f"no sandbox language named {program.language!r}; registered: "
                f"{', '.join(sorted({s.name for s in self._languages.values()}))}"
            )
        future: Future[ProgramResult] = Future()
        with self._lock:  # close() sets _closed under this lock: no task is queued behind its sentinels
            if self._closed:
                raise SandboxError("this sandbox pool is closed")
            self._tasks.put((program, spec, future))
        return future

    def run(self, program: Program) -> ProgramResult:
        """Run one program and wait for it."""
        return self.submit(program).result()

    def run_many(self, programs: Sequence[Program]) -> list[ProgramResult]:
        """Run programs concurrently over the pool; results in input order."""
        futures = [self.submit(p) for p in programs]
        return [f.result() for f in futures]

    def execute(
        self, source: str, language: str = "python", stdin: str = "", limits: Limits | None = None
    ) -> RunResult:
        """Run ``source`` once on ``stdin``: the run's result, or the compile step's when compiling failed."""
        result = self.run(Program(source, language, inputs=(stdin,), limits=limits or Limits()))
        if result.error is not None:
            return RunResult.sandbox_error(result.error)
        if not result.runs and result.compile is not None:
            return result.compile
        return result.runs[0]

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def container_names(self) -> list[str]:
        """Names of the live runners (container names for Docker)."""
        with self._lock:
            return sorted(r.name for r in self._live)

    def close(self) -> None:
        """Stop every runner and remove its container; queued programs get ``sandbox_error``."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            live = list(self._live)
        for _ in self._threads:
            self._tasks.put(None)
        if live:
            self.backend.destroy(live)
        for thread in self._threads:
            thread.join(timeout=30)
        self.backend.finish()
        while True:
            try:
                task = self._tasks.get_nowait()
            except queue.Empty:
                break
            if task is not None:
                task[2].set_result(ProgramResult.failed("the sandbox pool is closed"))

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ runners
    def _spawn(self) -> RunnerProcess:
        with self._lock:
            if self._closed:
                raise SandboxError("the sandbox pool is closed")
            try:
                runner = self.backend.spawn()
            except OSError as exc:  # e.g. the docker CLI vanished
                raise SandboxError(f"cannot start a sandbox runner ({self.backend.name}): {exc}") from None
            self._live.add(runner)
        try:
            runner.wait_ready(self.config.start_timeout)
        except RunnerFailure as exc:
            self._discard(runner, kill=True)
            raise SandboxError(f"a sandbox runner did not start ({self.backend.name}): {exc}") from None
        return runner

    def _try_spawn(self, _slot: int) -> RunnerProcess | BaseException:
        try:
            return self._spawn()
        except Exception as exc:  # noqa: BLE001 - reported by start()
            return exc

    def _discard(self, runner: RunnerProcess, *, kill: bool) -> None:
        with self._lock:
            self._live.discard(runner)
        if kill:
            runner.kill()
        else:
            runner.retire()
            runner.reap()

    def _serve(self, runner: RunnerProcess | None) -> None:
        """One runner's thread: take programs off the queue, run them, replace the runner when needed."""
        while True:
            task = self._tasks.get()
            if task is None:
                return
            program, spec, future = task
            try:
                runner = self._handle(runner, program, spec, future)
            except Exception as exc:  # a dead thread would leave futures waiting forever
                log.exception("sandbox worker error")
                if not future.done():
                    future.set_result(ProgramResult.failed(f"sandbox worker error: {exc!r}"))
                if runner is not None:
                    self._discard(runner, kill=True)
                runner = None

    def _handle(
        self, runner: RunnerProcess | None, program: Program, spec: LanguageSpec, future: Future[ProgramResult]
    ) -> RunnerProcess | None:
        """Run one task on ``runner`` (started if needed); returns the runner to use next."""
        if self._closed:
            future.set_result(ProgramResult.failed("the sandbox pool is closed"))
            return runner
        if runner is None:
            try:
                runner = self._spawn()
            except SandboxError as exc:
                future.set_result(ProgramResult.failed(str(exc)))
                return None
        result, healthy = self._execute(runner, program, spec)
        future.set_result(result)
        if healthy and runner.served < self.config.max_uses:
            return runner
        self._discard(runner, kill=not healthy)
        with self._lock:
            self.replaced += 1
        if self._closed:
            return None
        try:
            return self._spawn()
        except SandboxError as exc:
            log.warning("could not replace a sandbox runner: %s", exc)
            return None

    def _execute(self, runner: RunnerProcess, program: Program, spec: LanguageSpec) -> tuple[ProgramResult, bool]:
        """Run one program; returns its result and whether the runner may serve again."""
        try:
            answer = runner.request(program.job(spec), program.deadline(spec), program.payload(spec))
        except RunnerFailure as exc:
            if self._closed:
                return ProgramResult.failed("the sandbox pool was closed while the program ran", runner.name), False
            log.warning("sandbox runner %s failed and is replaced: %s", runner.name, exc)
            return ProgramResult.failed(f"sandbox runner failed: {exc}", runner.name), False
        if "error" in answer:
            reason = f"the runner rejected the job: {answer['error']}"
            return ProgramResult.failed(reason, runner.name), bool(answer.get("clean"))
        compiled = answer.get("compile")
        result = ProgramResult(
            runs=[RunResult.from_runner(r) for r in answer.get("runs", [])],
            compile=RunResult.from_runner(compiled) if compiled else None,
            runner=runner.name,
        )
        return result, bool(answer.get("clean", False))
