"""Imported first by the worker processes' fork server: Ctrl-C is the parent's to handle.

A terminal's Ctrl-C reaches every process of the foreground group, the fork server included. While it is still
importing the modules it preloads (sympy, the plugins: a second or two after a command starts) a
``KeyboardInterrupt`` there would print a traceback under the command's own "interrupted" message. The fork
server ignores SIGINT after its preloads anyway, and every worker it forks ignores it too
(:func:`r1verify.worker.init_worker`); this module makes that true from the start.

A worker forked just as the command stopped finds its parent's semaphores and pipes gone while it unpickles its
start-up state; it exits (the parent, gone, expects nothing of it) without the traceback the fork server would
print for it. Any other failure still prints one.
"""

import signal
import sys
from types import TracebackType

signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by the parent while it started this process

_PARENT_GONE = (FileNotFoundError, EOFError, BrokenPipeError, ConnectionResetError)
_default_hook = sys.excepthook


def _quiet_when_the_parent_is_gone(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    frames, step = [], tb
    while step is not None:
        frames.append((step.tb_frame.f_code.co_filename, step.tb_frame.f_code.co_name))
        step = step.tb_next
    starting = any(name == "_main" and file.endswith("spawn.py") for file, name in frames)
    if starting and issubclass(kind, _PARENT_GONE):
        return
    _default_hook(kind, exc, tb)


sys.excepthook = _quiet_when_the_parent_is_gone
