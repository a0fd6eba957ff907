"""Reward functions pickle (TRL's async GRPO sends them to a spawned process) and work where they land."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import textwrap

from .support import make_recipe

BATCH = {
    "prompts": ["q <think>\n", "q <think>\n", "q"],
    "completions": ["r</think> 4", "r</think> 5", "<think>r</think> 4"],
    "answer": ["4", "4", "4"],
}
RECIPE = make_recipe(
    accuracy={"verifier": "exact_match", "weight": 1.0},
    strict={"verifier": "exact_match", "weight": 0.5, "options": {"require_delimiter": True, "delimiter": "</think>"}},
)

CHILD = textwrap.dedent(
    """
    import asyncio, json, pickle, sys
    funcs = pickle.load(open(sys.argv[1], "rb"))
    batch = json.loads(sys.argv[2])
    async def run_async():
        return await asyncio.gather(*(f(**batch) for f in funcs["async"]))
    print(json.dumps({
        "names": [f.__name__ for f in funcs["sync"]],
        "sync": [f(**batch) for f in funcs["sync"]],
        "async": asyncio.run(run_async()),
    }))
    """
)


def test_every_function_pickles_and_the_copy_gives_the_same_scores(make_rf):
    rf = make_rf(RECIPE)
    before = [f(**BATCH) for f in rf.funcs]  # the engine now runs in this process
    blob = pickle.dumps(rf)
    assert len(blob) < 10_000, "the engine or its processes must not be pickled"
    copy = pickle.loads(blob)
    assert copy.names == rf.names == ["accuracy", "strict"] and copy.weights == rf.weights
    assert [f(**BATCH) for f in copy.funcs] == before == [[1.0, 0.0, 1.0], [1.0, 0.0, 1.0]]


def test_pickled_functions_work_in_a_fresh_process(make_rf, tmp_path):
    rf = make_rf(RECIPE)
    path = tmp_path / "funcs.pkl"
    path.write_bytes(pickle.dumps({"sync": rf.funcs, "async": make_rf(RECIPE, asynchronous=True).funcs}))
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), json.dumps(BATCH)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["names"] == ["accuracy", "strict"]
    assert out["sync"] == out["async"] == [[1.0, 0.0, 1.0], [1.0, 0.0, 1.0]]
