"""The ``tool_call`` verifier: the answer's function calls against the reference calls, with credit per call."""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Literal

from r1verify import Sample, Verdict, Verifier
from r1verify.builtin import no_reference
from r1verify.templates import TemplateName

from .answer import Part, answer_or_verdict, graded_text
from .calls import Call, CallFormat, CallFormatError, calls_from_json, parse_calls
from .match import ValueRules, call_mismatch

Order = Literal["ordered", "set"]


class NoReferenceCalls(CallFormatError):
    """The sample has no reference calls at all: when every sample lacks them, the column is missing or named
    otherwise, a setup mistake (see :mod:`r1verify.guard`)."""


@dataclass(frozen=True)
class ToolCallOptions:
    format: CallFormat = "auto"
    """``hermes`` (``<tool_call>{...}</tool_call>`` blocks), ``openai`` (the answer, or its last fenced block, is a
    ``{"tool_calls": [...]}`` message, a list of calls or one call), ``auto`` (Hermes if the answer has the tag)."""
    order: Order = "ordered"
    """``ordered``: the i-th call must match the i-th reference call; ``set``: any order (each call used once)."""
    coerce_numbers: bool = True
    """A string holding a number equals that number (``"5"`` == ``5``); never between two strings."""
    case_sensitive: bool = True
    """Whether string argument values must match in case (function names always must)."""
    extra_args: bool = False
    """Allow arguments the reference call does not have."""
    reference_key: str = ""
    """A column (``meta`` field) holding the reference calls; empty: the sample's reference."""
    part: Part = "answer"
    template: TemplateName = "r1"


def _reference(sample: Sample, key: str) -> list[Call]:
    meta = sample.meta if isinstance(sample.meta, dict) else {}
    value: Any = meta.get(key) if key else sample.reference
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise CallFormatError(f"the reference calls are not JSON: {exc}") from None
    if value is None:
        raise NoReferenceCalls("no reference calls" + (f" in meta.{key}" if key else " (the sample has no reference)"))
    calls = calls_from_json(value, "the reference")
    if not calls:
        raise CallFormatError("the reference has no calls")
    return calls


class ToolCall(Verifier):
    """The answer's function calls match the reference calls: names exactly, arguments as values.

    Score = matched calls / max(reference calls, calls made), so extra or repeated calls cost credit. ``correct``
    (all matched, none extra), ``partial``, ``wrong`` (none matched); ``no_answer`` when the answer makes no call;
    ``format_error`` for a malformed call; ``error`` for a missing or malformed reference. ``details`` has the calls
    found and, for each reference call, whether it matched and why not.
    """

    name = "tool_call"
    Options = ToolCallOptions
    default_timeout = 5.0

    @property
    def _rules(self) -> ValueRules:
        o = self.options
        return ValueRules(coerce_numbers=o.coerce_numbers, case_sensitive=o.case_sensitive, extra_args=o.extra_args)

    def cache_key(self, sample: Sample) -> Hashable:
        text, _ = graded_text(sample.completion, self.options.part, self.options.template)
        meta = sample.meta if isinstance(sample.meta, dict) else {}
        ref = meta.get(self.options.reference_key) if self.options.reference_key else sample.reference
        return text, json.dumps(ref, sort_keys=True, default=str)

    def _match(self, expected: list[Call], got: list[Call]) -> list[str | None]:
        """For each reference call, ``None`` if a call matched it, else why not."""
        rules = self._rules
        if self.options.order == "ordered":
            return [
                call_mismatch(e, got[i], rules) if i < len(got) else f"{e.name}: not called"
                for i, e in enumerate(expected)
            ]
        free = list(range(len(got)))
        outcome: list[str | None] = []
        for e in expected:
            reasons = [(j, call_mismatch(e, got[j], rules)) for j in free]
            hit = next((j for j, why in reasons if why is None), None)
            if hit is not None:
                free.remove(hit)
                outcome.append(None)
                continue
            same_name = [why for _, why in reasons if why and not why.startswith("called ")]
            outcome.append(same_name[0] if same_name else f"{e.name}: not called")
        return outcome

    def verify(self, sample: Sample) -> Verdict:
        try:
            expected = _reference(sample, self.options.reference_key)
        except NoReferenceCalls as exc:
            if self.options.reference_key:
                return Verdict.setup_error(
                    f"{exc}: add the field to each row, or set reference_key to the column that holds the calls"
                )
            return no_reference(str(exc))
        except CallFormatError as exc:
            return Verdict.error(str(exc))
        graded = answer_or_verdict(sample.completion, self.options.part, self.options.template)
        if isinstance(graded, Verdict):
            return graded
        text, source = graded
        try:
            got = parse_calls(text, self.options.format)
        except CallFormatError as exc:
            return Verdict.format_error(str(exc))
        if not got:
            return Verdict.no_answer(f"no function call in {source}", expected=len(expected))
        outcome = self._match(expected, got)
        matched = sum(why is None for why in outcome)
        total = max(len(expected), len(got))
        details = {
            "calls": [c.to_dict() for c in got],
            "expected": len(expected),
            "matched": matched,
            "mismatches": [why for why in outcome if why is not None],
            "order": self.options.order,
        }
        summary = f"{matched}/{len(expected)} reference calls matched, {len(got)} made"
        problems = list(details["mismatches"])
        if len(got) > len(expected):
            problems.append(f"{len(got) - len(expected)} extra call(s)")
        if matched == total:
            return Verdict.correct(summary, **details)
        reason = f"{summary}; " + "; ".join(problems[:3])
        if matched == 0:
            return Verdict.wrong(reason, **details)
        return Verdict.partial(matched / total, reason, **details)
