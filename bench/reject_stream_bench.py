"""`r1verify reject` streams: peak memory stays flat from 100k to 1M generations.

Writes synthetic generation files (groups of 8 per prompt, ~300-byte completions, a quarter of them correct)
to a temporary folder, runs the real CLI on each, samples the resident memory of the CLI process and of its
whole process tree (workers included) every 0.1 s, and prints the peaks. A non-streaming implementation would
grow ~10x between the two sizes; a streaming one stays flat.

    python bench/reject_stream_bench.py [--sizes 100000 1000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

RECIPE = """
description = "cheap rejection recipe for the streaming benchmark"
[verifiers.answer]
verifier = "exact_match"
required = true
[verifiers.format]
verifier = "think_format"
required = true
weight = 0.1
"""


def write_generations(path: Path, rows: int, group: int = 8) -> None:
    filler = "Let me think about this step by step. " * 6
    with path.open("w", encoding="utf-8") as fh:
        for i in range(rows):
            pid, k = divmod(i, group)
            answer = pid % 97 if k % 4 == 0 else (pid + k) % 101
            fh.write(json.dumps({
                "id": f"p{pid}", "prompt": f"Problem {pid}: what is {pid} mod 97?",
                "completion": f"<think>{filler}attempt {k}</think> {answer}", "answer": str(pid % 97),
            }) + "\n")


def run(input_path: Path, recipe: Path, out: Path) -> tuple[float, float, float, dict]:
    cmd = [str(Path(sys.executable).parent / "r1verify"), "reject", str(input_path), "--recipe", str(recipe),
           "--group-by", "id", "--out", str(out), "--summary", "json", "--batch-size", "1024"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    main = psutil.Process(proc.pid)
    peak_main = peak_tree = 0
    while proc.poll() is None:
        try:
            tree = [main, *main.children(recursive=True)]
            rss = [p.memory_info().rss for p in tree]
            peak_main = max(peak_main, rss[0])
            peak_tree = max(peak_tree, sum(rss))
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.1)
    _, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"r1verify reject failed:\n{err}")
    summary = json.loads(err.strip().splitlines()[-1])["summary"]
    return time.perf_counter() - started, peak_main / 2**20, peak_tree / 2**20, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="r1verify-stream-") as tmp:
        folder = Path(tmp)
        recipe = folder / "recipe.toml"
        recipe.write_text(RECIPE)
        print(f"{'rows':>10} {'file MB':>9} {'seconds':>9} {'rows/s':>9} {'peak RSS CLI MB':>16} "
              f"{'peak RSS tree MB':>17} {'kept':>8}")
        peaks = []
        for size in args.sizes:
            data = folder / f"gens_{size}.jsonl"
            write_generations(data, size)
            seconds, rss_main, rss_tree, summary = run(data, recipe, folder / f"kept_{size}.jsonl")
            peaks.append(rss_main)
            print(f"{size:>10,} {data.stat().st_size / 2**20:>9.0f} {seconds:>9.1f} {size / seconds:>9,.0f} "
                  f"{rss_main:>16.0f} {rss_tree:>17.0f} {summary['kept']:>8,}")
            data.unlink()
        if len(peaks) > 1:
            print(f"peak RSS of the CLI, largest / smallest input: {peaks[-1] / peaks[0]:.2f}x "
                  f"for {args.sizes[-1] / args.sizes[0]:.0f}x the rows")


if __name__ == "__main__":
    main()
