"""Closing the engine (another thread, or atexit) while a batch is in flight never lets a raw error out.

The rule: a verify call that was running when the engine closed returns, for whatever was not verified yet,
``error`` verdicts whose reason says the engine was closed; only a call made on an engine already closed raises,
and then :class:`r1verify.engine.EngineClosed` (a ``RuntimeError``) that says so. Errors from the process
machinery torn down under a running call ("ValueError: I/O operation on closed file", OSError "handle is closed",
pebble's "The Pool is not active") must not reach the trainer.
"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import Future

import pytest

from r1verify import Sample, Status
from r1verify.engine import EngineClosed


def _batch(n: int = 24) -> list[Sample]:
    return [Sample(f"slow:0.0{i % 5}" if i % 3 else "ok", reference="ok") for i in range(n)]


def _run_and_close(engine, batch, delay: float, join: float = 30.0) -> dict:
    out: dict = {}

    def call() -> None:
        try:
            out["results"] = engine.verify(batch)
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            out["exc"] = exc

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    time.sleep(delay)
    engine.close()
    thread.join(join)
    assert not thread.is_alive(), "verify hung after the engine was closed"
    return out


def _assert_clean(out: dict, n: int) -> None:
    if "exc" in out:
        assert isinstance(out["exc"], EngineClosed), f"a raw {type(out['exc']).__name__} escaped: {out['exc']}"
        return
    results = out["results"]
    assert len(results) == n and all(r is not None for r in results)
    for result in results:
        for verdict in result.verdicts.values():
            if verdict.status is Status.ERROR:
                assert verdict.reason, "an error verdict without a reason"


def test_a_pool_error_while_the_pool_is_being_closed_becomes_error_verdicts(engine_for, monkeypatch):
    """The race made deterministic: the pool is shut down while a chunk is scheduled, and pebble's teardown
    surfaces as ``ValueError: I/O operation on closed file`` in the calling thread."""
    engine = engine_for("behave:timeout=30", workers=1, cache_size=0)
    engine.verify([Sample("ok", reference="ok")])  # the pool exists and is warm
    pool = engine._pool
    pebble_pool = pool._pool
    original = pebble_pool.schedule
    calls = []

    def schedule(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the second chunk: the engine is closed from another thread meanwhile
            closer = threading.Thread(target=engine.close)
            closer.start()
            closer.join()
            raise ValueError("I/O operation on closed file")
        return original(*args, **kwargs)

    monkeypatch.setattr(pebble_pool, "schedule", schedule)
    results = engine.verify([Sample(f"slow:0.2{i}", reference="ok") for i in range(8)])
    verdicts = [r.verdicts["behave"] for r in results]
    assert all(v.status in (Status.CORRECT, Status.ERROR) for v in verdicts)
    errors = [v for v in verdicts if v.status is Status.ERROR]
    assert errors and all("closed" in v.reason for v in errors)


def test_a_failed_task_after_close_loses_none_of_its_samples(engine_for, monkeypatch):
    """A chunk whose future fails once the pool is closed: its samples still get verdicts (not ``None``)."""
    engine = engine_for("behave:timeout=30", workers=1, cache_size=0)
    engine.verify([Sample("ok", reference="ok")])
    pool = engine._pool
    original = pool._finish

    def finish(future, state, *args):
        pool._closed = True  # closed while the chunk ran; its result cannot be read any more
        failed = Future()
        failed.set_exception(OSError("handle is closed"))
        return original(failed, state, *args)

    monkeypatch.setattr(pool, "_finish", finish)
    results = engine.verify([Sample(f"x{i}", reference="ok") for i in range(4)])
    assert all(r is not None for r in results)
    assert all(r.verdicts["behave"].status in (Status.WRONG, Status.ERROR) for r in results)


def test_verify_on_a_closed_engine_raises_engine_closed(engine_for):
    engine = engine_for("behave", workers=1)
    engine.close()
    with pytest.raises(EngineClosed, match="closed"):
        engine.verify([Sample("ok", reference="ok")])
    assert issubclass(EngineClosed, RuntimeError)


def test_closing_ends_a_running_inline_batch_at_once(engine_for):
    engine = engine_for("inline_behave:timeout=60", workers=1)
    started = time.monotonic()
    out = _run_and_close(engine, [Sample("sleep"), Sample("x")], delay=0.3, join=10)
    assert time.monotonic() - started < 5, "the inline batch held verify past close"
    assert [r.verdicts["inline_behave"].status for r in out["results"]] == [Status.ERROR, Status.ERROR]
    assert "closed" in out["results"][0].verdicts["inline_behave"].reason


def test_closing_ends_a_running_dedicated_batch_with_errors(engine_for):
    engine = engine_for("batch_behave:timeout=60", workers=1)
    engine.verify([Sample("warm")])
    out = _run_and_close(engine, [Sample("sleep"), Sample("x")], delay=0.5)
    assert [r.verdicts["batch_behave"].status for r in out["results"]] == [Status.ERROR, Status.ERROR]
    assert "closed" in out["results"][0].verdicts["batch_behave"].reason


@pytest.mark.parametrize("warm", [False, True])
def test_closing_at_any_moment_of_a_batch_never_lets_a_raw_error_out(engine_for, warm):
    rng = random.Random(7 + warm)
    for _ in range(6):
        engine = engine_for("behave:timeout=30", "batch_behave:timeout=30", "inline_behave:timeout=30", workers=2,
                            cache_size=0)
        if warm:
            engine.verify([Sample("ok", reference="ok")])
        batch = _batch()
        _assert_clean(_run_and_close(engine, batch, delay=rng.uniform(0, 0.4)), len(batch))


_CHILD_ENGINES: list = []


def _verify_in_child(out) -> None:
    """Run in a daemonic spawned process, as trainers (TRL's AsyncGRPO rollout worker) run reward functions."""
    from r1verify import Engine, Recipe

    try:
        engine = Engine(Recipe.from_verifier_args(["exact_match"]), workers=1)
        _CHILD_ENGINES.append(engine)  # kept for the process's life, as an adapter keeps its engine
        results = engine.verify([Sample("4", reference="4"), Sample("5", reference="4")])
        out.put([r.verdicts["exact_match"].status.value for r in results])
    except BaseException as exc:  # noqa: BLE001 - reported to the test
        out.put(repr(exc))
    # no close(): the core's finalizer must stop the workers, or this child never exits


def test_an_engine_in_a_daemonic_child_starts_its_workers_and_lets_the_child_exit():
    """Core, not adapter: multiprocessing refuses children to daemonic processes, and a multiprocessing child exits
    without atexit handlers after joining its children; the engine allows the one and closes itself for the other."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    child = ctx.Process(target=_verify_in_child, args=(out,), daemon=True)
    child.start()
    try:
        assert out.get(timeout=120) == ["correct", "wrong"]
        child.join(timeout=30)
        assert child.exitcode == 0
    finally:
        if child.is_alive():
            child.kill()


def test_an_item_delivered_before_the_pool_closed_is_not_delivered_again(engine_for, monkeypatch):
    """A chunk whose handling fails after it delivered part of it (the pool closed meanwhile): the close handler
    answers for the rest only, so no sample gets two verdicts (its count of missing verdicts would go wrong)."""
    from collections import Counter

    from r1verify import Verdict

    engine = engine_for("behave:timeout=30", workers=1, cache_size=0)
    engine.verify([Sample("ok", reference="ok")])
    pool = engine._pool
    counts: Counter[int] = Counter()
    original_run = pool.run

    def run(items, payloads, timeouts, deliver):
        def counting(key, verdict):
            counts[key] += 1
            deliver(key, verdict)

        return original_run(items, payloads, timeouts, counting)

    def finish(future, state, deliver, requeue, deaths):
        deliver(state.chunk[0].key, Verdict.error("delivered, then the pool closed"))
        pool._closed = True
        raise OSError("handle is closed")

    monkeypatch.setattr(pool, "run", run)
    monkeypatch.setattr(pool, "_finish", finish)
    results = engine.verify([Sample(f"x{i}", reference="ok") for i in range(4)])
    assert all(r is not None for r in results)
    assert counts and set(counts.values()) == {1}, counts
