"""A tool-using agent for OpenRLHF (``--train.agent_func_path``): the model calls a sandboxed Python interpreter
between its reasoning steps, and its final answer is graded by a recipe.

Each step reads the model's latest turn. A tool call in it (``<tool_call>{"name": "python", "arguments":
{"code": "..."}}</tool_call>``, or a fenced ```` ```python ```` block with ``call_format="markdown"``, as ToRL
writes them) runs in the episode's session (state persists across calls) and the result goes back as the next
turn (a ``<tool_response>`` user turn; ``observation`` sets the wrapping). A turn without a tool call is the final
answer: the recipe grades it and the episode ends (also at ``max_turns``, then graded as it stands).

Rewards: OpenRLHF sums the steps' ``rewards``. A tool step gives ``-failed_call_penalty`` when the call did not end
``ok`` (else 0); the final step gives the recipe's reward. Write an agent file with
``python -m r1verify_openrlhf.tool_agent --recipe RECIPE -o agent_func.py`` or by hand::

    from openrlhf.utils.agent import AgentInstanceBase, MultiTurnAgentExecutor
    from r1verify_openrlhf.tool_agent import ToolAgent, ToolAgentSettings

    class AgentInstance(ToolAgent, AgentInstanceBase):
        settings = ToolAgentSettings("math_tir.toml", max_turns=6, failed_call_penalty=0.1)

    class AgentExecutor(MultiTurnAgentExecutor):
        def __init__(self):
            super().__init__(AgentInstance)
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any, ClassVar

from r1verify_sandbox import SandboxConfig, SandboxError, Session, SessionLimits, shared_session_pool

from r1verify import Recipe

from .agent import TURNS_KEY, AgentSettings, RecipeAgent, feedback_template
from .rewards import LOG_PREFIX

CALLS_KEY = LOG_PREFIX + "tool_calls"
FAILED_KEY = LOG_PREFIX + "tool_failures"
_TOOL_CALL = re.compile(r"<tool_call>\s*(\{.*?\})\s*</tool_call>", re.DOTALL)
_FENCE = re.compile(r"```(?:python|py)\s*\n(.*?)```", re.DOTALL)
OBSERVATIONS = {"tool_response": "<tool_response>\n{output}\n</tool_response>", "torl": "```output\n{output}\n```"}
"""How a tool result is shown inside the next turn (that turn is then wrapped by the ``feedback`` template)."""


def tool_calls(text: str, call_format: str = "tool_call") -> list[str]:
    """The code of each python tool call in ``text``: ``<tool_call>`` JSON (``tool_call``), fenced python blocks
    (``markdown``) or either (``both``). Calls to other tools and unreadable JSON are left out."""
    codes: list[str] = []
    if call_format in ("tool_call", "both"):
        for raw in _TOOL_CALL.findall(text):
            try:
                call = json.loads(raw)
            except ValueError:
                continue
            arguments = call.get("arguments") if isinstance(call, dict) else None
            if isinstance(arguments, str):
                try:
                    arguments = json.loads(arguments)
                except ValueError:
                    arguments = None
            if call.get("name") == "python" and isinstance(arguments, dict) and isinstance(arguments.get("code"), str):
                codes.append(arguments["code"])
    if call_format in ("markdown", "both"):
        codes.extend(_FENCE.findall(text))
    return codes


class ToolAgentSettings(AgentSettings):
    """A :class:`~r1verify_openrlhf.agent.AgentSettings` with the sandbox: ``limits`` (or ``timeout``,
    ``memory_mb``, ``max_calls`` ... as keywords via ``SessionLimits``), ``sandbox`` (a ``SandboxConfig``),
    ``backend`` (instead of ``sandbox``: docker, local or auto), ``max_sessions`` / ``warm`` (the session pool),
    ``call_format`` (``tool_call``, ``markdown``, ``both``),
    ``observation`` (``tool_response``, ``torl`` or a template with ``{output}``), ``failed_call_penalty`` and
    ``max_chars`` (characters of a result the model reads). ``max_turns`` counts the model's turns."""

    def __init__(
        self,
        recipe: Recipe | str | Path,
        *,
        max_turns: int = 8,
        limits: SessionLimits | None = None,
        sandbox: SandboxConfig | None = None,
        backend: str | None = None,
        max_sessions: int = 64,
        warm: int = 4,
        call_format: str = "tool_call",
        observation: str = "tool_response",
        failed_call_penalty: float = 0.0,
        max_chars: int = 2000,
        **options: Any,
    ) -> None:
        if call_format not in ("tool_call", "markdown", "both"):
            raise ValueError("call_format must be tool_call, markdown or both")
        if observation not in OBSERVATIONS and "{output}" not in observation:
            raise ValueError(f"observation must be {', '.join(OBSERVATIONS)} or a template containing {{output}}")
        if not failed_call_penalty >= 0:  # a negative penalty pays the policy for every failing call
            raise ValueError(f"failed_call_penalty must be >= 0 (it is subtracted per failed call), "
                             f"got {failed_call_penalty!r}")
        super().__init__(recipe, max_turns=max_turns, **options)
        self.limits = limits or SessionLimits()
        self.sandbox = sandbox or SandboxConfig(backend=backend or "docker")  # type: ignore[arg-type]
        self.pool_options = {"max_sessions": max_sessions, "warm": warm}
        self.call_format = call_format
        self.observation = OBSERVATIONS.get(observation, observation)
        self.failed_call_penalty = failed_call_penalty
        self.max_chars = max_chars

    @property
    def log_keys(self) -> tuple[str, ...]:
        return (*super().log_keys, CALLS_KEY, FAILED_KEY)


