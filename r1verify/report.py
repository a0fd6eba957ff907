"""A self-contained HTML report of a results file (what `r1verify verify` writes), and its PNG screenshot.

The page holds the summary table, the reward histogram and one score histogram per verifier (inline SVG),
status breakdowns, and the worst and borderline examples. No scripts, no external files.
"""

from __future__ import annotations

import heapq
import html
import json
import shutil
import subprocess
import tempfile
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .io import json_error_message
from .result import Result
from .summary import Summary
from .verdict import Status, Verdict

STATUS_COLOURS = {
    "correct": "#2e9d57",
    "partial": "#8fbf3f",
    "wrong": "#d9534f",
    "no_answer": "#f0ad4e",
    "format_error": "#e67e22",
    "scored": "#5b8def",
    "timeout": "#7f3fbf",
    "error": "#555555",
    "skipped": "#c8c8c8",
}


class NotAResultsFile(ValueError):
    """A record without reward and verdicts."""


class Smallest:
    """The ``n`` records with the smallest keys seen so far (a bounded heap)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._heap: list[tuple[tuple[float, int], int, dict]] = []  # negated keys: heap[0] is the largest kept

    def add(self, key: tuple[float, int], record: dict) -> None:
        neg = ((-key[0], -key[1]), id(record), record)
        if len(self._heap) < self.n:
            heapq.heappush(self._heap, neg)
        elif neg[0] > self._heap[0][0]:
            heapq.heapreplace(self._heap, neg)

    def records(self) -> list[dict]:
        return [r for _, _, r in sorted(self._heap, key=lambda t: (-t[0][0], -t[0][1]))]


@dataclass
class ReportData:
    """Aggregates a stream of result records; holds only histogram values and a few examples."""

    examples: int = 6
    summary: Summary = field(default_factory=Summary)
    rewards: array = field(default_factory=lambda: array("d"))
    scores: dict[str, array] = field(default_factory=dict)
    _seq: int = 0

    def __post_init__(self) -> None:
        self._worst = Smallest(self.examples)
        half = max(1, self.examples // 2)
        self._failed_best = Smallest(half)  # failed rows with the highest reward
        self._passed_worst = Smallest(half)  # passed rows with the lowest reward

    def add(self, record: dict[str, Any], where: str = "") -> None:
        if "reward" not in record or not isinstance(record.get("verdicts"), dict):
            raise NotAResultsFile(
                f"{where}: no 'reward'/'verdicts' fields; the report reads what `r1verify verify --out` writes"
            )
        verdicts = {name: Verdict.from_dict(v, name) for name, v in record["verdicts"].items()}
        result = Result(float(record["reward"]), bool(record.get("passed", True)), verdicts, {})
        self.summary.add([result])
        self.rewards.append(result.reward)
        for name, verdict in verdicts.items():
            if verdict.score is not None and not verdict.status.is_failure:
                self.scores.setdefault(name, array("d")).append(verdict.score)
        self._seq += 1
        self._worst.add((result.reward, self._seq), record)
        if result.passed:
            self._passed_worst.add((result.reward, self._seq), record)
        else:
            self._failed_best.add((-result.reward, self._seq), record)

    def worst(self) -> list[dict]:
        return self._worst.records()

    def borderline(self) -> list[dict]:
        return self._failed_best.records() + self._passed_worst.records()


def read_results(lines: Iterable[str], name: str, examples: int = 6) -> ReportData:
    data = ReportData(examples=examples)
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise NotAResultsFile(f"{name}:{lineno}: {json_error_message(exc)}") from None
        data.add(record, f"{name}:{lineno}")
    return data


# ----------------------------------------------------------------------------------------------- rendering
def histogram_svg(
    values: array, *, bins: int = 20, width: int = 340, height: int = 110, colour: str = "#5b8def"
) -> str:
    if not values:
        return '<p class="muted">no scores</p>'
    lo, hi = min(values), max(values)
    if hi == lo:
        lo, hi = lo - 0.5, hi + 0.5
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - lo) / (hi - lo) * bins))] += 1
    top = max(counts)
    bar_w = width / bins
    bars = []
    for i, c in enumerate(counts):
        h = 0 if top == 0 else (height - 32) * c / top
        x = i * bar_w
        left = lo + (hi - lo) * i / bins
        bars.append(
            f'<rect x="{x + 1:.1f}" y="{height - 16 - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
            f'fill="{colour}"><title>[{left:.3g}, {left + (hi - lo) / bins:.3g}): {c}</title></rect>'
        )
    labels = (
        f'<text x="0" y="{height - 2}" class="axis">{lo:.3g}</text>'
        f'<text x="{width}" y="{height - 2}" class="axis" text-anchor="end">{hi:.3g}</text>'
        f'<text x="{width}" y="10" class="axis" text-anchor="end">max {top}</text>'
    )
    return f'<svg width="{width}" height="{height}" role="img">{"".join(bars)}{labels}</svg>'


def status_bar(statuses: dict[str, int], width: int = 340) -> str:
    total = sum(statuses.values()) or 1
    x = 0.0
    parts = []
    for status in [s.value for s in Status if statuses.get(s.value)]:
        w = width * statuses[status] / total
        parts.append(
            f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="14" fill="{STATUS_COLOURS[status]}">'
            f"<title>{status}: {statuses[status]}</title></rect>"
        )
        x += w
    legend = " ".join(
        f'<span class="chip" style="background:{STATUS_COLOURS[s]}"></span>{s} {n}' for s, n in statuses.items()
    )
    return f'<svg width="{width}" height="14">{"".join(parts)}</svg><div class="legend">{legend}</div>'


def _number(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _excerpt(text: Any, head: int = 300, tail: int = 600) -> str:
    text = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False)
    if len(text) <= head + tail + 20:
        return text
    return f"{text[:head]}\n … [{len(text) - head - tail} characters] …\n{text[-tail:]}"


def _example_html(record: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td><span class='chip' style='background:"
        f"{STATUS_COLOURS.get(v.get('status'), '#999')}'></span>{html.escape(str(v.get('status')))}</td>"
        f"<td>{_number(v.get('score'), '.3g')}</td>"
        f"<td>{html.escape(str(v.get('reason', ''))[:200])}</td></tr>"
        for name, v in record["verdicts"].items()
    )
    completion = record.get("completion", record.get("response", ""))
    if isinstance(completion, list):
        completion = completion[-1].get("content", "") if completion else ""
    return (
        f"<div class='example'><div class='reward'>reward {record['reward']:.3f} · "
        f"{'passed' if record.get('passed') else 'failed'}</div>"
        f"<details><summary>prompt</summary><pre>{html.escape(_excerpt(record.get('prompt', '')))}</pre></details>"
        f"<pre>{html.escape(_excerpt(completion))}</pre>"
        f"<table class='verdicts'>{rows}</table></div>"
    )


CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}
.muted{color:#777} table{border-collapse:collapse} td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:right}
td:first-child,th:first-child{text-align:left} .grid{display:flex;flex-wrap:wrap;gap:18px}
.card{border:1px solid #e3e3e3;border-radius:6px;padding:10px 12px} .card h3{margin:0 0 6px;font-size:14px}
.axis{font-size:10px;fill:#777} svg{display:block;margin-bottom:4px} .legend{font-size:11px;color:#555;margin-top:4px}
.chip{display:inline-block;width:9px;height:9px;border-radius:2px;margin:0 3px 0 8px}
.example{border:1px solid #e3e3e3;border-radius:6px;padding:8px 12px;margin:10px 0}
.example pre{white-space:pre-wrap;word-break:break-word;background:#fafafa;padding:6px;max-height:260px;overflow:auto;font-size:12px}
.verdicts td{text-align:left;font-size:12px} .reward{font-weight:600}
"""


