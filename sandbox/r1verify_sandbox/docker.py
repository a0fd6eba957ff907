"""Talking to the Docker engine through the ``docker`` CLI: checks, labels, leftovers."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Sequence
from functools import cache

from .errors import DockerUnavailableError, ImageMissingError

LABEL = "r1verify.sandbox"
"""Every container the sandbox starts carries ``r1verify.sandbox=1``."""
OWNER_LABEL = "r1verify.owner"
"""``HOST/BOOT_ID/PID/START_TIME`` of the process that started the container."""
POOL_LABEL = "r1verify.pool"


def docker_binary() -> str:
    """The docker CLI: ``R1VERIFY_DOCKER`` if set, else ``docker`` on PATH (``DOCKER_HOST`` etc. apply)."""
    return os.environ.get("R1VERIFY_DOCKER", "docker")


def docker(args: Sequence[str], *, timeout: float = 60.0, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``docker ARGS``; with ``check`` a failure raises :class:`DockerUnavailableError` with its stderr."""
    binary = docker_binary()
    if shutil.which(binary) is None:
        raise DockerUnavailableError(
            f"the docker CLI ({binary!r}) is not on PATH; install Docker, or use the local backend "
            f"(backend='local', no isolation)"
        )
    try:
        proc = subprocess.run([binary, *args], capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise DockerUnavailableError(f"`docker {' '.join(args[:2])}` did not answer in {timeout:g}s") from None
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise DockerUnavailableError(
            f"`docker {' '.join(args[:2])}` failed: {detail[-1] if detail else proc.returncode}"
        )
    return proc


def engine_version(timeout: float = 15.0) -> str:
    """The engine's version; raises :class:`DockerUnavailableError` (saying how to fix it) when none answers."""
    try:
        return docker(["version", "--format", "{{.Server.Version}}"], timeout=timeout).stdout.strip()
    except DockerUnavailableError as exc:
        raise DockerUnavailableError(
            f"no Docker engine answers ({exc}). Start one (e.g. `sudo systemctl start docker`; without systemd: "
            f"`dockerd --bridge=none --iptables=false &`) or use the local backend (backend='local', no isolation)"
        ) from None


def image_exists(tag: str) -> bool:
    return docker(["image", "inspect", "--format", "{{.Id}}", tag], check=False).returncode == 0


def require_image(tag: str) -> None:
    """Raise :class:`ImageMissingError` naming the build command when ``tag`` is not on the engine."""
    if not image_exists(tag):
        raise ImageMissingError(
            f"the sandbox image {tag} is not on this Docker engine; build it with `r1verify sandbox build` "
            f"(or `r1verify sandbox build --offline` where no registry is reachable)"
        )


@cache
def _boot_id() -> str:
    try:
        with open("/proc/sys/kernel/random/boot_id") as fh:
            return fh.read().strip()[:8]
    except OSError:
        return "-"


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (tells a live owner from a reused pid)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def owner_id(pid: int | None = None) -> str:
    """This process as a container owner: ``HOST/BOOT_ID/PID/START_TIME``."""
    pid = os.getpid() if pid is None else pid
    return f"{socket.gethostname()}/{_boot_id()}/{pid}/{_start_time(pid) or '-'}"


def owner_is_dead(owner: str) -> bool:
    """True when ``owner`` is a process of this machine (same host and boot) that no longer runs."""
    try:
        host, boot, pid, started = owner.split("/")
    except ValueError:
        return False
    if host != socket.gethostname() or boot != _boot_id():
        return False  # another machine's (or another boot's) container: not ours to judge
    return _start_time(int(pid)) != started


def labelled_containers() -> list[tuple[str, str]]:
    """(name, owner) of every container carrying the sandbox label, running or not."""
    proc = docker(
        ["ps", "-a", "--filter", f"label={LABEL}", "--format", f'{{{{.Names}}}}\t{{{{.Label "{OWNER_LABEL}"}}}}']
    )
    rows = []
    for line in proc.stdout.splitlines():
        name, _, owner = line.partition("\t")
        if name:
            rows.append((name, owner))
    return rows


def remove_containers(names: Sequence[str]) -> None:
    """``docker rm -f`` these containers (missing ones are fine)."""
    if names:
        docker(["rm", "-f", "--volumes", *names], check=False, timeout=120)


def remove_leftovers() -> list[str]:
    """Remove sandbox containers whose owner process on this machine has died; returns their names."""
    dead = [name for name, owner in labelled_containers() if owner_is_dead(owner)]
    remove_containers(dead)
    return dead
