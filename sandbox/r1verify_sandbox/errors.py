"""Infrastructure errors: the sandbox cannot run at all. (A program's own failure is a result, not an error.)"""

from __future__ import annotations


class SandboxError(RuntimeError):
    """The sandbox cannot run programs; the message says how to fix it."""

    def __str__(self) -> str:
        return self.args[0]


class DockerUnavailableError(SandboxError):
    """No Docker engine answers."""

    setup_error = True
    """Every sample would fail the same way: a run stops on it (r1verify.guard) instead of training on zeros."""


class ImageMissingError(SandboxError):
    """The sandbox image is not built on this engine."""

    setup_error = True
