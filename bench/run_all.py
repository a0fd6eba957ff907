"""Rerun every benchmark in bench/ three times and print the README's benchmark table (median and range).

    python bench/run_all.py --quick                  # every benchmark, small mode, 3 runs each; prints the table
    python bench/run_all.py --quick --write-readme   # ... and replaces the table in README.md between its markers
    python bench/run_all.py --only trl_bench.py --runs 3

Each figure in the table is ``median (min-max)`` over the runs. A benchmark whose script is missing, needs what
this machine lacks (Docker, a package) or fails keeps its previous README row, marked with the date it was
measured; the failure is printed. ``make bench`` runs ``--quick --write-readme``.
"""

from __future__ import annotations

import argparse
import datetime
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BEGIN, END = "<!-- bench-table:begin (bench/run_all.py --write-readme) -->", "<!-- bench-table:end -->"
NUMBER = r"([\d,]+(?:\.\d+)?)"


@dataclass(frozen=True)
class Metric:
    """A figure read from a benchmark's stdout: the first group of ``pattern`` (multiline), the ``pick``-th match."""

    pattern: str
    pick: int = 0

    def read(self, text: str) -> float | None:
        found = re.findall(self.pattern, text, flags=re.MULTILINE)
        if not found or not (-len(found) <= self.pick < len(found)):
            return None
        value = found[self.pick]
        return float((value[0] if isinstance(value, tuple) else value).replace(",", ""))


@dataclass(frozen=True)
class Benchmark:
    """One row of the README table: the script, its arguments (full and ``--quick``), what it measures, the
    figures to read and the fragments of the result cell (a fragment whose figures are all present is shown)."""

    script: str
    what: str
    metrics: dict[str, Metric]
    result: tuple[str, ...]
    full: tuple[str, ...] = ()
    quick: tuple[str, ...] = ()
    quick_what: str = ""
    derived: dict[str, Callable[[dict[str, float]], float]] = field(default_factory=dict)
    timeout: float = 600.0


BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark(
        "math_bench.py",
        "1056 GRPO completions (132 groups of 8, 16 degenerate)",
        {
            "c": Metric(r"^\(c\) r1verify math, \d+ workers\s+" + NUMBER + " pairs/s"),
            "a": Metric(r"^\(a\) math-verify parse\+verify\s+" + NUMBER + " pairs/s"),
            "b": Metric(r"^\(b\) trl\.rewards\.accuracy_reward\s+" + NUMBER + " pairs/s"),
            "ratio": Metric(r"^ratio c/a: " + NUMBER + "x"),
        },
        ("r1verify {c} pairs/s", "vs serial math-verify {a} ({ratio}x)", "and TRL `accuracy_reward` {b}"),
        quick=(),  # about a minute with its baselines: the same in both modes
    ),
    Benchmark(
        "format_bench.py",
        "`think_format`, ~577-word reasonings",
        {
            "engine": Metric(r"Engine \(\d+ workers, no cache\):\s+" + NUMBER + " items/s"),
            "local": Metric(r"in-process \(1 core\):\s+" + NUMBER + " items/s"),
        },
        ("{engine} items/s through the engine", "({local} in one process)"),
        quick=("--n", "1000"),
        quick_what="`think_format`, 1000 reasonings of ~577 words",
    ),
    Benchmark(
        "language_bench.py",
        "`language`, ~520 words, mixes 0-80%",
        {
            "engine": Metric(r"langdetect through Engine \(2 workers\): " + NUMBER),
            "mae": Metric(r"^langdetect\s+[\d.]+ reasonings/s in-process\s+worst-level MAE " + NUMBER),
        },
        ("{engine} reasonings/s through the engine", "worst-level proportion error {mae}"),
        quick=("--n", "10", "--detectors", "langdetect"),
        quick_what="`language` (langdetect), ~520 words, mixes 0-80%, 10 per level",
    ),
    Benchmark(
        "sandbox_bench.py",
        "164 HumanEval programs",
        {
            "c": Metric(r"^\(c\) r1verify docker pool\s+:\s+" + NUMBER),
            "a": Metric(r"^\(a\) fresh docker run per program :\s+" + NUMBER),
            "b": Metric(r"^\(b\) local subprocess, no sandbox :\s+" + NUMBER),
            "d": Metric(r"^\(d\) code verifier, end to end\s+:\s+" + NUMBER),
            "ca": Metric(r"\(c\)/\(a\) = " + NUMBER + "x"),
            "cb": Metric(r"\(c\)/\(b\) = " + NUMBER + "x"),
        },
        (
            "Docker pool {c} programs/s vs `docker run` per program {a} ({ca}x)",
            "and unsandboxed subprocess {b} ({cb}x)",
            "`code` verifier end to end {d} samples/s",
        ),
        quick=("--fresh", "5", "--repeat", "1"),
        quick_what="164 HumanEval programs (5 for `docker run`, 1 repeat)",
    ),
    Benchmark(
        "rm_bench.py",
        "tiny reward model, CPU",
        {
            "a": Metric(r"^\(a\) naive one-at-a-time loop\s+" + NUMBER + " items/s"),
            "b": Metric(r"^\(b\) RewardModel\.verify_batch\s+" + NUMBER + " items/s"),
        },
        ("batched {b} items/s vs one-at-a-time {a} ({ratio}x)",),
        quick=("--no-engine", "--repeat", "1"),
        quick_what="tiny reward model, CPU, 128 items, no engine run",
        derived={"ratio": lambda m: m["b"] / m["a"]},
    ),
    Benchmark(
        "trl_bench.py",
        "1024 completions, math + format",
        {
            "r1": Metric(r"^r1verify reward_funcs \(math, think_format\) :\s+" + NUMBER + " s"),
            "trl": Metric(r"^TRL accuracy_reward \+ think_format_reward :\s+" + NUMBER + " s"),
            "ratio": Metric(r"^speed-up: " + NUMBER + "x median"),
        },
        ("adapter {r1} s vs TRL's own reward functions {trl} s ({ratio}x)",),
        quick=("--repeat", "1"),
        quick_what="1024 completions, math + format, 1 round per run",
    ),
    Benchmark(
        "openrlhf_load.py",
        "2,000 concurrent requests",
        {
            "mb": Metric(r"^\| micro-batching \(max-batch[^|]*\| " + NUMBER + r" \|"),
            "mb99": Metric(r"^\| micro-batching \(max-batch[^|]*\|[^|]*\|[^|]*\| " + NUMBER + r" \|"),
            "one": Metric(r"^\| one verification per request[^|]*\| " + NUMBER + r" \|"),
            "one99": Metric(r"^\| one verification per request[^|]*\|[^|]*\|[^|]*\| " + NUMBER + r" \|"),
            "lost": Metric(r"^\| micro-batching under faults[^|]*\|[^|]*\|[^|]*\|[^|]*\| " + NUMBER + r" \|"),
        },
        (
            "micro-batching {mb} req/s (p99 {mb99} ms)",
            "vs one verification per request {one} req/s (p99 {one99} ms)",
            "lost under faults: {lost}",
        ),
        quick=("--requests", "500", "--concurrency", "200"),
        quick_what="500 concurrent requests",
    ),
    Benchmark(
        "verl_bench.py",
        "veRL step, 1024 responses (768 math, 256 code)",
        {
            "naive": Metric(r"^naive \+ default_compute_score \(per sample\):\s+" + NUMBER + " s"),
            "r1": Metric(r"^r1verify batch manager \(one engine call\):\s+" + NUMBER + " s"),
            "ratio": Metric(r"^speed-up: " + NUMBER + "x"),
            "agree_n": Metric(r"^label agreement \(all\): naive \d+/\d+ \(" + NUMBER + "%\)"),
            "agree_r": Metric(r"^label agreement \(all\): .*r1verify \d+/\d+ \(" + NUMBER + "%\)"),
        },
        (
            "batch manager {r1} s vs veRL's `naive` + `default_compute_score` {naive} s ({ratio}x)",
            "label agreement {agree_r}% vs {agree_n}%",
        ),
        quick=("--quick",),
        quick_what="veRL step, 128 responses (96 math, 32 code)",
    ),
    Benchmark(
        "reject_stream_bench.py",
        "`r1verify reject` on 100k and 1M rows",
        {
            "small": Metric(r"^\s*[\d,]+\s+\d+\s+[\d.]+\s+[\d,]+\s+" + NUMBER + r"\s", 0),
            "big": Metric(r"^\s*[\d,]+\s+\d+\s+[\d.]+\s+[\d,]+\s+" + NUMBER + r"\s", -1),
            "rate": Metric(r"^\s*[\d,]+\s+\d+\s+[\d.]+\s+" + NUMBER + r"\s", -1),
            "ratio": Metric(r"largest / smallest input: " + NUMBER + "x"),
        },
        ("peak memory {small} MB and {big} MB ({ratio}x for 10x the rows)", "{rate} rows/s"),
        quick=("--sizes", "20000", "200000"),
        quick_what="`r1verify reject` on 20k and 200k rows",
    ),
    Benchmark(
        "generate_bench.py",
        "`reject --generate`, 200 prompts x 8, fake endpoint at 50 ms",
        {
            "fast": Metric(r"concurrency 64: generate\s+" + NUMBER + " s"),
            "slow": Metric(r"concurrency  1: generate\s+" + NUMBER + " s"),
            "ratio": Metric(r"concurrency 64 vs 1: generation " + NUMBER + "x"),
            "e2e": Metric(r"end to end " + NUMBER + "x$"),
        },
        ("concurrency 64: generation {fast} s vs concurrency 1 {slow} s ({ratio}x)", "with rejection {e2e}x"),
        quick=(),  # ~25 s a run at full size; fewer prompts leave concurrency nothing to overlap
    ),
    Benchmark(
        "engine_bench.py",
        "cheap verifier, 20k items",
        {
            "engine": Metric(r"^r1verify engine \(chunks, per-item deadline\)\s+" + NUMBER),
            "pebble": Metric(r"^pebble, one task per item with timeout\s+" + NUMBER),
            "ratio": Metric(r"^ratio engine / pebble-per-item: " + NUMBER + "x"),
        },
        ("engine {engine} items/s vs one pebble task per item {pebble} ({ratio}x)",),
        quick=("--items", "5000"),
        quick_what="cheap verifier, 5k items",
    ),
    Benchmark(
        "ray_bench.py",
        "20k rows, local vs Ray backend (2 actors)",
        {
            "local": Metric(r"^\s*local: +[\d.]+ s for \d+ rows = +" + NUMBER + " rows/s"),
            "ray": Metric(r"^\s*ray: +[\d.]+ s for \d+ rows = +" + NUMBER + " rows/s"),
            "ratio": Metric(r"ray / local: end to end " + NUMBER + "x"),
        },
        ("Ray {ray} rows/s vs local {local} rows/s end to end ({ratio}x)",),
        quick=("--rows", "2000", "--small", "200"),
        quick_what="2k rows, local vs Ray backend (2 actors); Ray's start-up dominates at this size",
    ),
    Benchmark(
        "instruct_bench.py",
        "`ifeval` (strict), 4000 IFEval rows",
        {
            "serial": Metric(r"^\(a\) official loop, serial, 1 process:\s+" + NUMBER + " rows/s"),
            "engine": Metric(r"^\(b\) ifeval through Engine \(\d+ workers\):\s+" + NUMBER + " rows/s"),
            "ratio": Metric(r"^ratio b/a: " + NUMBER + "x"),
        },
        ("`ifeval` through the engine (2 workers) {engine} rows/s vs the official loop serially {serial} ({ratio}x)",),
        quick=("--n", "1000"),
        quick_what="`ifeval` (strict), 1000 IFEval rows",
    ),
    Benchmark(
        "tools_bench.py",
        "stateful Python tool sessions x 8 calls: 64 sessions (4 for `docker run`, 64 Jupyter kernels)",
        {
            "p50": Metric(r"^\(c\) r1verify sessions .*call p50\s+" + NUMBER + " ms"),
            "p99": Metric(r"^\(c\) r1verify sessions .*call p50 .* p99\s+" + NUMBER + " ms"),
            "c": Metric(r"^\(c\) r1verify sessions .*\s" + NUMBER + " calls/s"),
            "a": Metric(r"^\(a\) docker run per call .*\s" + NUMBER + " calls/s"),
            "b": Metric(r"^\(b\) jupyter kernel per session .*\s" + NUMBER + " calls/s"),
            "ratio": Metric(r"calls/s \(c\)/\(a\) = " + NUMBER + "x"),
        },
        (
            "sessions {c} calls/s (call p50 {p50} ms, p99 {p99} ms)",
            "vs one `docker run` per call {a} ({ratio}x)",
            "and a Jupyter kernel per session (no sandbox) {b}",
        ),
        quick=("--quick",),
        quick_what="stateful Python tool sessions x 8 calls: 16 sessions (2 for `docker run`, 16 Jupyter kernels)",
    ),
    Benchmark(
        "audit_bench.py",
        "`r1verify audit`, 2,420 rollouts with injected hacks (examples/audit)",
        {
            "static": Metric(r"^static detectors: " + NUMBER + " rollouts/s"),
            "regrade": Metric(r"^with math-verify regrade, from memory: " + NUMBER + " rollouts/s"),
            "cli": Metric(r"^the whole command .*--no-regrade: " + NUMBER + " s"),
        },
        (
            "static detectors {static} rollouts/s",
            "(with the math-verify regrade {regrade})",
            "whole command (`--no-regrade`) {cli} s",
        ),
        quick=(),  # about 10 s: the same in both modes
    ),
    # Benchmarks being written now (bench/verl_bench.py, bench/sandbox_lang_bench.py) get an entry here once
    # they exist; until then their README rows, if any, are kept as they are.
)


