"""The session pool: warm runners leased one per session, given back clean, and a reaper for forgotten sessions.

It reuses the sandbox's backends and runners (:mod:`.backends`, :mod:`.worker`): each session holds one runner
(with Docker, one locked-down container) for its lifetime, because the container is the isolation boundary
between sessions. ``warm`` runners wait with an interpreter already started, so opening a session is one message.
A closed session's runner kills everything the session started, empties its scratch directories and waits, warm
again, for the next session; a runner that cannot be made clean is removed and replaced.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Self

from . import direct_io as fifo
from .backends import DockerBackend, LocalBackend, make_backend
from .config import SandboxConfig
from .errors import SandboxError
from .session import CallResult, CallStatus, Session, SessionLimits
from .worker import RunnerFailure, RunnerProcess

log = logging.getLogger("r1verify.sandbox")
_pools: weakref.WeakSet[SessionPool] = weakref.WeakSet()
REQUEST_SLACK = 10.0
"""Seconds the host waits past a call's deadline (and interrupt grace) before it gives up on the runner."""


@atexit.register
def _close_all() -> None:
    for pool in list(_pools):
        pool.close()


class SessionPool:
    """Leases runners to :class:`~.session.Session` objects.

    ``warm``: runners kept started and idle (session open then costs one message); ``max_sessions``: runners in
    all (open sessions plus idle ones), so at most that many sessions are open at once; ``open_timeout``: seconds
    :meth:`open_session` waits for a runner when all are leased. The reaper closes sessions idle for longer than
    their ``idle_timeout`` and sessions dropped without :meth:`~.session.Session.close`.
    """

    def __init__(
        self,
        config: SandboxConfig | None = None,
        *,
        warm: int = 4,
        max_sessions: int = 64,
        open_timeout: float = 120.0,
        direct_io: bool | None = None,
        **overrides: Any,
    ) -> None:
        if config is None:
            config = SandboxConfig(**overrides)
        elif overrides:
            raise TypeError("pass either a SandboxConfig or keyword overrides, not both")
        if max_sessions < 1 or not 0 <= warm <= max_sessions:
            raise ValueError("max_sessions must be >= 1 and 0 <= warm <= max_sessions")
        self.config, self.warm, self.max_sessions, self.open_timeout = config, warm, max_sessions, open_timeout
        self.backend: DockerBackend | LocalBackend = make_backend(config)
        self.direct_io = isinstance(self.backend, DockerBackend) and (
            direct_io if direct_io is not None else fifo.available()
        )
        """Docker runners speak over FIFOs (:mod:`.direct_io`) instead of the relayed ``docker run -i`` stdio."""
        self._cond = threading.Condition()
        self._idle: list[RunnerProcess] = []
        self._live: set[RunnerProcess] = set()
        self._starting = 0
        self._sessions: dict[RunnerProcess, weakref.ref[Session]] = {}
        self._abandoned: queue.SimpleQueue[RunnerProcess] = queue.SimpleQueue()
        self._started = self._closed = False
        self._keeper: threading.Thread | None = None
        self._recycler = ThreadPoolExecutor(4, thread_name_prefix="r1verify-recycle")
        self.replaced = 0
        """Runners removed because they broke or could not be made clean."""
        self.reaped = 0
        """Sessions closed by the reaper (idle too long, or dropped without close)."""
        _pools.add(self)

    # ------------------------------------------------------------------ public
    def start(self) -> Self:
        """Check the backend and start ``warm`` runners (in parallel); idempotent."""
        with self._cond:
            if self._closed:
                raise SandboxError("this session pool is closed")
            if self._started:
                return self
            self._started = True
        try:
            self.backend.prepare()
        except SandboxError:
            self.close()
            raise
        if self.warm:
            with ThreadPoolExecutor(min(self.warm, 16)) as starter:
                failures = [f for f in starter.map(lambda _: self._grow(), range(self.warm)) if f is not None]
            if failures:
                self.close()
                raise SandboxError(f"the session sandbox could not start: {failures[0]}")
        self._keeper = threading.Thread(target=self._keep, name="r1verify-sessions", daemon=True)
        self._keeper.start()
        return self

    def open_session(self, limits: SessionLimits | None = None) -> Session:
        """A new session on a clean runner. Raises :class:`~.SandboxError` only when the sandbox cannot run at all
        (no engine, no image, closed, or no runner free within ``open_timeout``)."""
        limits = limits or SessionLimits()
        self.start()
        deadline = time.monotonic() + self.open_timeout
        while True:
            runner = self._take(deadline)
            try:
                answer = runner.request({"session": "open", "limits": limits.runner_limits()}, 30.0)
            except RunnerFailure as exc:
                self._remove(runner, f"it failed to open a session: {exc}")
                if time.monotonic() >= deadline:
                    raise SandboxError(f"no sandbox runner could open a session: {exc}") from None
                continue
            if not answer.get("opened"):
                self._remove(runner, f"it refused to open a session: {answer.get('error')}")
                if time.monotonic() >= deadline:
                    raise SandboxError(f"no sandbox runner could open a session: {answer.get('error')}")
                continue
            session = Session(self, runner, limits)
            with self._cond:
                closed = self._closed
                if not closed:
                    self._sessions[runner] = weakref.ref(session)
                    self._cond.notify_all()  # the keeper tops the idle runners up
            if closed:  # closed while this session opened: close() did not see its runner
                session._runner = None
                runner.kill()
                raise SandboxError("this session pool is closed")
            return session

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def container_names(self) -> list[str]:
        """Names of every live runner (leased or idle)."""
        with self._cond:
            return sorted(r.name for r in self._live)

    @property
    def idle_runners(self) -> int:
        """Runners that are clean, with an interpreter started, waiting for a session."""
        with self._cond:
            return len(self._idle)

    @property
    def open_sessions(self) -> int:
        with self._cond:
            return len(self._sessions)

    def close(self) -> None:
        """Close every session (their next calls say so) and remove every runner."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            live = list(self._live)
            sessions = [ref() for ref in self._sessions.values()]
            self._idle.clear()
            self._live.clear()
            self._sessions.clear()
            self._cond.notify_all()
        for session in sessions:
            if session is not None:
                session._ended = session._ended or "the session pool was closed"
                session._runner = None
        self._recycler.shutdown(wait=False, cancel_futures=True)
        if live:
            self.backend.destroy(live)
        if self._keeper is not None:
            self._keeper.join(timeout=10)
        self.backend.finish()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ for Session
    def _call(self, runner: RunnerProcess, code: str, limits: SessionLimits) -> CallResult:
        job = {"session": "call", "code": code, "limits": {"timeout": limits.timeout, "max_output": limits.max_output}}
        try:
            answer = runner.request(job, limits.timeout + REQUEST_SLACK)
        except Exception as exc:  # noqa: BLE001 - RunnerFailure, or a runner torn down under this call
            if self._closed:
                return CallResult.not_run(CallStatus.CLOSED, "the session pool was closed")
            self._remove(runner, str(exc))
            return CallResult.not_run(CallStatus.SANDBOX_ERROR, f"the sandbox failed: {exc}")
        return CallResult.from_runner(answer)

    def _release(self, session: Session, runner: RunnerProcess) -> None:
        """A session is done with ``runner``: clean it and make it idle again (or remove it)."""
        with self._cond:
            if self._sessions.get(runner) is not None and self._sessions[runner]() not in (None, session):
                return  # not this session's runner (any more)
            self._sessions.pop(runner, None)
            if self._closed or runner not in self._live:
                return
        self._recycle_soon(runner)

    # ------------------------------------------------------------------ runners
    def _recycle_soon(self, runner: RunnerProcess) -> None:
        """Clean ``runner`` in the background: closing a session never waits for it."""
        try:
            self._recycler.submit(self._recycle, runner)
        except RuntimeError:  # the pool is closing: its runners are being removed anyway
            pass

    def _recycle(self, runner: RunnerProcess) -> None:
        """Close the runner's session (everything killed, scratch emptied) and start its next interpreter; then
        it is idle again, ready for :meth:`open_session` in one message."""
        try:
            answer = runner.request({"session": "close"}, 30.0)
            if answer.get("clean"):
                runner.request({"session": "prepare"}, 30.0)
        except RunnerFailure as exc:
            if not self._closed:
                self._remove(runner, f"it failed to close a session: {exc}")
            return
        if not answer.get("clean") or runner.served >= self.config.max_uses:
            self._remove(runner, "its scratch could not be emptied" if not answer.get("clean") else "")
            return
        with self._cond:
            if self._closed:
                return
            self._idle.append(runner)
            self._cond.notify_all()

    def _take(self, deadline: float) -> RunnerProcess:
        """An idle runner (started here when none is idle and there is room); waits until ``deadline``."""
        with self._cond:
            while True:
                if self._closed:
                    raise SandboxError("this session pool is closed")
                if self._idle:
                    return self._idle.pop()
                if len(self._live) + self._starting < self.max_sessions:
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise SandboxError(
                        f"no sandbox runner became free in {self.open_timeout:g}s ({self.max_sessions} sessions open)"
                    )
                self._cond.wait(min(remaining, 1.0))
        failure = self._grow(keep=False)
        if isinstance(failure, RunnerProcess):
            return failure
        with self._cond:
            if self._idle:
                return self._idle.pop()
        raise SandboxError(f"cannot start a sandbox runner: {failure}")

    def _grow(self, keep: bool = True) -> Exception | RunnerProcess | None:
        """Start one runner with its interpreter ready: idle (``keep``) or returned; an exception on failure."""
        with self._cond:
            if self._closed:
                return SandboxError("the session pool is closed")
            self._starting += 1
        runner = None
        try:
            runner = self._start_runner()
        except (OSError, RunnerFailure, SandboxError) as exc:
            return exc if isinstance(exc, SandboxError) else SandboxError(str(exc))
        finally:
            with self._cond:
                self._starting -= 1
                self._cond.notify_all()
        if not keep:
            return runner
        with self._cond:
            closed = self._closed
            if not closed:
                self._idle.append(runner)
                self._cond.notify_all()
        if closed:
            runner.kill()
            return SandboxError("the session pool is closed")
        return None

    def _start_runner(self) -> RunnerProcess:
        """Spawn a runner and start its first interpreter; direct I/O falls back to stdio if it cannot start."""
        try:
            return self._start_one(direct=self.direct_io)
        except (OSError, RunnerFailure, SandboxError) as exc:
            if not self.direct_io or self._closed:
                raise
            log.warning("sandbox sessions: direct FIFO I/O failed (%s); using docker's stdio from now on", exc)
            self.direct_io = False
            return self._start_one(direct=False)

    def _start_one(self, direct: bool) -> RunnerProcess:
        runner = fifo.spawn(self.backend) if direct else self.backend.spawn()  # type: ignore[arg-type]
        with self._cond:
            closed = self._closed
            if not closed:
                self._live.add(runner)
        if closed:  # closed while it started: close() did not see it
            runner.kill()
            raise SandboxError("the session pool is closed")
        try:
            runner.wait_ready(self.config.start_timeout)
            runner.request({"session": "prepare"}, 30.0)
        except (OSError, RunnerFailure) as exc:
            self._remove(runner, "")
            raise RunnerFailure(str(exc)) from None
        return runner

    def _remove(self, runner: RunnerProcess, why: str) -> None:
        with self._cond:
            self._live.discard(runner)
            self._sessions.pop(runner, None)
            if runner in self._idle:
                self._idle.remove(runner)
            if why:
                self.replaced += 1
            self._cond.notify_all()
        if why:
            log.warning("sandbox session runner %s removed: %s", runner.name, why)
        runner.kill()

    # ------------------------------------------------------------------ the keeper: warm runners, reaping
    def _keep(self) -> None:
        while not self._closed:
            self._reap()
            with self._cond:
                room = self.max_sessions - len(self._live) - self._starting
                need = min(self.warm - len(self._idle) - self._starting, room)
                if need <= 0:
                    self._cond.wait(1.0)
                    continue
            if self._grow() is not None:
                time.sleep(1.0)  # do not spin on an engine that refuses

    def _reap(self) -> None:
        while True:
            try:
                runner = self._abandoned.get_nowait()
            except queue.Empty:
                break
            self.reaped += 1
            self._release_dropped(runner)
        now = time.monotonic()
        with self._cond:
            stale = [
                s for s in (ref() for ref in self._sessions.values())
                if s is not None and not s.busy and now - s.last_used > s.limits.idle_timeout
            ]
        for session in stale:
            self.reaped += 1
            session.close("the session was idle for too long and was closed")

    def _release_dropped(self, runner: RunnerProcess) -> None:
        with self._cond:
            self._sessions.pop(runner, None)
            if self._closed or runner not in self._live:
                return
        self._recycle_soon(runner)


_shared_lock = threading.Lock()
_shared: dict[tuple[int, SandboxConfig], SessionPool] = {}


def shared_session_pool(config: SandboxConfig | None = None, **options: Any) -> SessionPool:
    """The started session pool for ``config`` in this process (keyed by pid: a fork never uses its parent's);
    ``options`` (``warm``, ``max_sessions``, ...) apply when it is created."""
    config = config or SandboxConfig()
    key = (os.getpid(), config)
    with _shared_lock:
        pool = _shared.get(key)
        if pool is None or pool.closed:
            pool = _shared[key] = SessionPool(config, **options)
    return pool.start()


def open_session(limits: SessionLimits | None = None, config: SandboxConfig | None = None) -> Session:
    """A session from this process's shared pool for ``config`` (default: Docker when an engine answers)."""
    return shared_session_pool(config).open_session(limits)
