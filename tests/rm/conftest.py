"""Fixtures: a tiny reward model saved like a real checkpoint, real math completions, a local reward server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from r1verify import Sample

DATA = Path(__file__).parent / "data" / "qwen_math_rm_scored.jsonl"


@pytest.fixture(scope="session")
def rows() -> list[dict[str, Any]]:
    """80 real completions to 10 MATH problems with Qwen's grader label and Qwen's recorded RM score."""
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory, rows) -> Path:
    """A tiny random Qwen2 reward model and a BPE tokenizer trained on the rows, loaded via from_pretrained."""
    from r1verify_rm.testing import save_random_reward_model

    corpus = [r["question"] + "\n" + r["completion"] for r in rows]
    return save_random_reward_model(tmp_path_factory.mktemp("tiny-rm"), corpus)


def think(reasoning: str, answer: str) -> str:
    return f"<think>{reasoning}</think>{answer}"


def math_samples(rows: list[dict[str, Any]]) -> list[Sample]:
    """The rows as R1-style samples: the real chain of thought inside <think>, the boxed answer after it."""
    return [
        Sample(
            think(r["completion"], f" The answer is $\\boxed{{{r['gt']}}}$."), prompt=r["question"], reference=r["gt"]
        )
        for r in rows
    ]


# ------------------------------------------------------------------------------------------ reward server
Reply = tuple[int, bytes, float]
"""(HTTP status, body, seconds to wait before answering)."""


@dataclass
class RewardServer:
    """A serve_rm-style server on 127.0.0.1. ``behave(payload, n)`` decides each reply (n counts requests from 1);
    the default replays ``table[query]`` (recorded rewards), else len(query) / 100."""

    url: str
    table: dict[str, float] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    behave: Callable[[dict[str, Any], int], Reply] | None = None

    def rewards(self, payload: dict[str, Any]) -> list[float]:
        return [self.table.get(query, len(query) / 100) for query in payload["query"]]

    def reply(self, payload: dict[str, Any]) -> Reply:
        self.requests.append(payload)
        if self.behave is not None:
            return self.behave(payload, len(self.requests))
        return 200, json.dumps({"rewards": self.rewards(payload)}).encode(), 0.0


@pytest.fixture
def reward_server() -> Iterator[RewardServer]:
    holder: dict[str, RewardServer] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, reply, delay = holder["server"].reply(json.loads(body))
            time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
            except OSError:  # the client gave up (timeout test)
                pass

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    holder["server"] = RewardServer(f"http://127.0.0.1:{httpd.server_address[1]}/get_reward")
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield holder["server"]
    httpd.shutdown()
    httpd.server_close()
