"""What ``llm_judge`` and ``llm_judge_local`` share: the judged text, the request, the verdict from a reply."""

from __future__ import annotations

import json
from collections.abc import Hashable, Sequence
from typing import Any, ClassVar

from r1verify import Sample, Verdict, Verifier

from .options import JudgeOptions
from .parsing import JudgeFormatError, parse_reply
from .rubrics import RUBRICS, Rubric, judge_messages


class JudgeBase(Verifier):
    """Base of the judges; subclasses send :meth:`requests` somewhere and turn replies into verdicts with
    :meth:`verdict`."""

    Options: ClassVar[type[JudgeOptions]]
    options: JudgeOptions

    @property
    def rubric(self) -> Rubric:
        return RUBRICS[self.options.rubric]

    def verify(self, sample: Sample) -> Verdict:
        return self.verify_batch([sample])[0]

    def cache_key(self, sample: Sample) -> Hashable:
        """The judge request itself (or the early verdict's reason): same prompt, view and reference → one call."""
        early, messages = self.request(sample)
        return early.reason if early is not None else json.dumps(messages, sort_keys=True)

    def view(self) -> str:
        return self.options.view or self.rubric.view

    def request(self, sample: Sample) -> tuple[Verdict | None, list[dict[str, Any]]]:
        """The judge's messages for ``sample``, or a verdict given without asking (no answer, no reference)."""
        rubric = self.rubric
        response = sample.completion
        if self.view() == "answer":
            head, sep, tail = response.rpartition(self.options.delimiter)
            if not sep:
                return Verdict.no_answer(f"no {self.options.delimiter!r}: the reasoning never ended",
                                         score=self.options.no_answer_score), []
            response = tail.strip()
        if not response.strip():
            return Verdict.no_answer("empty response", score=self.options.no_answer_score), []
        reference = None
        if rubric.needs_reference:
            if sample.reference is None:
                return Verdict.error(f"rubric {rubric.name!r} grades against a reference and this sample has none; "
                                     "add a reference column (or --map reference=COLUMN)"), []
            reference = sample.reference if isinstance(sample.reference, str) else json.dumps(sample.reference)
        limit = self.options.max_response_chars
        if len(response) > limit:
            response = response[: limit // 2] + "\n[... cut ...]\n" + response[-limit // 2 :]
        criteria = self.options.instructions or rubric.criteria
        return None, judge_messages(rubric, criteria, sample.prompt_text, response, reference)

    def verdict(self, reply: str) -> Verdict:
        """The verdict for a judge's reply: scored / correct / wrong with its reason, or ``error`` quoting a
        reply that does not follow the format (never ``wrong``)."""
        try:
            judgement = parse_reply(reply, self.rubric.kind)
        except JudgeFormatError as exc:
            return Verdict.error(str(exc), reply=reply[-2000:])
        if judgement.score is not None:
            return Verdict.scored((judgement.score - 1) / 9, judgement.reason, judge_score=judgement.score)
        if judgement.verdict:
            return Verdict.correct(judgement.reason)
        return Verdict.wrong(judgement.reason)

    def prepare(self, samples: Sequence[Sample]) -> tuple[list[Verdict | None], dict[int, list[dict[str, Any]]]]:
        verdicts: list[Verdict | None] = [None] * len(samples)
        requests: dict[int, list[dict[str, Any]]] = {}
        for i, sample in enumerate(samples):
            early, messages = self.request(sample)
            if early is not None:
                verdicts[i] = early
            else:
                requests[i] = messages
        return verdicts, requests
