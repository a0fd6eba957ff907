"""Benchmark of the ``language`` verifier: accuracy against known mixes and throughput.

    .venv/bin/python bench/language_bench.py [--n 40] [--detectors langdetect,langdetect-sampled,lingua]

For each direction (English reasoning with Chinese inserts, Chinese reasoning with English inserts) and mix level,
``n`` reasonings of ~500 words are built from real text (``language_mix.py``); the mean absolute error of
``1 - score`` against the true share of other-language words is reported per detector. Throughput: reasonings/s
in this process (one core) per detector, and through ``r1verify.Engine`` with 2 worker processes for the default.
Timings depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from language_mix import LEVELS, build
from r1verify_language import LanguageConsistency

from r1verify import Engine, Recipe, Sample


def samples_for(direction: str, level: float, n: int) -> tuple[list[Sample], list[float]]:
    mixed = build(direction, level, n)
    samples = [Sample(f"<think>{m.text}</think> 42", meta={"language": m.target}) for m in mixed]
    return samples, [m.true_other_share for m in mixed]


def accuracy(detector: str, n: int) -> dict[str, dict[str, float]]:
    verifier = LanguageConsistency(detector=detector)
    out: dict[str, dict[str, float]] = {}
    for direction in ("en", "zh"):
        for level in LEVELS:
            samples, truth = samples_for(direction, level, n)
            errors = [abs((1 - verifier.verify(s).score) - t) for s, t in zip(samples, truth, strict=True)]
            out[f"{direction}@{level:g}"] = {"mae": statistics.fmean(errors), "max": max(errors)}
    return out


def throughput(detector: str, samples: list[Sample]) -> float:
    verifier = LanguageConsistency(detector=detector)
    verifier.verify(samples[0])  # load the detector outside the timing
    started = time.perf_counter()
    for s in samples:
        verifier.verify(s)
    return len(samples) / (time.perf_counter() - started)


def engine_throughput(samples: list[Sample], workers: int = 2) -> float:
    recipe = Recipe.from_verifier_args(["language"])
    with Engine(recipe, workers=workers, cache_size=0) as engine:
        engine.verify(samples[:50])  # start the workers and load the detector
        started = time.perf_counter()
        engine.verify(samples)
        return len(samples) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=40, help="reasonings per direction and level")
    parser.add_argument("--detectors", default="langdetect,langdetect-sampled,lingua")
    args = parser.parse_args()
    detectors = [d for d in args.detectors.split(",") if d]
    if "lingua" in detectors:
        try:
            import lingua  # noqa: F401
        except ImportError:
            print("lingua-language-detector is not installed: skipping detector 'lingua'")
            detectors.remove("lingua")
    speed_set = [s for d in ("en", "zh") for level in LEVELS for s in samples_for(d, level, 20)[0]]
    report: dict[str, object] = {"cpus": os.cpu_count(), "reasonings_per_level": args.n, "levels": list(LEVELS)}
    for detector in detectors:
        acc = accuracy(detector, args.n)
        speed = throughput(detector, speed_set)
        report[detector] = {"in_process_per_s": round(speed, 1), "accuracy": acc}
        worst = max(v["mae"] for v in acc.values())
        print(f"{detector:20s} {speed:8.1f} reasonings/s in-process   worst-level MAE {worst:.4f}")
        for key, value in acc.items():
            print(f"    {key:8s} MAE {value['mae']:.4f}  max {value['max']:.4f}")
    engine = engine_throughput(speed_set * 2)
    report["engine_2_workers_per_s"] = round(engine, 1)
    report["max_rss_mb_this_process"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"langdetect through Engine (2 workers): {engine:.1f} reasonings/s")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
