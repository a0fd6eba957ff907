"""Programs per second per sandbox language (java, javascript, go, rust): the warm pool vs a ``docker run`` each.

    .venv/bin/python bench/sandbox_lang_bench.py [--workers 2] [--copies 4] [--fresh 3]

The fixed set is bench/data/lang_programs.jsonl (3 problems x 4 languages, 3 stdin tests each). A program is
compiled once and run on its 3 inputs; every program must pass its tests in both modes.

(a) ``docker run`` per program: a fresh one-container pool per program (the same image, lockdown flags and
    runner: container start + compile + runs + removal), ``--workers`` of them at once, ``--fresh`` programs
    per language;
(b) the warm pool: ``--workers`` containers started once (start-up reported separately), ``--copies`` copies of
    each program (a comment makes each copy a distinct program).
Both in one run; ratios are (b) / (a). Timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from r1verify_code.compare import stdout_matches
from r1verify_sandbox import Limits, Program, ProgramResult, SandboxConfig, SandboxPool
from r1verify_sandbox.image_build import ensure_image

DATA = Path(__file__).resolve().parent / "data" / "lang_programs.jsonl"
LANGUAGES = ("java", "javascript", "go", "rust")
COMMENT = {"java": "//", "javascript": "//", "go": "//", "rust": "//"}
LIMITS = Limits(timeout=5.0, memory_mb=512, compile_timeout=60.0)


def rows() -> list[dict]:
    return [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]


def programs(language: str, copies: int) -> list[tuple[Program, list[str]]]:
    found = []
    for copy in range(copies):
        for row in rows():
            if row["language"] == language:
                source = f"{COMMENT[language]} copy {copy}\n" + row["source"]
                found.append((Program(source, language, inputs=row["inputs"], limits=LIMITS), row["outputs"]))
    return found


def passed(result: ProgramResult, outputs: list[str]) -> bool:
    return result.status.value == "ok" and all(
        stdout_matches(run.stdout, expected) for run, expected in zip(result.runs, outputs, strict=True)
    )


def fresh(config: SandboxConfig, work: list[tuple[Program, list[str]]], workers: int) -> tuple[float, int]:
    def one(item: tuple[Program, list[str]]) -> bool:
        with SandboxPool(config) as pool:
            return passed(pool.run(item[0]), item[1])

    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as ex:
        ok = sum(ex.map(one, work))
    return time.perf_counter() - start, ok


def warm(pool: SandboxPool, work: list[tuple[Program, list[str]]]) -> tuple[float, int]:
    start = time.perf_counter()
    results = pool.run_many([program for program, _ in work])
    seconds = time.perf_counter() - start
    return seconds, sum(passed(r, outputs) for r, (_, outputs) in zip(results, work, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--copies", type=int, default=4, help="copies of each program for the warm pool")
    parser.add_argument("--fresh", type=int, default=3, help="programs per language for docker run each")
    args = parser.parse_args()
    ensure_image()
    config = SandboxConfig(backend="docker", workers=args.workers)
    started = time.perf_counter()
    pool = SandboxPool(config).start()
    print(f"warm pool start-up: {time.perf_counter() - started:.2f}s ({args.workers} containers)")
    print(f"{'language':<11} {'docker run each':>16} {'warm pool':>12} {'ratio':>7}   (programs/s; 3 tests each)")
    try:
        for language in LANGUAGES:
            warm(pool, programs(language, 1)[:1])  # nothing cached in the pool: just the first-use page-in
            work = programs(language, args.copies)
            w_s, w_ok = warm(pool, work)
            f_work = work[: args.fresh]
            f_s, f_ok = fresh(SandboxConfig(backend="docker", workers=1), f_work, args.workers)
            if w_ok != len(work) or f_ok != len(f_work):
                raise SystemExit(f"{language}: {w_ok}/{len(work)} warm and {f_ok}/{len(f_work)} fresh passed")
            w_rate, f_rate = len(work) / w_s, len(f_work) / f_s
            print(f"{language:<11} {f_rate:>16.2f} {w_rate:>12.2f} {w_rate / f_rate:>6.1f}x")
    finally:
        pool.close()


if __name__ == "__main__":
    main()
