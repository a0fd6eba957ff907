"""Generation with a local transformers causal LM, for small models: prompts batched, ``n`` samples each."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from .client import SamplingParams
from .prompts import PromptItem, generation_record
from .store import GenerationStore


@dataclass
class LocalGenerator:
    """``model`` is a local checkpoint folder (or a hub id when the hub is reachable). Prompts are rendered with
    the tokenizer's chat template (with the generation prompt), left-padded, and ``batch_size`` prompts go through
    one ``generate`` call with ``num_return_sequences = n``. ``torch`` and ``transformers`` load on first use."""

    model: str
    params: SamplingParams
    batch_size: int = 8
    device: str | None = None
    _loaded: tuple[Any, Any] | None = field(default=None, repr=False)

    def load(self) -> tuple[Any, Any]:
        if self._loaded is None:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer

            tokenizer = AutoTokenizer.from_pretrained(self.model)
            tokenizer.padding_side = "left"
            if tokenizer.pad_token is None:
                tokenizer.pad_token = tokenizer.eos_token
            device = self.device or ("cuda" if torch.cuda.is_available() else "cpu")
            model = AutoModelForCausalLM.from_pretrained(self.model).to(device).eval()
            self._loaded = (tokenizer, model)
        return self._loaded

    def run(self, items: Iterable[PromptItem], store: GenerationStore, n: int, stats: Any, progress: Any) -> None:
        for batch in _batches(self._pending(items, store, n, stats, progress), self.batch_size):
            texts = self.complete([item.messages for item in batch], n)
            for k, item in enumerate(batch):
                need = store.missing(item.prompt_id, n)
                outs = texts[k * n : k * n + need]
                store.append(
                    generation_record(item, n - need + i, text, reason, self.model)
                    for i, (text, reason, _) in enumerate(outs)
                )
                tokens = sum(t for _, _, t in outs)
                stats.completions += len(outs)
                stats.completion_tokens += tokens
                progress(1, tokens)

    def _pending(self, items: Iterable[PromptItem], store: GenerationStore, n: int, stats: Any,
                 progress: Any) -> Iterator[PromptItem]:
        for item in items:
            stats.prompts += 1
            if store.missing(item.prompt_id, n) == 0:
                stats.already_done += 1
                progress(1, 0)
                continue
            yield item

    def complete(self, conversations: list[list[dict[str, Any]]], n: int) -> list[tuple[str, str, int]]:
        """``(text, finish_reason, tokens)`` for each of the ``n`` samples of each conversation, in order."""
        import torch

        tokenizer, model = self.load()
        if tokenizer.chat_template:
            prompts = [
                tokenizer.apply_chat_template(c, tokenize=False, add_generation_prompt=True) for c in conversations
            ]
        else:
            prompts = ["\n".join(f"{m['role']}: {m['content']}" for m in c) + "\nassistant: " for c in conversations]
        inputs = tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False).to(model.device)
        p = self.params
        sample = p.temperature is None or p.temperature > 0
        kwargs: dict[str, Any] = {
            "do_sample": sample,
            "num_return_sequences": n,
            "pad_token_id": tokenizer.pad_token_id,
            "max_new_tokens": p.max_tokens or 256,
        }
        if sample:
            kwargs["temperature"] = p.temperature if p.temperature is not None else 1.0
            kwargs["top_p"] = p.top_p if p.top_p is not None else 1.0
        if p.seed is not None:
            torch.manual_seed(p.seed)
        with torch.inference_mode():
            output = model.generate(**inputs, **kwargs)
        new = output[:, inputs["input_ids"].shape[1] :]
        eos = tokenizer.eos_token_id
        results = []
        for row in new.tolist():
            length = len(row)
            while length and row[length - 1] == tokenizer.pad_token_id and tokenizer.pad_token_id != eos:
                length -= 1
            stopped = eos in row[:length]
            if stopped:
                length = row.index(eos)
            text = tokenizer.decode(row[:length], skip_special_tokens=True)
            results.append((text, "stop" if stopped else "length", length + stopped))
        return results


def _batches(items: Iterator[PromptItem], size: int) -> Iterator[list[PromptItem]]:
    while batch := list(islice(items, size)):
        yield batch
