"""What ``reward_model`` and ``reward_model_remote`` share: the scored text, dedup key, deadline, verdicts."""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import Any, ClassVar

from r1verify import Sample, Verdict, Verifier

from .options import ScoringOptions
from .text import Unscorable, response_view, strip_special, view_key


class RewardVerifier(Verifier):
    """Base of the reward-model verifiers. Subclasses implement :meth:`render` and :meth:`verify_batch`."""

    Options: ClassVar[type[ScoringOptions]]
    options: ScoringOptions

    def verify(self, sample: Sample) -> Verdict:
        return self.verify_batch([sample])[0]

    def cache_key(self, sample: Sample) -> Hashable:
        """The prompt and the scored view: GRPO samples with the same final answer are scored once."""
        return view_key(sample, self.options)

    def batch_deadline(self, n: int, timeout: float) -> float:
        """``timeout`` per micro-batch of ``batch_size`` samples, not per sample."""
        return timeout * math.ceil(max(1, n) / self.options.batch_size)

    def render(self, prompt: str | list[dict[str, Any]], response: str) -> str:
        """The text the reward model scores for ``response`` to ``prompt``."""
        raise NotImplementedError

    def prepare(
        self, samples: Sequence[Sample], specials: frozenset[str]
    ) -> tuple[list[Verdict | None], dict[int, str]]:
        """Texts to score by sample index, and the verdicts of samples that are not scored (no answer, no
        prompt), which sit at their index in the first list."""
        verdicts: list[Verdict | None] = [None] * len(samples)
        texts: dict[int, str] = {}
        for i, sample in enumerate(samples):
            try:
                texts[i] = self.render(_prompt(sample), self._response(sample.completion, specials))
            except Unscorable as unscorable:
                verdicts[i] = unscorable.verdict
        return verdicts, texts

    def _response(self, completion: str, specials: frozenset[str]) -> str:
        response = response_view(completion, self.options)
        if self.options.strip_special_tokens and specials:
            response = strip_special(response, specials).strip()
            if not response and self.options.view == "answer":
                raise Unscorable(
                    Verdict.no_answer("the answer is only special tokens", score=self.options.no_answer_score)
                )
        return response


def _prompt(sample: Sample) -> str | list[dict[str, Any]]:
    if sample.prompt is None:
        raise Unscorable(
            Verdict.error("a reward model scores a response to a prompt and this sample has none; give it a prompt")
        )
    return sample.prompt
