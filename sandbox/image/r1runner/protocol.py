"""The runner's protocol: framed JSON messages (4-byte big-endian length + UTF-8 JSON) and the job's file bytes."""

from __future__ import annotations

import json
import os
import struct

PROTOCOL = 2
HEADER = struct.Struct(">I")
MAX_FRAME = 512 * 1024 * 1024


def write_frame(fd: int, message: dict) -> None:
    """Write one framed JSON message to ``fd``."""
    data = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    view = memoryview(HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def read_exact(fd: int, n: int) -> bytes | None:
    """Read exactly ``n`` bytes from ``fd``; ``None`` at end of file."""
    chunks, got = [], 0
    while got < n:
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def read_frame(fd: int) -> dict | None:
    """Read one framed JSON message from ``fd``; ``None`` at end of file."""
    header = read_exact(fd, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    if size > MAX_FRAME:
        raise ValueError(f"frame of {size} bytes exceeds {MAX_FRAME}")
    data = read_exact(fd, size)
    if data is None:
        return None
    return json.loads(data.decode("utf-8"))


def read_files(fd: int, sizes: dict) -> list | None:
    """The files that follow a job: ``[(name, bytearray)]`` (zero them after use); ``None`` at end of file."""
    found = []
    for name, size in sizes.items():
        if not 0 <= int(size) <= MAX_FRAME:
            raise ValueError(f"file {name!r} of {size} bytes")
        buffer = bytearray(int(size))
        view, got = memoryview(buffer), 0
        while got < len(buffer):
            n = os.readv(fd, [view[got:]])
            if n == 0:
                return None
            got += n
        found.append((str(name), buffer))
    return found


def zero(files: list) -> None:
    """Overwrite the files' buffers with zeros (before anything is forked, and after every job)."""
    for _name, buffer in files:
        buffer[:] = bytes(len(buffer))
