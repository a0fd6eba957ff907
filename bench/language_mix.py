"""A mixed-language benchmark set built from real text: reasonings of ~500 words with known language shares.

- ``en`` reasonings (target English): MATH-500 solutions, with CMATH questions (Chinese) inserted at random
  sentence boundaries until the Chinese share reaches the level.
- ``zh`` reasonings (target Chinese): CMATH questions, with MATH-500 sentences inserted the same way.

The true share of each reasoning is computed from its pieces: every piece's words are counted with
r1verify-language's word counter, and every word of a piece belongs to the piece's source language. So the error
measured against it is the error of *attributing* words to languages, not of counting them.
Reasonings whose whole-text word count differs from the sum of their pieces' counts are drawn again, so the
truth is exact. Deterministic: the same (direction, level, n, seed) always gives the same set.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from r1verify_language.words import words

DATA = Path(__file__).parent / "data/language"
LEVELS = (0.0, 0.05, 0.1, 0.2, 0.5, 0.8)


@dataclass(frozen=True)
class Mixed:
    text: str
    target: str
    level: float
    true_other_share: float
    """The proportion of words not in ``target``."""


def _load(name: str, field: str) -> list[str]:
    return [json.loads(line)[field] for line in (DATA / name).open(encoding="utf-8")]


def _self_contained(sentence: str) -> bool:
    """No math or figure left open: pieces can be shuffled without one piece's ``\\[`` swallowing the next."""
    pairs = (("\\[", "\\]"), ("\\(", "\\)"), ("\\begin", "\\end"), ("[asy]", "[/asy]"))
    return sentence.count("$") % 2 == 0 and all(sentence.count(a) == sentence.count(b) for a, b in pairs)


def _english_sentences() -> list[str]:
    out = []
    for solution in _load("math500_en_solutions.jsonl", "solution"):
        out += [s for s in re.split(r"(?<=[.!?])\s+", solution) if s.strip() and _self_contained(s)]
    return out


def _n(text: str) -> int:
    return len(words(text))


def _take(pool: list[str], rng: random.Random, needed: int) -> tuple[list[str], int]:
    pieces, count = [], 0
    while count < needed:
        piece = rng.choice(pool)
        pieces.append(piece)
        count += _n(piece)
    return pieces, count


def build(direction: str, level: float, n: int, *, size: int = 500, seed: int = 0) -> list[Mixed]:
    """``n`` reasonings of about ``size`` words, ``direction`` 'en' or 'zh', with ``level`` of the other language."""
    rng = random.Random(f"{direction}-{level}-{seed}")
    chinese = _load("cmath_zh.jsonl", "question")
    english = _english_sentences()
    base_pool, insert_pool, joiner = (english, chinese, " ") if direction == "en" else (chinese, english, "")
    out = []
    while len(out) < n:
        base, base_words = _take(base_pool, rng, round(size * (1 - level)))
        inserts, insert_words = _take(insert_pool, rng, round(size * level)) if level else ([], 0)
        for piece in inserts:
            base.insert(rng.randrange(len(base) + 1), piece)
        text = joiner.join(base)
        if _n(text) != base_words + insert_words:  # neighbouring pieces changed each other's count (e.g. "\\$"): redraw
            continue
        out.append(Mixed(text, direction, level, insert_words / (base_words + insert_words)))
    return out
