"""How r1verify starts worker processes: from a fork server, without re-running the caller's script.

A fork server (not plain fork) because trainers call us from processes with CUDA contexts and many threads,
where fork is unsafe; and not plain spawn, whose workers would re-import torch or sympy on every replacement.

Standard multiprocessing makes every new process import the parent's ``__main__`` (a training script that
imports TRL costs ~4 s per worker, and an unguarded script would re-run). r1verify's workers only need the
verifier classes, which live in importable modules, so they are started without the main module. A verifier
class defined in ``__main__`` therefore cannot be loaded by a worker: its calls get an ``error`` verdict that
says to move it into a module.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.forkserver
import multiprocessing.resource_tracker
import multiprocessing.spawn
import os
import signal
import threading
from collections.abc import Sequence
from multiprocessing import popen_forkserver
from multiprocessing.context import ForkServerContext, ForkServerProcess
from typing import Any

logger = logging.getLogger("r1verify")

_MAIN_KEYS = ("init_main_from_path", "init_main_from_name")
_launch_lock = threading.Lock()
_preload_lock = threading.Lock()


class _PopenWithoutMain(popen_forkserver.Popen):
    def _launch(self, process_obj: Any) -> None:
        # popen_forkserver reads spawn.get_preparation_data at call time; wrap it for this launch only.
        with _launch_lock:
            original = multiprocessing.spawn.get_preparation_data

            def without_main(name: str) -> dict[str, Any]:
                data = original(name)
                for key in _MAIN_KEYS:
                    data.pop(key, None)
                return data

            multiprocessing.spawn.get_preparation_data = without_main
            try:
                super()._launch(process_obj)
            finally:
                multiprocessing.spawn.get_preparation_data = original


class _ProcessWithoutMain(ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        return _PopenWithoutMain(process_obj)


class WorkerContext(ForkServerContext):
    """The fork-server context whose processes do not import the parent's ``__main__``."""

    Process = _ProcessWithoutMain


_context = WorkerContext()


def allow_worker_processes() -> None:
    """Let a daemonic process start the engine's workers (called before any worker process starts).

    Trainers score in daemonic children (TRL's ``AsyncGRPOTrainer`` starts its rollout worker with
    ``daemon=True``), and multiprocessing refuses children to daemonic processes ("daemonic processes are not
    allowed to have children"): every batch would fail. The flag only guards that refusal here; the workers watch
    their parent and exit with it, the engine stops them at the child's exit
    (:func:`r1verify.engine._close_at_child_exit`), and the trainer still ends the daemonic child itself.
    """
    current = multiprocessing.current_process()
    if current.daemon:
        current._config["daemon"] = False  # type: ignore[attr-defined]
        logger.info("r1verify: starting verifier workers from daemonic process %s (%s)", current.name, os.getpid())


def worker_context(preload: Sequence[str] = ()) -> WorkerContext:
    """The worker context; the first caller's modules are preloaded in the fork server so workers start warm.

    Called before worker processes start: a daemonic caller is allowed to start them (:func:`allow_worker_processes`).
    """
    allow_worker_processes()
    with _preload_lock:
        if multiprocessing.forkserver._forkserver._forkserver_pid is None:  # type: ignore[attr-defined]
            _context.set_forkserver_preload(["r1verify.forkserver_quiet", "r1verify.worker", *preload])
            # started with Ctrl-C blocked (as multiprocessing starts its resource tracker): a Ctrl-C before the
            # fork server has imported r1verify.forkserver_quiet waits for it, which ignores it and unblocks
            # (the tracker first: starting it unblocks SIGINT again)
            multiprocessing.resource_tracker.ensure_running()
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                multiprocessing.forkserver.ensure_running()
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    return _context


def describe_exit(exc: BaseException) -> str:
    """'killed by SIGSEGV', 'exit code 3', ... for a pebble ProcessExpired."""
    code = getattr(exc, "exitcode", None)
    if isinstance(code, int) and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}" if code is not None else str(exc)


def shut_down(pool: Any, grace: float = 2.0) -> None:
    """Stop a pebble pool: let idle workers exit cleanly (no leaked semaphores), kill whatever is still busy."""
    pool.close()
    try:
        pool.join(timeout=grace)
    except TimeoutError:
        pool.stop()
        pool.join(timeout=10)
