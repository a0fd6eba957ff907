"""The soak in CI (issue 15): `bench/soak.py --short` drives `r1verify serve` over HTTP and an in-process Engine
with math, code (Docker), format, language and a verifier that hangs or segfaults now and then, for 40 s. No
reply may be lost, the chaos must really have happened (timeouts and errors among the verdicts), and memory,
file descriptors, child processes and sandbox containers must stay flat."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.docker
@pytest.mark.slow
@pytest.mark.timeout(240)
def test_short_soak_loses_nothing_and_stays_flat(tmp_path):
    report = tmp_path / "soak.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "soak.py"), "--short", "--json", str(report)],
        capture_output=True, text=True, timeout=220, cwd=ROOT,
    )
    assert report.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    data = json.loads(report.read_text())
    assert run.returncode == 0 and data["ok"], run.stdout[-3000:]
    assert data["docker"] is True  # the code samples ran in the sandbox, and containers were counted
    assert data["lost"] == 0 and data["server_alive"]
    assert data["server"]["batches"] >= 100 and data["engine"]["batches"] >= 100  # ~1000 each here
    engine = data["engine"]["statuses"]
    assert engine.get("timeout", 0) > 0 and engine.get("error", 0) > 0, engine  # hangs and segfaults happened
    assert engine.get("correct", 0) > 0
    for metric, figures in data["flatness"].items():
        assert figures["flat"] is not False, (metric, figures)
    measured = {metric for metric, figures in data["flatness"].items() if figures["flat"] is not None}
    assert {"server_rss_mb", "engine_rss_mb", "server_fds", "containers"} <= measured, measured
    assert data["containers_after"] is not None
    assert data["wall_s"] <= 60 + 30  # 40 s of soak plus start-up and shutdown
