"""Attribute every word of a text to a language, segment by segment.

A segment is a sentence's worth of words in one script family (a Chinese clause inside an English sentence is
its own segment). Each segment gets one language:

- Han/kana segments: Japanese if they contain kana; otherwise Chinese, or Japanese when that is the target.
- Scripts of a single language (Hangul, Greek, Thai, ...): that language, no detector needed.
- Scripts shared by several languages (Latin, Cyrillic, ...): a detector decides. Segments shorter than
  ``min_words`` are pooled with their neighbours in that script, since a detector cannot judge three words.
  The target's own number words ("seven", "plus", "eighteen": :mod:`r1verify_language.numerals`) count as the
  target without a detector. When the target is written in that script, a segment counts as the target unless
  another language beats it by more than ``margin`` (log-score units; scaled up by ``min_words / words`` for a text too short to pool): short or ambiguous text (math prose, names) keeps the benefit of the
  doubt, a real French paragraph in English reasoning does not. Segments in a script the target does not use
  are not the target whatever the detector says; they are pooled into one call that only names them (with the
  benefit of the doubt going to the script's most common language in model output: English for Latin).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .detectors import Detector
from .numerals import numeral
from .scripts import (
    AMBIGUOUS_SCRIPTS,
    CHARACTER_SCRIPTS,
    SCRIPT_DEFAULT,
    SCRIPT_LANGUAGE,
    candidates,
    scripts_of_language,
)
from .words import Word

UNKNOWN = "und"
"""The label of words in scripts this module does not map to a language."""


@dataclass(frozen=True, slots=True)
class Attribution:
    """Word counts by language, and how many segments were judged."""

    counts: dict[str, int]
    segments: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, language: str) -> float:
        """The proportion of words attributed to ``language`` (0.0 when there are no words)."""
        total = self.total
        return self.counts.get(language, 0) / total if total else 0.0

    def dominant(self) -> str | None:
        """The language with the most words (ties broken by code, so the answer is stable); None if no words."""
        if not self.counts:
            return None
        return min(self.counts, key=lambda lang: (-self.counts[lang], lang))


def _family(script: str) -> str:
    return "CJK" if script in CHARACTER_SCRIPTS else script


def _segments(words: Sequence[Word]) -> list[list[Word]]:
    """Maximal runs of words sharing a sentence and a script family."""
    segments: list[list[Word]] = []
    key = None
    for word in words:
        k = (word.sentence, _family(word.script))
        if k != key:
            segments.append([])
            key = k
        segments[-1].append(word)
    return segments


def _pool(segments: list[list[Word]], min_words: int) -> list[list[Word]]:
    """Join consecutive segments (of one script) until each has at least ``min_words`` words."""
    pooled: list[list[Word]] = []
    for segment in segments:
        if pooled and len(pooled[-1]) < min_words:
            pooled[-1] = pooled[-1] + segment
        else:
            pooled.append(list(segment))
    if len(pooled) > 1 and len(pooled[-1]) < min_words:
        tail = pooled.pop()
        pooled[-1] = pooled[-1] + tail
    return pooled


def _decide(scores: dict[str, float], target: str | None, margin: float) -> str:
    best = max(scores, key=lambda lang: (scores[lang], lang))
    if target in scores and scores[best] - scores[target] <= margin:
        return target
    return best


def attribute(
    words: Sequence[Word], target: str | None, detector: Detector, *, min_words: int = 8, margin: float = 10.0
) -> Attribution:
    """Count ``words`` by language (see the module docstring). ``target`` may be None."""
    counts: Counter[str] = Counter()
    judged = 0
    target_scripts = scripts_of_language(target) if target else frozenset()
    shared: dict[str, list[list[Word]]] = {}
    for segment in _segments(words):
        script = segment[0].script
        if _family(script) == "CJK":
            judged += 1
            kana = any(w.script == "Kana" for w in segment)
            counts["ja" if kana or target == "ja" else "zh"] += len(segment)
        elif script in AMBIGUOUS_SCRIPTS:
            shared.setdefault(script, []).append(segment)
        else:
            judged += 1
            counts[SCRIPT_LANGUAGE.get(script, UNKNOWN)] += len(segment)
    for script, segments in shared.items():
        langs = candidates(script)
        if target is not None and script in target_scripts:
            # the target's own number words are math prose: the target's, without asking the detector
            words_left = [[w for w in segment if not numeral(w.text, target)] for segment in segments]
            counts[target] += sum(len(a) - len(b) for a, b in zip(segments, words_left, strict=True))
            units = _pool([segment for segment in words_left if segment], min_words)
            local_target = target
        else:  # not the target whatever it is: one call names them all
            units = [[w for segment in segments for w in segment]]
            local_target = SCRIPT_DEFAULT.get(script)
        for unit in units:
            judged += 1
            # fewer words than min_words (a short text has nothing to pool with): ask for more evidence
            needed = margin * max(1.0, min_words / len(unit))
            counts[_decide(detector.scores([w.text for w in unit], langs), local_target, needed)] += len(unit)
    return Attribution(dict(counts), judged)
