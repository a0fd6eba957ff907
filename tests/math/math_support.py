"""Helpers for the math tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from r1verify_math import MathVerifier

from r1verify import Engine, Sample, Verdict

DATA = Path(__file__).resolve().parents[1] / "data" / "math"


def grade(completion: str, reference: Any, **options: Any) -> Verdict:
    """The ``math`` verifier's verdict, called in this process."""
    return MathVerifier(**options).verify(Sample(completion, reference=reference))


def think(answer: str, reasoning: str = "Let me compute.") -> str:
    """An R1-style completion: reasoning, ``</think>``, then the final answer."""
    return f"<think>{reasoning}</think>{answer}"


def verdict_of(engine: Engine, sample: Sample) -> Verdict:
    """The verdict of the engine's instance that applies to ``sample.domain``."""
    return engine.verify([sample])[0].verdicts[sample.domain]


def read_jsonl(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]
