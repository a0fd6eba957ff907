"""The audit's HTML page: the summary, call-outs, a chart of each detector's rate per step (with the second
grader's accuracy and the reward–length correlation), and the worst flagged samples with the evidence marked.
One file, no scripts, no external resources; the styles are the results report's."""

from __future__ import annotations

import html
from typing import Any

from ..report import CSS
from .model import Flagged
from .runner import AuditRun
from .summary import worst

PALETTE = (
    "#d9534f",
    "#5b8def",
    "#2e9d57",
    "#f0ad4e",
    "#7f3fbf",
    "#e67e22",
    "#17a2b8",
    "#8fbf3f",
    "#555555",
    "#c2185b",
    "#6d4c41",
    "#00897b",
    "#3949ab",
    "#9e9d24",
    "#ad1457",
)
EXTRA_CSS = (
    "mark{background:#ffe066;padding:0 1px} "
    ".callout{border-left:4px solid #d9534f;padding:4px 10px;margin:6px 0;background:#fff5f5}"
)


def line_chart(
    steps: list[dict[str, Any]], series: dict[str, list[float | None]], width: int = 720, height: int = 220
) -> str:
    """An SVG line per series over the steps (values in [0, 1]; ``None`` leaves a gap)."""
    if len(steps) < 2:
        return '<p class="muted">fewer than two steps: no trend to draw</p>'
    left, bottom = 34, 18
    xs = [left + (width - left - 8) * i / (len(steps) - 1) for i in range(len(steps))]

    def y(v: float) -> float:
        return 6 + (height - bottom - 6) * (1 - max(0.0, min(1.0, v)))

    lines, legend = [], []
    for i, (name, values) in enumerate(series.items()):
        colour = PALETTE[i % len(PALETTE)]
        points = " ".join(f"{x:.1f},{y(v):.1f}" for x, v in zip(xs, values) if v is not None)
        dash = ' stroke-dasharray="5 3"' if name in ("accuracy", "reward-length r") else ""
        lines.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash}>'
            f"<title>{html.escape(name)}</title></polyline>"
        )
        legend.append(f'<span class="chip" style="background:{colour}"></span>{html.escape(name)}')
    grid = "".join(
        f'<line x1="{left}" x2="{width}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#eee"/>'
        f'<text x="2" y="{y(t) + 3:.1f}" class="axis">{t:.0%}</text>'
        for t in (0, 0.25, 0.5, 0.75, 1)
    )
    ticks = (
        f'<text x="{left}" y="{height - 2}" class="axis">step {steps[0]["step"]}</text>'
        f'<text x="{width}" y="{height - 2}" class="axis" text-anchor="end">step {steps[-1]["step"]}</text>'
    )
    svg = f'<svg width="{width}" height="{height}" role="img">{grid}{"".join(lines)}{ticks}</svg>'
    return f'{svg}<div class="legend">{"".join(legend)}</div>'


def marked(text: str, start: int, end: int, context: int = 400) -> str:
    """HTML of ``text`` around ``[start, end)`` with the span in ``<mark>``."""
    lo, hi = max(0, start - context), min(len(text), end + context)
    head = ("… " if lo else "") + text[lo:start]
    tail = text[end:hi] + (" …" if hi < len(text) else "")
    span = (
        text[start:end]
        if end - start <= 2 * context
        else text[start : start + context] + " … " + text[end - context // 2 : end]
    )
    return f"{html.escape(head)}<mark>{html.escape(span)}</mark>{html.escape(tail)}"


def _example(item: Flagged) -> str:
    r = item.rollout
    parts = []
    for f in item.findings:
        if f.field in ("completion", "prompt"):
            text = r.completion if f.field == "completion" else r.prompt
            shown = marked(text, f.start, f.end)
        else:  # what the sandbox saw (a verdict's details): the evidence is all there is to show
            shown = f"{html.escape(f.field)}: <mark>{html.escape(f.evidence)}</mark>"
        parts.append(f"<p><b>{html.escape(f.detector)}</b>: {html.escape(f.reason)}</p><pre>{shown}</pre>")
    step = "" if r.step is None else f" · step {r.step}"
    return (
        f"<div class='example'><div class='reward'>{html.escape(r.id)} · reward {r.reward:g}{step}</div>"
        f"<details><summary>prompt</summary><pre>{html.escape(r.prompt[:1500])}</pre></details>{''.join(parts)}</div>"
    )


def render(report: dict[str, Any], run: AuditRun, title: str, examples: int = 12) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(d['id'])}</td><td>{d['category']}</td><td>{d['flagged']}</td><td>{d['rate']:.1%}</td>"
        f"<td style='text-align:left'>{html.escape(d['explanation'])}</td></tr>"
        for d in report["detectors"]
    )
    steps = report["steps"]
    called = [c["detector"] for c in report["callouts"]]
    fired = called or [d["id"] for d in report["detectors"] if d["flagged"]]
    series: dict[str, list[float | None]] = {d: [s["rates"].get(d, 0.0) for s in steps] for d in fired}
    if any(s["accuracy"] is not None for s in steps):
        series["accuracy"] = [s["accuracy"] for s in steps]
    series["reward-length r"] = [s["reward_length_r"] for s in steps]
    calls = (
        "".join(f"<div class='callout'>{html.escape(c['message'])}</div>" for c in report["callouts"])
        or "<p class='muted'>none</p>"
    )
    regrade = report["regrade"]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title><style>{CSS}{EXTRA_CSS}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p class="muted">{report["rows"]} rollouts · {report["rewarded"]} rewarded (reward &gt; {report["min_reward"]:g}) ·
{report["flagged_samples"]} flagged · second grader {regrade["grader"]}: {regrade["graded"]} graded,
{regrade["accepted"]} accepted · {report["errors"]} detector errors</p>
<h2>Detectors</h2>
<table><tr><th>detector</th><th>category</th><th>flagged</th><th>of rewarded</th>
<th style='text-align:left'>what it looks for</th></tr>{rows}</table>
<h2>Call-outs</h2>
{calls}
<h2>Per step</h2>
<p class="muted">Share of the rewarded samples it checks that each {"called-out" if called else "firing"} detector
flags per step (every detector's rates are in the JSON report); dashed: the second grader's accuracy on the
samples with a reference, and the reward–length correlation (negative values drawn at 0).</p>
{line_chart(steps, series) if steps else '<p class="muted">no step column: no trends</p>'}
<h2>Worst examples</h2>
{"".join(_example(item) for item in worst(run)[:examples]) or '<p class="muted">nothing flagged</p>'}
</body></html>
"""
