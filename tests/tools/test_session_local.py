"""Sessions on the local backend (no Docker, no isolation): state, limits, results, close and the reaper."""

from __future__ import annotations

import gc
import time

import pytest
from r1verify_sandbox import CallResult, CallStatus, SessionLimits, SessionPool


@pytest.fixture(scope="module")
def pool():
    with SessionPool(backend="local", warm=2, max_sessions=4) as pool:
        yield pool


def test_state_persists_and_the_trailing_expression_is_the_value(pool):
    with pool.open_session() as session:
        assert session.run("import math\nx = 40").ok
        result = session.run("print('two'); x + 2")
        assert (result.status, result.stdout, result.value, result.call) == (CallStatus.OK, "two\n", "42", 2)
        assert session.run("open('f.txt', 'w').write('kept'); None").value is None
        assert session.run("open('f.txt').read()").value == "'kept'"
        assert result.text() == "two\nOut: 42"


def test_an_exception_is_a_result_with_a_trimmed_traceback(pool):
    with pool.open_session() as session:
        result = session.run("def f():\n    return 1 / 0\nf()")
        assert result.status is CallStatus.ERROR and result.alive
        assert result.exception.type == "ZeroDivisionError" and result.exception.message == "division by zero"
        assert result.exception.traceback.splitlines()[-1] == "ZeroDivisionError: division by zero"
        assert "repl.py" not in result.exception.traceback and '"<call 1>", line 2, in f' in result.exception.traceback
        syntax = session.run("def (:")
        assert syntax.exception.type == "SyntaxError" and syntax.alive
        assert session.run("raise SystemExit(3)").exception.type == "SystemExit"
        assert session.run("1 + 1").value == "2"


def test_a_timeout_interrupts_and_keeps_the_state(pool):
    with pool.open_session(SessionLimits(timeout=0.5)) as session:
        session.run("y = 7")
        started = time.monotonic()
        result = session.run("import time\ntime.sleep(30)")
        assert result.status is CallStatus.TIMEOUT and result.alive and time.monotonic() - started < 5
        assert "interrupted; the session's state is kept" in result.text()
        assert session.run("y").value == "7"


def test_code_that_will_not_stop_ends_the_session_and_says_so(pool):
    with pool.open_session(SessionLimits(timeout=0.5)) as session:
        result = session.run("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass")
        assert result.status is CallStatus.TIMEOUT and not result.alive
        after = session.run("1")
        assert after.status is CallStatus.CLOSED and "the session has ended" in after.text()


def test_a_crash_ends_the_session_and_the_next_result_says_so(pool):
    session = pool.open_session()
    result = session.run("import os\nos._exit(3)")
    assert result.status is CallStatus.CRASHED and not result.alive and "exit status 3" in result.ended
    assert session.run("1").status is CallStatus.CLOSED and not session.alive
    session.close()
    session.close()  # idempotent


def test_output_cap_memory_cap_and_call_budget(pool):
    limits = SessionLimits(max_output=1000, memory_mb=300, max_calls=3)
    with pool.open_session(limits) as session:
        flood = session.run("print('a' * 100_000)")
        assert flood.status is CallStatus.OUTPUT_LIMIT and len(flood.stdout) == 1000 and flood.stdout_bytes > 1000
        assert flood.truncated and "[output limit" in flood.text()
        memory = session.run("x = bytearray(2_000_000_000)")
        assert memory.status is CallStatus.MEMORY_LIMIT and memory.exception.type == "MemoryError" and memory.alive
        assert session.run("1").ok
        spent = session.run("1")
        assert spent.status is CallStatus.BUDGET_SPENT and spent.call == 0 and "budget is spent" in spent.text()


def test_the_session_cpu_budget_ends_it(pool):
    with pool.open_session(SessionLimits(timeout=5, cpu_seconds=1)) as session:
        result = session.run("while True:\n    pass")
        assert result.status is CallStatus.TIMEOUT and not result.alive and "CPU time" in result.ended


def test_text_is_short_and_to_dict_is_plain():
    long = CallResult(status=CallStatus.OK, stdout="x" * 10_000, stdout_bytes=10_000)
    assert len(long.text(max_chars=500)) < 600 and "characters trimmed" in long.text(max_chars=500)
    data = CallResult(status=CallStatus.ERROR, value="1").to_dict()
    assert data["status"] == "error" and data["value"] == "1" and data["exception"] is None


def test_sessions_do_not_share_state_and_a_dropped_session_is_reaped(pool):
    first = pool.open_session()
    first.run("secret = 'S3CRET'")
    second = pool.open_session()
    assert second.run("secret").exception.type == "NameError"
    second.close()
    reaped = pool.reaped
    del first
    gc.collect()
    for _ in range(50):
        if pool.reaped > reaped and pool.open_sessions == 0:
            break
        time.sleep(0.1)
    assert pool.reaped > reaped and pool.open_sessions == 0


def test_idle_sessions_are_reaped(pool):
    session = pool.open_session(SessionLimits(idle_timeout=0.2))
    for _ in range(50):
        if session.closed:
            break
        time.sleep(0.1)
    assert session.closed and session.run("1").status is CallStatus.CLOSED


def test_closing_the_pool_ends_open_sessions():
    pool = SessionPool(backend="local", warm=1, max_sessions=2).start()
    session = pool.open_session()
    pool.close()
    assert session.run("1").status is CallStatus.CLOSED and pool.container_names == []


def test_closing_the_pool_during_a_call_is_a_result_not_an_exception():
    import threading

    pool = SessionPool(backend="local", warm=1, max_sessions=1).start()
    session = pool.open_session(SessionLimits(timeout=10))
    results = []
    worker = threading.Thread(target=lambda: results.append(session.run("import time\ntime.sleep(5)")))
    worker.start()
    time.sleep(0.3)
    pool.close()
    worker.join(timeout=15)
    assert not worker.is_alive() and results[0].status in (CallStatus.CLOSED, CallStatus.SANDBOX_ERROR)
    assert not results[0].alive and session.run("1").status is CallStatus.CLOSED


def test_an_interpreter_that_closes_its_answer_pipe_ends_the_session(pool):
    with pool.open_session() as session:
        closed = session.run("import os\nos.close(4)")  # its answer cannot be sent: it exits
        assert closed.status is CallStatus.CRASHED and closed.ended.startswith("the interpreter exited")
        assert session.run("1").status is CallStatus.CLOSED
    with pool.open_session() as session:  # the pipe replaced by another file: it lives on, but cannot answer
        result = session.run("import os\nos.dup2(os.open(os.devnull, os.O_WRONLY), 4)")
        assert result.status is CallStatus.CRASHED and result.ended == "the interpreter closed its answer pipe"
        assert session.run("1").status is CallStatus.CLOSED
