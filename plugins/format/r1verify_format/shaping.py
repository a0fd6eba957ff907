"""Shaping functions, pure and bounded. Each is the published formula with its inputs clamped to their range."""

from __future__ import annotations

import math
from collections.abc import Sequence


def soft_overlong(length: int, max_length: int, cache_length: int) -> float:
    """DAPO's soft overlong punishment (Yu et al. 2025, eq. 13), in [-1, 0].

    0 up to ``max_length - cache_length``, then falling linearly to -1 at ``max_length``, -1 beyond.
    """
    expected = max_length - cache_length
    if length <= expected:
        return 0.0
    if length <= max_length:
        return (expected - length) / cache_length
    return -1.0


def kimi_length(length: int, min_length: int, max_length: int, correct: bool) -> float:
    """Kimi k1.5's length reward, in [-0.5, 0.5]: ``lambda = 0.5 - (len - min)/(max - min)``; correct answers get
    ``lambda``, wrong ones ``min(0, lambda)``. The length is clamped to [min, max] (Kimi takes min and max over
    the sampled group, so it never leaves that range; here they are fixed)."""
    clamped = min(max(length, min_length), max_length)
    lam = 0.5 - (clamped - min_length) / (max_length - min_length)
    return lam if correct else min(0.0, lam)


def cosine_length(
    length: int,
    max_length: int,
    correct: bool,
    *,
    min_value_correct: float,
    max_value_correct: float,
    min_value_wrong: float,
    max_value_wrong: float,
) -> float:
    """The cosine length schedule (Yeo et al. 2025, as in open-r1): correct answers fall from
    ``max_value_correct`` (length 0) to ``min_value_correct`` (``max_length``); wrong ones rise from
    ``min_value_wrong`` to ``max_value_wrong``. Progress is clamped to [0, 1], so lengths past ``max_length``
    keep the end value (open-r1 lets the cosine turn back up)."""
    progress = min(max(length / max_length, 0.0), 1.0)
    if correct:
        start, end = max_value_correct, min_value_correct
    else:
        start, end = min_value_wrong, max_value_wrong
    return end + 0.5 * (start - end) * (1.0 + math.cos(progress * math.pi))


def repeated_fraction(units: Sequence[object], n: int) -> tuple[float, int, int]:
    """(1 - distinct n-grams / n-grams, n-grams, distinct n-grams) of a unit sequence; (0, 0, 0) if shorter than n."""
    total = len(units) - n + 1
    if total <= 0:
        return 0.0, 0, 0
    distinct = len(set(zip(*(units[i:] for i in range(n)), strict=False)))
    return 1.0 - distinct / total, total, distinct
