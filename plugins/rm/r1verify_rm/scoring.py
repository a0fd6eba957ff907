"""Batched forward passes: tokenize, truncate, group by length, pad on the right, read one reward per text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .loading import LoadedModel


@dataclass(frozen=True)
class Encoded:
    """Token ids a text is scored from, and how many tokens it had before truncation."""

    ids: list[int]
    original_length: int

    @property
    def truncated(self) -> bool:
        return len(self.ids) < self.original_length


def encode(tokenizer: Any, texts: Sequence[str], max_length: int, side: Literal["left", "right"]) -> list[Encoded]:
    """Tokenize rendered texts (the template already holds any BOS, so none is added) and cut them to
    ``max_length``. Cutting on the left keeps a leading BOS token, which models expect."""
    if not texts:
        return []
    bos = tokenizer.bos_token_id
    out = []
    for ids in tokenizer(list(texts), add_special_tokens=False)["input_ids"]:
        kept = ids
        if len(ids) > max_length:
            if side == "right":
                kept = ids[:max_length]
            elif bos is not None and ids[0] == bos:
                kept = [bos, *ids[len(ids) - max_length + 1 :]]
            else:
                kept = ids[len(ids) - max_length :]
        out.append(Encoded(list(kept), len(ids)))
    return out


def score(loaded: LoadedModel, batch: Sequence[list[int]], batch_size: int) -> list[float | None]:
    """One raw reward per token list, in input order.

    Texts are sorted by length so each micro-batch pads little. A micro-batch that runs out of GPU memory is
    split in two and retried; a single text that still does not fit gets ``None``.
    """
    order = sorted(range(len(batch)), key=lambda i: len(batch[i]), reverse=True)
    out: list[float | None] = [None] * len(batch)
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        for i, reward in zip(chunk, _forward_splitting(loaded, [batch[i] for i in chunk]), strict=True):
            out[i] = reward
    return out


def _forward_splitting(loaded: LoadedModel, batch: list[list[int]]) -> list[float | None]:
    import torch

    try:
        return forward(loaded, batch)
    except torch.OutOfMemoryError:
        pass  # recover outside the handler: while in it, the traceback keeps the failed batch's tensors alive
    if loaded.device.type == "cuda":
        torch.cuda.empty_cache()
    if len(batch) == 1:
        return [None]
    mid = len(batch) // 2
    return _forward_splitting(loaded, batch[:mid]) + _forward_splitting(loaded, batch[mid:])


def forward(loaded: LoadedModel, batch: Sequence[list[int]]) -> list[float]:
    """One forward pass over right-padded ids (with an attention mask unless the model is causal).

    Right padding keeps every real token at the position it has when scored alone, and the causal mask keeps
    the padding out of its attention: batched and single scores agree up to floating-point noise. The model
    reads the reward at the last token that is not ``pad_id`` (see ``loading._agree_on_padding``).
    """
    import torch

    width = max(len(ids) for ids in batch)
    input_ids = torch.full((len(batch), width), loaded.pad_id, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for row, ids in enumerate(batch):
        input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
        mask[row, : len(ids)] = 1
    attention_mask = mask.to(loaded.device) if loaded.needs_mask else None  # see LoadedModel.needs_mask
    with torch.inference_mode():
        logits = loaded.model(input_ids=input_ids.to(loaded.device), attention_mask=attention_mask).logits
    return logits[:, 0].float().cpu().tolist()
