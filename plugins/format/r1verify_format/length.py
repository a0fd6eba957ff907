"""The ``length`` verifier: Kimi k1.5's length reward, or the cosine-scaled length reward."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, Literal

from r1verify import Sample, Verdict, Verifier

from . import correctness
from .measure import MeasureOptions, measure
from .shaping import cosine_length, kimi_length


@dataclass(frozen=True)
class LengthOptions(MeasureOptions):
    mode: Literal["kimi", "cosine"] = "kimi"
    """``kimi``: 0.5 - (len - min_length)/(max_length - min_length), wrong answers capped at 0, in [-0.5, 0.5];
    ``cosine``: a cosine schedule between the four ``*_value_*`` options."""
    max_length: int = 0
    """The length where the schedule ends (required; tokens with a tokenizer, else characters)."""
    min_length: int = 0
    """``kimi``: the length that earns the full +0.5 (Kimi uses the group's shortest; here it is fixed)."""
    min_value_correct: float = 0.5
    max_value_correct: float = 1.0
    min_value_wrong: float = -1.0
    max_value_wrong: float = -0.5
    correctness: Literal["reference", "meta", "verifier"] = "reference"
    """Where correctness comes from: ``reference`` (normalised exact match of the final answer),
    ``meta`` (``meta[meta_key]`` holds an earlier verdict), ``verifier`` (run the ``judge`` verifier)."""
    meta_key: str = "correct"
    """The meta field read when ``correctness = 'meta'``."""
    judge: str = "math"
    """The registered verifier run when ``correctness = 'verifier'``."""
    judge_options: dict[str, Any] = field(default_factory=dict)
    """Options for ``judge``."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.max_length <= 0:
            raise ValueError("max_length must be set to a positive length, e.g. length:max_length=4096")
        if not 0 <= self.min_length < self.max_length:
            raise ValueError("min_length must be >= 0 and below max_length")
        if self.min_value_correct > self.max_value_correct or self.min_value_wrong > self.max_value_wrong:
            raise ValueError("each min_value_* must be <= its max_value_*")


class Length(Verifier):
    """A length reward that depends on correctness: ``scored``, in [-0.5, 0.5] (kimi) or between the
    ``*_value_*`` bounds (cosine). ``error`` when correctness cannot be established (no reference, no meta
    field, the judge failed), since a length reward with a guessed correctness teaches the wrong thing."""

    name = "length"
    Options = LengthOptions
    default_timeout = 10.0

    def cache_key(self, sample: Sample) -> Hashable:
        o = self.options
        meta = repr(sample.meta.get(o.meta_key)) if o.correctness == "meta" else None
        prompt = sample.prompt_text if o.correctness == "verifier" else None
        return sample.completion, repr(sample.reference), meta, prompt

    def _judge(self) -> Verifier:
        """The judge verifier, built on first use in each process (only the options are pickled)."""
        judge = getattr(self, "_judge_instance", None)
        if judge is None:
            from r1verify.plugins import get_verifier_class

            judge = self._judge_instance = get_verifier_class(self.options.judge)(**self.options.judge_options)
        return judge

    def _correct(self, sample: Sample) -> bool:
        o = self.options
        if o.correctness == "reference":
            return correctness.from_reference(sample, o.think_tag)
        if o.correctness == "meta":
            return correctness.from_meta(sample, o.meta_key)
        verdict = self._judge().verify(sample)
        return correctness.from_verdict_status(verdict.status, o.judge, verdict.reason, setup=verdict.is_setup_error)

    def verify(self, sample: Sample) -> Verdict:
        o = self.options
        try:
            correct = self._correct(sample)
        except correctness.Undecidable as exc:
            return Verdict.error_for(exc, str(exc))
        length, unit = measure(sample.completion, o)
        if o.mode == "kimi":
            score = kimi_length(length, o.min_length, o.max_length, correct)
        else:
            score = cosine_length(
                length,
                o.max_length,
                correct,
                min_value_correct=o.min_value_correct,
                max_value_correct=o.max_value_correct,
                min_value_wrong=o.min_value_wrong,
                max_value_wrong=o.max_value_wrong,
            )
        verdict_word = "correct" if correct else "wrong"
        return Verdict.scored(
            score,
            f"{verdict_word} answer, {length} {unit} ({o.mode} length reward)",
            correct=correct,
            correctness_from=o.correctness,
            length=length,
            unit=unit,
            mode=o.mode,
        )
