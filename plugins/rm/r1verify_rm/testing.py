"""Randomly initialised reward models saved like real checkpoints, for tests and benchmarks without downloads.

Example::

    from r1verify_rm.testing import save_random_reward_model

    path = save_random_reward_model("/tmp/tiny-rm", corpus=["some text the tokenizer learns from"])
    # recipes can now use {"verifier": "reward_model", "options": {"model": "/tmp/tiny-rm"}}

The scores mean nothing: use these to test plumbing (loading, batching, templating), never for quality.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

CHAT_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
)
"""A ChatML-style template; ``<|im_start|>``, ``<|im_end|>`` and ``<|bos|>`` are special tokens."""

SPECIAL_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|bos|>")

_SIZES: dict[str, dict[str, Any]] = {
    # hidden 32, 2 layers: loads in milliseconds, scores hundreds of texts per second on one CPU core
    "tiny": {
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "initializer_range": 0.2,
    },
    # the shape of Qwen2.5-0.5B (~0.5B parameters with its 151,936-token vocabulary)
    "0.5b": {
        "hidden_size": 896,
        "intermediate_size": 4864,
        "num_hidden_layers": 24,
        "num_attention_heads": 14,
        "num_key_value_heads": 2,
        "vocab_size": 151_936,
    },
}


def train_tokenizer(corpus: Iterable[str], vocab_size: int = 2000) -> Any:
    """A byte-level BPE tokenizer trained on ``corpus``, with :data:`CHAT_TEMPLATE`, EOS ``<|im_end|>``, BOS
    ``<|bos|>`` and pad ``<|endoftext|>``, as a ``PreTrainedTokenizerFast``."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    bpe.train_from_iterator(corpus, trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        bos_token="<|bos|>",
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        chat_template=CHAT_TEMPLATE,
    )


def save_random_reward_model(
    directory: str | Path,
    corpus: Iterable[str],
    *,
    size: Literal["tiny", "0.5b"] = "tiny",
    seed: int = 0,
    dtype: str = "float32",
) -> Path:
    """Save a tokenizer trained on ``corpus`` and a randomly initialised ``Qwen2ForSequenceClassification``
    (num_labels=1) of ``size`` to ``directory``; load it back with ``from_pretrained`` or as ``model=``.

    The model config has no ``pad_token_id``, as many real reward checkpoints: the verifier must supply one.
    """
    import torch
    from transformers import Qwen2Config, Qwen2ForSequenceClassification

    directory = Path(directory)
    tokenizer = train_tokenizer(corpus)
    shape = dict(_SIZES[size])
    shape.setdefault("vocab_size", len(tokenizer))
    config = Qwen2Config(
        **shape, num_labels=1, max_position_embeddings=32_768, pad_token_id=None, tie_word_embeddings=True
    )
    torch.manual_seed(seed)
    model = Qwen2ForSequenceClassification(config).to(getattr(torch, dtype))
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory
