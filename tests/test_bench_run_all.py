"""bench/run_all.py: reading each benchmark's figures, median and range, and rewriting the README table."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def run_all():
    spec = importlib.util.spec_from_file_location("run_all", ROOT / "bench" / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["run_all"] = module
    spec.loader.exec_module(module)
    return module


TRL_OUTPUT = """batch: 1024 completions (128 prompts x 8), math + think format; median of 3 rounds (all rounds in brackets)
TRL accuracy_reward + think_format_reward :   1.31 s  [1.30, 1.31, 1.40]
r1verify reward_funcs (math, think_format) :   0.13 s  [0.12, 0.13, 0.20]  (+ 1.20 s worker start, once per run)
speed-up: 10.3x median, 10.8x best-of (target >= 5x: met)
"""


def bench(run_all, script):
    return next(b for b in run_all.BENCHMARKS if b.script == script)


def test_every_listed_benchmark_that_exists_has_figures_and_a_result(run_all):
    for b in run_all.BENCHMARKS:
        assert b.metrics and b.result, b.script
        for fragment in b.result:  # each placeholder is a figure it reads or derives
            for name in __import__("re").findall(r"\{(\w+)\}", fragment):
                assert name in b.metrics or name in b.derived, (b.script, name)


def test_three_runs_give_median_and_range(run_all):
    trl = bench(run_all, "trl_bench.py")
    runs = [run_all.figures(trl, TRL_OUTPUT), run_all.figures(trl, TRL_OUTPUT.replace("10.3x", "6.1x"))]
    runs.append(run_all.figures(trl, TRL_OUTPUT.replace("10.3x", "8.0x")))
    assert runs[0] == {"r1": 0.13, "trl": 1.31, "ratio": 10.3}
    cell = run_all.result_cell(trl, runs)
    assert cell == "adapter 0.13 s vs TRL's own reward functions 1.31 s (8 (6.1–10.3)x)"


def test_missing_figures_drop_their_fragment_and_derived_ratios(run_all):
    math = bench(run_all, "math_bench.py")
    out = "(c) r1verify math, 2 workers         5900.2 pairs/s  agreement 0.9920  per-item p50 0.1 ms\n"
    assert run_all.result_cell(math, [run_all.figures(math, out)]) == "r1verify 5,900 pairs/s"
    rm = bench(run_all, "rm_bench.py")
    out = "(a) naive one-at-a-time loop             145.0 items/s  (x)\n(b) RewardModel.verify_batch   177.0 items/s\n"
    assert run_all.figures(rm, out)["ratio"] == pytest.approx(177 / 145)
    assert run_all.figures(rm, "garbage\n") == {}


def test_reject_stream_rows_are_read_first_and_last(run_all):
    rs = bench(run_all, "reject_stream_bench.py")
    out = (
        "      rows   file MB   seconds    rows/s  peak RSS CLI MB  peak RSS tree MB     kept\n"
        "    20,000        10       1.2    16,000               43                90    1,000\n"
        "   200,000       100      10.0    20,000               52               100   10,000\n"
        "peak RSS of the CLI, largest / smallest input: 1.21x for 10x the rows\n"
    )
    assert run_all.figures(rs, out) == {"small": 43.0, "big": 52.0, "rate": 20000.0, "ratio": 1.21}


def test_write_readme_replaces_only_the_marked_table(run_all, tmp_path, monkeypatch):
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\nbefore\n{run_all.BEGIN}\n| old |\n{run_all.END}\nafter\n", encoding="utf-8")
    monkeypatch.setattr(run_all, "README", readme)
    run_all.write_readme("| new |")
    assert readme.read_text(encoding="utf-8") == f"# x\nbefore\n{run_all.BEGIN}\n| new |\n{run_all.END}\nafter\n"
    readme.write_text("no markers\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="markers"):
        run_all.write_readme("| new |")


def test_the_readme_has_the_markers_and_a_row_per_script(run_all):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.count(run_all.BEGIN) == 1 and text.count(run_all.END) == 1
    rows = run_all.readme_rows()
    assert "trl_bench.py" in rows and "math_bench.py" in rows
