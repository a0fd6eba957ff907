"""The micro-batcher: concurrent single-sample requests become engine batches; nothing is lost or mixed up."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from r1verify_openrlhf.batcher import BatchOptions, MicroBatcher

from r1verify import Result, Sample


class Recorder:
    """A stand-in for Engine.verify: records batch sizes; a sample 'block' waits for ``release``."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.release = threading.Event()
        self.lock = threading.Lock()

    def __call__(self, samples: list[Sample], on_result=None) -> list[Result]:
        with self.lock:
            self.batches.append([s.completion for s in samples])
        results = [Result(float(len(s.completion)), True, {}, {}) for s in samples]
        if on_result is not None:  # like the engine: finished samples are handed out before a blocked one
            for i, (s, r) in enumerate(zip(samples, results)):
                if s.completion not in ("block", "explode"):
                    on_result(i, r)
        if any(s.completion == "block" for s in samples):
            assert self.release.wait(10)
        if any(s.completion == "explode" for s in samples):
            raise RuntimeError("engine exploded")
        return results


def submit_all(batcher: MicroBatcher, texts: list[str], threads: int = 32) -> list[float]:
    def one(text: str) -> float:
        return batcher.submit([Sample(completion=text)]).result(10)[0].reward

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, texts))


def test_concurrent_requests_are_grouped_and_each_gets_its_own_result():
    verify = Recorder()
    batcher = MicroBatcher(verify, BatchOptions(max_batch=64, max_wait=0.05, max_inflight=1))
    texts = ["x" * (i % 17) + "y" for i in range(300)]
    assert submit_all(batcher, texts) == [float(len(t)) for t in texts]
    batcher.close()
    sizes = [len(b) for b in verify.batches]
    assert sum(sizes) == 300
    assert max(sizes) <= 64
    assert len(sizes) < 300 / 4, sizes  # batching happened (timing-independent bound: 32 callers share batches)
    stats = batcher.snapshot()
    assert (stats.requests, stats.samples, stats.batched_samples) == (300, 300, 300)
    assert stats.batches == len(sizes) and stats.queued == 0 and stats.inflight == 0


def test_max_batch_one_verifies_each_request_alone():
    verify = Recorder()
    batcher = MicroBatcher(verify, BatchOptions(max_batch=1, max_wait=0.05, max_inflight=4))
    submit_all(batcher, ["a"] * 50)
    batcher.close()
    assert [len(b) for b in verify.batches] == [1] * 50


def test_a_request_is_never_split_even_when_larger_than_max_batch():
    verify = Recorder()
    batcher = MicroBatcher(verify, BatchOptions(max_batch=4, max_wait=0, max_inflight=1))
    results = batcher.submit([Sample(completion="a" * i) for i in range(10)]).result(10)
    batcher.close()
    assert [r.reward for r in results] == [float(i) for i in range(10)]
    assert [len(b) for b in verify.batches] == [10]


def test_a_blocked_batch_does_not_hold_up_later_requests():
    verify = Recorder()
    batcher = MicroBatcher(verify, BatchOptions(max_batch=8, max_wait=0, max_inflight=2))
    blocked = batcher.submit([Sample(completion="block")])
    for _ in range(1000):  # wait until the blocked batch is running (requests queued with it would wait with it)
        if verify.batches:
            break
        time.sleep(0.01)
    later = [batcher.submit([Sample(completion="ok")]) for _ in range(20)]
    assert [f.result(10)[0].reward for f in later] == [2.0] * 20
    assert not blocked.done()
    verify.release.set()
    assert blocked.result(10)[0].reward == 5.0
    batcher.close()


def test_an_engine_failure_reaches_only_the_callers_of_that_batch():
    verify = Recorder()
    batcher = MicroBatcher(verify, BatchOptions(max_batch=8, max_wait=0, max_inflight=1))
    bad = batcher.submit([Sample(completion="explode")])
    with pytest.raises(RuntimeError, match="engine exploded"):
        bad.result(10)
    assert batcher.submit([Sample(completion="fine")]).result(10)[0].reward == 4.0
    batcher.close()
    assert batcher.snapshot().failed_batches == 1


def test_cancelled_requests_are_not_verified_and_close_drains_the_queue():
    verify = Recorder()
    batcher = MicroBatcher(verify, BatchOptions(max_batch=1, max_wait=0, max_inflight=1))
    first = batcher.submit([Sample(completion="block")])
    gone = batcher.submit([Sample(completion="gone")])
    waiting = batcher.submit([Sample(completion="waiting")])
    assert gone.cancel()
    verify.release.set()
    batcher.close(wait=True)  # queued work is still done before close returns
    assert first.result(0)[0].reward == 5.0 and waiting.result(0)[0].reward == 7.0
    assert ["gone"] not in verify.batches
    assert batcher.snapshot().cancelled == 1
    with pytest.raises(RuntimeError, match="closed"):
        batcher.submit([Sample(completion="late")])


def test_empty_requests_and_bad_options():
    batcher = MicroBatcher(Recorder())
    assert batcher.submit([]).result(0) == []
    batcher.close()
    with pytest.raises(ValueError, match="max_batch"):
        BatchOptions(max_batch=0)
    with pytest.raises(ValueError, match="max_inflight"):
        BatchOptions(max_inflight=0)


def test_a_request_is_answered_while_a_slow_neighbour_in_its_batch_still_runs():
    verify = Recorder()
    batcher = MicroBatcher(verify, BatchOptions(max_batch=8, max_wait=0.2, max_inflight=1))
    slow = batcher.submit([Sample(completion="block")])
    fast = batcher.submit([Sample(completion="abc")])
    assert fast.result(5)[0].reward == 3.0  # answered while "block" is still held
    assert not slow.done()
    verify.release.set()
    assert slow.result(5)[0].reward == 5.0
    batcher.close()
    assert verify.batches == [["block", "abc"]]
