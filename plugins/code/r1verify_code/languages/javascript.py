"""JavaScript on node 18. ``node --check`` is the compile step, so a syntax error is a ``compile_error`` with
node's message; the checked file runs as ``prog.js`` (the runner removes ``main.js``, the source, after
compiling). V8 reserves address space it does not use, so it gets ``OVERHEAD_MB`` on top of the limit and its
heap (``--max-old-space-size``) is held to the limit itself."""

from __future__ import annotations

from r1verify_sandbox.languages import LanguageSpec

OVERHEAD_MB = 512
"""V8 aborts at start (SIGTRAP) under ``ulimit -v`` 256 MiB; it starts at 512."""

JS_STACK_KB = 16000
"""V8's stack limit (``--stack-size``, KiB): room for ~100k-deep plain recursion before a ``RangeError``."""
STACK_KB = 65536
"""The process's stack (``ulimit -s``, KiB) the run script asks for: the container's default is 8 MiB, less
than ``JS_STACK_KB``, and V8 then segfaults instead of throwing ``RangeError``."""

_RUN = (
    'v=$(ulimit -v); heap=""; '
    f'if [ "$v" != unlimited ]; then m=$((v / 1024 - {OVERHEAD_MB})); [ "$m" -lt 16 ] && m=16; '
    'heap="--max-old-space-size=$m"; fi; '
    # V8's --stack-size must fit in the real stack, or deep recursion overruns it (SIGSEGV) before V8's own
    # RangeError: raise the soft limit to STACK_KB, and shrink the JS stack to half of whatever it really is.
    f"ulimit -s {STACK_KB} 2>/dev/null; s=$(ulimit -s); k={JS_STACK_KB}; "
    f'if [ "$s" != unlimited ] && [ "$s" -lt {2 * JS_STACK_KB} ]; then k=$((s / 2)); fi; '
    'exec node --stack-size=$k $heap prog.js'
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
