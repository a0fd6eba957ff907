"""Hostile programs in the real Docker sandbox: each is contained with the right status, the pool keeps
serving, nothing leaks into the next program, and nothing is left behind afterwards."""

from __future__ import annotations

import os
import subprocess
import time

import pytest
from r1verify_sandbox import ExecStatus, Limits, Program, ProgramResult, SandboxPool

from .hostile import HOSTILE, Hostile

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def hostile_pool(sandbox_image):
    pool = SandboxPool(backend="docker", workers=3).start()
    yield pool
    pool.close()


@pytest.fixture(scope="module")
def outcomes(hostile_pool) -> dict[str, ProgramResult]:
    os.environ["R1VERIFY_TEST_SECRET"] = "hunter2"  # must not reach any program
    try:
        programs = [Program(h.source, h.language, inputs=[h.stdin], limits=h.limits) for h in HOSTILE]
        return {h.name: r for h, r in zip(HOSTILE, hostile_pool.run_many(programs))}
    finally:
        del os.environ["R1VERIFY_TEST_SECRET"]


def test_there_are_at_least_25_hostile_programs():
    assert len(HOSTILE) >= 25 and len({h.name for h in HOSTILE}) == len(HOSTILE)


@pytest.mark.parametrize("case", HOSTILE, ids=[h.name for h in HOSTILE])
def test_hostile_program_is_contained(case: Hostile, outcomes):
    result = outcomes[case.name]
    assert result.status is case.status, result
    step = result.runs[0] if result.runs else result.compile
    for text in case.must_print:
        assert text in step.stdout, step.stdout
    for text in case.must_not_print:
        assert text not in step.stdout, step.stdout
    if case.stderr_has:
        assert case.stderr_has in step.stderr, step.stderr
    if case.signal is not None:
        assert step.signal == case.signal
    assert len(step.stdout) <= case.limits.max_output


def test_output_limit_keeps_only_the_cap(outcomes):
    run = outcomes["1 GB of output"].runs[0]
    assert run.stdout_bytes > len(run.stdout) == 1 << 20


def test_compile_forever_is_stopped_at_the_compile_deadline(outcomes):
    compiled = outcomes["C++ compiles forever (template recursion)"].compile
    assert compiled.status in (ExecStatus.TIMEOUT, ExecStatus.MEMORY_LIMIT) and compiled.duration < 10


def test_the_pool_still_serves_and_lost_no_container(hostile_pool, outcomes):
    results = hostile_pool.run_many([Program(f"print({i} * 2)") for i in range(6)])
    assert [r.runs[0].stdout for r in results] == [f"{i * 2}\n" for i in range(6)]
    assert hostile_pool.replaced == 0


def test_a_fork_bomb_does_not_starve_other_containers(hostile_pool):
    bomb = hostile_pool.submit(
        Program(next(h for h in HOSTILE if h.name == "fork bomb").source, limits=Limits(timeout=3.0))
    )
    time.sleep(0.5)  # the bomb is at its container's limits now
    spawner = (
        "import subprocess, threading\nthreads = [threading.Thread(target=print) for _ in range(20)]\n"
        "[t.start() for t in threads]\n[t.join() for t in threads]\n"
        "print(sum(subprocess.run(['true']).returncode == 0 for _ in range(10)))\n"
    )
    results = hostile_pool.run_many([Program(spawner)] * 2)
    assert [r.runs[0].stdout.splitlines()[-1] for r in results] == ["10", "10"]
    assert bomb.result().status is ExecStatus.TIMEOUT


def test_nothing_leaks_into_the_next_program(sandbox_image):
    leave = (
        "import os, time\n"
        "open('/tmp/leak', 'w').write('answer=42')\nopen('/dev/shm/leak', 'w').write('x')\n"
        "if os.fork() == 0:\n    os.setsid()\n    time.sleep(1000)\n"
        "print('left things behind')\n"
    )
    look = (
        "import os\n"
        "others = [p for p in os.listdir('/proc') if p.isdigit() and int(p) not in (1, os.getpid())]\n"
        "print(sorted(os.listdir('/tmp')), os.listdir('/dev/shm'), others)\n"
    )
    with SandboxPool(backend="docker", workers=1) as pool:
        assert pool.execute(leave).stdout == "left things behind\n"
        assert pool.execute(look).stdout == "['r1v'] [] []\n"


def _host_processes_mentioning(text: str) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                if text.encode() in fh.read():
                    found.append(int(pid))
        except OSError:
            continue
    return found


def test_after_the_suite_no_container_or_process_is_left(hostile_pool, outcomes):
    pool_id = hostile_pool.backend.pool_id
    assert _host_processes_mentioning(pool_id)  # the warm containers' `docker run` clients, while open
    hostile_pool.close()
    listed = subprocess.run(
        ["docker", "ps", "-a", "--filter", f"label=r1verify.pool={pool_id}", "--format", "{{.Names}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert listed.strip() == ""
    assert _host_processes_mentioning(pool_id) == []
