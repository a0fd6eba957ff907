"""One runner process behind pipes: a ``docker run -i`` container or a local process, speaking framed JSON."""

from __future__ import annotations

import json
import os
import select
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from typing import Any

from .image.r1runner.protocol import HEADER, MAX_FRAME, PROTOCOL


class RunnerFailure(Exception):
    """The runner died, broke the protocol or missed its deadline; it must be replaced."""


class RunnerProcess:
    """A started runner. ``request`` sends one job and waits for its result until a deadline.

    ``destroy`` is how this runner is killed for good (for Docker: ``docker rm -f`` of its container).
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        name: str,
        env: dict[str, str] | None = None,
        destroy: Callable[[RunnerProcess], None] | None = None,
        new_session: bool = False,
    ) -> None:
        self.name = name
        self.served = 0
        self._destroy = destroy
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the runner; closed by reap()
        self.proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            bufsize=0,
            start_new_session=new_session,
        )
        self._in = self.proc.stdin.fileno()  # type: ignore[union-attr]
        self._out = self.proc.stdout.fileno()  # type: ignore[union-attr]
        self.hello: dict[str, Any] = {}

    # ------------------------------------------------------------------ protocol
    def wait_ready(self, timeout: float) -> dict[str, Any]:
        """Wait for the runner's hello; raises :class:`RunnerFailure` with its stderr if it does not come."""
        hello = self._read(time.monotonic() + timeout)
        if not hello.get("ready") or hello.get("protocol") != PROTOCOL:
            raise RunnerFailure(f"unexpected hello from the runner: {hello!r}")
        self.hello = hello
        return hello

    def request(self, job: dict[str, Any], timeout: float, payload: bytes = b"") -> dict[str, Any]:
        """Send ``job`` and its files' bytes; return the runner's answer or raise :class:`RunnerFailure` after
        ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        data = json.dumps(job, separators=(",", ":")).encode("ascii")  # \u escapes carry even lone surrogates
        self._write(HEADER.pack(len(data)) + data + payload, deadline)
        answer = self._read(deadline)
        self.served += 1
        return answer

    def _write(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            self._wait(self._in, deadline, writable=True)
            try:
                view = view[os.write(self._in, view[: 1 << 20]) :]
            except (BrokenPipeError, OSError) as exc:
                raise RunnerFailure(self._died(f"the runner stopped reading ({exc})")) from None

    def _read(self, deadline: float) -> dict[str, Any]:
        (size,) = HEADER.unpack(self._read_exact(HEADER.size, deadline))
        if size > MAX_FRAME:
            raise RunnerFailure(f"the runner sent a frame of {size} bytes")
        try:
            return json.loads(self._read_exact(size, deadline).decode("utf-8"))
        except ValueError as exc:
            raise RunnerFailure(f"the runner sent malformed JSON: {exc}") from None

    def _read_exact(self, n: int, deadline: float) -> bytes:
        chunks, got = [], 0
        while got < n:
            self._wait(self._out, deadline)
            chunk = os.read(self._out, min(n - got, 1 << 20))
            if not chunk:
                raise RunnerFailure(self._died("the runner exited"))
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def _wait(self, fd: int, deadline: float, writable: bool = False) -> None:
        remaining = deadline - time.monotonic()
        if remaining > 0:
            ready = select.select([], [fd], [], remaining) if writable else select.select([fd], [], [], remaining)
            if ready[1 if writable else 0]:
                return
        raise RunnerFailure("the runner did not answer before its deadline")

    def _died(self, what: str) -> str:
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        detail = self.stderr_text().strip()
        return f"{what} (exit status {code})" + (f": {detail[-800:]}" if detail else "")

    def stderr_text(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    # ------------------------------------------------------------------ lifecycle
    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def retire(self) -> None:
        """Close its stdin: the runner finishes, exits, and (Docker ``--rm``) its container goes away."""
        try:
            self.proc.stdin.close()  # type: ignore[union-attr]
        except OSError:
            pass

    def kill(self) -> None:
        """Kill it now (and its container)."""
        if self._destroy is not None:
            self._destroy(self)
        if self.proc.poll() is None:
            self.proc.kill()
        self.reap()

    def reap(self, timeout: float = 10.0) -> None:
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()  # type: ignore[union-attr]
            except OSError:
                pass
        self._stderr.close()
