"""Loading a reward model and its tokenizer once per process (lazily: torch and transformers import here)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .options import RewardModelOptions
from .text import special_tokens

if TYPE_CHECKING:
    import torch

_lock = threading.RLock()
_models: dict[tuple[Any, ...], LoadedModel] = {}
_tokenizers: dict[str, Any] = {}


@dataclass(frozen=True)
class LoadedModel:
    """A reward model ready to score: the model in eval mode on its device, and a tokenizer with a pad token
    that agrees with ``model.config.pad_token_id``."""

    model: Any
    tokenizer: Any
    device: torch.device
    pad_id: int
    specials: frozenset[str]
    needs_mask: bool = True
    """False for causal models, where right padding never reaches a real token's attention: the forward pass
    then runs without a mask, on the attention kernels' fast causal path (about 2x on CPU)."""


def resolve(device: str, dtype: str) -> tuple[torch.device, torch.dtype]:
    """``auto`` device: CUDA when available, else CPU. ``auto`` dtype: bf16 on CUDA (fp16 where a GPU lacks
    bf16), fp32 elsewhere."""
    import torch

    dev = torch.device(("cuda" if torch.cuda.is_available() else "cpu") if device == "auto" else device)
    if dtype != "auto":
        return dev, getattr(torch, dtype)
    if dev.type == "cuda":
        return dev, torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return dev, torch.float32


def load_model(options: RewardModelOptions) -> LoadedModel:
    """The model of ``options``, loaded on first use in this process and kept."""
    key = (options.model, options.device, options.dtype, options.attn_implementation, options.trust_remote_code)
    with _lock:
        loaded = _models.get(key)
        if loaded is None:
            loaded = _models[key] = _load(options)
        return loaded


def _load(options: RewardModelOptions) -> LoadedModel:
    from transformers import AutoModelForSequenceClassification

    device, dtype = resolve(options.device, options.dtype)
    extra: dict[str, Any] = {"attn_implementation": options.attn_implementation} if options.attn_implementation else {}
    if device.type == "cuda":
        extra["device_map"] = str(device)  # straight to the GPU, without a full copy in CPU memory first
    try:
        model, info = AutoModelForSequenceClassification.from_pretrained(
            options.model,
            dtype=dtype,
            output_loading_info=True,
            trust_remote_code=options.trust_remote_code,
            **extra,
        )
    except (OSError, ValueError) as exc:
        raise RuntimeError(
            f"cannot load reward model {options.model!r} ({exc}); set model= to a local directory or hub id of a "
            f"sequence-classification checkpoint"
        ) from exc
    missing = sorted(info.get("missing_keys") or ())
    if missing:
        raise RuntimeError(
            f"{options.model!r} has no trained reward head (missing weights {', '.join(missing[:4])}): it would be "
            f"initialised at random; use a checkpoint trained as a reward model"
        )
    if model.config.num_labels != 1:
        raise RuntimeError(
            f"{options.model!r} has {model.config.num_labels} output labels; a reward model has one (num_labels=1)"
        )
    tokenizer = load_tokenizer(options.model, trust_remote_code=options.trust_remote_code)
    pad_id = _agree_on_padding(model, tokenizer)
    model.to(device).eval()
    return LoadedModel(model, tokenizer, device, pad_id, special_tokens(tokenizer), _needs_mask(model, pad_id, device))


def _needs_mask(model: Any, pad_id: int, device: torch.device) -> bool:
    """Whether padding changes the score without a mask: probe the model once with a right-padded row.

    A causal model scores ``ids`` the same with or without padding after it; a bidirectional one (BERT-like)
    attends to the padding, so it keeps the mask.
    """
    import torch

    vocab = model.config.get_text_config().vocab_size if hasattr(model.config, "get_text_config") else 1000
    ids = [t for t in range(1, min(vocab, 64)) if t != pad_id][:8]
    padded = torch.tensor([ids + [pad_id] * 8], device=device)
    alone = torch.tensor([ids], device=device)
    with torch.inference_mode():
        unmasked = model(input_ids=padded).logits[0, 0].float()
        reference = model(input_ids=alone).logits[0, 0].float()
    return not torch.allclose(unmasked, reference, rtol=1e-4, atol=1e-5)  # in doubt, keep the mask


def _agree_on_padding(model: Any, tokenizer: Any) -> int:
    """Give tokenizer and model the same pad token id.

    Decoder reward models (Qwen2, Llama...) read the score at the rightmost token that is not
    ``config.pad_token_id``; without one they refuse batches. Order of preference: the tokenizer's pad token,
    the model's, the EOS token.
    """
    config = model.config.get_text_config() if hasattr(model.config, "get_text_config") else model.config
    pad_id = tokenizer.pad_token_id
    if pad_id is None:
        pad_id = config.pad_token_id if config.pad_token_id is not None else tokenizer.eos_token_id
    if pad_id is None:
        raise RuntimeError("the reward tokenizer has neither a pad nor an EOS token; cannot batch")
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.convert_ids_to_tokens(pad_id)
    config.pad_token_id = pad_id
    model.config.pad_token_id = pad_id
    return int(pad_id)


def load_tokenizer(name: str, *, trust_remote_code: bool = False) -> Any:
    """A Hugging Face tokenizer, loaded once per process."""
    from transformers import AutoTokenizer

    key = f"{name}\0{trust_remote_code}"
    with _lock:
        tokenizer = _tokenizers.get(key)
        if tokenizer is None:
            try:
                tokenizer = AutoTokenizer.from_pretrained(name, trust_remote_code=trust_remote_code)
            except (OSError, ValueError) as exc:
                raise RuntimeError(f"cannot load tokenizer {name!r} ({exc}); set a local directory or hub id") from exc
            _tokenizers[key] = tokenizer
        return tokenizer
