"""The ``language`` verifier: DeepSeek-R1's language-consistency reward."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Literal

from r1verify import Sample, Verdict, Verifier
from r1verify.templates import TemplateName, get_template

from .attribution import attribute
from .codes import is_program_language, normalize_language
from .detectors import get_detector
from .scripts import scripts_of_language
from .words import words

Part = Literal["reasoning", "completion", "answer"]


@dataclass(frozen=True)
class LanguageOptions:
    language: str = ""
    """Target language (ISO 639-1 code or English name) when the sample's meta has none and no prompt language
    can be detected; also the language that prompt detection favours when in doubt (``en`` if empty)."""
    meta_key: str = "language"
    """The ``meta`` field that names a sample's target language; it wins over everything else."""
    detect_prompt: bool = True
    """Take the target from the prompt's language (its last user message) when meta has none."""
    part: Part = "reasoning"
    """What is judged: the reasoning (inside the think block; the whole completion when there is no closing
    tag), the whole completion, or the final answer after the think block."""
    think_tag: str = "think"
    """Name of the reasoning tag (``<think>`` ... ``</think>``), for ``template = r1``."""
    template: TemplateName = "r1"
    """Reasoning template preset that says where the reasoning and the answer are: ``r1`` (``think_tag``),
    ``qwen3`` (prefilled ``<think>``), ``sky-t1`` (``<|begin_of_thought|>`` block; the answer inside
    ``<|begin_of_solution|>``), ``harmony`` (the ``analysis`` message; the answer is the ``final`` one)."""
    detector: Literal["langdetect", "langdetect-sampled", "lingua"] = "langdetect"
    """Backend for scripts shared by several languages (Latin, Cyrillic, Arabic, Devanagari)."""
    min_words: int = 8
    """Segments of a shared script shorter than this are judged together with their neighbours."""
    margin: float = 10.0
    """A segment in the target's script counts as another language only if that language's log-score beats
    the target's by more than this."""

    def __post_init__(self) -> None:
        if self.language and not scripts_of_language(normalize_language(self.language)):
            raise ValueError(f"language {self.language!r} is not one this verifier can recognise")
        if self.min_words < 1:
            raise ValueError("min_words must be at least 1")
        if self.margin < 0:
            raise ValueError("margin must be >= 0")
        if not self.think_tag or "<" in self.think_tag or ">" in self.think_tag:
            raise ValueError("think_tag is a bare tag name such as 'think'")


class LanguageConsistency(Verifier):
    """Proportion of the reasoning's words that are in the target language (R1's language-consistency reward).

    Status ``scored`` with the proportion in [0, 1]; ``no_answer`` (0.0) when the judged part has no words
    (only math, code or nothing); ``error`` when no target language can be found. ``details`` has the target
    and where it came from, the proportion of words per language, the word and segment counts.
    """

    name = "language"
    Options = LanguageOptions
    default_timeout = 5.0
    preload_modules = ("r1verify_language.preload",)

    def _text(self, completion: str) -> str:
        if self.options.part == "completion":
            return completion
        if self.options.template != "r1":
            cut = get_template(self.options.template).split(completion)
            if self.options.part == "answer":
                return cut.answer or ""
            return completion if cut.reasoning is None else cut.reasoning
        close = f"</{self.options.think_tag}>"
        head, sep, _ = completion.partition(close)
        if self.options.part == "answer":
            return completion.rpartition(close)[2] if sep else ""
        return head if sep else completion

    def _meta_target(self, sample: Sample) -> object:
        """The meta field naming the target language; a programming language there (a code row's ``language``
        column, meant for the code verifier) is not one, and the prompt decides instead."""
        value = sample.meta.get(self.options.meta_key) if isinstance(sample.meta, dict) else None
        return None if is_program_language(value) else value

    def _target(self, sample: Sample) -> tuple[str | None, str]:
        value = self._meta_target(sample)
        if value:
            return normalize_language(str(value)), f"meta.{self.options.meta_key}"
        fallback = normalize_language(self.options.language) if self.options.language else None
        if self.options.detect_prompt and sample.prompt is not None:
            found = attribute(
                words(sample.last_user_text),
                fallback or "en",
                get_detector(self.options.detector),
                min_words=self.options.min_words,
                margin=self.options.margin,
            ).dominant()
            if found is not None:
                return found, "prompt"
        return fallback, "option"

    def cache_key(self, sample: Sample) -> Hashable:
        meta = self._meta_target(sample)
        prompt = None if meta or not self.options.detect_prompt else sample.last_user_text
        return self._text(sample.completion), meta, prompt

    def verify(self, sample: Sample) -> Verdict:
        try:
            target, source = self._target(sample)
        except ValueError as exc:
            return Verdict.error(f"{exc} (in meta.{self.options.meta_key} or the language option)")
        if target is None:
            return Verdict.error(
                f"no target language: set meta.{self.options.meta_key} on the sample, give a prompt, "
                f"or set the 'language' option"
            )
        if not scripts_of_language(target):
            return Verdict.error(f"target language {target!r} ({source}) is not one this verifier can recognise")
        text_words = words(self._text(sample.completion))
        common = {"target": target, "target_from": source, "part": self.options.part}
        if not text_words:
            return Verdict.no_answer(f"the {self.options.part} has no words to judge", words=0, **common)
        result = attribute(
            text_words,
            target,
            get_detector(self.options.detector),
            min_words=self.options.min_words,
            margin=self.options.margin,
        )
        total = result.total
        share = result.share(target)
        proportions = {lang: round(n / total, 4) for lang, n in sorted(result.counts.items(), key=lambda kv: -kv[1])}
        return Verdict.scored(
            share,
            f"{share:.1%} of {total} words in {target!r} ({source})",
            proportions=proportions,
            words=total,
            segments=result.segments,
            detector=self.options.detector,
            **common,
        )
