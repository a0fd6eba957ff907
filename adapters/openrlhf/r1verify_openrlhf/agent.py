"""A multi-turn agent environment for OpenRLHF (``--train.agent_func_path agent_func.py``).

Each turn verifies the model's latest answer with a recipe (for code: runs the program against the tests in the
sandbox). If it passes, or after ``max_turns`` turns, the episode ends; otherwise the verifiers' findings (the
failing test, the error) go back to the model as a user turn and it tries again.

Rewards: OpenRLHF sums the ``rewards`` of all steps, and each step returns the change of the recipe's reward
since the previous turn, so an episode's total reward is the reward of its last answer, wherever it stops
(including when OpenRLHF stops it because the token budget ran out).

The class here is a mixin that does not import OpenRLHF; the generated agent file combines it with OpenRLHF's
``AgentInstanceBase``::

    from openrlhf.utils.agent import AgentInstanceBase, MultiTurnAgentExecutor
    from r1verify_openrlhf.agent import AgentSettings, RecipeAgent

    class AgentInstance(RecipeAgent, AgentInstanceBase):
        settings = AgentSettings("examples/openrlhf/code_tests.toml", max_turns=3)

    class AgentExecutor(MultiTurnAgentExecutor):
        def __init__(self):
            super().__init__(AgentInstance)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from r1verify import Recipe, Result, Sample, Status
from r1verify.guard import RunStopped

from .labels import decode_label
from .rewards import LOG_PREFIX, RewardInfo
from .service import ServiceClient
from .text import cut_at_end_token

FEEDBACK_TEMPLATES: dict[str, str] = {
    "chatml": "\n<|im_start|>user\n{feedback}<|im_end|>\n<|im_start|>assistant\n",
    "llama3": "<|start_header_id|>user<|end_header_id|>\n\n{feedback}<|eot_id|>"
    "<|start_header_id|>assistant<|end_header_id|>\n\n",
    "deepseek": "<｜User｜>{feedback}<｜Assistant｜>",
    "plain": "\n\nUser: {feedback}\n\nAssistant: ",
}
"""How the environment's message is wrapped as a user turn followed by a new assistant turn. The model's
end-of-turn token is already in the action's tokens, so templates start right after it."""

_TEMPLATE_MARKERS = (("<|im_start|>", "chatml"), ("<|start_header_id|>", "llama3"), ("<｜Assistant｜>", "deepseek"))

TURNS_KEY = LOG_PREFIX + "turns"


def feedback_template(name_or_template: str, observation: str) -> str:
    """The template to use: a named one, a custom string containing ``{feedback}``, or ``auto`` (detected from
    the chat markers in the conversation so far, else ``plain``)."""
    if name_or_template == "auto":
        for marker, name in _TEMPLATE_MARKERS:
            if marker in observation:
                return FEEDBACK_TEMPLATES[name]
        return FEEDBACK_TEMPLATES["plain"]
    return FEEDBACK_TEMPLATES.get(name_or_template, name_or_template)


def feedback_message(result: Result, reference: Any = None, *, max_chars: int = 2000) -> str:
    """What the verifiers found wrong, for the model: the reason of each verifier that did not pass.

    A text reference (a math answer, or a list of acceptable answers) is replaced by ``[hidden]`` wherever a
    reason quotes it, so that the next turn cannot copy it. Structured references (test cases) are not hidden:
    a failing test's expected output is the feedback code models learn from.
    """
    lines = []
    for verdict in result.verdicts.values():
        if verdict.status in (Status.CORRECT, Status.SKIPPED):
            continue
        lines.append(verdict.reason or verdict.status.value.replace("_", " "))
    body = "\n".join(lines) or "The answer was not accepted."
    answers = [reference] if isinstance(reference, str) else reference if isinstance(reference, list) else []
    for answer in sorted((a.strip() for a in answers if isinstance(a, str) and a.strip()), key=len, reverse=True):
        body = body.replace(answer, "[hidden]")
    if len(body) > max_chars:
        body = body[:max_chars] + "\n[...]"
    return f"Your answer did not pass:\n{body}\nFix it and give the complete corrected answer."


