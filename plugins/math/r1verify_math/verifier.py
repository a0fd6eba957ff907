"""The ``math`` verifier: is the final answer of a completion the reference answer?"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable

from r1verify import Sample, Verdict, Verifier

from .answer import Answer
from .extract import Extraction, extract
from .grade import grade
from .options import MathOptions
from .reference import UnreadableReference, reference_answers, reference_key

REFERENCE_CACHE_SIZE = 4096
"""Distinct references whose parsed answers each worker keeps (a GRPO batch repeats each prompt's reference)."""


class MathVerifier(Verifier):
    """Grades the final answer of a math completion against its reference.

    The final answer is the text after the last ``delimiter``; in it the ``\\boxed{}`` answers (or, without
    any, the configured fallbacks; with ``preset="lenient"`` also the unboxed extractors of
    :mod:`r1verify_math.unboxed`, never on a cut-off completion) are graded. Several different answers are a
    hedge (``hedging`` decides).
    Answers are compared by canonical text, then exactly as numbers, then with math-verify (closed-form numbers
    by value, without its rounding). Statuses: ``correct``, ``wrong`` (also for hedges and over-long answers),
    ``no_answer``, ``format_error`` (no delimiter, when required), ``error`` (the reference cannot be read or
    parsed), ``timeout`` (the engine's deadline). Options and examples: docs/math.md.
    """

    name = "math"
    Options = MathOptions
    default_timeout = 5.0
    preload_modules = ("sympy", "math_verify", "r1verify_math.symbolic")

    options: MathOptions

    def cache_key(self, sample: Sample) -> Hashable:
        """The extracted final answers and the reference's answers: a GRPO group's repeats are graded once."""
        return extract(sample.completion, self.options, sample.prompt_text), reference_key(sample.reference)

    def verify(self, sample: Sample) -> Verdict:
        try:
            golds = self._golds(reference_answers(sample.reference))
        except UnreadableReference as exc:  # MissingReference: a setup error when every sample says so
            return Verdict.error_for(exc, str(exc))
        extraction = extract(sample.completion, self.options, sample.prompt_text)
        if extraction.problem:
            return self._nothing_to_grade(extraction)
        return grade(extraction, golds, self.options)

    def _golds(self, answers: tuple[str, ...]) -> tuple[Answer, ...]:
        cache: Callable[[tuple[str, ...]], tuple[Answer, ...]] | None = getattr(self, "_gold_cache", None)
        if cache is None:  # built lazily, in the process that verifies (only options are pickled)
            cache = self._gold_cache = functools.lru_cache(maxsize=REFERENCE_CACHE_SIZE)(_read_golds)
        return cache(answers)

    def _nothing_to_grade(self, extraction: Extraction) -> Verdict:
        delimiter = self.options.reasoning_end
        if extraction.problem == "no_delimiter":
            return Verdict.format_error(
                f"no {delimiter!r} in the completion: the reasoning never ended "
                f"(set require_delimiter=false to grade completions without it)"
            )
        if extraction.problem == "empty":
            return Verdict.no_answer(f"nothing after {delimiter!r}" if delimiter else "empty completion")
        if extraction.problem == "only_in_reasoning":
            return Verdict.no_answer(
                f"an answer appears only inside the reasoning (before the last {delimiter!r}); "
                f"only the final answer is graded"
            )
        if extraction.problem == "truncated":
            return Verdict.no_answer(
                "truncated: the completion was cut off (the reasoning or the answer block never ended, or it stops "
                "in the middle of a sentence or formula); nothing in it is graded as a final answer"
            )
        if extraction.problem == "unknown_end":
            return Verdict.no_answer(
                "no \\boxed{} answer, and without the delimiter the completion may have been cut off: unboxed "
                "extractors do not guess on it"
            )
        fallbacks = self.options.fallbacks + tuple(u for u in self.options.unboxed if u not in self.options.fallbacks)
        tried = f"and no fallback ({', '.join(fallbacks)}) matched" if fallbacks else "(fallbacks=() needs a box)"
        if not self.options.unboxed:
            tried += "; preset=lenient also reads unboxed final answers"
        return Verdict.no_answer(f"no \\boxed{{}} answer in the final answer {tried}")


def _read_golds(answers: tuple[str, ...]) -> tuple[Answer, ...]:
    return tuple(Answer.read(a) for a in answers)
