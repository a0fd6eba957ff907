"""A `r1verify generate` process killed with SIGKILL mid-run and started again writes every prompt exactly n times."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

from .conftest import read_jsonl, write_jsonl
from .fake_openai import FakeOpenAI, math_prompts

PROMPTS, N = 40, 3


def command(server: FakeOpenAI, src, out) -> list[str]:
    return [sys.executable, "-m", "r1verify", "generate", str(src), "--endpoint", server.url, "--model", "fake",
            "-n", str(N), "--concurrency", "2", "--out", str(out)]


def test_sigkill_mid_run_then_restart_gives_every_prompt_exactly_n_rows(tmp_path):
    src = write_jsonl(tmp_path / "prompts.jsonl", math_prompts(PROMPTS))
    out = tmp_path / "gens.jsonl"
    with FakeOpenAI(latency=0.05) as server:
        proc = subprocess.Popen(command(server, src, out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not out.exists() or out.read_bytes().count(b"\n") < 5 * N):
            assert proc.poll() is None, proc.stderr.read().decode()
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        first_run = out.read_bytes().count(b"\n")
        assert 5 * N <= first_run < PROMPTS * N, "the kill did not land mid-run"
        with out.open("ab") as fh:  # as if the kill had torn a write in half
            fh.write(b'{"prompt_id": "torn", "completion": "<thi')
        requests_before = server.requests

        done = subprocess.run(command(server, src, out), capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr

    rows = read_jsonl(out)  # every line is whole JSON
    assert Counter(r["id"] for r in rows) == Counter({f"p{i}": N for i in range(PROMPTS)})
    for i in range(PROMPTS):
        assert sorted(r["sample_index"] for r in rows if r["id"] == f"p{i}") == list(range(N))
    assert server.requests - requests_before <= PROMPTS - first_run // N  # finished prompts were not asked again
