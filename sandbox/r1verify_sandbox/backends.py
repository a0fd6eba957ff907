"""Where runners live: Docker containers (the isolation boundary) or plain local processes."""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import sys
import tempfile
import uuid
from collections.abc import Sequence

from . import docker
from .config import SandboxConfig
from .errors import DockerUnavailableError
from .image import runner as runner_module
from .languages import languages
from .worker import RunnerProcess

log = logging.getLogger("r1verify.sandbox")

CONTAINER_WORK = "/tmp/r1v"
NOBODY = 65534
FIRST_UID, UID_RANGE = 200_000, 800_000
"""Containers run as a random non-root uid in [200000, 1000000), which no file or process on the machine has."""
RUNNER_IN_IMAGE = "/opt/r1verify/runner.py"


def _preload() -> str:
    modules = {m for spec in languages().values() if spec.fork_python for m in spec.preload}
    return ",".join(sorted(modules))


class DockerBackend:
    """Each runner is PID 1 of its own locked-down container, started once with ``docker run -i``."""

    name = "docker"

    def __init__(self, config: SandboxConfig) -> None:
        from .image_build import default_tag

        self.config = config
        self.image = config.image or default_tag()
        self.pool_id = uuid.uuid4().hex[:8]
        self._count = 0

    def prepare(self) -> None:
        """Check the engine and the image, then remove containers left by dead processes."""
        docker.engine_version()
        docker.require_image(self.image)
        removed = docker.remove_leftovers()
        if removed:
            log.info("removed %d sandbox container(s) left by dead processes", len(removed))
        self._preload = _preload()

    def lockdown_flags(self, uid: int = NOBODY) -> list[str]:
        """The ``docker run`` flags that confine a container (no network, read-only, no capabilities, limits)."""
        c = self.config
        # fmt: off
        return [
            "--network", "none", "--read-only",
            "--tmpfs", f"/tmp:rw,exec,nosuid,nodev,size={c.tmpfs_mb}m,mode=1777", "--shm-size", "16m",
            "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--user", f"{uid}:{uid}",
            "--pids-limit", str(c.pids_limit), "--ulimit", "nofile=1024:1024",
            "--memory", f"{c.container_memory_mb}m", "--memory-swap", f"{c.container_memory_mb}m",
            "--cpus", f"{c.cpus:g}",
            "--log-driver", "none", "--hostname", "sandbox",
        ]
        # fmt: on

    def argv(self, name: str, uid: int = NOBODY) -> list[str]:
        """The full ``docker run -i`` command of one runner container."""
        # fmt: off
        return [
            docker.docker_binary(), "run", "-i", "--rm", "--name", name, *self.lockdown_flags(uid),
            "--label", f"{docker.LABEL}=1",
            "--label", f"{docker.OWNER_LABEL}={docker.owner_id()}",
            "--label", f"{docker.POOL_LABEL}={self.pool_id}",
            self.image,
            "python3", "-I", RUNNER_IN_IMAGE, "--work", CONTAINER_WORK, "--scrub", "/tmp", "--scrub", "/dev/shm",
            "--preload", self._preload,
        ]
        # fmt: on

    def spawn(self) -> RunnerProcess:
        self._count += 1
        name = f"r1v-sandbox-{self.pool_id}-{self._count}"
        # A uid of its own per container: RLIMIT_NPROC (counted per uid, machine-wide) then limits this container
        # only, and a fork bomb in one container cannot starve another's programs.
        uid = FIRST_UID + secrets.randbelow(UID_RANGE)
        return RunnerProcess(self.argv(name, uid), name=name, destroy=lambda r: docker.remove_containers([r.name]))

    def destroy(self, runners: Sequence[RunnerProcess]) -> None:
        """Remove these runners' containers with one ``docker rm -f``, then reap the CLI processes."""
        try:
            docker.remove_containers([r.name for r in runners])
        except DockerUnavailableError as exc:
            log.warning("could not remove sandbox containers: %s", exc)
        for runner in runners:
            runner.reap()

    def finish(self) -> None:
        pass


class LocalBackend:
    """Runners are plain processes on this host. Limits and deadlines apply; isolation does NOT (no security
    boundary: programs see this machine's files and network). For development and machines without Docker."""

    name = "local"

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self._root = ""

    def prepare(self) -> None:
        self._root = tempfile.mkdtemp(prefix="r1verify-sandbox-")
        self._preload = _preload()
        self._count = 0

    def spawn(self) -> RunnerProcess:
        self._count += 1
        work = os.path.join(self._root, f"runner{self._count}")
        argv = [sys.executable, "-I", runner_module.__file__, "--work", work, "--preload", self._preload]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": work}
        return RunnerProcess(argv, name=f"local-{self._count}", env=env, new_session=True)

    def destroy(self, runners: Sequence[RunnerProcess]) -> None:
        for runner in runners:
            runner.kill()

    def finish(self) -> None:
        if self._root:
            shutil.rmtree(self._root, ignore_errors=True)


def docker_answers() -> tuple[bool, str]:
    try:
        return True, docker.engine_version(timeout=10)
    except DockerUnavailableError as exc:
        return False, str(exc)


def make_backend(config: SandboxConfig) -> DockerBackend | LocalBackend:
    """The backend ``config.backend`` asks for; ``auto`` falls back to local with a one-line warning."""
    if config.backend == "local":
        return LocalBackend(config)
    if config.backend == "docker":
        return DockerBackend(config)
    ok, detail = docker_answers()
    if ok:
        return DockerBackend(config)
    log.warning(
        "r1verify-sandbox: no Docker engine answers, so programs run on this host WITHOUT isolation "
        "(backend='local'); start Docker, or set backend='docker' to make this an error (%s)",
        detail.split(";")[0],
    )
    return LocalBackend(config)
