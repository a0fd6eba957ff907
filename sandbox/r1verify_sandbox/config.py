"""Sandbox configuration: which backend, how many warm runners, container limits."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

Backend = Literal["auto", "docker", "local"]


def cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class SandboxConfig:
    """How to run programs. Per-run limits (time, memory, output) belong to each :class:`~.Program`."""

    backend: Backend = "docker"
    """``docker`` (isolated; the default: with no engine, starting the pool raises
    :class:`~.DockerUnavailableError`, a setup error), ``local`` (the same runner on this host: NOT a security
    boundary), or ``auto``: Docker when an engine answers, else local with a one-line warning. Programs run
    unsandboxed only when ``local`` or ``auto`` is asked for."""
    workers: int = 0
    """Warm runners (containers) in the pool; 0 means one per CPU."""
    image: str = ""
    """The sandbox image; empty means the tag ``r1verify sandbox build`` builds for this version."""
    container_memory_mb: int = 2048
    """Memory (and memory+swap) limit of each container; it must hold a compile step plus the tmpfs in use."""
    cpus: float = 1.0
    """CPUs each container may use."""
    pids_limit: int = 256
    """Processes and threads per container."""
    tmpfs_mb: int = 512
    """Size of each container's /tmp, where work directories live."""
    max_uses: int = 1000
    """A runner that has served this many programs is replaced by a fresh one."""
    start_timeout: float = 120.0
    """Seconds a new runner may take to report ready."""

    def __post_init__(self) -> None:
        if self.backend not in ("auto", "docker", "local"):
            raise ValueError(f"backend must be auto, docker or local, not {self.backend!r}")
        if self.workers < 0 or self.max_uses < 1 or self.cpus <= 0:
            raise ValueError("workers must be >= 0, max_uses >= 1 and cpus > 0")

    @property
    def size(self) -> int:
        return self.workers or cpu_count()
