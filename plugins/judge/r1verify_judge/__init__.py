"""r1verify-judge: ``llm_judge`` grades completions on a rubric by asking a model (docs/judge.md)."""

from .judge import LLMJudge
from .local import LocalLLMJudge
from .parsing import Judgement, JudgeFormatError, parse_reply
from .rubrics import RUBRICS, Rubric

__all__ = ["RUBRICS", "JudgeFormatError", "Judgement", "LLMJudge", "LocalLLMJudge", "Rubric", "parse_reply"]
