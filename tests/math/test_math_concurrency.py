"""Callers in threads and event loops: math-verify's signal.alarm timeouts are off, nothing breaks."""

from __future__ import annotations

import asyncio
import signal
import threading

import pytest
from r1verify_math import MathVerifier

from r1verify import Sample, Status

from .math_support import think

SYMBOLIC = [  # answers that reach math-verify (no cheap path decides them)
    (think("\\boxed{\\frac{1}{\\sqrt{2}}}"), "\\frac{\\sqrt{2}}{2}", Status.CORRECT),
    (think("\\boxed{\\{3, 1, 2\\}}"), "\\{1,2,3\\}", Status.CORRECT),
    (think("\\boxed{(x+1)^2}"), "x^2+2x+1", Status.CORRECT),
    (think("\\boxed{\\frac{1}{2006!}}"), "\\frac{1}{2004!}", Status.WRONG),
]


@pytest.fixture
def no_alarms(monkeypatch):
    """Fail the test if anything calls signal.alarm (math-verify's timeouts would)."""
    calls = []
    monkeypatch.setattr(signal, "alarm", lambda seconds: calls.append(seconds) or 0)
    yield calls
    assert calls == [], "signal.alarm was called"


def test_math_verify_defaults_fail_in_a_thread_which_is_why_r1verify_disables_its_timeouts():
    from math_verify import parse

    errors = []
    thread = threading.Thread(target=lambda: _capture(errors, lambda: parse("$\\frac{1}{2}$")))
    thread.start()
    thread.join()
    assert errors and "signal" in str(errors[0])


def test_verify_directly_from_threads(no_alarms):
    verifier = MathVerifier()
    results: dict[int, Status] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        completion, reference, _ = SYMBOLIC[i % len(SYMBOLIC)]
        _capture(
            errors, lambda: results.__setitem__(i, verifier.verify(Sample(completion, reference=reference)).status)
        )

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [results[i] for i in range(8)] == [SYMBOLIC[i % len(SYMBOLIC)][2] for i in range(8)]


def test_engine_averify_from_an_event_loop(math_engine):
    samples = [Sample(c, reference=r, domain="r1") for c, r, _ in SYMBOLIC]

    async def main():
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.001)

        task = asyncio.create_task(ticker())
        first, second = await asyncio.gather(math_engine.averify(samples), math_engine.averify(samples[::-1]))
        task.cancel()
        return first, second, ticks

    first, second, ticks = asyncio.run(main())
    assert [r.verdicts["r1"].status for r in first] == [s for *_, s in SYMBOLIC]
    assert [r.verdicts["r1"].status for r in second] == [s for *_, s in SYMBOLIC][::-1]
    assert ticks > 0  # the loop kept running while the batch was verified


def _capture(errors: list[BaseException], call) -> None:
    try:
        call()
    except BaseException as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)
