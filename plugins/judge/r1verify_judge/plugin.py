"""Entry point of r1verify-judge: registers ``llm_judge`` and ``llm_judge_local``."""

from typing import Any

from r1verify import hookimpl

from .judge import LLMJudge
from .local import LocalLLMJudge


@hookimpl
def register_verifiers(register: Any) -> None:
    register(LLMJudge)
    register(LocalLLMJudge)
