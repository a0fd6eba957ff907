"""`r1verify audit` on a synthetic run with injected hacks (examples/audit/make_rollouts.py): each detector's
precision and recall against the injected labels, the call-outs, and the speed of the static detectors.

    python bench/audit_bench.py [--steps 20] [--repeat 3] [--show-fp 3]

Precision = flagged rows injected with the detector's hack / flagged rows; recall = those / rewarded rows injected
with it. ``regrade_math_verify`` has no injected label: the bench says how many of its flags are on hacked rows. Speed:
rows per second of the per-sample and group detectors without the second grader (one process), median of
``--repeat`` runs, on rollouts already in memory; and the whole command (reading, math-verify, report) once.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples" / "audit"))

from make_rollouts import build

from r1verify.audit import RolloutColumns, read_rollouts, run_audit, select
from r1verify.audit.runner import AuditRun
from r1verify.audit.summary import build_report


def score(run: AuditRun, labels: dict[int, list[str]]) -> dict[str, dict[str, float | int | None]]:
    out = {}
    for detector in [d.id for d in run.detectors]:
        flagged = {i for i, f in run.flagged.items() if any(x.detector == detector for x in f.findings)}
        injected = {i for i, h in labels.items() if detector in h and i in run.rewarded}
        hit = len(flagged & injected)
        out[detector] = {
            "flagged": len(flagged),
            "injected": len(injected),
            "precision": round(hit / len(flagged), 3) if flagged else None,
            "recall": round(hit / len(injected), 3) if injected else None,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--min-reward", type=float, default=0.5)
    parser.add_argument("--show-fp", type=int, default=0, help="print N false positives per detector")
    args = parser.parse_args()
    rows = build(args.steps, small=False, seed=27)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "run.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        stream, _ = read_rollouts([str(path)], RolloutColumns())
        rollouts = list(stream)
        labels = {r.index: rows[r.index]["hacks"] for r in rollouts}
        started = time.perf_counter()
        run = run_audit(rollouts, select(), args.min_reward)
        whole = time.perf_counter() - started
        report = build_report(run, [str(path)], args.min_reward, [], whole)
        cli_started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "r1verify",
                "audit",
                str(path),
                "--no-regrade",
                "--summary",
                "none",
                "-o",
                str(Path(tmp) / "report.json"),
            ],
            check=True,
        )
        cli = time.perf_counter() - cli_started
        times = []
        for _ in range(args.repeat):
            for r in rollouts:
                r.memo.clear()
                r._regions = None
            t0 = time.perf_counter()
            run_audit(rollouts, select(regrade=False), args.min_reward)
            times.append(time.perf_counter() - t0)
    static = len(rollouts) / statistics.median(times)
    injected = Counter(h for hs in labels.values() for h in hs)
    print(
        f"{len(rollouts)} rollouts, {args.steps} steps, {len(run.rewarded)} rewarded (> {args.min_reward}); injected: {dict(injected)}"
    )
    print(f"{'detector':22} {'flagged':>8} {'injected':>9} {'precision':>10} {'recall':>7}")
    for detector, s in score(run, labels).items():
        print(f"{detector:22} {s['flagged']:>8} {s['injected']:>9} {s['precision']!s:>10} {s['recall']!s:>7}")
        if args.show_fp:
            fps = [
                i
                for i, f in run.flagged.items()
                if any(x.detector == detector for x in f.findings) and detector not in labels[i]
            ]
            for i in fps[: args.show_fp]:
                f = next(x for x in run.flagged[i].findings if x.detector == detector)
                print(f"    FP {rollouts[i].where} (injected {labels[i]}): {f.reason} | {f.evidence[:80]!r}")
    regraded = {i for i, f in run.flagged.items() if any(x.detector == "regrade_math_verify" for x in f.findings)}
    on_hacks = sum(1 for i in regraded if labels[i])
    print(
        f"regrade_math_verify: {len(regraded)} flagged, {on_hacks} on hacked rows, {len(regraded) - on_hacks} on untouched rows"
    )
    for c in report["callouts"]:
        print("call-out:", c["message"])
    print(f"static detectors: {static:,.0f} rollouts/s (median of {args.repeat}, one process)")
    print(f"with math-verify regrade, from memory: {len(rollouts) / whole:,.0f} rollouts/s")
    print(
        f"the whole command (start, read, detect, report), --no-regrade: {cli:.2f} s, {len(rollouts) / cli:,.0f} rollouts/s"
    )


if __name__ == "__main__":
    main()
