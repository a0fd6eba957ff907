"""The local transformers backend with a tiny causal LM built from a config (random weights, no downloads)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from r1verify.cli import cli

from .conftest import read_jsonl, write_jsonl
from .fake_openai import math_prompts

CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


@pytest.fixture(scope="module")
def tiny_lm(tmp_path_factory) -> Path:
    """A 2-layer Llama with a byte-level BPE tokenizer trained on the prompts, saved like a checkpoint."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=specials, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    bpe.train_from_iterator([r["prompt"] + " <think> answer boxed" for r in math_prompts(30)], trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                                        chat_template=CHAT_TEMPLATE)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    torch.manual_seed(0)
    directory = tmp_path_factory.mktemp("tiny-lm")
    LlamaForCausalLM(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def test_local_model_writes_n_rows_per_prompt_batched_and_resumes(tiny_lm, tmp_path):
    src = write_jsonl(tmp_path / "p.jsonl", math_prompts(5))
    out = tmp_path / "g.jsonl"
    args = ["generate", str(src), "--model", str(tiny_lm), "-n", "3", "--max-tokens", "6", "--temperature", "1.0",
            "--seed", "1", "--gen-batch-size", "2", "--out", str(out)]
    result = CliRunner().invoke(cli, [*args, "--limit", "3"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert len(read_jsonl(out)) == 9
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = read_jsonl(out)
    assert Counter(r["id"] for r in rows) == Counter({f"p{i}": 3 for i in range(5)})
    assert all(isinstance(r["completion"], str) and r["finish_reason"] in ("stop", "length") for r in rows)
    assert all(r["model"] == str(tiny_lm) for r in rows)
    assert any(r["completion"] for r in rows)  # random weights, but tokens come out
    assert "<|im_start|>" not in "".join(r["completion"] for r in rows)  # only the new tokens, specials dropped
