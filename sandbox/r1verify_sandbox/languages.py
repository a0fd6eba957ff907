"""Programming languages as data: how to compile and run a source file. Plugins add more."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LanguageSpec:
    """How the sandbox compiles and runs one language.

    - ``name``: what samples and options call it (``"python"``, ``"cpp"``); ``aliases`` are accepted too
      (fence tags such as ``py`` or ``c++``).
    - ``source_file``: the file the program is written to in a fresh work directory.
    - ``compile``: the compile command run once per program (``None``: interpreted); a failure is
      ``compile_error``.
    - ``run``: the command run once per input, in a copy of the compiled work directory.
    - ``fork_python``: run the source inside a fork of the runner's Python instead of starting ``run``
      (the same limits apply; saves the interpreter start-up, ~10 ms a run). Only for Python.
    - ``preload``: modules the runner imports once at start, so ``fork_python`` programs find them loaded.
    - ``runtime_overhead_mb``: address space the language's runtime reserves without using it (the JVM's and
      Go's reservations), added to the compile's and each run's address-space limit; the run command should cap
      the program's own heap at the limit (``java -Xmx``, ``GOMEMLIMIT``), found as ``ulimit -v`` minus this.

    Commands run inside the sandbox image, which must contain the toolchain: a plugin adding a language
    documents the ``--base`` image to build with (``r1verify sandbox build --base IMAGE``).
    """

    name: str
    source_file: str
    run: tuple[str, ...]
    compile: tuple[str, ...] | None = None
    aliases: tuple[str, ...] = ()
    fork_python: bool = False
    preload: tuple[str, ...] = ()
    runtime_overhead_mb: int = 0

    def __post_init__(self) -> None:
        if not self.name or not self.run:
            raise ValueError("a LanguageSpec needs a name and a run command")
        if "/" in self.source_file or not self.source_file:
            raise ValueError(f"source_file must be a plain file name, got {self.source_file!r}")


PYTHON = LanguageSpec(
    name="python",
    source_file="main.py",
    run=("python3", "main.py"),
    aliases=("py", "python3", "py3"),
    fork_python=True,
    preload=(
        "bisect",
        "collections",
        "copy",
        "fractions",
        "functools",
        "hashlib",
        "heapq",
        "itertools",
        "json",
        "math",
        "random",
        "re",
        "string",
        "typing",
    ),
)

CPP = LanguageSpec(
    name="cpp",
    source_file="main.cpp",
    compile=("g++", "-std=c++17", "-O2", "-pipe", "-o", "main", "main.cpp"),
    run=("./main",),
    aliases=("c++", "cxx", "cc", "c++17", "cpp17"),
)

BUILTIN = (PYTHON, CPP)


class UnknownLanguageError(LookupError):
    """A program names a language no installed plugin registers."""

    def __str__(self) -> str:
        return self.args[0]


def languages() -> dict[str, LanguageSpec]:
    """Every registered language by name and by alias (built-ins come from this distribution's plugin)."""
    from r1verify.plugins import languages as registered

    found: dict[str, LanguageSpec] = {}
    for entry in registered().values():
        spec = entry.obj
        found[spec.name] = spec
    for spec in list(found.values()):
        for alias in spec.aliases:
            found.setdefault(alias, spec)
    return found


def get_language(name: str) -> LanguageSpec:
    """The spec for ``name`` (case-insensitive, aliases accepted); the error lists what is registered."""
    found = languages()
    spec = found.get(name.strip().lower())
    if spec is None:
        names = sorted({s.name for s in found.values()})
        raise UnknownLanguageError(
            f"no sandbox language named {name!r}; registered: {', '.join(names) or '(none)'}. "
            f"A plugin adds one with the register_languages hook"
        )
    return spec
