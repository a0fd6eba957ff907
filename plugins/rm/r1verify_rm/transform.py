"""From a reward model's raw number to a verdict: transform, clip, threshold."""

from __future__ import annotations

import math
from typing import Any

from r1verify import Verdict

from .options import ScoringOptions


def transform(raw: float, options: ScoringOptions) -> float:
    """Apply ``options.transform`` then the clipping bounds."""
    if options.transform == "sigmoid":
        score = _sigmoid(raw)
    elif options.transform == "affine":
        score = (raw - options.mean) / options.std
    else:
        score = raw
    if options.clip_min is not None:
        score = max(options.clip_min, score)
    if options.clip_max is not None:
        score = min(options.clip_max, score)
    return score


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)  # no overflow for very negative rewards
    return z / (1.0 + z)


def to_verdict(raw: float, options: ScoringOptions, **details: Any) -> Verdict:
    """A ``scored`` verdict, or ``correct``/``wrong`` against ``options.threshold`` when it is set.

    A non-finite reward (a broken model or server) is an ``error``, never a score.
    """
    if not math.isfinite(raw):
        return Verdict.error(f"the reward model returned {raw!r}, not a finite number", **details)
    score = transform(raw, options)
    details = {"raw": raw, **details}
    if options.threshold is None:
        return Verdict.scored(score, **details)
    if score >= options.threshold:
        return Verdict.correct(f"reward {score:.4g} >= threshold {options.threshold:g}", score=score, **details)
    return Verdict.wrong(f"reward {score:.4g} < threshold {options.threshold:g}", score=score, **details)
