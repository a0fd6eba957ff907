"""Issue 24, rows 4 and 11: the reward server answers every malformed body with a 4xx JSON error on a
connection that stays usable, counts every status in /metrics, and logs a client that leaves as one line."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from r1verify import Recipe

R1VERIFY = str(Path(sys.executable).with_name("r1verify"))


def _raw_exchange(port: int, requests: list[bytes]) -> list[bytes]:
    """Send requests one after another on one keep-alive connection; the raw replies."""
    replies = []
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        for body in requests:
            head = f"POST /get_reward HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            sock.sendall(head + body)
            data = b""
            while b"\r\n\r\n" not in data:
                data += sock.recv(65536)
            head_part, _, rest = data.partition(b"\r\n\r\n")
            length = int(next(h for h in head_part.split(b"\r\n") if h.lower().startswith(b"content-length")).split(b":")[1])
            while len(rest) < length:
                rest += sock.recv(65536)
            replies.append(head_part.split(b"\r\n")[0] + b" " + rest)
    return replies


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"query": ' + b"1" * 5000 + b"}", b"\xff\xfe"], ids=["deep", "int", "bytes"])
def test_4_a_malformed_body_gets_a_4xx_and_the_connection_stays_usable(serve_in_thread, body):
    from r1verify_openrlhf.service import RewardService

    service = RewardService(Recipe.from_verifier_args(["exact_match"]), workers=1)
    url = serve_in_thread(service)
    port = int(url.rsplit(":", 1)[1])
    good = json.dumps({"query": ["4"], "labels": ["4"]}).encode()
    bad_reply, good_reply = _raw_exchange(port, [body, good])
    assert bad_reply.startswith(b"HTTP/1.1 400"), bad_reply[:200]
    assert b'"error"' in bad_reply
    assert good_reply.startswith(b"HTTP/1.1 200") and b'"rewards":[1.0]' in good_reply
    metrics = httpx.get(url + "/metrics").text
    assert 'r1verify_http_responses_total{code="400"} 1' in metrics
    assert 'r1verify_http_responses_total{code="200"} 1' in metrics


def test_4_an_internal_error_is_a_counted_500_and_the_connection_stays_usable(serve_in_thread, monkeypatch):
    from r1verify_openrlhf.service import RewardService

    service = RewardService(Recipe.from_verifier_args(["exact_match"]), workers=1)
    calls = []
    real = service.arewards

    async def first_call_fails(items, timeout):  # a bug in our own code, simulated once
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("simulated bug")
        return await real(items, timeout=timeout)

    monkeypatch.setattr(service, "arewards", first_call_fails)
    url = serve_in_thread(service)
    good = json.dumps({"query": ["4"], "labels": ["4"]}).encode()
    first, second = _raw_exchange(int(url.rsplit(":", 1)[1]), [good, good])
    assert first.startswith(b"HTTP/1.1 500") and b"simulated bug" in first
    assert second.startswith(b"HTTP/1.1 200")
    assert 'r1verify_http_responses_total{code="500"} 1' in httpx.get(url + "/metrics").text


@pytest.mark.slow
def test_11_a_client_that_leaves_is_one_info_line_not_a_traceback():
    proc = subprocess.Popen(
        [R1VERIFY, "serve", "-v", "exact_match", "--port", "0", "--log-level", "info", "--workers", "1"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port = None
        while port is None:
            line = proc.stderr.readline()
            assert line, "the server exited"
            if m := re.search(r"http://127.0.0.1:(\d+)", line):
                port = int(m.group(1))
        time.sleep(0.5)
        for _ in range(3):
            with socket.create_connection(("127.0.0.1", port)) as sock:
                sock.sendall(b"POST /get_reward HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"query\":")
                time.sleep(0.2)
        time.sleep(1)
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=60)
    assert stderr.count("disconnected before its request was read") == 3, stderr
    assert "Traceback" not in stderr and "ERROR" not in stderr
