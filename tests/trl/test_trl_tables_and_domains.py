"""``reward_funcs(domains=...)`` (no function for a verifier that never applies), ``completions_table`` (r1verify's
columns in TRL's completions table), and the ``r1verify_trl.tiny`` example of docs/trl.md."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from r1verify_trl.functions import DomainError

from .support import make_recipe

DOCS = Path(__file__).resolve().parents[2] / "docs" / "trl.md"

RECIPE = {
    "accuracy": {"verifier": "echo", "weight": 1.0, "domains": ["math"]},
    "code": {"verifier": "const", "weight": 1.0, "domains": ["code"]},
    "format": {"verifier": "const", "weight": 0.25, "options": {"value": 0.5}},
}


def test_domains_keeps_only_the_functions_whose_verifiers_apply(make_rf, logs):
    everything = make_rf(make_recipe(**RECIPE))
    rf = make_rf(make_recipe(**RECIPE), domains=["math"])
    assert everything.names == ["accuracy", "code", "format"]
    assert rf.names == ["accuracy", "format"] and rf.weights == [1.0, 0.25]
    batch = {"prompts": ["q", "q"], "completions": ["it is 4", "it is 5"], "answer": ["4", "4"], "domain": ["math"] * 2}
    batch.update(logs.kwargs())
    assert everything.funcs[1](**batch) == [None, None]  # what TRL logs as rewards/code/mean None
    assert [f(**batch) for f in rf.funcs] == [[1.0, 0.0], [0.5, 0.5]]  # the same scores without it
    assert set(logs.metrics) == {f"r1verify/{n}/{k}" for n in everything.names for k in ("errors", "timeouts")}


def test_a_row_of_a_left_out_domain_raises_at_its_batch(make_rf, logs):
    rf = make_rf(make_recipe(**RECIPE), domains=["math"])
    with pytest.raises(DomainError, match=r"domain 'code', which reward_funcs\(domains=...\) did not list"):
        rf.funcs[0](prompts=["q"], completions=["x"], answer=["4"], domain=["code"], **logs.kwargs())
    with pytest.raises(ValueError, match=r"domains \['chemistry'\] match no verifier"):
        make_rf(make_recipe(accuracy=RECIPE["accuracy"]), domains=["chemistry"])
    with pytest.raises(ValueError, match=r"domain 'maths' is not one of .* did you mean 'math'\?"):
        make_rf(make_recipe(**RECIPE), domains=["maths"])  # before: accuracy silently dropped, format kept
    with pytest.raises(ValueError, match="non-empty list"):
        make_rf(make_recipe(**RECIPE), domains="math")


@pytest.mark.parametrize(
    "table, columns",
    [
        ("columns", {"accuracy/status", "accuracy/answer", "code/status", "format/status"}),
        ("compact", {"r1verify"}),
        ("none", set()),
    ],
)
def test_completions_table_columns(make_rf, logs, table, columns):
    rf = make_rf(make_recipe(**RECIPE), completions_table=table)
    batch = {"prompts": ["q", "q"], "completions": ["it is 4", "x"], "answer": ["4", "4"], **logs.kwargs()}
    batch["domain"] = ["math", "code"]
    rf.funcs[0](**batch)
    assert set(logs.extra) == columns
    if table == "compact":  # status and answer of every verifier that applies; a skipped one is left out
        assert logs.extra["r1verify"] == [
            "accuracy=correct:it is 4 format=scored",
            "code=scored format=scored",
        ]
    with pytest.raises(ValueError, match="completions_table"):
        make_rf(make_recipe(**RECIPE), completions_table="wide")


def _python_block_after(heading: str) -> str:
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None
    return match.group(1)


@pytest.mark.slow
def test_the_tiny_model_example_in_the_docs_runs(tmp_path):
    code = _python_block_after("## A tiny model offline")
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False
    )
    assert out.returncode == 0, out.stderr[-3000:]
    last = out.stdout.strip().splitlines()[-1]
    logged = eval(last, {"nan": float("nan")})  # the dict the example prints
    assert {"reward", "rewards/accuracy/mean", "rewards/format/mean", "r1verify/accuracy/errors"} <= set(logged)
    assert not any(k.startswith("rewards/code/") for k in logged)  # domains=["math"]: no code function
    assert logged["r1verify/accuracy/errors"] == 0.0
