"""HumanEval canonical solutions + their tests, three ways: programs per second.

    .venv/bin/python bench/sandbox_bench.py [--workers N] [--fresh 20] [--repeat 3]

(a) a fresh ``docker run --rm`` per program (the same image and lockdown flags; a subset, extrapolated),
(b) an unsandboxed ``python3 program.py`` subprocess per program (no isolation at all: the baseline cost),
(c) the r1verify Docker pool (warm containers; start-up reported separately),
and, for information, (d) the ``code`` verifier end to end (extraction, harness, grading) on the same pool.
(a) and (b) run with the same concurrency as the pool has containers. Every program must pass in every mode.
(b), (c) and (d) are repeated; medians are reported (best in brackets): on a shared machine the spread is wide.
Targets (issue 5): (c) >= 150 programs/s on 2 cores, >= 40x (a), >= 0.6x (b).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from r1verify_code import CodeVerifier
from r1verify_sandbox import Program, SandboxConfig, SandboxPool, shared_pool
from r1verify_sandbox.image_build import ensure_image

from r1verify import Sample

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "code" / "humaneval.jsonl"


def problems() -> list[dict]:
    return [json.loads(line) for line in DATA.read_text().splitlines()]


def programs(rows: list[dict]) -> list[str]:
    return [r["prompt"] + r["canonical_solution"] + "\n" + r["test"] + f"\ncheck({r['entry_point']})\n" for r in rows]


def verifier_run(verifier: CodeVerifier, rows: list[dict]) -> tuple[float, int]:
    samples = [
        Sample(
            f"<think>...</think>\n```python\n{r['prompt']}{r['canonical_solution']}```",
            reference={"test": r["test"], "entry_point": r["entry_point"]},
        )
        for r in rows
    ]
    start = time.perf_counter()
    verdicts = verifier.verify_batch(samples)
    return time.perf_counter() - start, sum(v.score == 1.0 for v in verdicts)


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def fresh_docker(sources: list[str], workers: int, image: str, flags: list[str]) -> tuple[float, int]:
    def one(source: str) -> bool:
        argv = ["docker", "run", "-i", "--rm", *flags, image, "python3", "-"]
        return subprocess.run(argv, input=source, capture_output=True, text=True, check=False).returncode == 0

    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as ex:
        ok = sum(ex.map(one, sources))
    return time.perf_counter() - start, ok


def system_python() -> str:
    """The distribution's python3 (what the image runs), not a venv or pyenv shim with extra start-up cost."""
    for candidate in ("/usr/bin/python3", getattr(sys, "_base_executable", ""), sys.executable):
        if candidate and Path(candidate).exists():
            return candidate
    return "python3"


def local_subprocess(sources: list[str], workers: int, python: str) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, source in enumerate(sources):
            path = Path(tmp) / f"p{i}.py"
            path.write_text(source)
            paths.append(path)

        def one(path: Path) -> bool:
            return subprocess.run([python, str(path)], capture_output=True, cwd=tmp, check=False).returncode == 0

        start = time.perf_counter()
        with ThreadPoolExecutor(workers) as ex:
            ok = sum(ex.map(one, paths))
        return time.perf_counter() - start, ok


def pool_run(pool: SandboxPool, sources: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    results = pool.run_many([Program(s) for s in sources])
    return time.perf_counter() - start, sum(r.status == "ok" for r in results)


def _summary(n: int, runs: list[tuple[float, int]]) -> tuple[float, float]:
    rates = [rate(n, t) for t, _ in runs]
    return statistics.median(rates), max(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=0, help="containers / concurrency (default: CPU count)")
    parser.add_argument("--fresh", type=int, default=20, help="programs for the fresh-docker-run mode")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions of (b), (c), (d)")
    args = parser.parse_args()
    rows = problems()
    sources = programs(rows)
    n = len(sources)
    image = ensure_image(offline=True)
    config = SandboxConfig(backend="docker", workers=args.workers)
    workers = config.size
    print(f"{n} HumanEval programs, {workers} workers/containers, image {image}")

    start = time.perf_counter()
    pool = shared_pool(config)
    print(f"pool start: {time.perf_counter() - start:.2f}s")
    verifier = CodeVerifier(backend="docker", workers=workers)  # the same config: the same warm pool
    try:
        pool_run(pool, sources[:20])  # warm-up
        runs_c, runs_d = [], []
        for _ in range(args.repeat):
            runs_c.append(pool_run(pool, sources))
            runs_d.append(verifier_run(verifier, rows))
        t_a, ok_a = fresh_docker(sources[: args.fresh], workers, image, pool.backend.lockdown_flags())
    finally:
        pool.close()
    python = system_python()
    runs_b = [local_subprocess(sources, workers, python) for _ in range(args.repeat)]

    c, best_c = _summary(n, runs_c)
    b, best_b = _summary(n, runs_b)
    d, best_d = _summary(n, runs_d)
    a = rate(args.fresh, t_a)
    print(
        f"(a) fresh docker run per program : {a:8.1f} programs/s  ({ok_a}/{args.fresh} passed, "
        f"{t_a:.1f}s; extrapolated to {n}: {n / a:.1f}s)"
    )
    print(
        f"(b) local subprocess, no sandbox : {b:8.1f} programs/s [{best_b:.1f}]  ({runs_b[0][1]}/{n} passed; {python})"
    )
    print(f"(c) r1verify docker pool         : {c:8.1f} programs/s [{best_c:.1f}]  ({runs_c[0][1]}/{n} passed)")
    print(f"(d) code verifier, end to end    : {d:8.1f} samples/s  [{best_d:.1f}]  ({runs_d[0][1]}/{n} scored 1.0)")
    print(
        f"ratios: (c)/(a) = {c / a:.1f}x (target >= 40x), (c)/(b) = {c / b:.2f}x (target >= 0.6x), (c) target >= 150/s"
    )
    if not (ok_a == args.fresh and all(ok == n for _, ok in runs_b + runs_c + runs_d)):
        sys.exit("some canonical solutions failed: the numbers above are not comparable")


if __name__ == "__main__":
    main()
