from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).parents[1] / "data/language"


@pytest.fixture(scope="session")
def chinese() -> list[str]:
    return [json.loads(line)["question"] for line in (DATA / "cmath_zh_sample.jsonl").open(encoding="utf-8")]


@pytest.fixture(scope="session")
def english() -> list[str]:
    return [json.loads(line)["solution"] for line in (DATA / "math500_en_sample.jsonl").open(encoding="utf-8")]
