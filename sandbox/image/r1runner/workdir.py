"""The work directory: the job's files written into it, and everything a program left removed (``scrub``)."""

from __future__ import annotations

import os
import shutil


def write_text(path: str, text: str) -> None:
    """Write ``text`` to ``path`` as UTF-8, byte for byte (surrogates kept, no newline translation)."""
    with open(path, "w", encoding="utf-8", errors="surrogatepass", newline="") as fh:
        fh.write(text)


def inside(build: str, name: str) -> str:
    """The path of the job's file ``name`` in ``build`` (its folders made); relative names inside ``build`` only."""
    if os.path.isabs(name) or ".." in name.split("/"):
        raise ValueError(f"file name {name!r} must be relative and stay inside the work directory")
    path = os.path.join(build, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def write_file(path: str, buffer: bytearray) -> None:
    """Create ``path`` (it must not exist) with the bytes of ``buffer``, readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        view = memoryview(buffer)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def remove(path: str) -> bool:
    """Delete ``path`` whatever the program did to its permissions; True when it is gone."""

    def make_writable(_func, failed, _exc):
        try:
            os.chmod(os.path.dirname(failed), 0o700)
            os.chmod(failed, 0o700)
        except OSError:
            pass
        if os.path.isdir(failed) and not os.path.islink(failed):
            shutil.rmtree(failed, ignore_errors=True)
        else:
            try:
                os.unlink(failed)
            except OSError:
                pass

    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, onerror=make_writable)
    elif os.path.lexists(path):
        os.unlink(path)
    return not os.path.lexists(path)


def scrub(dirs: list) -> bool:
    """Empty every scratch directory; True when all of them are empty afterwards."""
    clean = True
    for directory in dirs:
        try:
            entries = os.listdir(directory)
        except OSError:
            continue
        for name in entries:
            try:
                clean = remove(os.path.join(directory, name)) and clean
            except OSError:
                clean = False
    return clean