def fmt(value: float) -> str:
    """Few digits, thousands separated: 56,000 · 177 · 10.3 · 5.9 · 0.992."""
    if value != value:  # nan
        return "?"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{round(value, -2 if magnitude < 100_000 else -3):,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def spread(values: list[float]) -> str:
    """``median (min-max)``, or one value when the runs agree to the digits shown."""
    med, low, high = fmt(statistics.median(values)), fmt(min(values)), fmt(max(values))
    return med if low == high else f"{med} ({low}–{high})"


def figures(bench: Benchmark, stdout: str) -> dict[str, float]:
    values = {name: v for name, metric in bench.metrics.items() if (v := metric.read(stdout)) is not None}
    for name, compute in bench.derived.items():
        try:
            values[name] = compute(values)
        except (KeyError, ZeroDivisionError):
            pass
    return values


def result_cell(bench: Benchmark, runs: list[dict[str, float]]) -> str:
    names = {name for run in runs for name in run}
    shown = {name: spread([run[name] for run in runs if name in run]) for name in names}
    cell = ""
    for fragment in bench.result:
        needed = re.findall(r"\{(\w+)\}", fragment)
        if all(name in shown for name in needed):
            text = fragment.format(**shown)
            joint = " " if text.startswith(("(", "vs ", "and ")) else "; "
            cell = f"{cell}{joint}{text}" if cell else text
    return cell


def run_once(bench: Benchmark, quick: bool) -> tuple[dict[str, float] | None, str]:
    """One run of one benchmark: its figures (None when it failed) and what to print about it."""
    command = [sys.executable, str(ROOT / "bench" / bench.script), *(bench.quick if quick else bench.full)]
    started = time.perf_counter()
    try:
        proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=bench.timeout)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {bench.timeout:g} s"
    took = time.perf_counter() - started
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-5:])
        return None, f"exit {proc.returncode} after {took:.0f} s:\n{tail}"
    values = figures(bench, proc.stdout)
    missing = sorted(set(bench.metrics) - set(values))
    note = f"{took:.0f} s" + (f"; figures not found in its output: {', '.join(missing)}" if missing else "")
    return (values or None), note


