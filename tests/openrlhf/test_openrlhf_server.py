"""Path 2: the HTTP reward server, called by OpenRLHF's own SingleTurnAgentExecutor (aiohttp) and by httpx."""

from __future__ import annotations

import asyncio
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from r1verify_openrlhf import BatchOptions, RewardService

from .openrlhf_harness import FakeLLM, chat_prompt, chatml_tokenizer, sampling_params, to_experiences

REPO = Path(__file__).resolve().parents[2]
STOPPED = (0, -signal.SIGTERM)  # uvicorn re-raises SIGTERM after its graceful shutdown
PROMPT = "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n"


def body(*responses: str, label: str = "ok") -> dict:
    return {
        "query": [PROMPT + r + "<|im_end|>" for r in responses],
        "prompts": [PROMPT] * len(responses),
        "labels": [label] * len(responses),
    }


@pytest.fixture
def service(behave_recipe):
    return RewardService(behave_recipe, workers=2, batching=BatchOptions(max_batch=64, max_wait=0.01), error_reward=-1)


def test_openrlhf_http_client_gets_rewards_scores_and_extra_logs(openrlhf, service, serve_in_thread):
    url = serve_in_thread(service) + "/get_reward"
    executor = openrlhf.agent.SingleTurnAgentExecutor([url])
    cases = [("6 * 7?", "42", "42"), ("6 * 7?", "42", "41"), ("boom?", "42", "raise")]

    async def run_all():
        return await asyncio.gather(
            *(
                executor.execute(*chat_prompt(q, label), sampling_params(), 256, chatml_tokenizer(), FakeLLM(r))
                for q, label, r in cases
            )
        )

    responses = asyncio.run(run_all())
    # the shape of OpenRLHF's own serve_rm: one list entry per query
    assert [r["reward"] for r in responses] == [[1.0], [0.0], [0.0]]
    assert [r["scores"] for r in responses] == [[1.0], [0.0], [0.0]]
    assert all(set(r["extra_logs"]) == set(service.log_keys) for r in responses)
    assert [r["extra_logs"]["r1verify/error"] for r in responses] == [[0.0], [0.0], [1.0]]
    experiences, batch = to_experiences(responses)
    assert batch.rewards.flatten().tolist() == [1.0, 0.0, 0.0]
    assert [e.scores[0].item() for e in experiences] == [1.0, 0.0, 0.0]
    assert batch.info["r1verify/error"].flatten().tolist() == [0.0, 0.0, 1.0]
    openrlhf.experience.split_experience_batch(batch)


def test_bad_requests_get_a_4xx_with_the_reason_and_the_server_keeps_serving(service, serve_in_thread):
    url = serve_in_thread(service) + "/get_reward"
    cases = [
        (b"{not json", 400, "not valid JSON"),
        (b"\xff\xfe", 400, "not valid JSON"),
        (b"[1, 2]", 422, "expected a JSON object"),
        (b'{"prompts": []}', 422, "missing 'query'"),
        (b'{"query": "one string"}', 422, "'query' must be a list of strings"),
        (b'{"query": ["a", 5]}', 422, "'query' must be a list of strings"),
        (b'{"query": ["a", "b"], "labels": ["x"]}', 422, "'labels' must be a list with one entry per query (2)"),
        (b'{"query": ["a"], "prompts": [7]}', 422, "'prompts' must hold strings"),
    ]
    with httpx.Client(timeout=30) as client:
        for raw, status, reason in cases:
            reply = client.post(url, content=raw, headers={"content-type": "application/json"})
            assert reply.status_code == status, (raw, reply.text)
            assert reason in reply.json()["error"]
        assert client.get(url.replace("/get_reward", "/nope")).status_code == 404
        ok = client.post(url, json=body("ok", "nope"))
        assert ok.status_code == 200 and ok.json()["rewards"] == [1.0, 0.0]
        assert client.post(url, json={"query": []}).json() == {
            "rewards": [],
            "scores": [],
            "extra_logs": {k: [] for k in service.log_keys},
            "errors": [],
        }
        metrics = client.get(url.replace("/get_reward", "/metrics")).text
    assert 'r1verify_http_responses_total{code="400"} 2' in metrics
    assert 'r1verify_http_responses_total{code="422"} 6' in metrics


