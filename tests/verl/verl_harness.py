"""Real veRL inputs for the adapter's tests: a byte-level BPE tokenizer trained offline with the `tokenizers`
library (no hub download) and a ``verl.DataProto`` laid out the way veRL's rollout hands it to reward managers
(left-padded prompts, right-padded responses, one attention mask over both)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def tokenizer() -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=600,
        special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    corpus = ["<think> the answer is \\boxed{4} </think> def main(): print(input()) ```python"] * 4
    bpe.train_from_iterator(corpus, trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=bpe, eos_token="<|im_end|>", pad_token="<|endoftext|>", chat_template=CHAT_TEMPLATE
    )


def data_proto(tok: Any, rows: list[dict[str, Any]], *, extra_pad: int = 3) -> Any:
    """A DataProto of ``rows`` (each: prompt, response, data_source, ground_truth, optional extra_info/ability).

    Responses end with the EOS token and are right-padded by at least ``extra_pad`` tokens, so the last valid
    token is not the last position.
    """
    import numpy as np
    import torch
    from verl import DataProto

    prompts = [tok.encode(r["prompt"]) for r in rows]
    responses = [tok.encode(r["response"]) + [tok.eos_token_id] for r in rows]
    p_len = max(map(len, prompts))
    r_len = max(map(len, responses)) + extra_pad
    pad = tok.pad_token_id
    p_ids = torch.tensor([[pad] * (p_len - len(p)) + p for p in prompts])
    r_ids = torch.tensor([r + [pad] * (r_len - len(r)) for r in responses])
    p_mask = torch.tensor([[0] * (p_len - len(p)) + [1] * len(p) for p in prompts])
    r_mask = torch.tensor([[1] * len(r) + [0] * (r_len - len(r)) for r in responses])
    mask = torch.cat([p_mask, r_mask], dim=1)
    non_tensors: dict[str, Any] = {
        "data_source": np.array([r["data_source"] for r in rows], dtype=object),
        "reward_model": np.array([{"style": "rule", "ground_truth": r["ground_truth"]} for r in rows], dtype=object),
        "extra_info": np.array([dict(r.get("extra_info", {"index": i})) for i, r in enumerate(rows)], dtype=object),
    }
    if any("ability" in r for r in rows):
        non_tensors["ability"] = np.array([r.get("ability", "") for r in rows], dtype=object)
    return DataProto.from_dict(
        tensors={
            "prompts": p_ids,
            "responses": r_ids,
            "input_ids": torch.cat([p_ids, r_ids], dim=1),
            "attention_mask": mask,
            "position_ids": torch.clamp(torch.cumsum(mask, dim=1) - 1, min=0),
        },
        non_tensors=non_tensors,
    )


def last_valid(data: Any) -> list[int]:
    """The index of each row's last valid response token (where veRL expects the reward)."""
    p_len = data.batch["prompts"].shape[-1]
    return [int(n) - 1 for n in data.batch["attention_mask"][:, p_len:].sum(-1).tolist()]


def math_rows() -> list[dict[str, Any]]:
    """Real MATH completions with Qwen's grader label (examples/data/math_generations.jsonl): 2 right, 2 wrong."""
    rows = [json.loads(line) for line in (ROOT / "examples/data/math_generations.jsonl").read_text().splitlines()]
    right = [r for r in rows if r["qwen_grader_label"] is True and "variant" not in r][:2]
    wrong = [r for r in rows if r["qwen_grader_label"] is False and "variant" not in r][:2]
    return [
        {"prompt": r["prompt"], "response": r["completion"], "data_source": "lighteval/MATH",
         "ground_truth": r["answer"], "label": r["qwen_grader_label"]}
        for r in right + wrong
    ]


def code_rows() -> list[dict[str, Any]]:
    """HumanEval programs, canonical (right) and mutated (wrong) (examples/data/code_generations.jsonl)."""
    rows = [json.loads(line) for line in (ROOT / "examples/data/code_generations.jsonl").read_text().splitlines()]
    return [
        {"prompt": r["prompt"], "response": r["completion"], "data_source": "openai_humaneval",
         "ground_truth": json.dumps(r["tests"]), "extra_info": {"domain": "code", "index": i},
         "label": r["variant"] == "canonical"}
        for i, r in enumerate(rows[:4])
    ]


def recipe_toml(path: Path, code_backend: str = "local") -> Path:
    """math + code (on ``code_backend``) + think_format: the reasoning-rl shape without the language term."""
    path.write_text(
        f"""description = "test recipe for the veRL adapter"
default_domain = "math"
on_error = -1.0

[verifiers.accuracy]
verifier = "math"
domains = ["math"]
required = true

[verifiers.code]
verifier = "code"
domains = ["code"]
required = true
options = {{ backend = "{code_backend}", workers = 2 }}

[verifiers.format]
verifier = "think_format"
weight = 0.2
""",
        encoding="utf-8",
    )
    return path
