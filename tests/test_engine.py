"""The engine's guarantees: hard deadlines, crashes as data, dead workers replaced, dedup, order."""

from __future__ import annotations

import time

import pytest

from r1verify import Sample, Status


def samples(*completions: str, reference: str = "ok") -> list[Sample]:
    return [Sample(completion=c, reference=reference) for c in completions]


def test_results_come_back_in_input_order(engine_for):
    engine = engine_for("behave", workers=2)
    batch = [Sample(completion=str(i % 3), reference="1") for i in range(200)]
    results = engine.verify(batch)
    assert [r.verdicts["behave"].details["answer"] for r in results] == [str(i % 3) for i in range(200)]
    assert [r.reward for r in results] == [1.0 if i % 3 == 1 else 0.0 for i in range(200)]


def test_a_verifier_that_hangs_times_out_within_its_deadline_and_the_rest_still_runs(engine_for):
    engine = engine_for("behave:timeout=1.0", workers=2)
    engine.verify(samples("ok"))  # start the workers outside the measured call
    started = time.monotonic()
    results = engine.verify(samples("sleep", "ok", "spin", "ok", "nope"))
    elapsed = time.monotonic() - started
    statuses = [r.verdicts["behave"].status for r in results]
    assert statuses == [Status.TIMEOUT, Status.CORRECT, Status.TIMEOUT, Status.CORRECT, Status.WRONG]
    assert elapsed < 1.0 + 0.5, elapsed  # both hangs ran in parallel, each killed at its own deadline
    assert "deadline" in results[0].verdicts["behave"].reason
    assert results[0].verdicts["behave"].score is None
    # the pool replaced the killed workers and keeps serving
    assert engine.verify(samples("ok"))[0].verdicts["behave"].status is Status.CORRECT


def test_deadline_counts_from_the_start_of_the_call_not_from_queueing(engine_for):
    # one worker, three calls of 0.6 s each with a 1 s deadline: queued calls must not time out
    engine = engine_for("behave:timeout=1.0", workers=1)
    results = engine.verify(samples("slow:0.6", "slow:0.61", "slow:0.62"))
    assert [r.verdicts["behave"].status for r in results] == [Status.CORRECT] * 3


def test_an_exception_becomes_an_error_with_its_message(engine_for):
    results = engine_for("behave", workers=1).verify(samples("raise", "ok"))
    verdict = results[0].verdicts["behave"]
    assert verdict.status is Status.ERROR
    assert "ValueError" in verdict.reason and "boom from the verifier" in verdict.reason
    assert verdict.score is None
    assert results[1].verdicts["behave"].status is Status.CORRECT


@pytest.mark.parametrize("crash", ["segv", "exit"])
def test_a_worker_that_dies_costs_only_its_sample_and_the_pool_keeps_serving(engine_for, crash):
    engine = engine_for("behave", workers=2)
    results = engine.verify(samples("ok", crash, "ok", "nope", "ok"))
    statuses = [r.verdicts["behave"].status for r in results]
    assert statuses == [Status.CORRECT, Status.ERROR, Status.CORRECT, Status.WRONG, Status.CORRECT]
    reason = results[1].verdicts["behave"].reason
    assert "died" in reason
    if crash == "segv":
        assert "SIGSEGV" in reason
    again = engine.verify(samples(*["ok"] * 20))
    assert all(r.verdicts["behave"].status is Status.CORRECT for r in again)


def test_identical_work_is_verified_once_per_batch_and_then_cached(engine_for, tmp_path):
    log = tmp_path / "calls.log"
    engine = engine_for(f"behave:log={log}", workers=2)
    batch = samples(*(["ok"] * 8 + ["nope"] * 8))
    results = engine.verify(batch)
    assert sorted(log.read_text().splitlines()) == ["nope", "ok"]
    assert [r.reward for r in results] == [1.0] * 8 + [0.0] * 8
    engine.verify(batch)  # a later batch: answered from the cache
    assert len(log.read_text().splitlines()) == 2
    assert engine.verify(samples("ok", reference="other"))[0].reward == 0.0  # the reference is part of the key
    assert len(log.read_text().splitlines()) == 3


def test_failures_are_not_cached(engine_for, tmp_path):
    log = tmp_path / "calls.log"
    engine = engine_for(f"behave:log={log}", workers=1)
    engine.verify(samples("raise"))
    engine.verify(samples("raise"))
    assert log.read_text().splitlines() == ["raise", "raise"]


