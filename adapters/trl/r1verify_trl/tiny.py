"""A tiny randomly initialised Qwen2 model and tokenizer built offline, and a few bundled problems, for smoke
runs of a GRPO setup.

Nothing is downloaded: the tokenizer is byte-level (every text encodes) with a few whole-word tokens added,
among them ``<think>`` and ``</think>`` as *non-special* tokens, so TRL's decoding (``skip_special_tokens``)
keeps them in completions. The model writes noise; it exists to run the real trainer end to end in seconds.
"""

from __future__ import annotations

from typing import Any

WORD_TOKENS = ("<think>", "</think>", "\\boxed{", "}", " The answer is ", "\n")
"""Whole tokens on top of the 256 bytes, so that random generations contain the R1 format's pieces."""

SPECIAL_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")

CHAT_TEMPLATE_THINK = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n<think>\n{% endif %}"
)
"""A ChatML template that pre-fills ``<think>`` after the assistant header, as DeepSeek-R1 style templates do."""


def tiny_tokenizer(chat_template: str | None = CHAT_TEMPLATE_THINK) -> Any:
    """A byte-level tokenizer (256 bytes + :data:`WORD_TOKENS` + ChatML specials), optionally with a chat template."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    alphabet = pre_tokenizers.ByteLevel.alphabet()
    vocab = {ch: i for i, ch in enumerate(sorted(alphabet))}
    backend = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    backend.decoder = decoders.ByteLevel()
    backend.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in SPECIAL_TOKENS])
    backend.add_tokens([AddedToken(t, special=False, normalized=False) for t in WORD_TOKENS])
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        eos_token="<|im_end|>" if chat_template else "<|endoftext|>",
        pad_token="<|endoftext|>",
        padding_side="left",
    )
    if chat_template:
        tokenizer.chat_template = chat_template
    return tokenizer


def tiny_model(tokenizer: Any, *, seed: int = 0, hidden_size: int = 32, layers: int = 2) -> Any:
    """A randomly initialised Qwen2 causal LM sized for ``tokenizer`` (about 20k parameters by default)."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(seed)
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=2 * hidden_size,
        num_hidden_layers=layers,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        tie_word_embeddings=True,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=None,
    )
    model = Qwen2ForCausalLM(config)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    return model


def tiny_math_rows() -> list[dict[str, Any]]:
    """The bundled 16 MATH-500 problems (``problem``, ``answer``, ``subject``, ``level``, ``unique_id``)."""
    import json
    from importlib import resources

    text = (resources.files("r1verify_trl") / "data" / "math_tiny.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]
