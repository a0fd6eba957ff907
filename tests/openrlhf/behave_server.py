"""``python -m tests.openrlhf.behave_server serve ...``: the real ``r1verify`` command line in a subprocess, with
the misbehaving test verifiers of tests/helpers.py registered (a real plugin would do it via its entry point)."""

from __future__ import annotations

import sys

from r1verify.cli import main
from r1verify.testing import inline_plugin, registered

from ..helpers import BatchBehave, Behave, InlineBehave

if __name__ == "__main__":
    with registered(inline_plugin([Behave, BatchBehave, InlineBehave])):
        sys.exit(main(sys.argv[1:]))