def test_dedicated_verifier_keeps_one_process_and_is_killed_on_its_deadline(engine_for):
    engine = engine_for("batch_behave:timeout=1.0", workers=2)
    first = engine.verify(samples("a", "bb", "ccc"))
    assert [r.verdicts["batch_behave"].score for r in first] == [1.0, 2.0, 3.0]
    pids = {r.verdicts["batch_behave"].details["pid"] for r in first}
    assert len(pids) == 1
    second = engine.verify(samples("dddd"))
    assert second[0].verdicts["batch_behave"].details["pid"] in pids  # same process: loaded once
    started = time.monotonic()
    hung = engine.verify(samples("sleep", "x"))  # batch deadline = timeout * n = 2 s
    assert time.monotonic() - started < 2.0 + 0.5
    assert [r.verdicts["batch_behave"].status for r in hung] == [Status.TIMEOUT, Status.TIMEOUT]
    after = engine.verify(samples("eeeee"))
    assert after[0].verdicts["batch_behave"].score == 5.0
    assert after[0].verdicts["batch_behave"].details["pid"] not in pids  # a fresh process


def test_inline_verifier_past_its_deadline_is_reported_as_timeout(engine_for):
    engine = engine_for("inline_behave", workers=1)
    started = time.monotonic()
    results = engine.verify(samples("sleep"))
    assert time.monotonic() - started < 0.5 + 0.5
    assert results[0].verdicts["inline_behave"].status is Status.TIMEOUT
    assert engine.verify(samples("abc"))[0].verdicts["inline_behave"].score == 3.0


