"""The harness's wire between its two processes: length-prefixed JSON messages, with a deadline."""

import json
import os
import select
import time

MAX_MESSAGE = 64 << 20
"""Bytes of one message from the solution process; a larger one breaks the protocol."""


class _Timeout(Exception):
    pass


def send(fd, message, deadline=None):
    """Write one length-prefixed JSON message; with a deadline, ``fd`` is non-blocking."""
    data = json.dumps(message, separators=(",", ":")).encode("utf-8")
    view = memoryview(len(data).to_bytes(4, "big") + data)
    while view:
        if deadline is not None:
            _wait(fd, select.POLLOUT, deadline)
        try:
            view = view[os.write(fd, view) :]
        except BlockingIOError:
            continue


def receive(fd, deadline=None):
    """The next message's bytes; ``None`` at end of file."""
    header = _read(fd, 4, deadline)
    if header is None:
        return None
    size = int.from_bytes(header, "big")
    if size > MAX_MESSAGE:
        raise ValueError(f"a message of {size} bytes")
    data = _read(fd, size, deadline)
    if data is None:
        raise EOFError("the message was cut short")
    return data


def _read(fd, n, deadline):
    chunks, got = [], 0
    while got < n:
        if deadline is not None:
            _wait(fd, select.POLLIN, deadline)
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            if got:
                raise EOFError("the message was cut short")
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _wait(fd, event, deadline):
    poller = select.poll()
    poller.register(fd, event)
    remaining = deadline - time.monotonic()
    if remaining <= 0 or not poller.poll(remaining * 1000):
        raise _Timeout
