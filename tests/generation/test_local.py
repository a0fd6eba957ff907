"""The local transformers backend with a tiny causal LM built from a config (random weights, no downloads)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from r1verify.cli import cli

from .conftest import read_jsonl, write_jsonl
from .fake_openai import math_prompts
from .tiny_lm import save_tiny_lm


@pytest.fixture(scope="module")
def tiny_lm(tmp_path_factory) -> Path:
    return save_tiny_lm(tmp_path_factory.mktemp("tiny-lm"))


def test_local_model_writes_n_rows_per_prompt_batched_and_resumes(tiny_lm, tmp_path):
    src = write_jsonl(tmp_path / "p.jsonl", math_prompts(5))
    out = tmp_path / "g.jsonl"
    args = ["generate", str(src), "--model", str(tiny_lm), "-n", "3", "--max-tokens", "6", "--temperature", "1.0",
            "--seed", "1", "--gen-batch-size", "2", "--out", str(out)]
    result = CliRunner().invoke(cli, [*args, "--limit", "3"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert len(read_jsonl(out)) == 9
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = read_jsonl(out)
    assert Counter(r["id"] for r in rows) == Counter({f"p{i}": 3 for i in range(5)})
    assert all(isinstance(r["completion"], str) and r["finish_reason"] in ("stop", "length") for r in rows)
    assert all(r["model"] == str(tiny_lm) for r in rows)
    assert any(r["completion"] for r in rows)  # random weights, but tokens come out
    assert "<|im_start|>" not in "".join(r["completion"] for r in rows)  # only the new tokens, specials dropped
