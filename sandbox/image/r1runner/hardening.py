"""The runner's own protection: non-dumpable, a subreaper, deaf to the programs' SIGINT; and whether it is init."""

from __future__ import annotations

import os
import signal

IS_INIT = os.getpid() == 1


def _prctl(option: int, arg: int) -> bool:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, arg, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER = 4, 36


def harden_self() -> None:
    """Make the runner non-dumpable (no ptrace, no /proc/PID/fd or mem for same-uid programs) and a subreaper."""
    _prctl(PR_SET_DUMPABLE, 0)
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    # Python's own SIGINT handler would turn a program's kill(1, SIGINT) into a KeyboardInterrupt here.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
