"""The audit's report: a JSON-ready dict (per detector counts and rates, the second grader, errors, trends,
the flagged samples), the flagged-sample records of ``--flagged``, and the summary table."""

from __future__ import annotations

from typing import Any

from .code_runs import RunDetector
from .model import Flagged
from .runner import AuditRun
from .stats import pearson
from .trends import callouts, per_step

MAX_FLAGGED_IN_REPORT = 500
MAX_ERRORS_IN_REPORT = 100


def flagged_record(item: Flagged) -> dict[str, Any]:
    """One line of ``--flagged``: the sample's id, where it is, its reward and step, and every finding."""
    r = item.rollout
    return {
        "id": r.id,
        "where": r.where,
        "step": r.step,
        "reward": r.reward,
        "detectors": sorted({f.detector for f in item.findings}),
        "findings": [f.to_dict() for f in item.findings],
    }


def build_report(
    run: AuditRun, inputs: list[str], min_reward: float, skipped: list[str], elapsed: float
) -> dict[str, Any]:
    ids = [d.id for d in run.detectors]
    counts = dict.fromkeys(ids, 0)
    for item in run.flagged.values():
        for detector in {f.detector for f in item.findings}:
            counts[detector] = counts.get(detector, 0) + 1
    rewarded = len(run.rewarded)
    errors_by: dict[str, int] = {}
    for e in run.errors:
        errors_by[e.detector] = errors_by.get(e.detector, 0) + 1
    steps = per_step(run, ids)
    grader = run.grader
    report: dict[str, Any] = {
        "inputs": inputs,
        "rows": len(run.rollouts),
        "invalid_rows": len(skipped),
        "first_invalid_rows": skipped[:5],
        "min_reward": min_reward,
        "rewarded": rewarded,
        "flagged_samples": len(run.flagged),
        "detectors": [
            {
                "id": d.id,
                "category": d.category,
                "explanation": d.explanation,
                "flagged": counts[d.id],
                "rate": round(counts[d.id] / rewarded, 4) if rewarded else 0.0,
                "errors": errors_by.get(d.id, 0),
            }
            for d in run.detectors
        ],
        "regrade": {
            "grader": "math-verify",
            "available": bool(grader and grader.available),
            "graded": len(run.accepted),
            "accepted": sum(run.accepted.values()),
            "rewarded_rejected": counts.get("regrade_math_verify", 0),
        },
        "runtime": runtime_note(run),
        "reward_length_r": pearson([float(len(r.completion)) for r in run.rollouts], [r.reward for r in run.rollouts]),
        "errors": len(run.errors),
        "first_errors": [e.to_dict() for e in run.errors[:MAX_ERRORS_IN_REPORT]],
        "steps": steps,
        "callouts": callouts(steps, ids),
        "elapsed_s": round(elapsed, 3),
        "rows_per_s": round(len(run.rollouts) / elapsed, 1) if elapsed > 0 else None,
        "flagged": [flagged_record(item) for item in worst(run)[:MAX_FLAGGED_IN_REPORT]],
        "hints": hints(run, min_reward),
    }
    if grader is None:
        report["regrade"]["available"] = False
        report["regrade"]["note"] = "off (--no-regrade)"
    elif not grader.available:
        report["regrade"]["note"] = "math-verify is not installed (pip install math-verify); no second grader"
    return report


def runtime_note(run: AuditRun) -> dict[str, Any]:
    """How many rewarded rows the runtime detectors (``code_run_*``) had the sandbox's observations for."""
    note: dict[str, Any] = {"rewarded_with_run_details": run.run_details}
    if not any(isinstance(d, RunDetector) for d in run.detectors):
        note["note"] = "off (no code_run_* detector selected)"
    elif not run.run_details:
        note["note"] = (
            "no data: no rewarded row carries the code verifier's per-test details (audit an r1verify results file, "
            "or add --regrade-with code); the code_run_* detectors checked nothing"
        )
    return note


def hints(run: AuditRun, min_reward: float) -> list[str]:
    """Advice on the options, e.g. a ``--min-reward`` that lets format-only rewards through."""
    rewards = [r.reward for r in run.rollouts if r.index in run.rewarded]
    if not rewards or min_reward > 0:
        return []
    top = max(rewards)
    low = sum(1 for w in rewards if w < top / 2)
    if low < max(1, len(rewards) // 10):
        return []
    hint = (
        f"{low} of {len(rewards)} rewarded samples were paid less than half the top reward ({top:g}); if that is a "
        f"format or language bonus, pass --min-reward {top / 2:g} so the answer detectors look at answers that were "
        "paid for"
    )
    return [hint]


def worst(run: AuditRun) -> list[Flagged]:
    """Flagged samples, most findings and highest reward first (the ones to read)."""
    return sorted(
        run.flagged.values(), key=lambda f: (-len({x.detector for x in f.findings}), -f.rollout.reward, f.rollout.index)
    )


def table(report: dict[str, Any]) -> Any:
    """The summary as a rich table (one row per detector)."""
    from rich.table import Table

    t = Table(
        title=f"audit: {report['rows']} rollouts, {report['rewarded']} rewarded, {report['flagged_samples']} flagged"
    )
    t.add_column("detector")
    t.add_column("category")
    t.add_column("flagged", justify="right")
    t.add_column("of rewarded", justify="right")
    t.add_column("errors", justify="right")
    for d in report["detectors"]:
        style = "bold red" if d["flagged"] else None
        t.add_row(d["id"], d["category"], str(d["flagged"]), f"{d['rate']:.1%}", str(d["errors"] or ""), style=style)
    return t
