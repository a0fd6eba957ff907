"""Tool-integrated reasoning with veRL: a sandboxed, stateful ``python`` tool for ``ToolAgentLoop``.

Point veRL at the tool-config YAML (``python_tool.yaml`` next to this module, or one written by
:func:`write_tool_config`)::

    actor_rollout_ref.rollout.multi_turn.enable=true \\
    actor_rollout_ref.rollout.multi_turn.tool_config_path=$(python -m r1verify_verl.tool) \\
    actor_rollout_ref.rollout.agent.default_agent_loop=tool_agent

veRL 0.9's ``ToolAgentLoop`` calls ``create`` / ``execute`` / ``release`` around *every* tool call, so the session
belongs to the trajectory (its ``agent_data``), not to the instance: the first call of a trajectory opens a
session, later calls reuse it, and it is closed when the trajectory's ``agent_data`` is gone (or by the pool's
reaper after ``idle_timeout``). Without ``agent_data`` (a direct call) the session lives from ``create`` to
``release``. ``execute`` returns ``-failed_call_penalty`` as the step reward of a call that did not end ``ok``
(veRL collects them in ``tool_rewards``); ``calc_reward`` is the same shaping summed over the session. The final
answer is graded by the r1verify reward manager (``reward.reward_manager.name=r1verify``) from the recipe.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
import weakref
from pathlib import Path
from typing import Any

from r1verify_sandbox import (
    CallResult,
    CallStatus,
    SandboxConfig,
    SandboxError,
    Session,
    SessionLimits,
    shared_session_pool,
)

try:  # veRL is not a dependency of the adapter: the class is a BaseTool where veRL is installed
    from verl.tools.base_tool import BaseTool
    from verl.tools.schemas import OpenAIFunctionToolSchema, ToolResponse
except ImportError:  # pragma: no cover - without veRL the module still imports (write_tool_config, docs)
    BaseTool = object  # type: ignore[assignment,misc]
    OpenAIFunctionToolSchema = ToolResponse = None  # type: ignore[assignment,misc]

log = logging.getLogger("r1verify.verl")
DESCRIPTION = (
    "Run Python code in a persistent sandboxed interpreter and return what it printed. Variables, imports and "
    "files persist between calls. The value of a trailing expression is shown as 'Out: ...'."
)
SCHEMA: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "python",
        "description": DESCRIPTION,
        "parameters": {
            "type": "object",
            "properties": {"code": {"type": "string", "description": "The Python source to execute."}},
            "required": ["code"],
        },
    },
}
LIMIT_KEYS = ("timeout", "max_output", "memory_mb", "max_calls", "cpu_seconds", "max_procs", "idle_timeout")
SANDBOX_KEYS = ("backend", "image", "container_memory_mb", "cpus")


class PythonSandboxTool(BaseTool):  # type: ignore[misc,valid-type]
    """veRL ``BaseTool``: ``python(code)`` in an r1verify sandbox session per trajectory.

    ``config`` (the YAML's ``config:``): ``type: native``; session limits (``timeout``, ``max_output``,
    ``memory_mb``, ``max_calls``, ``cpu_seconds``, ``max_procs``, ``idle_timeout``); the sandbox (``backend``,
    ``image``, ``container_memory_mb``, ``cpus``); the pool (``max_sessions``, ``warm``); ``failed_call_penalty``
    and ``max_chars`` (characters of a result the model reads).
    """

    def __init__(self, config: dict, tool_schema: Any = None) -> None:
        if tool_schema is None and OpenAIFunctionToolSchema is not None:
            tool_schema = OpenAIFunctionToolSchema.model_validate(SCHEMA)
        super().__init__(config, tool_schema)
        self.limits = SessionLimits(**{k: config[k] for k in LIMIT_KEYS if config.get(k) is not None})
        self.sandbox = SandboxConfig(**{k: config[k] for k in SANDBOX_KEYS if config.get(k) is not None})
        self.pool_options = {"max_sessions": int(config.get("max_sessions", 64)), "warm": int(config.get("warm", 4))}
        self.failed_call_penalty = float(config.get("failed_call_penalty", 0.0))
        if not self.failed_call_penalty >= 0:  # a negative penalty pays the policy for every failing call
            raise ValueError(f"failed_call_penalty must be >= 0 (it is subtracted per failed call), "
                             f"got {config.get('failed_call_penalty')!r}")
        self.max_chars = int(config.get("max_chars", 2000))
        self._lock = threading.Lock()
        self._instances: dict[str, dict[str, Any]] = {}
        self._by_trajectory: dict[str, Session] = {}

    async def create(self, instance_id: str | None = None, **kwargs: Any) -> tuple[str, Any]:
        instance_id = instance_id or str(uuid.uuid4())
        with self._lock:
            self._instances[instance_id] = {"create_kwargs": kwargs.get("create_kwargs", {}), "session": None}
        return instance_id, ToolResponse()

    async def execute(self, instance_id: str, parameters: dict[str, Any], **kwargs: Any) -> tuple[Any, float, dict]:
        code = parameters.get("code")
        if not isinstance(code, str):
            return ToolResponse(text="[the python tool needs a 'code' string argument]"), 0.0, {"status": "bad_call"}
        session = await asyncio.to_thread(self._session, instance_id, kwargs.get("agent_data"))
        if isinstance(session, str):
            return ToolResponse(text=f"[the Python sandbox is unavailable: {session}]"), 0.0, {"status": "no_sandbox"}
        result: CallResult = await asyncio.to_thread(session.run, code)
        reward = -self.failed_call_penalty if result.failed else 0.0
        metrics = {"status": result.status.value, "duration": result.duration, "alive": result.alive}
        return ToolResponse(text=result.text(self.max_chars)), reward, metrics

    async def calc_reward(self, instance_id: str, **kwargs: Any) -> float:
        with self._lock:
            session = (self._instances.get(instance_id) or {}).get("session")
        history = session.history if session is not None else []
        return -self.failed_call_penalty * sum(1 for r in history if r.status is not CallStatus.OK)

    async def release(self, instance_id: str, **kwargs: Any) -> None:
        with self._lock:
            instance = self._instances.pop(instance_id, None)
        if instance is not None and instance.get("own") and instance["session"] is not None:
            await asyncio.to_thread(instance["session"].close)

    # ------------------------------------------------------------------ sessions
    def _session(self, instance_id: str, agent_data: Any) -> Session | str:
        """The trajectory's session (opened on its first call); a string saying why there is none."""
        key = getattr(agent_data, "request_id", None)
        with self._lock:
            instance = self._instances.setdefault(instance_id, {"create_kwargs": {}, "session": None})
            session = self._by_trajectory.get(key) if key is not None else instance["session"]
            if session is not None:  # even an ended one: its results say so (state is never silently lost)
                instance["session"] = session
                return session
        try:
            session = shared_session_pool(self.sandbox, **self.pool_options).open_session(self.limits)
        except SandboxError as exc:
            log.warning("r1verify: no sandbox session for this trajectory: %s", exc)
            return str(exc)
        with self._lock:
            instance["session"] = session
            if key is None:
                instance["own"] = True  # closed by release()
            else:
                self._by_trajectory[key] = session
                weakref.finalize(agent_data, self._trajectory_done, key)
        return session

    def __getstate__(self) -> dict[str, Any]:  # sessions and the lock belong to this process
        state = {k: v for k, v in self.__dict__.items() if k not in ("_lock", "_instances", "_by_trajectory")}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock, self._instances, self._by_trajectory = threading.Lock(), {}, {}

    def _trajectory_done(self, key: str) -> None:
        """The trajectory's ``agent_data`` is gone: its session goes back to the pool (never blocks)."""
        with self._lock:
            session = self._by_trajectory.pop(key, None)
        if session is not None:
            session.close_later()


def write_tool_config(path: str | Path, **config: Any) -> Path:
    """Write a veRL tool-config YAML for :class:`PythonSandboxTool` with ``config`` (see the class) to ``path``."""
    import json

    lines = ["tools:", f"  - class_name: {__name__}.PythonSandboxTool", "    config:", "      type: native"]
    lines += [f"      {key}: {json.dumps(value)}" for key, value in config.items()]
    lines += ["    tool_schema: " + json.dumps(SCHEMA)]
    target = Path(path)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


DEFAULT_CONFIG = Path(__file__).with_name("python_tool.yaml")
"""The bundled tool config (Docker sandbox, 10 s per call, 32 calls per trajectory)."""


if __name__ == "__main__":  # ``python -m r1verify_verl.tool``: print the bundled config's path
    print(DEFAULT_CONFIG)
