"""Direct pipes to a Docker runner: the protocol on two FIFOs bind-mounted into the container, not on the
``docker run -i`` stdio that the docker CLI, dockerd and containerd-shim relay (three extra process hops per
message, most of a short call's cost). Used by the session pool (many small calls); the code sandbox keeps stdio.

The host makes a private directory with the FIFOs ``in`` and ``out``, mounts it read-only at ``/r1v-io`` and
starts the runner with ``--io /r1v-io``. Once the runner has opened both and said hello, the host deletes the
FIFOs and the directory: no process in the container can open them after that (the runner is non-dumpable, so
its descriptors cannot be reached through ``/proc`` either). The ``docker run -i`` process still owns the
container's lifetime (``--rm``, ``docker rm -f`` on kill) exactly as for stdio runners.

Only for a local engine: with ``DOCKER_HOST`` pointing at another machine a host path cannot be mounted, and
:func:`available` is false.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import tempfile
import time
from typing import Any

from . import docker
from .backends import FIRST_UID, UID_RANGE, DockerBackend
from .worker import RunnerFailure, RunnerProcess

MOUNT = "/r1v-io"


def available() -> bool:
    """Whether the engine is on this machine (``DOCKER_HOST`` unset or a unix socket)."""
    host = os.environ.get("DOCKER_HOST", "")
    return not host or host.startswith("unix://")


class DirectRunner(RunnerProcess):
    """A Docker runner whose protocol goes through FIFOs (see the module's docstring)."""

    def __init__(self, argv: list[str], *, name: str, io_dir: str, destroy: Any) -> None:
        super().__init__(argv, name=name, destroy=destroy)
        self._dir = io_dir
        # The runner's ends: it reads "in" and writes "out". "in" is opened read-write here so that neither side
        # blocks on open; "out" non-blocking, so that no open waits for the runner (reads wait in select).
        self._in = os.open(os.path.join(io_dir, "in"), os.O_RDWR | os.O_CLOEXEC)
        self._out = os.open(os.path.join(io_dir, "out"), os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        os.set_blocking(self._out, True)  # reads wait in select; no writer yet is not end of file (Linux)

    def wait_ready(self, timeout: float) -> dict[str, Any]:
        """Wait for the hello on the FIFO (failing early when the container exits), then delete the FIFOs."""
        deadline = time.monotonic() + timeout
        try:
            while not select.select([self._out], [], [], 0.2)[0]:
                if self.proc.poll() is not None:
                    raise RunnerFailure(self._died("the runner's container exited before it said hello"))
                if time.monotonic() > deadline:
                    raise RunnerFailure("the runner did not say hello before its deadline")
            return super().wait_ready(max(0.1, deadline - time.monotonic()))
        finally:
            self._forget_dir()

    def retire(self) -> None:
        """Close the runner's input: it reads end of file, exits, and ``--rm`` removes its container."""
        with contextlib.suppress(OSError):
            os.close(self._in)
        super().retire()

    def reap(self, timeout: float = 10.0) -> None:
        super().reap(timeout)
        for fd in (self._in, self._out):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._forget_dir()

    def _forget_dir(self) -> None:
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = ""


def spawn(backend: DockerBackend) -> DirectRunner:
    """Start one runner container of ``backend`` with its protocol on FIFOs."""
    import secrets

    backend._count += 1
    name = f"r1v-sandbox-{backend.pool_id}-{backend._count}"
    uid = FIRST_UID + secrets.randbelow(UID_RANGE)
    io_dir = tempfile.mkdtemp(prefix="r1verify-io-")
    try:
        os.chmod(io_dir, 0o755)
        for fifo in ("in", "out"):
            path = os.path.join(io_dir, fifo)
            os.mkfifo(path, 0o600)
            with contextlib.suppress(OSError):
                os.chown(path, uid, uid)  # as root: only the container's uid may open them
            if os.stat(path).st_uid != uid:  # not root: the directory's random name is the only protection
                os.chmod(path, 0o666)
        argv = backend.argv(name, uid)
        image = argv.index(backend.image)
        argv[image:image] = ["--volume", f"{io_dir}:{MOUNT}:ro"]
        argv += ["--io", MOUNT]
        return DirectRunner(argv, name=name, io_dir=io_dir, destroy=lambda r: docker.remove_containers([r.name]))
    except BaseException:
        shutil.rmtree(io_dir, ignore_errors=True)
        raise
