"""JavaScript on node. ``node --check`` is the compile step, so a syntax error is a ``compile_error`` with node's
message; the checked file runs as ``prog.js`` (the runner removes ``main.js``, the source, after compiling)."""

from __future__ import annotations

from r1verify_sandbox.languages import LanguageSpec

JAVASCRIPT = LanguageSpec(
    name="javascript",
    source_file="main.js",
    compile=("sh", "-c", "node --check main.js && cp main.js prog.js"),
    run=("node", "--stack-size=65500", "prog.js"),
    aliases=("js", "node", "nodejs"),
)
