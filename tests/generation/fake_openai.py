"""A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions protocol, with fault modes.

Used by the generation and judge tests and by bench/generate_bench.py. Replies are deterministic: a math prompt
"What is A + B?" gets a think block and a boxed answer, right for even sample numbers and wrong for odd ones
(so rejection has something to reject); anything else is echoed. ``responder`` replaces that (the judge tests
answer as a judge would). Fault modes, per request (``plan``) or for every request (``mode``):

- ``"ok"``: a normal reply after ``latency`` seconds;
- ``"500"``, ``"503"``, ``"429"``, ``"404"``, ``"400"``: that status with a JSON error body;
- ``"slow"``: sleep ``slow_s`` first (longer than the client's timeout in the tests);
- ``"drop"``: close the connection without a reply;
- ``"malformed"``: status 200 with a body that is not JSON;
- ``"empty"``: status 200 with no choices.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MATH = re.compile(r"What is (\d+) \+ (\d+)\?")

Responder = Callable[[list[dict[str, Any]], int], str]
"""``responder(messages, choice_index) -> content``."""


def default_responder(messages: list[dict[str, Any]], index: int) -> str:
    text = messages[-1]["content"]
    if match := MATH.search(text):
        a, b = int(match[1]), int(match[2])
        answer = a + b if index % 2 == 0 else a + b + 1
        return f"<think>I add {a} and {b} to get the sum, step by step.</think> The answer is $\\boxed{{{answer}}}$."
    return f"<think>echo</think> {text}"


class FakeOpenAI:
    """``with FakeOpenAI(latency=0.01) as server: ... server.url ...`` (``http://127.0.0.1:PORT/v1``)."""

    def __init__(self, latency: float = 0.0, mode: str = "ok", responder: Responder | None = None) -> None:
        self.latency = latency
        self.mode = mode
        self.plan: dict[int, str] = {}
        """Request number (from 1) → fault mode, overriding ``mode`` for that request."""
        self.slow_s = 5.0
        self.responder = responder or default_responder
        self.bodies: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    @property
    def requests(self) -> int:
        return len(self.bodies)

    def __enter__(self) -> FakeOpenAI:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self._send(200, json.dumps({"object": "list", "data": [{"id": "fake"}]}).encode())

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with server.lock:
                    server.bodies.append(json.loads(raw))
                    number = len(server.bodies)
                    mode = server.plan.get(number, server.mode)
                body = server.bodies[number - 1]
                if not self.path.endswith("/chat/completions"):
                    return self._send(404, b'{"error": {"message": "not found"}}')
                if mode == "drop":
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                time.sleep(server.slow_s if mode == "slow" else server.latency)
                if mode.isdigit():
                    return self._send(int(mode), json.dumps({"error": {"message": f"fake {mode}"}}).encode())
                if mode == "malformed":
                    return self._send(200, b'{"choices": [{"message": {"content": "half')
                n = int(body.get("n", 1))
                choices = [] if mode == "empty" else [
                    {"index": i, "message": {"role": "assistant", "content": server.responder(body["messages"], i)},
                     "finish_reason": "stop"}
                    for i in range(n)
                ]
                tokens = sum(len(c["message"]["content"].split()) for c in choices)
                reply = {"id": f"fake-{number}", "object": "chat.completion", "model": body.get("model"),
                         "choices": choices, "usage": {"prompt_tokens": 1, "completion_tokens": tokens}}
                self._send(200, json.dumps(reply).encode())

            def _send(self, status: int, payload: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the client gave up
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.request_queue_size = 256
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __exit__(self, *exc: Any) -> None:
        assert self._httpd is not None
        self._httpd.shutdown()
        self._httpd.server_close()


def math_prompts(count: int) -> list[dict[str, Any]]:
    """``count`` prompt rows "What is A + B?" with their reference, ids p0, p1, ..."""
    return [
        {
            "id": f"p{i}",
            "prompt": f"What is {i} + {2 * i + 1}? Put the answer in \\boxed{{}}.",
            "answer": str(3 * i + 1),
            "domain": "math",
        }
        for i in range(count)
    ]
