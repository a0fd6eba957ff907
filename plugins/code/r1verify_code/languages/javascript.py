"""JavaScript on node 18. ``node --check`` is the compile step, so a syntax error is a ``compile_error`` with
node's message; the checked file runs as ``prog.js`` (the runner removes ``main.js``, the source, after
compiling). V8 reserves address space it does not use, so it gets ``OVERHEAD_MB`` on top of the limit and its
heap (``--max-old-space-size``) is held to the limit itself."""

from __future__ import annotations

from r1verify_sandbox.languages import LanguageSpec

OVERHEAD_MB = 512
"""V8 aborts at start (SIGTRAP) under ``ulimit -v`` 256 MiB; it starts at 512."""

_RUN = (
    'v=$(ulimit -v); heap=""; '
    f'if [ "$v" != unlimited ]; then m=$((v / 1024 - {OVERHEAD_MB})); [ "$m" -lt 16 ] && m=16; '
    'heap="--max-old-space-size=$m"; fi; '
    "exec node --stack-size=16000 $heap prog.js"
)

_CHECK = (  # node's message, its "SyntaxError: ..." line first (as "error: ...", like a compiler's)
    "node --check main.js 2>.check && { cp main.js prog.js; rm -f .check; exit 0; }; "
    "grep -m1 Error .check | sed 's/^/error: /' >&2; cat .check >&2; rm -f .check; exit 1"
)

JAVASCRIPT = LanguageSpec(
    name="javascript",
    source_file="main.js",
    compile=("sh", "-c", _CHECK),
    run=("sh", "-c", _RUN),
    aliases=("js", "node", "nodejs"),
    runtime_overhead_mb=OVERHEAD_MB,
)
