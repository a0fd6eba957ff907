"""What to run: a program, its language, its inputs and its limits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .languages import LanguageSpec, get_language


@dataclass(frozen=True)
class Limits:
    """Per-run limits, enforced inside the sandbox for every run (and the compile step where it says so)."""

    timeout: float = 5.0
    """Wall seconds per run; past it the run's whole process group is killed (CPU time is capped at it too)."""
    memory_mb: int = 512
    """Address-space limit per run, in MiB."""
    max_output: int = 4 * 1024 * 1024
    """Bytes of stdout, and of stderr, a run may write before it is killed (``output_limit``)."""
    max_file_mb: int = 64
    """Largest file a run may write, in MiB (the work area is a size-limited tmpfs as well)."""
    max_procs: int = 64
    """Processes and threads a run may have (Docker backend; the container's pids limit applies as well)."""
    compile_timeout: float = 30.0
    """Wall seconds for the compile step."""
    compile_memory_mb: int = 2048
    """Address-space limit of the compile step, in MiB."""
    total_timeout: float | None = None
    """Wall seconds for all runs of one program together (``None``: no budget). Each run's deadline is cut to
    what is left; inputs not started when it is spent are reported as ``timeout`` without running."""

    def __post_init__(self) -> None:
        if (
            self.timeout <= 0
            or self.compile_timeout <= 0
            or (self.total_timeout is not None and self.total_timeout <= 0)
        ):
            raise ValueError("timeouts must be positive")
        if self.memory_mb <= 0 or self.compile_memory_mb <= 0 or self.max_output <= 0:
            raise ValueError("memory and output limits must be positive")


@dataclass(frozen=True)
class Program:
    """A source file to compile once and run once per input.

    ``files`` are extra files placed next to the source (e.g. test data); ``stop_on_failure`` stops at the
    first run that does not end ``ok``. ``trusted_source``: the source is the caller's own code, not a model's
    (a test harness); a runner running it in a fork of its Python compiles it once and reuses the compiled code.

    The runner keeps no copy of any file's bytes (it reads them into a buffer that it zeroes once the file is
    written), so no program it forks later finds another program's files, or its own, in its memory: a test
    harness that reads and deletes its test file before it runs untrusted code keeps the tests from that code.
    """

    source: str
    language: str = "python"
    inputs: Sequence[str] = ("",)
    files: Mapping[str, str] = field(default_factory=dict)
    limits: Limits = Limits()
    stop_on_failure: bool = False
    trusted_source: bool = False

    def _files(self, spec: LanguageSpec) -> dict[str, bytes]:
        files = {name: text.encode("utf-8", "surrogatepass") for name, text in self.files.items()}
        files[spec.source_file] = self.source.encode("utf-8", "surrogatepass")
        return files

    def payload(self, spec: LanguageSpec | None = None) -> bytes:
        """The files' bytes, sent right after the job message, in the order of ``job()["files"]``."""
        return b"".join(self._files(spec or get_language(self.language)).values())

    def job(self, spec: LanguageSpec | None = None) -> dict[str, Any]:
        """The runner's job message for this program (``files`` maps each name to its size in bytes)."""
        spec = spec or get_language(self.language)
        limits = self.limits
        return {
            "files": {name: len(data) for name, data in self._files(spec).items()},
            "compile": None
            if spec.compile is None
            else {
                "argv": list(spec.compile),
                "timeout": limits.compile_timeout,
                "memory_mb": limits.compile_memory_mb + spec.runtime_overhead_mb,
                "source": spec.source_file,
            },
            "run": {
                "argv": list(spec.run),
                "python": spec.source_file if spec.fork_python else None,
                "trusted": self.trusted_source,
            },
            "inputs": list(self.inputs) or [""],
            "limits": {
                "timeout": limits.timeout,
                "memory_mb": limits.memory_mb + spec.runtime_overhead_mb,
                "max_output": limits.max_output,
                "max_file_mb": limits.max_file_mb,
                "max_procs": limits.max_procs,
                "total_timeout": limits.total_timeout,
            },
            "stop_on_failure": self.stop_on_failure,
        }

    def deadline(self, spec: LanguageSpec | None = None) -> float:
        """Seconds the host waits for this program's answer before it gives up on the runner."""
        spec = spec or get_language(self.language)
        limits = self.limits
        compile_time = limits.compile_timeout if spec.compile else 0.0
        runs = max(1, len(self.inputs))
        run_time = runs * (limits.timeout + 0.5)
        if limits.total_timeout is not None:
            run_time = min(run_time, limits.total_timeout + 2.0 + 0.05 * runs)
        return compile_time + run_time + 10.0
