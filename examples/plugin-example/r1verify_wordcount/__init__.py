"""An example r1verify plugin, written the way any third party would: one verifier, one hook."""

from __future__ import annotations

from dataclasses import dataclass

from r1verify import Sample, Verdict, Verifier, hookimpl


@dataclass(frozen=True)
class WordCountOptions:
    max_words: int = 50
    """Final answers longer than this are format errors."""
    delimiter: str = "</think>"


class WordCount(Verifier):
    """The final answer (after the reasoning) has at most ``max_words`` words."""

    name = "wordcount"
    Options = WordCountOptions
    default_timeout = 1.0

    def cache_key(self, sample: Sample) -> object:
        return sample.completion.rpartition(self.options.delimiter)[2]

    def verify(self, sample: Sample) -> Verdict:
        answer = sample.completion.rpartition(self.options.delimiter)[2]
        words = len(answer.split())
        if words == 0:
            return Verdict.no_answer("empty final answer")
        if words > self.options.max_words:
            return Verdict.format_error(f"{words} words > {self.options.max_words}", words=words)
        return Verdict.correct(f"{words} words", words=words)


@hookimpl
def register_verifiers(register):
    register(WordCount)
