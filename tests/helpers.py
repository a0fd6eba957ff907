"""Verifiers that misbehave on purpose, for engine tests (importable by worker processes)."""

from __future__ import annotations

import ctypes
import os
import time
from dataclasses import dataclass

from r1verify import Sample, Verdict, Verifier


@dataclass(frozen=True)
class LogOptions:
    log: str = ""
    """Append one line per call to this file (counts calls across processes)."""


def _log(path: str, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text + "\n")


class Behave(Verifier):
    """Acts on the completion: 'sleep' hangs forever, 'raise' raises, 'segv' segfaults, 'exit' calls
    os._exit, 'slow:S' sleeps S seconds; anything else is correct if it equals the reference."""

    name = "behave"
    Options = LogOptions
    default_timeout = 1.0

    def verify(self, sample: Sample) -> Verdict:
        _log(self.options.log, sample.completion)
        text = sample.completion
        if text == "sleep":
            while True:
                time.sleep(1)
        if text == "raise":
            raise ValueError("boom from the verifier")
        if text == "segv":
            ctypes.string_at(0)
        if text == "exit":
            os._exit(3)
        if text == "alloc":
            return Verdict.scored(float(len(bytearray(6 << 30))))
        if text == "spin":
            while True:
                pass
        if text.startswith("slow:"):
            time.sleep(float(text[5:]))
            return Verdict.correct("slept")
        if text == str(sample.reference):
            return Verdict.correct(answer=text, pid=os.getpid())
        return Verdict.wrong(f"{text!r} != {sample.reference!r}", answer=text)


class BatchBehave(Behave):
    """The same, run as a dedicated-process batch verifier."""

    name = "batch_behave"
    placement = "dedicated"

    def verify_batch(self, samples):
        if any(s.completion == "sleep" for s in samples):
            time.sleep(30)
        return [Verdict.scored(float(len(s.completion)), pid=os.getpid()) for s in samples]


class InlineBehave(BatchBehave):
    name = "inline_behave"
    placement = "inline"
    default_timeout = 0.5

    def batch_deadline(self, n: int, timeout: float) -> float:
        return timeout


class LazyInline(InlineBehave):
    """An inline verifier whose verify_batch returns a generator."""

    name = "lazy_inline"

    def verify_batch(self, samples):
        return (Verdict.scored(1.0) for _ in samples)


class MiscountInline(InlineBehave):
    """An inline verifier that loses a verdict when a completion says 'drop'."""

    name = "miscount_inline"

    def verify_batch(self, samples):
        return [Verdict.scored(1.0) for s in samples if s.completion != "drop"]
