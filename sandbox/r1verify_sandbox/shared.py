"""One pool per configuration per process, shared by every verifier that asks for it."""

from __future__ import annotations

import os
import threading

from .config import SandboxConfig
from .pool import SandboxPool

_lock = threading.Lock()
_shared: dict[tuple[int, SandboxConfig], SandboxPool] = {}


def shared_pool(config: SandboxConfig) -> SandboxPool:
    """The started pool for ``config`` in this process (started on first use; closed at exit).

    Keyed by process id too: a forked child never uses its parent's runners.
    """
    key = (os.getpid(), config)
    with _lock:
        pool = _shared.get(key)
        if pool is None or pool.closed:
            pool = _shared[key] = SandboxPool(config)
    return pool.start()


def close_shared() -> None:
    """Close every shared pool of this process."""
    with _lock:
        pools = [p for (pid, _), p in _shared.items() if pid == os.getpid()]
        _shared.clear()
    for pool in pools:
        pool.close()
