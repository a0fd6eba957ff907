"""`r1verify verify` with the Ray backend vs the local backend, on the same 20k-row file, in one run.

The rows are the bundled real math completions (examples/data/math_generations.jsonl, 96 rows) copied until
there are ``--rows`` of them, each copy made unique so the verdict caches do not turn the run into lookups: a
sentence naming the copy goes into the reasoning, and where the reference and the boxed answer are integers
both are shifted by the same amount (a right answer stays right, a wrong one wrong). Recipe: math + the think
format (``-v math -v think_format``).

Each backend runs as the CLI does (a fresh process; Ray starts a local instance of its own) twice: on the whole
file and on its first ``--small`` rows. The difference gives the marginal cost of a row without the start-up
(Ray's start, actor and worker starts, imports), which is what a long run on a cluster pays per row. The
driver's own cost per row (unpickling each result, writing it, adding it to the summary) is measured too: it
bounds what any number of cluster CPUs can deliver to one output file.

    python bench/ray_bench.py [--rows 20000] [--small 500] [--actors 2 --workers 1] [--local-workers 2]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pickle
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "examples" / "data" / "math_generations.jsonl"
RECIPE = ("-v", "math", "-v", "think_format")
BOXED_INT = re.compile(r"\\boxed\{(-?\d+)\}")


def make_rows(n: int) -> list[dict]:
    base = [json.loads(line) for line in SOURCE.read_text().splitlines()]
    rows = []
    for i in range(n):
        row = dict(base[i % len(base)])
        copy = i // len(base)
        row["id"] = f"{row['id']}-c{copy}"
        completion = row["completion"].replace("<think>", f"<think>Attempt {copy} of this problem. ", 1)
        boxed = BOXED_INT.findall(completion)
        if copy and re.fullmatch(r"-?\d+", str(row["answer"]).strip()) and len(boxed) == 1:
            shift = copy * 10007
            row["answer"] = str(int(row["answer"]) + shift)
            completion = BOXED_INT.sub(lambda m: "\\boxed{%d}" % (int(m.group(1)) + shift), completion)
        row["completion"] = completion
        rows.append(row)
    return rows


def write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def run_cli(src: Path, out_dir: Path, backend_args: list[str]) -> tuple[float, dict]:
    out, summary = out_dir / "out.jsonl", out_dir / "summary.json"
    cmd = [sys.executable, "-m", "r1verify", "verify", str(src), *RECIPE, *backend_args, "--out", str(out),
           "--summary", "none", "--summary-json", str(summary)]
    env = {**os.environ, "RAY_DISABLE_IMPORT_WARNING": "1", "RAY_USAGE_STATS_ENABLED": "0"}
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return wall, json.loads(summary.read_text())


def same_results(a: Path, b: Path) -> bool:
    def key(path: Path) -> list:
        out = []
        for line in path.read_text().splitlines():
            rec = json.loads(line)
            out.append((rec["id"], rec["reward"], {k: v["status"] for k, v in rec["verdicts"].items()}))
        return out

    return key(a) == key(b)


def driver_cost(src: Path, n: int) -> float:
    """Seconds per row the driver spends on one cluster result: unpickle, output record, JSON line, summary."""
    from r1verify import Engine, Recipe
    from r1verify.io import open_rows, output_record, write_jsonl
    from r1verify.pipeline import VerifyStream
    from r1verify.summary import Summary

    recipe = Recipe.from_verifier_args(["math", "think_format"])
    with Engine(recipe, workers=2) as engine:
        items = list(VerifyStream(engine).run(open_rows(src)[0]))[:500]
    blobs = [pickle.dumps(items[i % len(items)], protocol=pickle.HIGHEST_PROTOCOL) for i in range(n)]
    sink, summary = io.StringIO(), Summary()
    start = time.perf_counter()
    for blob in blobs:
        item = pickle.loads(blob)
        write_jsonl(sink, output_record(item.row, item.result))
        summary.add([item.result])
    return (time.perf_counter() - start) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--small", type=int, default=500, help="rows of the start-up run")
    parser.add_argument("--actors", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1, help="Engine workers per Ray actor")
    parser.add_argument("--local-workers", type=int, default=2)
    args = parser.parse_args()
    cpus = len(os.sched_getaffinity(0))
    rows = make_rows(args.rows)
    with tempfile.TemporaryDirectory(prefix="r1verify-ray-bench-") as tmp_name:
        tmp = Path(tmp_name)
        big, small = write(tmp / "big.jsonl", rows), write(tmp / "small.jsonl", rows[: args.small])
        backends = {
            "local": ["--backend", "local", "--workers", str(args.local_workers)],
            "ray": ["--backend", "ray", "--actors", str(args.actors), "--workers", str(args.workers)],
        }
        print(f"{args.rows} rows ({SOURCE.name} x {args.rows / 96:.0f}, unique), recipe math + think_format, "
              f"{cpus} CPUs; local --workers {args.local_workers}; ray --actors {args.actors} --workers "
              f"{args.workers}")
        measured = {}
        for name, extra in backends.items():
            (tmp / name / "big").mkdir(parents=True)
            (tmp / name / "small").mkdir(parents=True)
            wall_small, _ = run_cli(small, tmp / name / "small", extra)
            wall_big, summary = run_cli(big, tmp / name / "big", extra)
            marginal = (wall_big - wall_small) / (args.rows - args.small)
            measured[name] = (wall_big, marginal, wall_small)
            print(f"{name:>5}: {wall_big:7.2f} s for {args.rows} rows = {args.rows / wall_big:7.1f} rows/s end to end; "
                  f"{wall_small:5.2f} s for {args.small} rows; marginal {marginal * 1e6:7.1f} us/row = "
                  f"{1 / marginal:7.1f} rows/s = {1 / marginal / cpus:6.1f} rows/s per CPU "
                  f"(summary: {summary['rows_per_second']} rows/s, passed {summary['passed']})")
        identical = same_results(tmp / "local" / "big" / "out.jsonl", tmp / "ray" / "big" / "out.jsonl")
        (lw, lm, ls), (rw, rm, rs) = measured["local"], measured["ray"]
        print(f"ray / local: end to end {lw / rw:.2f}x the local rows/s; marginal {lm / rm:.2f}x; per-row overhead "
              f"{(rm - lm) * 1e6:+.1f} us/row marginal, {(rw - lw) / args.rows * 1e6:+.1f} us/row end to end; "
              f"fixed start-up {rs - ls:+.2f} s (ray {rs:.2f} s vs local {ls:.2f} s for {args.small} rows)")
        print(f"same ids, rewards and statuses from both backends: {identical}")
        driver = driver_cost(big, 20000)
        print(f"driver: {driver * 1e6:.1f} us/row to unpickle, write and summarise a result = at most "
              f"{1 / driver:,.0f} rows/s into one output file, whatever the cluster's size")


if __name__ == "__main__":
    main()