def render_html(data: ReportData, title: str) -> str:
    summary = data.summary.to_dict()
    statuses = [s.value for s in Status if any(v["statuses"].get(s.value) for v in summary["verifiers"].values())]
    head = "".join(f"<th>{s}</th>" for s in statuses)
    body = "".join(
        f"<tr><td>{html.escape(name)}</td>"
        + "".join(f"<td>{v['statuses'].get(s, 0)}</td>" for s in statuses)
        + f"<td>{_number(v['mean_score'], '.3f')}</td></tr>"
        for name, v in summary["verifiers"].items()
    )
    cards = [f"<div class='card'><h3>reward</h3>{histogram_svg(data.rewards, colour='#333')}</div>"] + [
        f"<div class='card'><h3>{html.escape(name)}</h3>{histogram_svg(data.scores.get(name, array('d')))}"
        f"{status_bar(v['statuses'])}</div>"
        for name, v in summary["verifiers"].items()
    ]
    mean = summary["mean_reward"]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title><style>{CSS}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p class="muted">{summary["rows"]} rows · {summary["passed"]} passed · mean reward {"-" if mean is None else f"{mean:.3f}"}</p>
<h2>Summary</h2>
<table><tr><th>verifier</th>{head}<th>mean score</th></tr>{body}</table>
<h2>Scores and statuses</h2>
<div class="grid">{"".join(cards)}</div>
<h2>Worst examples</h2>
{"".join(_example_html(r) for r in data.worst())}
<h2>Borderline examples</h2>
<p class="muted">Failed rows with the highest rewards, then passed rows with the lowest.</p>
{"".join(_example_html(r) for r in data.borderline())}
</body></html>
"""


# ----------------------------------------------------------------------------------------------- PNG
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def screenshot(html_path: Path, png_path: Path, *, width: int = 1280, height: int = 1800, timeout: float = 90) -> None:
    """Render ``html_path`` in headless Chromium and save a PNG. Raises RuntimeError naming the fix."""
    browser = find_browser()
    if browser is None:
        raise RuntimeError("PNG export needs Chromium: apt-get install chromium (or put chromium on PATH)")
    with tempfile.TemporaryDirectory(prefix="r1verify-chromium-") as profile:
        cmd = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            f"--screenshot={png_path.resolve()}",
            html_path.resolve().as_uri(),
        ]
        proc = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0 or not png_path.exists():
        raise RuntimeError(f"Chromium could not render the report: {proc.stderr.strip()[-500:]}")
