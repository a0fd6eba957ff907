"""The ``think_format`` verifier: the strict R1 template."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from r1verify import Sample, Status, Verdict, Verifier
from r1verify.boilerplate import only_boilerplate
from r1verify.templates import TemplateName

from . import harmony
from .tags import SKY_T1_TAGS, AnswerTags, BlockTags, Prefilled, Tags, check_tag_name
from .template import Parsed, parse


@dataclass(frozen=True)
class TemplateOptions:
    template: TemplateName = "r1"
    """Reasoning template preset: ``r1`` (``<think>...</think>`` answer), ``qwen3`` (the prompt prefills
    ``<think>``, so the completion has only ``</think>``), ``sky-t1`` (``<|begin_of_thought|>...
    <|end_of_thought|>`` then the answer inside ``<|begin_of_solution|>...<|end_of_solution|>``, always
    required) or ``harmony`` (gpt-oss: one ``analysis`` message, then one ``final`` message). ``think_tag``,
    ``answer_tag`` and ``answer_tags`` apply to r1 and qwen3; ``prefilled`` to r1, qwen3 and sky-t1."""
    think_tag: str = "think"
    """Name of the reasoning tag: ``<think>`` ... ``</think>``."""
    answer_tag: str = "answer"
    """Name of the answer tag: ``<answer>`` ... ``</answer>``."""
    answer_tags: AnswerTags = "optional"
    """``optional``: the final answer may be wrapped in answer tags (then exactly one block, nothing after it);
    ``required``: it must be; ``forbidden``: answer tags are an error (R1-distill / Qwen3 style output)."""
    prefilled: Prefilled = "auto"
    """``yes``: the prompt already ends with ``<think>`` (Qwen3, R1-distill chat templates), so the completion
    must not open the block again; ``no``: the completion starts with ``<think>``; ``auto``: ``yes`` when the
    sample's prompt text ends with ``<think>``, else ``no``."""

    def __post_init__(self) -> None:
        check_tag_name(self.think_tag, "think_tag")
        check_tag_name(self.answer_tag, "answer_tag")
        if self.think_tag.lower() == self.answer_tag.lower():
            raise ValueError("think_tag and answer_tag must differ")


@lru_cache(maxsize=64)
def tags_for(think: str, answer: str) -> Tags:
    """The (cached) Tags for a pair of names."""
    return Tags(think, answer)


class TemplateVerifier(Verifier):
    """Shared by the template verifiers: the tags, and whether a sample's prompt prefilled the think tag."""

    Options = TemplateOptions
    default_timeout = 2.0

    @property
    def tags(self) -> Tags | BlockTags:
        if self.options.template == "sky-t1":
            return SKY_T1_TAGS
        return tags_for(self.options.think_tag, self.options.answer_tag)

    def prefilled(self, sample: Sample) -> bool:
        """Whether the prompt opened the reasoning block; ``qwen3`` means it did, unless ``prefilled = no``."""
        mode = self.options.prefilled
        if self.options.template == "harmony":
            return False  # the first message may or may not repeat <|start|>assistant; both are accepted
        if mode == "auto":
            if self.options.template == "qwen3":
                return True
            return sample.prompt is not None and self.tags.prompt_prefills(sample.prompt_text)
        return mode == "yes"

    def parse(self, sample: Sample) -> tuple[Parsed, bool]:
        """The strict parse of the sample's completion under the template, and whether it was prefilled."""
        o = self.options
        if o.template == "harmony":
            return harmony.parse(sample.completion), False
        prefilled = self.prefilled(sample)
        if o.template == "sky-t1":
            return parse(sample.completion, SKY_T1_TAGS, prefilled=prefilled, answer_tags="required",
                         required_by="sky-t1 puts the answer inside it"), prefilled  # fmt: skip
        return parse(sample.completion, self.tags, prefilled=prefilled, answer_tags=o.answer_tags), prefilled

    def cache_key(self, sample: Sample) -> Hashable:
        return sample.completion, self.prefilled(sample)


@dataclass(frozen=True)
class ThinkFormatOptions(TemplateOptions):
    boilerplate: Literal["refuse", "allow"] = "refuse"
    """``refuse``: a reasoning block that is only stock phrasing ("Let me think step by step.", "Okay, let me
    solve this.", "reasoning here") is a ``format_error``: paying it teaches a policy to write it; ``allow``:
    any visible text is a reasoning (open-r1's format reward)."""


class ThinkFormat(TemplateVerifier):
    """The R1 template, strictly: one non-empty reasoning block at the start, then a non-empty final answer.

    ``correct`` (1.0) when the completion follows it; ``format_error`` (0.0) naming the first broken rule
    (malformed, stray, nested or repeated tags, text before the block or after ``</answer>``, an unclosed or
    empty reasoning block, a reasoning that is only boilerplate); ``no_answer`` (0.0) when nothing follows the
    reasoning. See ``template.py``.
    """

    name = "think_format"
    Options = ThinkFormatOptions

    def verify(self, sample: Sample) -> Verdict:
        parsed, prefilled = self.parse(sample)
        template = self.options.template
        if parsed.status is not Status.CORRECT:
            return Verdict(parsed.status, None, parsed.problem, {"prefilled": prefilled, "template": template})
        reasoning = parsed.reasoning.strip()
        if self.options.boilerplate == "refuse" and only_boilerplate(reasoning):
            return Verdict(
                Status.FORMAT_ERROR,
                None,
                f"the reasoning is only boilerplate ({reasoning[:60]!r}): it says nothing",
                {"prefilled": prefilled, "template": template},
            )
        return Verdict.correct(
            f"follows the {template} template",
            template=template,
            prefilled=prefilled,
            answer_tagged=parsed.answer_tagged,
            reasoning_chars=len(parsed.reasoning),
            answer_chars=len(parsed.answer),
        )
