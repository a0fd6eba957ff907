"""reward_model_remote against a real HTTP server on 127.0.0.1 speaking OpenRLHF's serve_rm protocol."""

from __future__ import annotations

import json
import socket
import time

from r1verify_rm import RemoteRewardModel

from r1verify import Sample, Status

from .conftest import think


def remote(server, **options) -> RemoteRewardModel:
    return RemoteRewardModel(url=server.url, **{"backoff": 0.0, **options})


def test_replayed_rewards_come_back_in_input_order_across_requests(reward_server, rows):
    queries = [r["question"] + r["completion"].strip() for r in rows]  # OpenRLHF's query: prompt + response
    reward_server.table = {q: r["rm_score"] for q, r in zip(queries, rows, strict=True)}
    expected = [reward_server.table[q] for q in queries]  # two rows share a completion (and a query)
    samples = [Sample(r["completion"], prompt=r["question"], reference=r["gt"]) for r in rows]
    verdicts = remote(reward_server, view="full", batch_size=7, threshold=0.0).verify_batch(samples)
    assert len(reward_server.requests) == 12  # ceil(80 / 7)
    assert [v.details["raw"] for v in verdicts] == expected
    assert [v.status for v in verdicts] == [Status.CORRECT if s >= 0 else Status.WRONG for s in expected]
    first = reward_server.requests[0]
    assert first["prompts"][0] == rows[0]["question"] and first["labels"][0] == rows[0]["gt"]


def test_answer_view_and_chat_template_of_a_local_tokenizer(reward_server, model_dir):
    verifier = remote(reward_server, tokenizer=str(model_dir))
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "2+2?"}]
    verdict = verifier.verify(Sample(think("long reasoning", " 4<|im_end|>"), prompt=messages))
    assert verdict.status is Status.SCORED
    [query] = reward_server.requests[0]["query"]
    assert query == (
        "<|bos|><|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n"
        "<|im_start|>assistant\n4<|im_end|>\n"
    )


def test_chat_prompts_without_a_tokenizer_and_missing_answers_are_not_sent(reward_server):
    verdicts = remote(reward_server).verify_batch(
        [
            Sample(think("r", "4"), prompt=[{"role": "user", "content": "2+2?"}]),
            Sample("<think>unfinished", prompt="2+2?"),
            Sample(think("r", "4"), prompt="2+2?"),
        ]
    )
    assert [v.status for v in verdicts] == [Status.ERROR, Status.NO_ANSWER, Status.SCORED]
    assert "tokenizer option" in verdicts[0].reason
    assert [p["query"] for p in reward_server.requests] == [["2+2?4"]]


def test_server_errors_are_retried_with_backoff_then_scored(reward_server):
    def flaky(payload, n):
        if n <= 2:
            return 503, b"overloaded", 0.0
        return 200, json.dumps({"rewards": [1.5] * len(payload["query"])}).encode(), 0.0

    reward_server.behave = flaky
    started = time.monotonic()
    verdict = remote(reward_server, retries=2, backoff=0.05).verify(Sample(think("r", "4"), prompt="q"))
    assert verdict.status is Status.SCORED and verdict.score == 1.5
    assert len(reward_server.requests) == 3
    assert time.monotonic() - started >= 0.05 + 0.1  # waited 0.05 s, then 0.1 s


def test_retries_run_out_into_error_verdicts_that_say_why(reward_server):
    reward_server.behave = lambda payload, n: (500, b"boom", 0.0)
    verdicts = remote(reward_server, retries=1).verify_batch([Sample(think("r", "4"), prompt="q")] * 2)
    assert len(reward_server.requests) == 2
    assert all(v.status is Status.ERROR and v.score is None for v in verdicts)
    assert "failed 2 time(s)" in verdicts[0].reason and "HTTP 500" in verdicts[0].reason


def test_a_client_error_is_not_retried(reward_server):
    reward_server.behave = lambda payload, n: (400, b'{"detail": "bad query"}', 0.0)
    verdict = remote(reward_server, retries=3).verify(Sample(think("r", "4"), prompt="q"))
    assert len(reward_server.requests) == 1
    assert verdict.status is Status.ERROR and "HTTP 400" in verdict.reason and "bad query" in verdict.reason


def test_a_server_that_does_not_answer_times_out_per_attempt(reward_server):
    reward_server.behave = lambda payload, n: (200, b'{"rewards": [1.0]}', 3.0)
    started = time.monotonic()
    verdict = remote(reward_server, request_timeout=0.3, retries=1).verify(Sample(think("r", "4"), prompt="q"))
    elapsed = time.monotonic() - started
    assert verdict.status is Status.ERROR and "no answer within 0.3s" in verdict.reason
    assert len(reward_server.requests) == 2
    assert elapsed < 2.5, elapsed  # two 0.3 s attempts, not the server's 3 s


def test_nobody_listening_is_an_error_after_retries():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends
    verdict = RemoteRewardModel(url=f"http://127.0.0.1:{port}/get_reward", retries=1, backoff=0.0).verify(
        Sample(think("r", "4"), prompt="q")
    )
    assert verdict.status is Status.ERROR and "ConnectError" in verdict.reason


def test_malformed_answers_are_errors_naming_the_fix(reward_server):
    replies = iter([b"<html>not json</html>", b'{"rewards": [1.0]}', b'{"scores": [1.0, 2.0]}'])
    reward_server.behave = lambda payload, n: (200, next(replies), 0.0)
    verifier = remote(reward_server)
    batch = [Sample(think("r", "4"), prompt="q"), Sample(think("r", "5"), prompt="q")]
    non_json = verifier.verify_batch(batch)
    assert non_json[0].status is Status.ERROR and "non-JSON" in non_json[0].reason
    short = verifier.verify_batch(batch)
    assert "list of 2 rewards" in short[1].reason
    assert "score_key" in verifier.verify_batch(batch)[0].reason
    reward_server.behave = lambda payload, n: (200, b'{"scores": [2.0, [3.0]]}', 0.0)
    keyed = remote(reward_server, score_key="scores").verify_batch(batch)
    assert [v.score for v in keyed] == [2.0, 3.0]


def test_a_bad_reward_fails_only_its_own_sample_and_a_bad_request_only_its_own(reward_server):
    def reply(payload, n):
        if n == 1:
            return 200, json.dumps({"rewards": [1.0, None]}).encode(), 0.0
        return 404, b"no such route", 0.0

    reward_server.behave = reply
    verdicts = remote(reward_server, batch_size=2).verify_batch(
        [Sample(think("r", str(i)), prompt="q") for i in range(3)]
    )
    assert [v.status for v in verdicts] == [Status.SCORED, Status.ERROR, Status.ERROR]
    assert "finite" in verdicts[1].reason and "HTTP 404" in verdicts[2].reason
