"""The ``overlong`` verifier: DAPO's soft overlong punishment."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from r1verify import Sample, Verdict, Verifier

from .measure import MeasureOptions, measure
from .parts import cut
from .shaping import soft_overlong


@dataclass(frozen=True)
class OverlongOptions(MeasureOptions):
    max_length: int = 0
    """L_max: from here on the penalty is -1 (required; in tokens with a tokenizer, else characters)."""
    cache_length: int = -1
    """L_cache: the penalty ramps from 0 to -1 over the last ``cache_length`` units before ``max_length``.
    -1 (default) means ``max_length // 5`` (DAPO used 4096 of 20480); 0 is a hard cut at ``max_length``."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.max_length <= 0:
            raise ValueError("max_length must be set to a positive length, e.g. overlong:max_length=16384")
        if not -1 <= self.cache_length <= self.max_length:
            raise ValueError("cache_length must be between 0 and max_length (or -1 for max_length // 5)")

    @property
    def cache(self) -> int:
        return self.max_length // 5 if self.cache_length == -1 else self.cache_length


class Overlong(Verifier):
    """DAPO's soft overlong punishment: ``scored`` in [-1, 0]; 0 while the length is at most
    ``max_length - cache_length``, linear down to -1 at ``max_length``, -1 beyond."""

    name = "overlong"
    Options = OverlongOptions
    default_timeout = 5.0

    def cache_key(self, sample: Sample) -> Hashable:
        return cut(sample.completion, self.options.part, self.options.think_tag)

    def verify(self, sample: Sample) -> Verdict:
        o = self.options
        length, unit = measure(sample.completion, o)
        score = soft_overlong(length, o.max_length, o.cache)
        limit = o.max_length - o.cache
        if score == 0.0:
            reason = f"{length} {unit} <= {limit}: no penalty"
        elif score == -1.0:
            reason = f"{length} {unit} > max_length {o.max_length}: full penalty"
        else:
            reason = f"{length} {unit} is {length - limit} into the {o.cache}-{unit} soft zone"
        return Verdict.scored(score, reason, length=length, unit=unit, max_length=o.max_length, cache_length=o.cache)
