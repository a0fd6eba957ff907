"""The ``repetition`` verifier: an n-gram repetition penalty that works in any language."""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

from r1verify import Sample, Verdict, Verifier

from .measure import MeasureOptions, encoder
from .parts import cut
from .shaping import repeated_fraction

_CJK = "\u2e80-\u2fdf\u3005-\u3007\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_AUTO_UNITS = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+")

Unit = Literal["auto", "word", "char", "token"]


@dataclass(frozen=True)
class RepetitionOptions(MeasureOptions):
    ngram_size: int = 3
    """n of the n-grams."""
    max_penalty: float = -1.0
    """The score when every n-gram is a repeat (must be <= 0)."""
    unit: Unit = "auto"
    """What an n-gram is made of. ``auto``: each CJK character (Chinese, Japanese, Korean) is a unit, other text
    is split at whitespace, lower-cased (so Chinese needs no word segmenter); ``word``: whitespace-separated,
    lower-cased (exactly open-r1); ``char``: every non-space character; ``token``: token ids of ``tokenizer``."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.ngram_size < 1:
            raise ValueError("ngram_size must be at least 1")
        if self.max_penalty > 0:
            raise ValueError("max_penalty is a penalty: give a value <= 0, e.g. -1.0")
        if self.unit == "token" and not self.tokenizer:
            raise ValueError("unit = 'token' needs the tokenizer option (a tokenizer.json file or directory)")


class Repetition(Verifier):
    """``scored`` in [max_penalty, 0]: ``max_penalty * (1 - distinct n-grams / n-grams)`` (the repetition
    penalty of Yeo et al. 2025, as in open-r1). Texts shorter than one n-gram score 0."""

    name = "repetition"
    Options = RepetitionOptions
    default_timeout = 5.0

    def cache_key(self, sample: Sample) -> Hashable:
        return cut(sample.completion, self.options.part, self.options.think_tag)

    def _units(self, text: str) -> Sequence[object]:
        unit = self.options.unit
        if unit == "word":
            return text.lower().split()
        if unit == "char":
            return [ch for ch in text if not ch.isspace()]
        if unit == "token":
            return encoder(self.options.tokenizer)(text)
        return _AUTO_UNITS.findall(text.lower())

    def verify(self, sample: Sample) -> Verdict:
        o = self.options
        units = self._units(cut(sample.completion, o.part, o.think_tag))
        fraction, total, distinct = repeated_fraction(units, o.ngram_size)
        score = o.max_penalty * fraction if fraction else 0.0
        details = {"ngram_size": o.ngram_size, "unit": o.unit, "ngrams": total, "distinct": distinct}
        if total == 0:
            return Verdict.scored(0.0, f"fewer than {o.ngram_size} {o.unit} units: nothing to compare", **details)
        return Verdict.scored(score, f"{fraction:.1%} of {total} {o.ngram_size}-grams are repeats", **details)
