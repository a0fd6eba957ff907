"""Small verifiers for the TRL adapter tests (importable by worker processes)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from r1verify import Sample, Verdict, Verifier


@dataclass(frozen=True)
class ConstOptions:
    value: float = 1.0


class Const(Verifier):
    """Always the same score: makes weighted sums in the trainer's logs predictable."""

    name = "const"
    Options = ConstOptions

    def cache_key(self, sample: Sample) -> object:
        return None

    def verify(self, sample: Sample) -> Verdict:
        return Verdict.scored(self.options.value)


class Echo(Verifier):
    """Correct when the reference is in the completion; reports exactly what it was given in its details."""

    name = "echo"

    def verify(self, sample: Sample) -> Verdict:
        seen = {
            "answer": sample.completion,
            "reference": sample.reference,
            "domain": sample.domain,
            "meta": sample.meta,
        }
        if sample.reference is not None and str(sample.reference) in sample.completion:
            return Verdict.correct(**seen)
        return Verdict.wrong("reference not in the completion", **seen)


class Explode(Verifier):
    """Raises on every sample."""

    name = "explode"

    def verify(self, sample: Sample) -> Verdict:
        raise RuntimeError("explode always raises")


class Hang(Verifier):
    """Never returns (one call per batch: every sample is the same work)."""

    name = "hang"
    default_timeout = 0.5

    def cache_key(self, sample: Sample) -> object:
        return None

    def verify(self, sample: Sample) -> Verdict:
        while True:
            time.sleep(1)


TEST_VERIFIERS = [Const, Echo, Explode, Hang]
