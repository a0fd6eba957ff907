"""Tool-integrated reasoning with TRL: a sandboxed Python session per rollout, for
``GRPOTrainer(environment_factory=...)``.

Example::

    from r1verify_trl import reward_funcs
    from r1verify_trl.tools import python_environment

    rf = reward_funcs("math_tir.toml")                          # grades the final answer in the completion
    trainer = GRPOTrainer(model=..., train_dataset=..., reward_funcs=rf.funcs,
                          environment_factory=python_environment(failed_call_penalty=0.1),
                          args=GRPOConfig(reward_weights=rf.weights, ...))

TRL builds one :class:`PythonToolEnv` per rollout and calls ``reset(**row)`` before each generation: the rollout
gets a fresh session (opened at its first call; the previous one is closed), closed again by ``get_reward()``.
Its public method ``python`` is the tool (TRL derives the schema from its type hints and docstring). ``get_reward()`` (TRL calls it without arguments, so it cannot see the completion)
is the tool-use shaping: ``-failed_call_penalty`` per call that did not end ``ok`` and ``-budget_penalty`` once the
call budget was overrun; the recipe's reward functions grade the final answer, with the ``environments`` TRL passes
them available too. Nothing here raises into the trainer: a sandbox that fails is a tool result the model reads.
"""

from __future__ import annotations

import functools
import logging
import numbers
from typing import Any

from r1verify_sandbox import CallStatus, SandboxConfig, SandboxError, Session, SessionLimits, shared_session_pool

log = logging.getLogger("r1verify.trl")


class PythonToolEnv:
    """One rollout's environment: a stateful sandboxed Python interpreter behind the ``python`` tool.

    - ``limits``: per call and per session limits (deadline, output, memory, ``max_calls``);
    - ``config``: the sandbox (default: Docker when an engine answers); ``max_sessions`` / ``warm``: the shared
      session pool's size (at least the number of rollouts per batch) and warm runners;
    - ``failed_call_penalty`` / ``budget_penalty``: the shaping :meth:`get_reward` returns (0 by default);
    - ``max_chars``: the most characters of one tool result the model reads.
    """

    def __init__(
        self,
        limits: SessionLimits | None = None,
        config: SandboxConfig | None = None,
        *,
        failed_call_penalty: float = 0.0,
        budget_penalty: float = 0.0,
        max_chars: int = 2000,
        max_sessions: int = 64,
        warm: int = 4,
    ) -> None:
        _check_penalties(failed_call_penalty=failed_call_penalty, budget_penalty=budget_penalty)
        self._limits = limits or SessionLimits()
        self._config = config or SandboxConfig()
        self._pool_options = {"max_sessions": max_sessions, "warm": warm}
        self._failed_call_penalty = failed_call_penalty
        self._budget_penalty = budget_penalty
        self._max_chars = max_chars
        self._session: Session | None = None
        self._history: list[Any] = []
        self._row: dict[str, Any] = {}
        self._opening_error = ""

    def reset(self, **row: Any) -> str | None:
        """Start a rollout: close the previous session; a fresh one opens at the first call (a rollout that
        makes no call holds no container). The row is kept for rewards."""
        self._close()
        self._row = dict(row)
        self._opening_error = ""
        self._history = []
        return None

    def _open(self) -> Session | None:
        if self._session is None and not self._opening_error:
            try:
                self._session = shared_session_pool(self._config, **self._pool_options).open_session(self._limits)
            except SandboxError as exc:  # the rollout goes on; every call says the sandbox is unavailable
                log.warning("r1verify: no sandbox session for this rollout: %s", exc)
                self._opening_error = str(exc)
        return self._session

    def python(self, code: str) -> str:
        """Run Python code in a persistent sandboxed interpreter and return what it printed.

        Variables, imports and files persist between calls in this conversation. The value of a trailing
        expression is shown as ``Out: ...``; errors come back as a traceback. Each call has a time limit.

        Args:
            code: The Python source to execute.
        """
        session = self._open()
        if session is None:
            return f"[the Python sandbox is unavailable: {self._opening_error}]"
        return session.run(code).text(self._max_chars)

    def get_reward(self) -> float:
        """The tool-use shaping of this rollout: minus the penalties for failed calls and a budget overrun.

        TRL calls it once the rollout is complete, so the session is closed here (its container goes back to
        the pool at once); :attr:`calls` stays readable until the next ``reset``."""
        self._close()
        failed = sum(1 for r in self._history if r.status not in (CallStatus.OK, CallStatus.BUDGET_SPENT))
        overrun = any(r.status is CallStatus.BUDGET_SPENT for r in self._history)
        return -(self._failed_call_penalty * failed) - (self._budget_penalty if overrun else 0.0)

    # Not tools (TRL exposes every public function of the class as one): properties and private methods only.
    @property
    def calls(self) -> list[dict[str, Any]]:
        """This rollout's tool calls as structured data (see :meth:`r1verify_sandbox.CallResult.to_dict`)."""
        history = self._session.history if self._session is not None else self._history
        return [r.to_dict() for r in history]

    @property
    def row(self) -> dict[str, Any]:
        """The dataset row this rollout was reset with."""
        return self._row

    def _close(self) -> None:
        if self._session is not None:
            self._history = self._session.history
            self._session.close()
            self._session = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_session"], state["_history"] = None, []  # a session belongs to this process's pool
        return state

    def __del__(self) -> None:
        try:
            self._close()
        except Exception:  # noqa: BLE001, S110 - interpreter shutdown
            pass


def _check_penalties(**penalties: Any) -> None:
    """Penalties are subtracted: a negative one would reward the policy for failing calls (reward hacking)."""
    for name, value in penalties.items():
        if not isinstance(value, numbers.Real) or isinstance(value, bool) or not value >= 0:
            raise ValueError(f"{name} must be a number >= 0 (it is subtracted from the reward), got {value!r}")


def python_environment(**options: Any) -> functools.partial[PythonToolEnv]:
    """An ``environment_factory`` for GRPOTrainer: ``PythonToolEnv(**options)`` per rollout (picklable).

    The penalties are checked here, before training starts (``ValueError`` for a negative one)."""
    _check_penalties(**{k: options[k] for k in ("failed_call_penalty", "budget_penalty") if k in options})
    return functools.partial(PythonToolEnv, **options)
