"""``reward_model_remote``: rewards from an HTTP reward-model server (OpenRLHF ``serve_rm`` protocol)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from r1verify import Sample, Verdict

from .base import RewardVerifier
from .client import RemoteError, fetch_rewards
from .loading import load_tokenizer
from .options import RemoteRewardModelOptions
from .text import Unscorable, conversation, render, special_tokens, view_key
from .transform import to_verdict


class RemoteRewardModel(RewardVerifier):
    """Scores (prompt, response) by POSTing to a reward-model server, e.g. ``python -m openrlhf.cli.serve_rm``.

    Placement ``inline``: ``verify_batch`` runs in a thread of the engine's process; no model and no torch in
    r1verify's processes. Each HTTP attempt is bounded by ``request_timeout``; failures after ``retries`` become
    ``error`` verdicts for the samples of that request only, and the engine stops waiting at the batch deadline.
    """

    name = "reward_model_remote"
    Options = RemoteRewardModelOptions
    options: RemoteRewardModelOptions
    placement = "inline"
    default_timeout = 120.0

    def cache_key(self, sample: Sample) -> Any:
        """Prompt, scored view and reference (servers may read the ``labels`` field)."""
        return view_key(sample, self.options), json.dumps(_label(sample.reference), sort_keys=True)

    def render(self, prompt: str | list[dict[str, Any]], response: str) -> str:
        """With ``tokenizer``: its chat template. Without: prompt + response as plain text (the prompt is
        expected to be templated already, as OpenRLHF sends it)."""
        if self.options.tokenizer:
            tokenizer = load_tokenizer(self.options.tokenizer)
            return render(tokenizer, conversation(prompt, response), self.options.chat_template, self.options.tokenizer)
        if isinstance(prompt, str):
            return prompt + response
        raise Unscorable(
            Verdict.error("chat-message prompts need a chat template: set the tokenizer option to the reward tokenizer")
        )

    def verify_batch(self, samples: Sequence[Sample]) -> list[Verdict]:
        """One request per ``batch_size`` samples; a failed request costs only its own samples."""
        import httpx

        specials = special_tokens(load_tokenizer(self.options.tokenizer)) if self.options.tokenizer else frozenset()
        verdicts, texts = self.prepare(samples, specials)
        indices = list(texts)
        size = self.options.batch_size
        with httpx.Client(timeout=self.options.request_timeout, follow_redirects=True) as client:
            for start in range(0, len(indices), size):
                chunk = indices[start : start + size]
                payload = {
                    "query": [texts[i] for i in chunk],
                    "prompts": [samples[i].prompt_text for i in chunk],
                    "labels": [_label(samples[i].reference) for i in chunk],
                }
                try:
                    rewards = fetch_rewards(client, payload, self.options)
                except RemoteError as exc:
                    for i in chunk:
                        verdicts[i] = Verdict.setup_error(f"reward server: {exc}")
                    continue
                for i, raw in zip(chunk, rewards, strict=True):
                    verdicts[i] = to_verdict(raw, self.options)
        return [v for v in verdicts if v is not None]


def _label(reference: Any) -> Any:
    """The reference as JSON (as is when it serialises, else its text)."""
    try:
        json.dumps(reference)
    except (TypeError, ValueError):
        return str(reference)
    return reference