class ToolAgent(RecipeAgent):
    """OpenRLHF agent instance logic with a Python tool (combine with ``AgentInstanceBase``; set ``settings``)."""

    settings: ClassVar[ToolAgentSettings]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session: Session | None = None
        self.calls = self.failures = 0

    async def reset(self, states: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        await self._close()
        self.calls = self.failures = 0
        return await super().reset(states, **kwargs)

    async def step(self, states: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        import torch

        settings = self.settings
        self.turn += 1
        codes = tool_calls(str(states.get("action_text") or ""), settings.call_format)
        if codes and self.turn < settings.max_turns:
            outputs, failed = await self._run(codes)
            template = feedback_template(settings.feedback, states.get("observation_text") or "")
            return {
                "rewards": torch.tensor(-settings.failed_call_penalty * failed, dtype=torch.float64),
                "scores": 0.0,
                "environment_feedback": template.replace("{feedback}", "\n".join(outputs)),
                "done": False,
                "sampling_params": states.get("sampling_params"),
                "extra_logs": self._logs(dict.fromkeys(settings.mapper.keys, 0.0)),
            }
        info, _reference = await self._verify(states)
        await self._close()
        return {
            "rewards": torch.tensor(info.reward, dtype=torch.float64),
            "scores": info.score,
            "environment_feedback": "",
            "done": True,
            "sampling_params": states.get("sampling_params"),
            "extra_logs": self._logs(dict(info.logs)),
        }

    def _logs(self, logs: dict[str, float]) -> dict[str, float]:
        logs.update({TURNS_KEY: float(self.turn), CALLS_KEY: float(self.calls), FAILED_KEY: float(self.failures)})
        return logs

    async def _run(self, codes: list[str]) -> tuple[list[str], int]:
        """Run the turn's calls in order; the model-readable results and how many failed."""
        settings = self.settings
        if self.session is None:
            try:
                pool = await asyncio.to_thread(shared_session_pool, settings.sandbox, **settings.pool_options)
                self.session = await asyncio.to_thread(pool.open_session, settings.limits)
            except SandboxError as exc:
                self.calls += len(codes)
                text = f"[the Python sandbox is unavailable: {exc}]"
                return [settings.observation.replace("{output}", text)] * len(codes), 0
        outputs, failed = [], 0
        for code in codes:
            result = await asyncio.to_thread(self.session.run, code)
            self.calls += 1
            if result.failed:
                failed += 1
                self.failures += 1
            outputs.append(settings.observation.replace("{output}", result.text(settings.max_chars)))
        return outputs, failed

    async def _close(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            await asyncio.to_thread(session.close)

    def __del__(self) -> None:  # an episode cut short (token budget): the pool's reaper closes the session
        session = getattr(self, "session", None)
        if session is not None:
            session.close_later()


def agent_file_source(recipe: Recipe, file_settings: Any = None, **settings: Any) -> str:
    """Source of an agent file for ``--train.agent_func_path`` with a :class:`ToolAgent`: the recipe, the
    service's ``FileSettings`` (``r1verify_openrlhf.generate``) and ``settings`` for :class:`ToolAgentSettings`."""
    from .generate import FileSettings, _python_string

    arguments = (file_settings or FileSettings()).arguments(indent="        ") + "\n"
    arguments += "".join(f"        {key}={value!r},\n" for key, value in settings.items())
    return (
        '"""r1verify tool agent (python tool in a sandbox session); --train.agent_func_path THIS_FILE.py"""\n\n'
        "from openrlhf.utils.agent import AgentInstanceBase, MultiTurnAgentExecutor\n\n"
        "from r1verify_openrlhf import BatchOptions, ConvertOptions\n"
        "from r1verify_openrlhf.generate import embedded_recipe\n"
        "from r1verify_openrlhf.tool_agent import ToolAgent, ToolAgentSettings\n\n"
        f"RECIPE_TOML = {_python_string(recipe.to_toml())}\n\n\n"
        "class AgentInstance(ToolAgent, AgentInstanceBase):\n"
        "    settings = ToolAgentSettings(\n"
        f"        embedded_recipe(RECIPE_TOML, {recipe.name!r}),\n{arguments}"
        "    )\n\n\n"
        "class AgentExecutor(MultiTurnAgentExecutor):\n"
        "    def __init__(self):\n"
        "        super().__init__(AgentInstance)\n"
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m r1verify_openrlhf.tool_agent --recipe R -o agent_func.py [--verifier V ...] [--max-turns N]``."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipe", help="a recipe name or TOML path")
    parser.add_argument("-v", "--verifier", action="append", default=[],
                        help="NAME[:opt=val,...] (instead of --recipe)")
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--max-turns", type=int, default=8)
    parser.add_argument("--call-format", default="tool_call", choices=["tool_call", "markdown", "both"])
    parser.add_argument("--failed-call-penalty", type=float, default=0.0)
    parser.add_argument("--backend", default="docker", choices=["docker", "local", "auto"])
    args = parser.parse_args(argv)
    if not args.failed_call_penalty >= 0:
        parser.error(f"--failed-call-penalty must be >= 0, got {args.failed_call_penalty}")
    if bool(args.recipe) == bool(args.verifier):
        parser.error("give either --recipe or --verifier")
    recipe = Recipe.load(args.recipe) if args.recipe else Recipe.from_verifier_args(args.verifier)
    source = agent_file_source(recipe, max_turns=args.max_turns, call_format=args.call_format,
                               failed_call_penalty=args.failed_call_penalty, backend=args.backend)
    Path(args.output).write_text(source, encoding="utf-8")
    print(f"wrote {args.output}; train with --train.agent_func_path {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
