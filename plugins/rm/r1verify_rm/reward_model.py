"""``reward_model``: a Hugging Face sequence-classification reward model in r1verify's dedicated process."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from r1verify import Sample, Verdict

from .base import RewardVerifier
from .loading import load_model
from .options import RewardModelOptions
from .scoring import encode, score
from .text import conversation, render
from .transform import to_verdict


class RewardModel(RewardVerifier):
    """Scores (prompt, response) with a reward model (``AutoModelForSequenceClassification``, num_labels=1).

    Placement ``dedicated``: the engine runs this verifier in ONE long-lived process of its own, which loads
    the model on its first batch and keeps it; every batch of the engine reaches it whole through
    :meth:`verify_batch`. Worker processes never load the model, so there is one copy in memory however many
    workers the engine has (one per recipe entry using ``reward_model``).

    Example::

        from r1verify import Engine, Recipe, Sample

        recipe = Recipe.from_dict({"verifiers": {"helpful": {
            "verifier": "reward_model", "options": {"model": "/models/my-rm", "transform": "sigmoid"}}}})
        with Engine(recipe) as engine:
            reward = engine.verify([Sample("<think>...</think> Paris.", prompt="Capital of France?")])[0].reward
    """

    name = "reward_model"
    Options = RewardModelOptions
    options: RewardModelOptions
    placement = "dedicated"
    default_timeout = 60.0

    def batch_deadline(self, n: int, timeout: float) -> float:
        """``timeout`` per micro-batch of ``batch_size`` samples, plus ``load_timeout`` for loading the model
        (the first batch of a process loads it; the engine cannot tell which batch that is)."""
        return self.options.load_timeout + super().batch_deadline(n, timeout)

    def render(self, prompt: str | list[dict[str, Any]], response: str) -> str:
        loaded = load_model(self.options)
        return render(loaded.tokenizer, conversation(prompt, response), self.options.chat_template, self.options.model)

    def verify_batch(self, samples: Sequence[Sample]) -> list[Verdict]:
        """Score ``samples`` in micro-batches sorted by length; verdicts come back in input order."""
        loaded = load_model(self.options)
        verdicts, texts = self.prepare(samples, loaded.specials)
        indices = list(texts)
        encoded = encode(
            loaded.tokenizer, [texts[i] for i in indices], self.options.max_length, self.options.truncation_side
        )
        rewards = score(loaded, [e.ids for e in encoded], self.options.batch_size)
        for i, enc, raw in zip(indices, encoded, rewards, strict=True):
            details = {"tokens": len(enc.ids), "truncated": enc.truncated}
            if raw is None:
                verdicts[i] = Verdict.error(
                    f"out of GPU memory scoring {len(enc.ids)} tokens alone; lower max_length or use a bigger GPU",
                    **details,
                )
            else:
                verdicts[i] = to_verdict(raw, self.options, **details)
        return [v for v in verdicts if v is not None]

    def scored_text(self, sample: Sample) -> str | Verdict:
        """The exact text the model scores for ``sample`` (for debugging a recipe), or the verdict it gets
        without scoring (no answer, no prompt)."""
        loaded = load_model(self.options)
        verdicts, texts = self.prepare([sample], loaded.specials)
        return texts[0] if 0 in texts else verdicts[0]  # type: ignore[return-value]