def test_progress_reports_every_pair(engine_for):
    seen = []
    engine_for("behave", "batch_behave", workers=2).verify(
        samples(*["ok"] * 5, "x"), progress=lambda done, total: seen.append((done, total))
    )
    assert seen[-1] == (12, 12)
    assert all(total == 12 for _, total in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_engine_is_safe_to_call_from_threads(engine_for):
    from concurrent.futures import ThreadPoolExecutor

    engine = engine_for("behave", workers=2)
    batches = [[Sample(completion=str(i), reference=str(j)) for i in range(30)] for j in range(6)]
    with ThreadPoolExecutor(6) as pool:
        outs = list(pool.map(engine.verify, batches))
    for j, results in enumerate(outs):
        assert [r.reward for r in results] == [1.0 if i == j else 0.0 for i in range(30)]


def test_async_callers(engine_for):
    import asyncio

    engine = engine_for("behave", workers=1)

    async def main():
        return await asyncio.gather(engine.averify(samples("ok")), engine.averify(samples("no")))

    a, b = asyncio.run(main())
    assert a[0].reward == 1.0 and b[0].reward == 0.0


def test_a_runaway_allocation_is_an_error_not_an_exhausted_machine(engine_for):
    results = engine_for("behave", workers=1, memory_limit_mb=1024).verify(samples("alloc", "ok"))
    verdict = results[0].verdicts["behave"]
    assert verdict.status is Status.ERROR and "MemoryError" in verdict.reason
    assert results[1].verdicts["behave"].status is Status.CORRECT


def test_on_result_hands_out_each_sample_as_soon_as_it_is_complete(engine_for):
    engine = engine_for("behave:timeout=2", workers=2)
    engine.verify(samples("ok"))
    arrivals = {}
    started = time.monotonic()
    results = engine.verify(
        samples("ok", "slow:1.5", "nope"),
        on_result=lambda i, r: arrivals.setdefault(i, (time.monotonic() - started, r)),
    )
    assert set(arrivals) == {0, 1, 2}
    assert arrivals[0][0] < 1.0 and arrivals[2][0] < 1.0  # not held back by the slow sample
    assert arrivals[1][0] >= 1.5
    assert [arrivals[i][1] for i in range(3)] == results


SCRIPT = """
import pathlib, sys
from r1verify import Engine, Recipe, Sample, Verifier, Verdict
pathlib.Path(sys.argv[1]).open("a").write("imported\\n")   # top-level side effect, no __main__ guard

class InMain(Verifier):
    name = "in_main"
    def verify(self, sample):
        return Verdict.correct()

with Engine(Recipe.from_verifier_args(["exact_match"]), workers=2) as engine:
    print(engine.verify([Sample("<think>.</think> 1", reference="1")])[0].reward)

from r1verify.testing import inline_plugin, registered
with registered(inline_plugin([InMain])):
    with Engine(Recipe.from_verifier_args(["in_main"]), workers=1) as engine:
        print(engine.verify([Sample("x")])[0].verdicts["in_main"].reason)
"""


def test_workers_do_not_re_run_the_callers_script(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    marker = tmp_path / "marker"
    proc = subprocess.run([sys.executable, str(script), str(marker)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    reward, reason = proc.stdout.strip().splitlines()
    assert reward == "1.0"
    assert marker.read_text() == "imported\n"  # once: the workers never imported the script
    assert "importable module" in reason  # a verifier defined in __main__ is explained, not a crash


def test_verdicts_are_never_shared_between_samples_or_with_the_cache(engine_for):
    engine = engine_for("behave", workers=1)
    first = engine.verify(samples("ok", "ok"))
    assert first[0].verdicts["behave"] is not first[1].verdicts["behave"]
    first[0].verdicts["behave"].details["answer"] = "MUTATED"
    first[0].verdicts["behave"].score = 0.25
    again = engine.verify(samples("ok"))[0].verdicts["behave"]
    assert again.details["answer"] == "ok" and again.score == 1.0 and again.details.get("cached")
    assert first[1].verdicts["behave"].elapsed == 0.0 < first[0].verdicts["behave"].elapsed  # time counted once


def test_default_dedup_keeps_types_apart():
    from r1verify.engine import _work_key

    def key(reference):
        return _work_key("v", Sample("x", reference=reference).fingerprint())

    assert key({1: "a"}) != key({"1": "a"})
    assert key([1.0]) != key([1])
    assert key({"a": 1}) == key({"a": 1})


def test_an_inline_batch_that_returns_a_generator_is_accepted(engine_for):
    engine = engine_for("lazy_inline", workers=1)
    assert [r.reward for r in engine.verify(samples("a", "b"))] == [1.0, 1.0]


def test_a_verifier_that_does_not_pickle_is_refused_with_the_fix(r1verify_plugin):
    from r1verify import Engine, Recipe, RecipeError, Verifier

    class Local(Verifier):
        name = "local_only"

        def verify(self, sample):
            return True

    r1verify_plugin(verifiers=[Local])
    with pytest.raises(RecipeError, match="cannot be pickled.*module level"):
        Engine(Recipe.from_verifier_args(["local_only"]))


def test_a_worker_killed_while_idle_does_not_break_the_engine(engine_for):
    import os
    import signal

    engine = engine_for("behave", workers=2)
    engine.verify(samples("ok"))
    pids = [int(engine._pool._table[slot * 4 + 3]) for slot in range(engine._pool._slots_total)]
    for pid in {p for p in pids if p}:
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    for _ in range(3):
        results = engine.verify(samples("ok", "nope", reference="ok"))
        assert [r.verdicts["behave"].status for r in results] == [Status.CORRECT, Status.WRONG]


def test_closing_the_engine_ends_a_running_verify_with_errors(engine_for):
    import threading

    engine = engine_for("behave:timeout=30", workers=1)
    engine.verify(samples("ok"))
    out = {}
    thread = threading.Thread(target=lambda: out.setdefault("r", engine.verify(samples("slow:20", "x1", "x2"))))
    thread.start()
    time.sleep(0.5)
    engine.close()
    thread.join(10)
    assert not thread.is_alive()
    assert all(r.verdicts["behave"].status is Status.ERROR for r in out["r"])
    assert "closed" in out["r"][0].verdicts["behave"].reason


def test_a_cancelled_chunks_slot_is_not_reused_while_its_worker_still_runs(engine_for):
    # A slow item just past its deadline used to leave its dying worker writing into a reused slot, after which
    # the hang that followed was never timed out (the verify call hung forever).
    import threading

    engine = engine_for("behave:timeout=0.5", workers=2, cache_size=0)
    engine.verify([Sample(f"warm{i}", reference="ok") for i in range(8)])
    batch = [Sample("slow:0.53", reference="ok"), Sample("sleep", reference="ok")]
    batch += [Sample(f"f{i}", reference="ok") for i in range(14)]
    out = {}
    thread = threading.Thread(target=lambda: out.setdefault("r", engine.verify(batch)), daemon=True)
    thread.start()
    thread.join(15)
    assert not thread.is_alive(), "verify hung"
    assert [r.verdicts["behave"].status for r in out["r"][:2]] == [Status.TIMEOUT, Status.TIMEOUT]


def test_a_batch_that_loses_verdicts_is_an_error_for_that_batch_only(engine_for):
    engine = engine_for("miscount_inline", workers=1)
    results = engine.verify(samples("a", "drop"))
    assert all(r.verdicts["miscount_inline"].status is Status.ERROR for r in results)
    assert "returned 1 verdicts for 2" in results[0].verdicts["miscount_inline"].reason
    assert engine.verify(samples("b"))[0].verdicts["miscount_inline"].elapsed > 0