class AgentSettings(ServiceClient):
    """What a :class:`RecipeAgent` class verifies with and how it talks back.

    - ``recipe``: a recipe name, TOML path or :class:`~r1verify.Recipe` (checked now).
    - ``max_turns``: answers the model may give per episode.
    - ``feedback``: ``auto``, ``chatml``, ``llama3``, ``deepseek``, ``plain`` or a template with ``{feedback}``.
    - ``options`` (``convert``, ``batching``, ``workers``, ``cache_size``, ``error_reward``, ``timeout``): as for
      :class:`~r1verify_openrlhf.service.ServiceClient`. A turn whose verification fails (``r1verify/error``) ends the
      episode with ``error_reward``: feedback about a broken sandbox would only confuse the model.
    """

    def __init__(
        self, recipe: Recipe | str | Path, *, max_turns: int = 3, feedback: str = "auto", **options: Any
    ) -> None:
        if max_turns < 1:
            raise ValueError("max_turns must be at least 1")
        if feedback != "auto" and feedback not in FEEDBACK_TEMPLATES and "{feedback}" not in feedback:
            raise ValueError(
                f"feedback must be auto, {', '.join(FEEDBACK_TEMPLATES)} or a template containing {{feedback}}"
            )
        super().__init__("agent", recipe, **options)
        self.max_turns = max_turns
        self.feedback = feedback

    @property
    def log_keys(self) -> tuple[str, ...]:
        return (*self.mapper.keys, TURNS_KEY)


class RecipeAgent:
    """OpenRLHF agent instance logic (combine with ``AgentInstanceBase``; set ``settings`` on the subclass).

    One instance lives for one episode. ``step`` returns what ``MultiTurnAgentExecutor`` reads: ``rewards`` (a
    0-d tensor), ``scores``, ``environment_feedback``, ``done``, ``sampling_params`` and ``extra_logs`` (the
    reward-function keys plus ``r1verify/turns``, floats, the same keys on every step).
    """

    settings: ClassVar[AgentSettings]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.turn = 0
        self.reward_so_far = 0.0

    async def reset(self, states: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        self.turn = 0
        self.reward_so_far = 0.0
        return states

    async def step(self, states: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        import torch

        settings = self.settings
        self.turn += 1
        info, reference = await self._verify(states)
        failed = info.logs[LOG_PREFIX + "error"] > 0
        done = failed or info.score >= 1.0 or self.turn >= settings.max_turns
        feedback = ""
        if not done and info.result is not None:
            template = feedback_template(settings.feedback, states.get("observation_text") or "")
            feedback = template.replace("{feedback}", feedback_message(info.result, reference))
        change = info.reward - self.reward_so_far
        self.reward_so_far = info.reward
        return {
            "rewards": torch.tensor(change, dtype=torch.float64),
            "scores": info.score,
            "environment_feedback": feedback,
            "done": done,
            "sampling_params": states.get("sampling_params"),
            "extra_logs": {**info.logs, TURNS_KEY: float(self.turn)},
        }

    async def _verify(self, states: dict[str, Any]) -> tuple[RewardInfo, Any]:
        """The reward of this turn's answer, and the reference it was checked against."""
        settings = self.settings
        reference = None
        try:
            label = decode_label(states.get("label"), settings.convert.labels)
            item: Sample | Exception = Sample(
                completion=cut_at_end_token(str(states.get("action_text") or ""), settings.convert.end_tokens),
                prompt=states.get("observation_text") or None,
                reference=label.reference,
                domain=label.domain,
                meta=label.meta,
            )
            reference = label.reference
        except (TypeError, ValueError) as exc:
            item = exc
        try:
            [info] = await settings.service.arewards([item], timeout=settings.timeout)
        except RunStopped:
            raise  # a setup failure or too many errors: the run stops with the reason
        except Exception as exc:  # noqa: BLE001 - the service could not start; end the episode, flagged
            info = settings.mapper.failure(f"reward service unavailable: {type(exc).__name__}: {exc}")
        return info, reference
