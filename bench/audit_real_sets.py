"""`r1verify audit`'s detectors on real labelled math completions (bench/data/math, see its PROVENANCE.md): the
samples each set's own label calls correct play the rewarded samples, and the bench prints how many each
detector flags, with the evidence of the first few, for reading by hand.

    python bench/audit_real_sets.py [--sets qwen,gsm8k,longcot] [--show 5] [--no-regrade]

These are completions of models that were not trained against a hackable grader, so a flag here is either a real
quirk of the completion (read it) or a false alarm of the detector. ``longcot`` rows in the Sky-T1 template are
read with ``template = "sky-t1"``, the others have no reasoning tags (graded whole, like ``bench/math_accuracy.py``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from math_accuracy import LOADERS

from r1verify.audit import Rollout, run_audit, select


def rollouts(name: str) -> list[Rollout]:
    out = []
    for i, item in enumerate(LOADERS[name]()):
        s = item.sample
        template = "sky-t1" if s.domain == "longcot-sky" else "r1"
        prompt = s.prompt if isinstance(s.prompt, str) else ""
        out.append(
            Rollout(
                i,
                f"{name}:{item.id}",
                prompt,
                s.completion,
                float(item.label),
                None,
                s.reference,
                "math",
                item.group,
                item.id,
                template=template,
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default="qwen,gsm8k,longcot")
    parser.add_argument("--show", type=int, default=5)
    parser.add_argument("--no-regrade", action="store_true")
    args = parser.parse_args()
    for name in args.sets.split(","):
        rows = rollouts(name)
        started = time.perf_counter()
        run = run_audit(rows, select(regrade=not args.no_regrade))
        elapsed = time.perf_counter() - started
        counts = Counter(
            f.detector for item in run.flagged.values() for f in {x.detector: x for x in item.findings}.values()
        )
        print(
            f"\n== {name}: {len(rows)} completions, {len(run.rewarded)} labelled correct (rewarded), "
            f"{len(run.flagged)} flagged, {len(run.errors)} detector errors, {elapsed:.1f} s"
        )
        for detector, n in counts.most_common():
            print(f"  {detector:22} {n:5}  ({n / max(1, len(run.rewarded)):.1%} of rewarded)")
            shown = [
                (item.rollout, f) for item in run.flagged.values() for f in item.findings if f.detector == detector
            ]
            for r, f in shown[: args.show]:
                print(f"      {r.id}: {f.reason[:110]} | {f.evidence[:70]!r}")


if __name__ == "__main__":
    main()
