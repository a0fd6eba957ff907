"""Run untrusted, model-written programs: a warm pool of locked-down Docker containers (or, without Docker,
local processes with the same limits but no isolation).

Example::

    from r1verify_sandbox import Program, SandboxPool

    with SandboxPool(workers=2) as pool:
        [result] = pool.run_many([Program("print(sum(map(int, input().split())))", inputs=["1 2"])])
        assert result.status == "ok" and result.runs[0].stdout == "3\\n"
"""

from .config import SandboxConfig
from .errors import DockerUnavailableError, ImageMissingError, SandboxError
from .languages import CPP, PYTHON, LanguageSpec, UnknownLanguageError, get_language, languages
from .pool import SandboxPool
from .program import Limits, Program
from .result import ExecStatus, ProgramResult, RunResult
from .session import CallResult, CallStatus, ExceptionInfo, Session, SessionLimits
from .session_pool import SessionPool, open_session, shared_session_pool
from .shared import close_shared, shared_pool

__all__ = [
    "CPP",
    "PYTHON",
    "CallResult",
    "CallStatus",
    "ExceptionInfo",
    "DockerUnavailableError",
    "ExecStatus",
    "ImageMissingError",
    "LanguageSpec",
    "Limits",
    "Program",
    "ProgramResult",
    "RunResult",
    "SandboxConfig",
    "SandboxError",
    "SandboxPool",
    "Session",
    "SessionLimits",
    "SessionPool",
    "UnknownLanguageError",
    "close_shared",
    "get_language",
    "languages",
    "open_session",
    "shared_pool",
    "shared_session_pool",
]
