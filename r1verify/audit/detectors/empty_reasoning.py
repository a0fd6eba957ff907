"""``empty_reasoning``: the format reward was paid for a reasoning block that is empty or boilerplate.

The R1 format reward checks the tags, not what is between them; a policy learns ``<think> </think>`` or
"Let me think step by step." and collects it. Fires on rewarded samples whose reasoning block closed and is
empty, only boilerplate sentences, or under :data:`MIN_WORDS` words with no digit or formula. With a results
file, only when the format verifier's verdict was paid (``think_format`` / ``format`` correct).
"""

from __future__ import annotations

import re
from typing import ClassVar

from ...boilerplate import only_boilerplate
from ..model import Finding, Rollout, finding
from ..text import words

MIN_WORDS = 4
FORMAT_VERIFIERS = ("think_format", "format", "tag_count")


def _format_paid(rollout: Rollout) -> bool:
    if not rollout.verdicts:
        return True  # a plain rollout log: a rewarded sample was paid for its format, as far as we can know
    for name in FORMAT_VERIFIERS:
        verdict = rollout.verdicts.get(name)
        if isinstance(verdict, dict):
            return verdict.get("status") == "correct"
    return True


class EmptyReasoning:
    id: ClassVar[str] = "empty_reasoning"
    category: ClassVar[str] = "format"
    explanation: ClassVar[str] = "the reasoning block is empty or boilerplate, yet the format reward was paid"

    def detect(self, rollout: Rollout) -> list[Finding]:
        where = rollout.regions()
        if where.reasoning is None or where.answer is None or not _format_paid(rollout):
            return []
        text = rollout.completion
        lo, hi = where.reasoning
        body = text[lo:hi].strip()
        if not body:
            reason = "the reasoning block is empty"
        elif only_boilerplate(body):
            reason = f"the reasoning is only boilerplate: {body[:60]!r}"
        elif len(body) < 80 and len(words(body)) < MIN_WORDS and not re.search(r"[\d=+*/^\\]", body):
            reason = f"the reasoning has {len(words(body))} word(s) and no working: {body[:60]!r}"
        else:
            return []
        start = lo - 7 if text[max(0, lo - 7) : lo] == "<think>" else lo
        end = hi + 8 if text[hi : hi + 8] == "</think>" else hi
        return [finding(self.id, reason, text, start, end)]
