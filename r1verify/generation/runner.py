"""Sampling ``n`` completions per prompt into a :class:`GenerationStore`, from an endpoint or a local model."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from typing import Any, Protocol

from .client import ChatClient, EndpointError, SamplingParams
from .prompts import PromptItem, generation_record
from .store import GenerationStore

Progress = Callable[[int, int], None]
"""``progress(prompts_finished, completion_tokens)``, called after each prompt (increments)."""


@dataclass
class GenerationStats:
    """What a run did; ``resumed_rows`` were in the output before it started."""

    prompts: int = 0
    already_done: int = 0
    completions: int = 0
    resumed_rows: int = 0
    truncated_bytes: int = 0
    completion_tokens: int = 0
    retries: int = 0
    elapsed_s: float = 0.0

    @property
    def tokens_per_s(self) -> float:
        return self.completion_tokens / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "elapsed_s": round(self.elapsed_s, 3), "tokens_per_s": round(self.tokens_per_s, 1)}


class Generator(Protocol):
    """A backend: fills the store for the items it is given."""

    def run(self, items: Iterable[PromptItem], store: GenerationStore, n: int, stats: GenerationStats,
            progress: Progress) -> None: ...


def generate(
    items: Iterable[PromptItem],
    store: GenerationStore,
    backend: Generator,
    n: int,
    progress: Progress | None = None,
) -> GenerationStats:
    """Write ``n`` generations of every item to ``store`` (only the missing ones on a resumed file)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    stats = GenerationStats(resumed_rows=store.resumed_rows, truncated_bytes=store.truncated_bytes)
    started = time.perf_counter()
    try:
        backend.run(items, store, n, stats, progress or (lambda p, t: None))
    finally:
        stats.elapsed_s = time.perf_counter() - started
    return stats


@dataclass
class EndpointGenerator:
    """Chat completions from an OpenAI-compatible server; ``concurrency`` prompts in flight at once.

    The first prompt whose request fails for good (after the client's retries) stops the run: requests in flight
    are cancelled, every finished prompt is already on disk, and :class:`EndpointError` says why.
    """

    endpoint: str
    model: str
    params: SamplingParams
    concurrency: int = 64
    request_timeout: float = 600.0
    retries: int = 5
    backoff: float = 0.5
    api_key: str | None = None

    def run(self, items: Iterable[PromptItem], store: GenerationStore, n: int, stats: GenerationStats,
            progress: Progress) -> None:
        try:
            asyncio.run(self._run(items, store, n, stats, progress))
        except* EndpointError as group:
            raise group.exceptions[0] from None

    async def _run(self, items: Iterable[PromptItem], store: GenerationStore, n: int, stats: GenerationStats,
                   progress: Progress) -> None:
        client = ChatClient(
            self.endpoint, self.model, concurrency=self.concurrency, request_timeout=self.request_timeout,
            retries=self.retries, backoff=self.backoff, api_key=self.api_key,
        )
        queue: asyncio.Queue[PromptItem | None] = asyncio.Queue(maxsize=2 * self.concurrency)

        async def worker() -> None:
            while (item := await queue.get()) is not None:
                await self._one(client, item, store, n, stats, progress)

        async with client, asyncio.TaskGroup() as tasks:
            workers = [tasks.create_task(worker()) for _ in range(self.concurrency)]
            for item in items:
                stats.prompts += 1
                if store.missing(item.prompt_id, n) == 0:
                    stats.already_done += 1
                    progress(1, 0)
                    continue
                await queue.put(item)
                if any(w.done() for w in workers):
                    break  # a worker failed: the task group raises its error
            for _ in workers:
                await queue.put(None)

    async def _one(self, client: ChatClient, item: PromptItem, store: GenerationStore, n: int,
                   stats: GenerationStats, progress: Progress) -> None:
        need = store.missing(item.prompt_id, n)
        texts: list[tuple[str, str | None]] = []
        tokens = 0
        empty = 0
        while len(texts) < need:
            reply = await client.chat(item.messages, replace(self.params, n=need - len(texts)))
            stats.retries += reply.retries
            tokens += reply.completion_tokens
            if not reply.choices:
                empty += 1
                if empty >= 3:
                    raise EndpointError(f"{client.url}: three replies without choices for prompt {item.prompt_id}",
                                        retryable=False)
            texts.extend((c.text, c.finish_reason) for c in reply.choices[: need - len(texts)])
        first = n - need
        store.append(
            generation_record(item, first + i, text, reason, self.model) for i, (text, reason) in enumerate(texts)
        )
        stats.completions += len(texts)
        stats.completion_tokens += tokens
        progress(1, tokens)
