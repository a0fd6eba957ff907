"""From a sample to the text a reward model scores: the response view, the conversation, the chat template."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from r1verify import Sample, Verdict

from .options import ScoringOptions


class Unscorable(Exception):
    """A sample that gets a verdict without being scored (no answer, no prompt); carries that verdict."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(verdict.reason)
        self.verdict = verdict


def response_view(completion: str, options: ScoringOptions) -> str:
    """The part of the completion that is scored: the final answer (``view=answer``) or all of it."""
    if options.view == "full":
        return completion.strip()
    _, found, answer = completion.rpartition(options.delimiter)
    if not found:
        if options.require_delimiter:
            raise Unscorable(
                Verdict.no_answer(
                    f"no {options.delimiter!r} in the completion (unfinished reasoning); set view=full or "
                    f"require_delimiter=false to score it whole",
                    score=options.no_answer_score,
                )
            )
        answer = completion
    answer = answer.strip()
    if not answer:
        raise Unscorable(
            Verdict.no_answer(f"nothing after {options.delimiter!r} to score", score=options.no_answer_score)
        )
    return answer


def conversation(prompt: str | list[dict[str, Any]], response: str) -> list[dict[str, Any]]:
    """Chat messages for the reward model: the prompt (text -> one user turn; messages as given), then the
    response as the assistant turn."""
    if isinstance(prompt, str):
        return [{"role": "user", "content": prompt}, {"role": "assistant", "content": response}]
    return [*prompt, {"role": "assistant", "content": response}]


def strip_special(text: str, specials: Iterable[str]) -> str:
    """Remove every special-token string from ``text``, repeating until none is left (removal can join the
    pieces of another: ``<|im_<|im_end|>start|>``)."""
    pattern = _alternation(tuple(sorted(set(filter(None, specials)), key=len, reverse=True)))
    if pattern is None:
        return text
    while True:
        stripped = pattern.sub("", text)
        if stripped == text:
            return text
        text = stripped


@lru_cache(maxsize=16)
def _alternation(tokens: tuple[str, ...]) -> re.Pattern[str] | None:
    return re.compile("|".join(map(re.escape, tokens))) if tokens else None


def special_tokens(tokenizer: Any) -> frozenset[str]:
    """Every special token of a Hugging Face tokenizer: the named ones and the added tokens marked special."""
    named = set(getattr(tokenizer, "all_special_tokens", ()) or ())
    added = {t.content for t in (getattr(tokenizer, "added_tokens_decoder", {}) or {}).values() if t.special}
    return frozenset(named | added)


def render(tokenizer: Any, messages: list[dict[str, Any]], chat_template: str | None, where: str) -> str:
    """The conversation as text through the tokenizer's chat template (or ``chat_template``)."""
    if chat_template is None and not getattr(tokenizer, "chat_template", None):
        raise RuntimeError(
            f"the tokenizer of {where} has no chat template; set the chat_template option to a Jinja template"
        )
    return tokenizer.apply_chat_template(messages, tokenize=False, chat_template=chat_template)


def view_key(sample: Sample, options: ScoringOptions) -> str:
    """What a reward depends on: the prompt and the scored view of the completion (JSON text)."""
    try:
        view: str | None = response_view(sample.completion, options)
    except Unscorable:
        view = None
    return json.dumps([sample.prompt, view], sort_keys=True, ensure_ascii=False, default=repr)
