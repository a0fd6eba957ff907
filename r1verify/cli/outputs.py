"""Output files that never destroy an input and never leave a torn target.

Every command that writes a file goes through :class:`OutputFile`:

- the target is checked when it is opened, which commands do before any work starts: not an input of the run,
  not another of its outputs, not a folder, and its folder writable (the temporary file is created there at
  once, so a read-only folder or file system is found now, not after an hour of verification);
- rows go to a temporary file beside the target (``.NAME.PID-N.r1verify-tmp``), renamed onto the target when the
  command ends — normally, at a bad row (the rows before it are kept), or on Ctrl-C (what was written is kept,
  and ``verify --resume`` continues from it). A run that fails before writing a row (a bad first row, a setup
  failure: :meth:`discard` by the command), or a process killed with SIGKILL, leaves the target as it was.
- a write that fails (a full disk, ``/dev/full``) raises :class:`OutputError` naming the path and the fix, and the
  temporary file is removed.

Targets that are not regular files (``/dev/stdout``, a FIFO) are written in place.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO

import click

from .app import EXIT_BAD_INPUT


class OutputError(click.ClickException):
    """An output that cannot be written; the CLI prints ``error: MESSAGE`` and exits 2."""

    exit_code = EXIT_BAD_INPUT

    def show(self, file: IO[str] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True, file=file)


Outputs = Mapping[str, str | Path | None]
"""The outputs of one run by option (``{"--out": ..., "--summary-json": ...}``); ``None``: not given."""


def check_target(path: Path, option: str, inputs: Iterable[str | Path] = (), others: Outputs | None = None) -> None:
    """Refuse an output path that is an input of the run, another output of it (``others``, by option) or a
    folder; :class:`OutputError` says why."""
    if path.is_dir():
        raise OutputError(f"{option} {path} is a folder; give a file path, e.g. {path / 'out.jsonl'}")
    folder = next(p for p in path.parents if p.exists())
    if not folder.is_dir():
        raise OutputError(f"{option} {path}: {folder} is a file, not a folder; choose another path")
    for source in inputs:
        if str(source) in ("", "-"):
            continue
        if _same_file(path, Path(source)):
            suggestion = path.with_name(path.stem + ".out" + path.suffix)
            raise OutputError(
                f"{option} {path} is the input file {source}; writing it would destroy the input. "
                f"Choose another path, e.g. {option} {suggestion}"
            )
    for other_option, other in (others or {}).items():
        if other_option == option or str(other or "") in ("", "-"):
            continue
        if _same_file(path, Path(other)):  # type: ignore[arg-type]
            example = path.with_name(f"{path.stem}.{option.lstrip('-')}{path.suffix}")
            raise OutputError(
                f"{option} {path} is also {other_option}; give each output its own path, e.g. {option} {example}"
            )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): compare where they would be
        return a.resolve() == b.resolve()


class OutputFile:
    """A text file written beside ``path`` and renamed onto it by :meth:`commit` (see the module docstring).

    ``option`` names the CLI option in messages (``--out``); ``inputs`` are the run's input files and ``others``
    its other outputs, which the target must not be; the first ``keep_bytes`` of the existing target are copied
    first (the rows a resumed run keeps).
    """

    def __init__(
        self,
        path: Path,
        option: str = "--out",
        inputs: Iterable[str | Path] = (),
        keep_bytes: int = 0,
        others: Outputs | None = None,
    ) -> None:
        check_target(path, option, inputs, others)
        self.path = path
        self.option = option
        self.written = False
        self.lines = 0
        """Lines written by this run (kept lines not counted)."""
        self._in_place = path.exists() and not path.is_file()
        unique = f"{os.getpid()}-{next(_opened)}"  # two outputs of one process never share a temporary file
        self._tmp = path if self._in_place else path.with_name(f".{path.name}.{unique}.r1verify-tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            keep = keep_bytes > 0 and not self._in_place
            if keep:
                _copy_head(path, self._tmp, keep_bytes)
            self._fh: IO[str] = self._tmp.open("a" if self._in_place or keep else "w", encoding="utf-8")
        except OSError as exc:
            raise self._error(exc, "before any work started") from None

    def write(self, text: str) -> None:
        self.written = True
        self.lines += text.count("\n")
        try:
            self._fh.write(text)
        except OSError as exc:
            self.discard()
            raise self._error(exc, "nothing was written") from None

    def commit(self) -> None:
        """Flush, and put the file in place of the target."""
        if self._fh.closed:
            return
        try:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            if not self._in_place:
                os.replace(self._tmp, self.path)
        except OSError as exc:
            self.discard()
            raise self._error(exc, "nothing was written") from None

    def keep(self) -> None:
        """Put the file in place when the command ends, even if nothing was written to it (the run did other
        work: an empty output then says so, instead of an earlier run's file)."""
        self.written = True

    def discard(self) -> None:
        """Drop what was written (the target stays as it was)."""
        try:
            self._fh.close()
        except OSError:
            pass
        if not self._in_place:
            self._tmp.unlink(missing_ok=True)

    def _error(self, exc: OSError, outcome: str) -> OutputError:
        reason = exc.strerror or str(exc)
        return OutputError(
            f"cannot write {self.option} {self.path}: {reason} ({outcome}); "
            "choose a path in a writable folder with free space, or fix the folder's permissions"
        )

    def __enter__(self) -> OutputFile:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is None or (self.written and not isinstance(exc, OutputError)):
            self.commit()  # a normal end, or a bad row / Ctrl-C after some rows: what was written is kept
        else:
            self.discard()  # nothing was written (a bad option, the first row bad): the target stays as it was


_opened = itertools.count()


def _copy_head(path: Path, to: Path, size: int) -> None:
    """The first ``size`` bytes of ``path`` into a new file ``to``."""
    with path.open("rb") as src, to.open("wb") as dst:
        while size > 0 and (block := src.read(min(size, 1 << 20))):
            dst.write(block)
            size -= len(block)


def probe_target(path: Path, option: str, inputs: Iterable[str | Path] = (), others: Outputs | None = None) -> None:
    """Check now that a file written at the end of the run (a summary) can be written there."""
    OutputFile(path, option, inputs, others=others).discard()


def write_text_output(path: Path, text: str, option: str, inputs: Iterable[str | Path] = ()) -> None:
    """Write a whole small file (a summary, a report) through :class:`OutputFile`."""
    with OutputFile(path, option, inputs) as out:
        out.write(text)
