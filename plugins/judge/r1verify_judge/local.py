"""``llm_judge_local``: the same rubrics graded by a local transformers model, loaded once in its own process."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from r1verify import Sample, Verdict
from r1verify.generation import LocalGenerator, SamplingParams

from .base import JudgeBase
from .options import LocalJudgeOptions


class LocalLLMJudge(JudgeBase):
    """Greedy replies of a local causal LM, ``batch_size`` judge prompts per ``generate`` call. Placement
    ``dedicated``: one process of its own holds the model, and a batch past its deadline kills it."""

    name = "llm_judge_local"
    Options = LocalJudgeOptions
    options: LocalJudgeOptions
    placement = "dedicated"
    default_timeout = 120.0

    def batch_deadline(self, n: int, timeout: float) -> float:
        """``timeout`` per ``generate`` call of ``batch_size`` prompts."""
        return timeout * -(-max(1, n) // self.options.batch_size)

    def _generator(self) -> LocalGenerator:
        if getattr(self, "_model", None) is None:
            params = SamplingParams(temperature=self.options.temperature, max_tokens=self.options.max_tokens)
            self._model = LocalGenerator(self.options.model, params, device=self.options.device or None)
        return self._model

    def verify_batch(self, samples: Sequence[Sample]) -> list[Verdict]:
        verdicts, requests = self.prepare(samples)
        indices = list(requests)
        size = self.options.batch_size
        for start in range(0, len(indices), size):
            chunk = indices[start : start + size]
            replies: list[Any] = self._generator().complete([requests[i] for i in chunk], 1)
            for i, (text, finish, _) in zip(chunk, replies, strict=True):
                verdict = self.verdict(text)
                if verdict.status.is_failure and finish == "length":
                    verdict = Verdict.error(f"{verdict.reason} (cut at max_tokens={self.options.max_tokens})",
                                            **verdict.details)
                verdicts[i] = verdict
        return [v for v in verdicts if v is not None]
