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

Then the driver ceiling: the same rows to one output file (every result passes through the driver) and to a
sharded ``--out DIR/`` (the actors write their parts; the driver gets one summary per shard), with 1 and
``--actors`` actors and on a simulated ``--many``-actor cluster (Ray's ``cluster_utils`` with that many logical CPUs
on this machine, the cheap ``exact_match`` verifier): rows/s and the driver's own CPU per row.

    python bench/ray_bench.py [--rows 20000] [--small 500] [--actors 2 --workers 1] [--local-workers 2] [--many 16]
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


DRIVER_CPU = (
    "import atexit, resource, sys\n"
    "atexit.register(lambda: print('DRIVER_CPU', sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), file=sys.stderr))\n"
    "from r1verify.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)
"""Runs the CLI and prints the CPU seconds of the driver process alone (Ray's own processes are not counted)."""


def run_driver(src: Path, out: str, recipe: tuple[str, ...], backend_args: list[str], env: dict) -> tuple[float, float, dict]:
    """(wall seconds, driver CPU seconds, summary) of one `verify` run to ``out`` (a file or DIR/)."""
    summary = Path(out.rstrip("/") + ".summary.json")
    cmd = [sys.executable, "-c", DRIVER_CPU, "verify", str(src), *recipe, *backend_args, "--out", out,
           "--summary", "none", "--summary-json", str(summary)]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    cpu = float(re.search(r"DRIVER_CPU ([\d.]+)", done.stderr).group(1))
    return wall, cpu, json.loads(summary.read_text())


def driver_ceiling(tmp: Path, big: Path, small: Path, rows: int, small_rows: int, actor_counts: list[int],
                   many: int) -> None:
    """Single-file output (every result through the driver) vs sharded output (the actors write their parts), on
    a local Ray with 1 and 2 actors, and on a simulated many-actor cluster (``many`` logical CPUs on this
    machine, cheap verifier): rows/s and the driver's CPU per row (the marginal of a big and a small run)."""
    from ray.cluster_utils import Cluster

    env = {**os.environ, "RAY_DISABLE_IMPORT_WARNING": "1", "RAY_USAGE_STATS_ENABLED": "0"}
    print(f"driver ceiling: single-file --out vs sharded --out DIR/ ({rows} rows; driver CPU per row is the "
          f"marginal between {rows} and {small_rows} rows)")

    def measure(label: str, recipe: tuple[str, ...], backend: list[str], run_env: dict) -> None:
        results = {}
        for mode in ("file", "sharded"):
            outs = []
            for src, n in ((small, small_rows), (big, rows)):  # the difference leaves start-up out
                target = tmp / f"{label}-{mode}-{n}"
                out = f"{target}/" if mode == "sharded" else f"{target}.jsonl"
                outs.append(run_driver(src, out, recipe, backend, run_env))
            (ws, cs, _), (wb, cb, summary) = outs
            assert summary["rows"] == rows, summary
            per_row = max(0.0, (cb - cs) / (rows - small_rows))  # start-up noise can exceed a ~0 difference
            results[mode] = per_row
            print(f"  {label:<22} {mode:>7}: {rows / wb:8.1f} rows/s end to end ({wb:6.2f} s), driver CPU "
                  f"{cb:6.2f} s in all, {per_row * 1e6:6.1f} us/row marginal")
        file_cpu, shard_cpu = results["file"], results["sharded"]
        print(f"  {label:<22} driver CPU per row, sharded / single-file: {shard_cpu / file_cpu:.3f}x "
              f"({shard_cpu * 1e6:.1f} vs {file_cpu * 1e6:.1f} us/row)")

    for actors in actor_counts:
        measure(f"{actors} actor(s), math", RECIPE, ["--backend", "ray", "--actors", str(actors), "--workers", "1"], env)
    local = {"include_dashboard": False, "node_ip_address": "127.0.0.1"}
    cluster = Cluster(initialize_head=True, connect=False, head_node_args={"num_cpus": many, **local})
    try:
        many_env = {**env, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}  # keep the driver on 127.0.0.1
        backend = ["--backend", "ray", "--address", cluster.address, "--actors", str(many), "--workers", "1"]
        measure(f"{many} actors, exact_match", ("-v", "exact_match"), backend, many_env)
    finally:
        cluster.shutdown()


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
    parser.add_argument("--many", type=int, default=16, help="actors of the simulated many-actor run")
    parser.add_argument("--no-ceiling", action="store_true", help="skip the single-file vs sharded comparison")
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
        if not args.no_ceiling:
            driver_ceiling(tmp, big, small, args.rows, args.small, [1, args.actors], args.many)


if __name__ == "__main__":
    main()
