"""Go: ``go build`` once per program, with its build cache inside the work directory and removed after it.

The runner clears the environment (``HOME`` is the work directory), so the cache and module settings are set
here; the cache is deleted after the build so each test's copy of the work directory is just the binary.
"""

from __future__ import annotations

from r1verify_sandbox.languages import LanguageSpec

_BUILD = (
    'export GOCACHE="$PWD/.gocache" GOPATH="$PWD/.gopath" GO111MODULE=off CGO_ENABLED=0; '
    "go build -o main main.go 2>.err; status=$?; "
    # go's messages have no "error" in them: the first one is repeated first as "error: ..." (as compilers say)
    "if [ $status -ne 0 ]; then grep -m1 'main.go:' .err | sed 's/^/error: /' >&2; cat .err >&2; fi; "
    "rm -rf .gocache .gopath .err; exit $status"
)

OVERHEAD_MB = 768
"""Address space the Go runtime reserves at start (its arena index): a Go 1.19 binary does not start under
``ulimit -v`` 600 MiB; the program's heap is held to the memory limit by ``GOMEMLIMIT`` (a soft limit)."""

_RUN = (
    'v=$(ulimit -v); '
    f'if [ "$v" != unlimited ]; then export GOMEMLIMIT="$((v / 1024 - {OVERHEAD_MB}))MiB"; fi; '
    "export GOMAXPROCS=2 GOTRACEBACK=none; "
    # A runtime fatal error ("out of memory") prints every goroutine's stack whatever GOTRACEBACK says; only the
    # head of stderr is passed on, so the runner finds the message. A signal is passed on as the same signal.
    "./main 2>.stderr; s=$?; head -c 3000 .stderr >&2; rm -f .stderr; "
    '[ "$s" -gt 128 ] && kill -$((s - 128)) $$; exit $s'
)

GO = LanguageSpec(
    name="go",
    source_file="main.go",
    compile=("sh", "-c", _BUILD),
    run=("sh", "-c", _RUN),
    aliases=("golang",),
    runtime_overhead_mb=OVERHEAD_MB,
)
