"""Typed options of ``llm_judge`` and ``llm_judge_local``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .rubrics import RUBRICS


@dataclass(frozen=True, kw_only=True)
class JudgeOptions:
    """What both judges understand: the rubric, the judged text, the reply budget."""

    rubric: str = "helpfulness"
    """A built-in rubric: helpfulness, harmlessness, writing_quality (scores), proof, short_answer (verdicts
    against the sample's reference)."""
    instructions: str = ""
    """Your own grading criteria in place of the rubric's (its kind, score or verdict, stays)."""
    view: Literal["", "answer", "full"] = ""
    """``answer``: only the text after the last ``delimiter`` (R1 judges helpfulness on the summary);
    ``full``: everything, reasoning included; empty: the rubric's default (full for harmlessness)."""
    delimiter: str = "</think>"
    """End of the reasoning, for ``view=answer``; a completion without it is ``no_answer`` (it never finished
    thinking)."""
    max_response_chars: int = 20_000
    """Longer responses are cut (head and tail kept) before they go to the judge."""
    max_tokens: int = 1024
    """The judge's reply budget (room for a reasoning judge to think before the two format lines)."""
    temperature: float = 0.0
    no_answer_score: float = 0.0
    """Score of a ``no_answer`` verdict (nothing after the delimiter)."""

    def __post_init__(self) -> None:
        if self.rubric not in RUBRICS:
            raise ValueError(f"unknown rubric {self.rubric!r}; built-in rubrics: {', '.join(RUBRICS)}")
        if not self.delimiter:
            raise ValueError("delimiter must not be empty")
        if self.max_response_chars < 100:
            raise ValueError("max_response_chars must be at least 100")


@dataclass(frozen=True, kw_only=True)
class EndpointJudgeOptions(JudgeOptions):
    """``llm_judge``: a model behind an OpenAI-compatible endpoint (vLLM, SGLang, TGI, OpenAI)."""

    endpoint: str
    """Base URL, e.g. ``http://127.0.0.1:8001/v1``."""
    model: str
    """The served model name (``GET /v1/models`` lists them)."""
    api_key_env: str = "OPENAI_API_KEY"
    """Environment variable holding the API key, if the server wants one."""
    concurrency: int = 32
    """Judge requests in flight at once."""
    request_timeout: float = 60.0
    """Seconds for one whole request; with retries, a sample fails after at most (retries + 1) of these."""
    retries: int = 2
    """Retries after 429/5xx/timeouts/dropped connections/malformed replies, with exponential backoff."""
    cache_size: int = 10_000
    """Parsed judgements kept per verifier instance, by request (failures are never kept)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.endpoint.startswith(("http://", "https://")):
            raise ValueError(f"endpoint {self.endpoint!r} is not an http(s) URL such as http://127.0.0.1:8001/v1")
        if not self.model:
            raise ValueError("model must name the served judge model")
        if self.concurrency < 1 or self.request_timeout <= 0 or self.retries < 0:
            raise ValueError("concurrency must be >= 1, request_timeout > 0 and retries >= 0")


@dataclass(frozen=True, kw_only=True)
class LocalJudgeOptions(JudgeOptions):
    """``llm_judge_local``: a transformers causal LM loaded once in a process of its own."""

    model: str
    """A local checkpoint folder (or a hub id when the hub is reachable)."""
    batch_size: int = 8
    """Judge prompts per ``generate`` call."""
    device: str = ""
    """Torch device; empty: cuda if available, else cpu."""
