"""``llm_judge``: a rubric graded by a model behind an OpenAI-compatible endpoint, requests batched and async."""

from __future__ import annotations

import asyncio
import json
import math
import os
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from r1verify import Sample, Verdict
from r1verify.generation import ChatClient, EndpointError, SamplingParams

from .base import JudgeBase
from .options import EndpointJudgeOptions


class LLMJudge(JudgeBase):
    """Asks a judge model to grade each completion on a rubric and parses ``Reason:`` / ``Score:`` (or
    ``Verdict:``) strictly.

    Placement ``inline``: no model in r1verify's processes; the HTTP client bounds every request
    (``request_timeout``, ``retries``) and the batch keeps to the engine's deadline: a sample whose judgement is
    not in by then is ``timeout``, the others keep their verdicts. Identical requests in a batch are sent once
    (the engine dedups by the request), and parsed judgements are kept (``cache_size``).
    """

    name = "llm_judge"
    Options = EndpointJudgeOptions
    options: EndpointJudgeOptions
    placement = "inline"
    default_timeout = 120.0

    def batch_deadline(self, n: int, timeout: float) -> float:
        """``timeout`` per wave of ``concurrency`` requests; the judge itself stops half a second earlier."""
        deadline = timeout * math.ceil(max(1, n) / self.options.concurrency)
        self._budgets()[n] = max(0.1, deadline - 0.5)
        return deadline

    def _budgets(self) -> dict[int, float]:
        if not hasattr(self, "_budget_by_n"):
            self._budget_by_n: dict[int, float] = {}
        return self._budget_by_n

    def _cache(self) -> OrderedDict[str, Verdict]:
        if not hasattr(self, "_judged"):
            self._judged: OrderedDict[str, Verdict] = OrderedDict()
        return self._judged

    def verify_batch(self, samples: Sequence[Sample]) -> list[Verdict]:
        verdicts, requests = self.prepare(samples)
        cache = self._cache()
        pending: dict[str, list[int]] = {}
        for i, messages in requests.items():
            key = json.dumps(messages, sort_keys=True)
            if key in cache:
                cache.move_to_end(key)
                verdicts[i] = cache[key]
            else:
                pending.setdefault(key, []).append(i)
        if pending:
            budget = self._budgets().pop(len(samples), None) or self.default_timeout
            for key, verdict in asyncio.run(self._ask_all(pending, requests, budget)).items():
                for i in pending[key]:
                    verdicts[i] = verdict
        return [v for v in verdicts if v is not None]

    async def _ask_all(self, pending: dict[str, list[int]], requests: dict[int, list[dict[str, Any]]],
                       budget: float) -> dict[str, Verdict]:
        o = self.options
        params = SamplingParams(n=1, temperature=o.temperature, max_tokens=o.max_tokens)
        client = ChatClient(o.endpoint, o.model, concurrency=o.concurrency, request_timeout=o.request_timeout,
                            retries=o.retries, api_key=os.environ.get(o.api_key_env) or None)
        started = time.monotonic()
        async with client:
            tasks = {
                key: asyncio.create_task(self._ask(client, requests[idx[0]], params)) for key, idx in pending.items()
            }
            await asyncio.wait(tasks.values(), timeout=budget)
            results = {}
            for key, task in tasks.items():
                if task.done():
                    results[key] = task.result()
                else:
                    task.cancel()
                    results[key] = Verdict.timeout(f"no judge reply within {time.monotonic() - started:.1f} s "
                                                   f"(the batch's deadline); raise the verifier's timeout")
        cache = self._cache()
        for key, verdict in results.items():
            if not verdict.status.is_failure:
                cache[key] = verdict
                while len(cache) > o.cache_size:
                    cache.popitem(last=False)
        return results

    async def _ask(self, client: ChatClient, messages: list[dict[str, Any]], params: SamplingParams) -> Verdict:
        try:
            reply = await client.chat(messages, params)
        except EndpointError as exc:  # down, unknown model, bad key: every sample shares it until it is fixed
            return Verdict.setup_error(f"judge endpoint: {exc}")
        if not reply.choices:
            return Verdict.error("the judge endpoint replied with no choices")
        choice = reply.choices[0]
        verdict = self.verdict(choice.text)
        if verdict.status.is_failure and choice.finish_reason == "length":
            return Verdict.error(f"{verdict.reason} (the reply hit max_tokens={self.options.max_tokens}: raise it)",
                                 **verdict.details)
        return verdict