def readme_rows() -> dict[str, str]:
    """The current README table's rows, by script name."""
    text = README.read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        match = re.match(r"^\| `([\w.]+\.py)` \|", line)
        if match:
            rows[match.group(1)] = line
    return rows


def table(rows: list[str]) -> str:
    return "\n".join(["| script | what | result |", "|---|---|---|", *rows])


def write_readme(body: str) -> None:
    text = README.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        sys.exit(f"README.md has no benchmark markers; put {BEGIN!r} and {END!r} around the benchmark table")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{BEGIN}\n{body}\n{END}{tail}", encoding="utf-8")


def commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="each benchmark's small mode (minutes, not an hour)")
    parser.add_argument("--runs", type=int, default=3, help="runs per benchmark (median and range reported)")
    parser.add_argument("--only", action="append", default=[], help="a script name (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--write-readme", action="store_true", help="replace README.md's table between markers")
    args = parser.parse_args(argv)

    if args.list:
        for bench in BENCHMARKS:
            state = "present" if (ROOT / "bench" / bench.script).exists() else "missing"
            print(f"{bench.script:26} {state:8} full: {' '.join(bench.full) or '-'}  quick: {' '.join(bench.quick)}")
        return 0
    unknown = set(args.only) - {b.script for b in BENCHMARKS}
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(sorted(unknown))}; see --list")

    previous = readme_rows()
    date, head = datetime.date.today().isoformat(), commit()
    mode = "quick" if args.quick else "full"
    rows, failed = [], 0
    for bench in BENCHMARKS:
        chosen = not args.only or bench.script in args.only
        script = ROOT / "bench" / bench.script
        if not chosen or not script.exists():
            if not script.exists():
                print(f"{bench.script}: not in bench/ yet", file=sys.stderr)
            if bench.script in previous:
                rows.append(previous.pop(bench.script))
            continue
        runs = []
        for i in range(args.runs):
            values, note = run_once(bench, args.quick)
            print(f"{bench.script} run {i + 1}/{args.runs}: {note}", file=sys.stderr, flush=True)
            if values is None:
                break
            runs.append(values)
        previous.pop(bench.script, None)
        if len(runs) < args.runs:
            failed += 1
            old = readme_rows().get(bench.script)
            if old:
                rows.append(old)
            continue
        what = bench.quick_what if args.quick and bench.quick_what else bench.what
        rows.append(f"| `{bench.script}` | {what} | {result_cell(bench, runs)} ({mode}, {date}, `{head}`) |")
    rows.extend(previous.values())  # rows of scripts this file does not know yet
    body = (
        f"{table(rows)}\n\n"
        f"Each figure: median (min–max) of {args.runs} runs of `python bench/run_all.py{' --quick' if args.quick else ''}`"
        " (`make bench`); each row ends with its mode (`quick`: the smaller inputs its `what` names), date and "
        "commit. Measured on the 2-core shared development machine (no GPU): timings there are noisy (other "
        "work shares the CPUs), ratios less so."
    )
    print(body)
    if args.write_readme:
        write_readme(body)
        print("README.md updated", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
