"""Tag names of the R1 template and how tags are found in text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

_NAME = re.compile(r"[A-Za-z_][\w.:-]*")

Prefilled = Literal["auto", "yes", "no"]
"""Whether the prompt already opened the reasoning block (chat templates of Qwen3 and R1 distills end the
prompt with ``<think>``): ``yes``, ``no``, or ``auto`` (yes when the prompt text ends with the opening tag)."""

AnswerTags = Literal["optional", "required", "forbidden"]
"""Whether the final answer is wrapped in ``<answer>`` tags: allowed, mandatory, or not allowed."""


def check_tag_name(name: str, option: str) -> None:
    """Raise ``ValueError`` unless ``name`` is a bare tag name such as ``think``."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"{option} must be a bare tag name such as 'think' (no '<', '>' or spaces), got {name!r}")


@dataclass(frozen=True)
class Tags:
    """The four tags of the template for given names, and a regex for every tag-like mention of those names."""

    think: str = "think"
    answer: str = "answer"

    @property
    def open_think(self) -> str:
        return f"<{self.think}>"

    @property
    def close_think(self) -> str:
        return f"</{self.think}>"

    @property
    def open_answer(self) -> str:
        return f"<{self.answer}>"

    @property
    def close_answer(self) -> str:
        return f"</{self.answer}>"

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """Matches the exact tags and their malformed variants (``<Think>``, ``< /think >``, ``<think/>``)."""
        names = "|".join(re.escape(n) for n in (self.think, self.answer))
        # possessive quantifiers: "<" followed by a long run of spaces must not backtrack quadratically
        return re.compile(rf"<\s*+/?+\s*+(?:{names})\s*+/?+\s*+>", re.IGNORECASE)

    def prompt_prefills(self, prompt_text: str) -> bool:
        """Whether a prompt ends with the opening think tag (the chat template opened the reasoning block)."""
        return prompt_text.rstrip().endswith(self.open_think)

    def is_prefilled(self, mode: Prefilled, prompt_text: str) -> bool:
        return mode == "yes" or (mode == "auto" and self.prompt_prefills(prompt_text))


@dataclass(frozen=True)
class BlockTags:
    """The four delimiters of a two-block template written as special tokens (``sky-t1``), with the same
    interface as :class:`Tags`; ``pattern`` also matches their malformed variants (``<|Begin_of_thought|>``,
    ``<begin_of_thought>``, ``<| end_of_thought |>``)."""

    open_think: str
    close_think: str
    open_answer: str
    close_answer: str
    pattern: re.Pattern[str]

    def prompt_prefills(self, prompt_text: str) -> bool:
        return prompt_text.rstrip().endswith(self.open_think)


SKY_T1_TAGS = BlockTags(
    "<|begin_of_thought|>",
    "<|end_of_thought|>",
    "<|begin_of_solution|>",
    "<|end_of_solution|>",
    re.compile(r"<\s*+\|?+\s*+/?+\s*+(?:begin|end)_of_(?:thought|solution)\s*+\|?+\s*+/?+\s*+>", re.IGNORECASE),
)