def test_health_and_metrics(service, serve_in_thread):
    base = serve_in_thread(service)
    with httpx.Client(timeout=30) as client:
        health = client.get(base + "/health").json()
        assert health["status"] == "ok" and health["verifiers"] == ["behave"]
        assert health["extra_logs"] == list(service.log_keys)
        client.post(base + "/get_reward", json=body("ok", "raise"))
        metrics = client.get(base + "/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    values = dict(line.rsplit(" ", 1) for line in metrics.text.splitlines() if not line.startswith("#"))
    assert values["r1verify_samples_total"] == "2" and values["r1verify_sample_errors_total"] == "1"
    assert values['r1verify_http_responses_total{code="200"}'] == "1"
    assert int(values["r1verify_batches_total"]) >= 1


def test_concurrent_requests_are_batched_and_a_hanging_verifier_delays_no_one_past_its_deadline(
    service, serve_in_thread
):
    url = serve_in_thread(service) + "/get_reward"
    texts = ["sleep"] + [("ok" if i % 3 else "no") for i in range(199)]

    async def one(client: httpx.AsyncClient, text: str) -> tuple[str, dict, float]:
        started = time.monotonic()
        reply = await client.post(url, json=body(text))
        assert reply.status_code == 200
        return text, reply.json(), time.monotonic() - started

    async def run_all():
        async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=200)) as client:
            await one(client, "ok")  # start the workers first
            return await asyncio.gather(*(one(client, t) for t in texts))

    replies = asyncio.run(run_all())
    assert len(replies) == 200
    for text, payload, _ in replies:
        expected = {"ok": 1.0, "no": 0.0, "sleep": 0.0}[text]
        assert payload["rewards"] == [expected]
        assert payload["extra_logs"]["r1verify/timeout"] == [1.0 if text == "sleep" else 0.0]
    slowest_normal = max(elapsed for text, _, elapsed in replies if text != "sleep")
    assert slowest_normal < 1.0 + 10, slowest_normal  # hard deadline 1 s; generous margin for a shared CPU
    stats = service.stats()
    assert stats.batches < stats.requests


def test_a_request_past_the_timeout_is_answered_with_the_error_reward(behave_recipe, serve_in_thread):
    service = RewardService(behave_recipe, workers=1, error_reward=-1)
    url = serve_in_thread(service, request_timeout=0.3) + "/get_reward"
    with httpx.Client(timeout=30) as client:
        payload = client.post(url, json=body("slow:0.9")).json()
    assert payload["rewards"] == [-1.0]
    assert payload["extra_logs"]["r1verify/timeout"] == [1.0] and payload["extra_logs"]["r1verify/error"] == [1.0]
    assert "no verdict within 0.3s" in payload["errors"][0]


# ------------------------------------------------------------------------------------------- real subprocess
def start_server(*args: str, module: str | None = None) -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "-m", module] if module else [str(Path(sys.executable).parent / "r1verify")]
    proc = subprocess.Popen(
        [*command, "serve", "--port", "0", "--workers", "1", *args],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True).start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            assert proc.poll() is None, "the server exited"
            continue
        if " on http://" in line:
            return proc, line.rsplit(" on ", 1)[1].strip()
    proc.kill()
    raise AssertionError("the server did not report its address")


def test_r1verify_serve_answers_openrlhf_requests_and_stops_on_sigterm():
    proc, url = start_server("-v", "exact_match:required=true")
    try:
        assert url.endswith("/get_reward")
        reply = httpx.post(
            url,
            json={
                "query": [PROMPT + "<think>..</think> 42<|im_end|>", PROMPT + "41"],
                "prompts": [PROMPT, PROMPT],
                "labels": ["42", "42"],
            },
            timeout=60,
        )
        assert reply.status_code == 200, reply.text
        assert reply.json()["rewards"] == [1.0, 0.0]
        assert reply.json()["extra_logs"]["r1verify/exact_match"] == [1.0, 0.0]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) in STOPPED


def test_sigterm_lets_requests_in_flight_finish():
    proc, url = start_server(
        "--recipe", str(REPO / "tests/openrlhf/behave.toml"), module="tests.openrlhf.behave_server"
    )
    try:
        httpx.post(url, json=body("ok"), timeout=60)  # workers up
        with httpx.Client(timeout=60) as client:
            box: list[httpx.Response] = []
            worker = threading.Thread(target=lambda: box.append(client.post(url, json=body("slow:0.8"))))
            worker.start()
            time.sleep(0.3)
            proc.send_signal(signal.SIGTERM)
            worker.join(60)
        assert box and box[0].status_code == 200
        assert box[0].json()["rewards"] == [1.0]  # verified and answered, not cut off
        assert proc.wait(60) in STOPPED
    finally:
        if proc.poll() is None:
            proc.kill()


def test_serve_exits_2_with_a_fix_when_the_port_is_taken_or_the_recipe_is_bad(r1verify_cli):
    from r1verify_openrlhf.server import bind

    sock = bind("127.0.0.1", 0)
    try:
        taken = r1verify_cli("serve", "-v", "exact_match", "--port", sock.getsockname()[1])
    finally:
        sock.close()
    assert taken.exit_code == 2 and "pick another --port" in taken.stderr
    unknown = r1verify_cli("serve", "-v", "no_such_verifier", "--port", "0")
    assert unknown.exit_code == 2 and "no verifier named 'no_such_verifier'" in unknown.stderr
    nothing = r1verify_cli("serve")
    assert nothing.exit_code == 2 and "give a recipe" in nothing.stderr
