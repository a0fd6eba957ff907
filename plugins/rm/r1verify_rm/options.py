"""Typed options of the reward-model verifiers (shared scoring options, then local and remote specifics)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, kw_only=True)
class ScoringOptions:
    """What both ``reward_model`` and ``reward_model_remote`` understand: which text is scored and how the
    model's number becomes a verdict."""

    view: Literal["answer", "full"] = "answer"
    """``answer``: only the final answer (text after the last ``delimiter``), as R1 scores helpfulness;
    ``full``: the whole completion, reasoning included, as R1 scores harmlessness."""
    delimiter: str = "</think>"
    """End of the reasoning, for ``view=answer``."""
    require_delimiter: bool = True
    """With ``view=answer``: a completion without the delimiter is ``no_answer`` (unfinished reasoning).
    ``false`` scores such a completion whole (models that do not always think)."""
    strip_special_tokens: bool = True
    """Remove the reward tokenizer's special tokens (``<|im_end|>``, ``<|im_start|>``...) from the response
    before templating, so a response cannot close its own turn or forge a new one."""
    chat_template: str | None = None
    """A Jinja chat template to use instead of the tokenizer's own (needed when it has none)."""
    transform: Literal["raw", "sigmoid", "affine"] = "raw"
    """``raw``: the model's number; ``sigmoid``: 1/(1+exp(-raw)); ``affine``: (raw - mean) / std."""
    mean: float = 0.0
    """Subtracted by ``transform=affine`` (e.g. the reward mean on a calibration set)."""
    std: float = 1.0
    """Divides by ``transform=affine``; must be > 0."""
    clip_min: float | None = None
    """Lower bound of the score after the transform."""
    clip_max: float | None = None
    """Upper bound of the score after the transform."""
    threshold: float | None = None
    """If set, status is ``correct`` when score >= threshold, else ``wrong``; if not, status is ``scored``."""
    no_answer_score: float = 0.0
    """Score of a ``no_answer`` verdict. With ``transform=raw`` rewards can be negative: set this at or below
    the low end of your reward range, or a model learns that giving no answer beats a poor one."""
    batch_size: int = 16
    """Samples per forward pass (local) or per HTTP request (remote)."""

    def __post_init__(self) -> None:
        if not self.delimiter:
            raise ValueError("delimiter must not be empty")
        if not self.std > 0:
            raise ValueError(f"std must be > 0, got {self.std}")
        if self.clip_min is not None and self.clip_max is not None and self.clip_min > self.clip_max:
            raise ValueError(f"clip_min ({self.clip_min}) is above clip_max ({self.clip_max})")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {self.batch_size}")


@dataclass(frozen=True, kw_only=True)
class RewardModelOptions(ScoringOptions):
    """Options of ``reward_model`` (the model runs in r1verify's dedicated process)."""

    model: str
    """Local directory or Hugging Face hub id of a sequence-classification reward model (num_labels=1)."""
    device: str = "auto"
    """``auto`` (CUDA when available, else CPU), ``cpu``, ``cuda``, ``cuda:1``, ..."""
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"
    """``auto``: bfloat16 on CUDA (float16 on GPUs without bf16), float32 on CPU."""
    max_length: int = 4096
    """Tokens the model sees at most; longer texts are truncated on ``truncation_side``."""
    truncation_side: Literal["left", "right"] = "left"
    """``left`` keeps the end of the text (the response and the template's closing tokens, where the score is
    read; a leading BOS token is kept); ``right`` keeps the beginning."""
    attn_implementation: str | None = None
    """Passed to ``from_pretrained`` (``sdpa``, ``flash_attention_2``, ``eager``); default: transformers' choice."""
    trust_remote_code: bool = False
    """Allow model code from the checkpoint (only for checkpoints you trust)."""
    load_timeout: float = 300.0
    """Seconds added to every batch deadline for loading the model, which happens on the first batch of each
    dedicated process (again after a timeout killed it)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.model:
            raise ValueError("model must name a local directory or a hub id")
        if self.max_length < 2:
            raise ValueError(f"max_length must be >= 2, got {self.max_length}")
        if self.load_timeout < 0:
            raise ValueError(f"load_timeout must be >= 0, got {self.load_timeout}")


@dataclass(frozen=True, kw_only=True)
class RemoteRewardModelOptions(ScoringOptions):
    """Options of ``reward_model_remote`` (an HTTP server speaking OpenRLHF's ``serve_rm`` protocol)."""

    url: str
    """Full endpoint, e.g. ``http://rm-host:5000/get_reward``."""
    tokenizer: str | None = None
    """Reward tokenizer (local directory or hub id) whose chat template renders (prompt, response) here; only
    the tokenizer is loaded. Without it the query is prompt + response as plain text (OpenRLHF's convention:
    the prompt is already templated), and chat-message prompts are an error."""
    score_key: str = "rewards"
    """Key of the list of rewards in the server's JSON answer."""
    request_timeout: float = 30.0
    """Seconds per HTTP attempt (connect, send, wait, read)."""
    retries: int = 2
    """Extra attempts after a connection error, a timeout, HTTP 429 or 5xx (not after other 4xx)."""
    backoff: float = 0.5
    """Seconds before the first retry, doubled for each further one."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.url.startswith(("http://", "https://")):
            raise ValueError(f"url must start with http:// or https://, got {self.url!r}")
        if not self.request_timeout > 0:
            raise ValueError(f"request_timeout must be > 0, got {self.request_timeout}")
        if self.retries < 0:
            raise ValueError(f"retries must be >= 0, got {self.retries}")
        if self.backoff < 0:
            raise ValueError(f"backoff must be >= 0, got {self.backoff}")
